/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket filters: compile, match in user space, kernel passes. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter_priv.h"
#include "twtop/filter.h"
#include "twtop/tcpstate.h"
#include "twtop/xalloc.h"

/* Bytecode longer than this goes to user space instead (diag_dump takes
 * up to half its 32 KiB buffer). */
#define FILTER_BC_MAX 8192

struct filter {
	char expr[FILTER_EXPR_MAX + 1];
	struct ftree tree;
	uint32_t mask;
	bool needs_match;
	size_t npasses;
	struct filter_pass passes[FILTER_PASSES_MAX];
	uint8_t *bc[FILTER_PASSES_MAX];
};

/* Compares the first plen bits of a and b (the kernel's
 * bitstring_match). */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* inet_diag_bc_run's S_COND/D_COND on a socket of the given dump family. */
static bool host_match(const struct fnode *n, const struct diag_sock *s,
		       int family)
{
	const struct tw_addr *a = n->remote ? &s->remote : &s->local;
	uint8_t raw[16];

	if (n->port >= 0 && n->port != (n->remote ? s->rport : s->lport))
		return false;
	if (n->family == AF_UNSPEC)
		return true;
	/* The address as the kernel holds it: diag folded mapped ones. */
	memset(raw, 0, sizeof(raw));
	if (family == AF_INET6 && a->family == AF_INET) {
		raw[10] = raw[11] = 0xff;
		memcpy(raw + 12, a->bytes, 4);
	} else {
		memcpy(raw, a->bytes, 16);
	}
	if (n->family != family) {
		/* An IPv4 prefix also matches IPv4-mapped IPv6 sockets. */
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

		return family == AF_INET6 && n->family == AF_INET &&
		       memcmp(raw, mapped, sizeof(mapped)) == 0 &&
		       prefix_eq(raw + 12, n->addr, n->plen);
	}
	return prefix_eq(raw, n->addr, n->plen);
}

/* Evaluates node i for s (recursion is bounded by FILTER_EXPR_MAX). */
static bool eval(const struct ftree *t, int i, const struct diag_sock *s,
		 int family)
{
	const struct fnode *n = &t->n[i];
	uint16_t port;

	switch (n->kind) {
	case FN_TRUE:
		return true;
	case FN_AND:
		return eval(t, n->l, s, family) && eval(t, n->r, s, family);
	case FN_OR:
		return eval(t, n->l, s, family) || eval(t, n->r, s, family);
	case FN_NOT:
		return !eval(t, n->l, s, family);
	case FN_HOST:
		return host_match(n, s, family);
	case FN_PORT_GE:
	case FN_PORT_LE:
		port = n->remote ? s->rport : s->lport;
		return n->kind == FN_PORT_GE ? port >= n->port :
		       port <= n->port;
	case FN_STATE:
		return s->state < 32 && (n->states >> s->state) & 1;
	default:
		return false;
	}
}

bool filter_match_family(const struct filter *f, const struct diag_sock *s,
			 int family)
{
	return eval(&f->tree, f->tree.root, s, family);
}

bool filter_match(const struct filter *f, const struct diag_sock *s)
{
	int family = s->local.family == AF_INET6 ||
		     s->remote.family == AF_INET6 ? AF_INET6 : AF_INET;

	return filter_match_family(f, s, family);
}

/* Adds state st with program bc to the pass that has the same program,
 * or a new one, taking over bc. false (bc untouched) when there is no
 * room. */
static bool pass_add(struct filter *f, unsigned int st, uint8_t *bc,
		     size_t len)
{
	for (size_t i = 0; i < f->npasses; i++) {
		struct filter_pass *p = &f->passes[i];

		if (p->bclen == len && (len == 0 ||
					memcmp(p->bytecode, bc, len) == 0)) {
			p->states |= 1u << st;
			free(bc);
			return true;
		}
	}
	if (f->npasses == FILTER_PASSES_MAX)
		return false;
	f->bc[f->npasses] = bc;
	f->passes[f->npasses].states = 1u << st;
	f->passes[f->npasses].bytecode = bc;
	f->passes[f->npasses].bclen = len;
	f->npasses++;
	return true;
}

static void passes_clear(struct filter *f)
{
	for (size_t i = 0; i < f->npasses; i++)
		free(f->bc[i]);
	memset(f->passes, 0, sizeof(f->passes));
	memset(f->bc, 0, sizeof(f->bc));
	f->npasses = 0;
}

/* Splits the states by what the filter asks of their sockets and emits
 * one program per class; falls back to user space when that is too
 * many passes or too much bytecode. */
static void plan_passes(struct filter *f)
{
	uint8_t *cv = xmalloc((size_t)f->tree.count);
	bool fits = true;

	for (unsigned int st = 1; st < TS_MAX; st++) {
		enum fconst v;
		uint8_t *bc = NULL;
		size_t len = 0;

		/* the kernel adds NEW_SYN_RECV to a SYN_RECV request, and
		 * every state term holds both or neither */
		if (st == TS_NEW_SYN_RECV)
			continue;
		v = filter_fold(&f->tree, st, cv);
		if (v == FC_FALSE)
			continue;
		f->mask |= 1u << st;
		if (v == FC_DYN && (filter_bc_emit(&f->tree, cv, &bc, &len) < 0 ||
				    len > FILTER_BC_MAX))
			fits = false;
		if (fits && pass_add(f, st, bc, len))
			continue;
		fits = false;
		free(bc);
	}
	free(cv);
	if (f->mask & (1u << TS_SYN_RECV))
		f->mask |= 1u << TS_NEW_SYN_RECV;
	for (size_t i = 0; fits && i < f->npasses; i++)
		if (f->passes[i].states & (1u << TS_SYN_RECV))
			f->passes[i].states |= 1u << TS_NEW_SYN_RECV;
	if (!fits) {
		passes_clear(f);
		f->needs_match = true;
		f->npasses = 1;
		f->passes[0].states = f->mask;
	}
}

struct filter *filter_compile(const char *expr, char *err, size_t errlen)
{
	struct filter *f = xcalloc(1, sizeof(*f));

	if (filter_parse_tree(expr, &f->tree, err, errlen) < 0) {
		free(f);
		return NULL;
	}
	memcpy(f->expr, expr, strlen(expr) + 1);
	plan_passes(f);
	return f;
}

struct filter *filter_dup(const struct filter *f)
{
	char err[160];
	struct filter *c = filter_compile(f->expr, err, sizeof(err));

	if (c == NULL)		/* it compiled before: a bug */
		abort();
	return c;
}

void filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	passes_clear(f);
	free(f->tree.n);
	free(f);
}

const char *filter_expr(const struct filter *f)
{
	return f->expr;
}

uint32_t filter_state_mask(const struct filter *f)
{
	return f->mask;
}

size_t filter_npasses(const struct filter *f)
{
	return f->npasses;
}

const struct filter_pass *filter_pass(const struct filter *f, size_t i)
{
	return i < f->npasses ? &f->passes[i] : NULL;
}

bool filter_needs_match(const struct filter *f)
{
	return f->needs_match;
}
