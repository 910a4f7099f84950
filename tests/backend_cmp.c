/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backend_cmp: dumps the TCP sockets of the current network namespace
 * with twtop's backends and compares them socket by socket (a test tool
 * for tests/backend_ns.sh, not installed).
 *
 *   backend_cmp list netlink|legacy|bpf [MASK]
 *       one canonical line per socket, sorted:
 *       family local lport remote rport state timer uid inode ifindex
 *       bound_by_bind expires
 *   backend_cmp compare [MASK]
 *       netlink (one SOCK_DIAG_BY_FAMILY walk per family), then the BPF
 *       backend, then netlink again, then the one-walk legacy dump, then
 *       netlink once more. Each middle dump must hold the same sockets as
 *       the dumps around it with the same fields, and each timer between
 *       theirs (timers only count down). Prints "ok N" or the differences.
 *
 * Exit status: 0 same, 1 different, 2 usage or dump error, 77 when the
 * BPF backend cannot load (with the reason on stderr).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/backend_bpf.h"
#include "twtop/diag.h"
#include "twtop/diag_legacy.h"
#include "twtop/tcpstate.h"

#define ALL_STATES (((1u << TS_MAX) - 1) & ~1u)

struct list {
	struct diag_sock *v;
	size_t n, cap;
};

static void collect(const struct diag_sock *s, void *arg)
{
	struct list *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL) {
			perror("backend_cmp");
			exit(2);
		}
	}
	l->v[l->n++] = *s;
}

/* Orders by the socket's identity (addresses, ports, state). */
static int by_key(const void *a, const void *b)
{
	const struct diag_sock *x = a, *y = b;
	int c;

	if (x->local.family != y->local.family)
		return x->local.family - y->local.family;
	if ((c = memcmp(x->local.bytes, y->local.bytes, 16)) != 0)
		return c;
	if (x->lport != y->lport)
		return x->lport - y->lport;
	if (x->remote.family != y->remote.family)
		return x->remote.family - y->remote.family;
	if ((c = memcmp(x->remote.bytes, y->remote.bytes, 16)) != 0)
		return c;
	if (x->rport != y->rport)
		return x->rport - y->rport;
	return x->state - y->state;
}

static const char *fam(int f)
{
	return f == AF_INET ? "ipv4" : f == AF_INET6 ? "ipv6" : "?";
}

static void print_sock(FILE *out, const char *tag, const struct diag_sock *s)
{
	char l[ADDR_STRLEN], r[ADDR_STRLEN];

	fprintf(out, "%s%s %s %u %s %u %s timer=%u uid=%u inode=%u if=%u "
		"bind=%u expires=%u\n", tag, fam(s->local.family),
		addr_format(&s->local, l, sizeof(l)), s->lport,
		addr_format(&s->remote, r, sizeof(r)), s->rport,
		tcpstate_name(s->state == TS_CLOSE ? TS_BOUND_INACTIVE :
			      s->state), s->timer, s->uid, s->inode,
		s->ifindex, s->bound_by_bind, s->expires);
}

struct backends {
	struct diag *nl;
	struct diag *legacy;
	struct backend_bpf *bpf;
};

/* One dump with the named backend into l, sorted. 0, or -1. */
static int dump(struct backends *b, const char *name, uint32_t mask,
		struct list *l)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct diag_result r;
	int rc = 0;

	l->n = 0;
	if (strcmp(name, "netlink") == 0) {
		for (size_t i = 0; i < 2 && rc == 0; i++)
			rc = diag_dump(b->nl, fams[i], mask, NULL, 0, collect,
				       l, &r);
	} else if (strcmp(name, "legacy") == 0) {
		rc = diag_dump_all(b->legacy, mask, NULL, 0, collect, l,
				      &r);
	} else {
		rc = backend_bpf_dump(b->bpf, mask, collect, l, &r);
	}
	if (rc != 0) {
		fprintf(stderr, "backend_cmp: %s dump: %s\n", name,
			rc > 0 ? "interrupted" : strerror(r.error));
		return -1;
	}
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), by_key);
	return 0;
}

/* Whether mid, dumped between before and after, says the same. */
static int same(const struct diag_sock *before, const struct diag_sock *mid,
		const struct diag_sock *after)
{
	return mid->timer == before->timer && mid->timer == after->timer &&
	       mid->uid == before->uid && mid->uid == after->uid &&
	       mid->inode == before->inode && mid->inode == after->inode &&
	       mid->ifindex == before->ifindex &&
	       mid->ifindex == after->ifindex &&
	       mid->expires <= before->expires &&
	       mid->expires >= after->expires;
}

/* Compares the middle dump with those around it; the number of
 * differences, each printed. */
static unsigned int compare3(const char *name, const struct list *a,
			     const struct list *m, const struct list *c)
{
	unsigned int bad = 0;

	if (a->n != m->n || m->n != c->n) {
		printf("%s: %zu sockets, netlink %zu before and %zu after\n",
		       name, m->n, a->n, c->n);
		bad++;
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct diag_sock *x = bsearch(&m->v[i], a->v, a->n,
						    sizeof(*a->v), by_key);
		const struct diag_sock *y = bsearch(&m->v[i], c->v, c->n,
						    sizeof(*c->v), by_key);

		if (x != NULL && y != NULL && same(x, &m->v[i], y))
			continue;
		if (++bad > 20)
			continue;
		print_sock(stdout, name, &m->v[i]);
		if (x != NULL)
			print_sock(stdout, "  netlink before: ", x);
		if (y != NULL)
			print_sock(stdout, "  netlink after: ", y);
	}
	return bad;
}

static int open_all(struct backends *b, int want_bpf)
{
	char err[512];

	b->nl = diag_open();
	b->legacy = diag_open();
	if (b->nl == NULL || b->legacy == NULL) {
		perror("backend_cmp: NETLINK_SOCK_DIAG");
		return 2;
	}
	if (want_bpf && (b->bpf = backend_bpf_open(err, sizeof(err))) == NULL) {
		fprintf(stderr, "backend_cmp: %s\n", err);
		return 77;
	}
	return 0;
}

static int cmd_compare(struct backends *b, uint32_t mask)
{
	struct list l[5] = { { 0 } };
	static const char *const order[5] = {
		"netlink", "bpf", "netlink", "legacy", "netlink"
	};
	unsigned int bad;

	for (size_t i = 0; i < 5; i++)
		if (dump(b, order[i], mask, &l[i]) < 0)
			return 2;
	bad = compare3("bpf: ", &l[0], &l[1], &l[2]) +
	      compare3("legacy: ", &l[2], &l[3], &l[4]);
	printf("legacy_one_walk %d\n", diag_one_walk(b->legacy));
	if (bad == 0)
		printf("ok %zu\n", l[1].n);
	for (size_t i = 0; i < 5; i++)
		free(l[i].v);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct backends b = { 0 };
	uint32_t mask = ALL_STATES;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "compare") == 0 && argc <= 3) {
		if (argc == 3)
			mask = (uint32_t)strtoul(argv[2], NULL, 0);
		rc = open_all(&b, 1);
		if (rc == 0)
			rc = cmd_compare(&b, mask);
	} else if (argc >= 3 && strcmp(argv[1], "list") == 0 && argc <= 4 &&
		   (strcmp(argv[2], "netlink") == 0 ||
		    strcmp(argv[2], "legacy") == 0 ||
		    strcmp(argv[2], "bpf") == 0)) {
		struct list l = { 0 };

		if (argc == 4)
			mask = (uint32_t)strtoul(argv[3], NULL, 0);
		rc = open_all(&b, strcmp(argv[2], "bpf") == 0);
		if (rc == 0 && dump(&b, argv[2], mask, &l) < 0)
			rc = 2;
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			print_sock(stdout, "", &l.v[i]);
		free(l.v);
	} else {
		fputs("usage: backend_cmp compare [MASK]\n"
		      "       backend_cmp list netlink|legacy|bpf [MASK]\n",
		      stderr);
		return 2;
	}
	backend_bpf_close(b.bpf);
	diag_close(b.legacy);
	diag_close(b.nl);
	return rc;
}
