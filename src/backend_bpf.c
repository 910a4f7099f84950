/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BPF backend: TCP sockets from BPF iterators (libbpf skeleton). */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "twtop/backend_bpf.h"
#include "twtop/bpf_probe.h"
#include "twtop/bpf_rec.h"
#include "twtop/tcpstate.h"
#include "twtop/xalloc.h"
#include "twtop.skel.h"

/* Records per read(): the seq_file behind an iterator fills 8 pages at
 * most per read, so this takes a whole buffer each time. */
#define BPF_BUF_RECS 1170

const int backend_bpf_built = 1;

struct backend_bpf {
	struct twtop_bpf *skel;
	struct bpf_link *tcp;		/* iter/tcp */
	struct bpf_link *bound;		/* iter/task_file */
	struct twtop_bpf_rec buf[BPF_BUF_RECS];
};

/* libbpf's warnings while this thread opens the backend: the reason of a
 * failure, shown to the user instead of being printed over the UI. */
static __thread char *capture;
static __thread size_t capture_len;
static __thread unsigned int capture_lines;

/* Appends "; " and text to the capture. */
static void capture_add(const char *text, size_t len)
{
	size_t used = strlen(capture);

	snprintf(capture + used, capture_len - used, "%s%.*s",
		 capture_lines++ ? "; " : "", (int)len, text);
}

/* The verifier's complaint in a program load log: the last line before
 * its "processed N insns" summary. */
static void capture_verifier(const char *log)
{
	const char *end = strstr(log, "\nprocessed "), *line;
	char text[200];

	if (end == NULL)
		return;
	for (line = end; line > log && line[-1] != '\n'; line--)
		;
	snprintf(text, sizeof(text), "verifier: %.*s", (int)(end - line),
		 line);
	capture_add(text, strlen(text));
}

/* libbpf print callback: keeps the first warnings of an open and the
 * verifier's complaint (the cause of a failure) and drops the rest, which
 * libbpf would write to stderr over the UI. */
__attribute__((format(printf, 2, 0)))
static int backend_bpf_print(enum libbpf_print_level level, const char *fmt,
			     va_list ap)
{
	char *msg = NULL, *p;

	if (level == LIBBPF_DEBUG || capture == NULL ||
	    vasprintf(&msg, fmt, ap) < 0)
		return 0;
	p = strncmp(msg, "libbpf: ", 8) == 0 ? msg + 8 : msg;
	if (strstr(p, "-- BEGIN PROG LOAD LOG --") != NULL)
		capture_verifier(p);
	else if (capture_lines < 3 && *p != '\0' && *p != '\n')
		capture_add(p, strcspn(p, "\n"));
	free(msg);
	return 0;
}

/* Checks what loading needs before trying; 0, or -1 with the reason. */
static int backend_bpf_probe(char *err, size_t errlen)
{
	char why[160];

	if (bpf_probe(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "BPF backend needs %s", why);
		return -1;
	}
	return 0;
}

/* Opens, loads and attaches the skeleton; 0, or -1 with the reason. */
static int backend_bpf_load(struct backend_bpf *b, char *err, size_t errlen)
{
	char why[384] = "";
	int rc = 0;

	capture = why;
	capture_len = sizeof(why);
	capture_lines = 0;
	b->skel = twtop_bpf__open();
	if (b->skel == NULL) {
		rc = -errno;
		snprintf(err, errlen, "BPF backend: cannot open the programs: "
			 "%s%s%s", strerror(-rc), why[0] ? ": " : "", why);
	} else if ((rc = twtop_bpf__load(b->skel)) < 0) {
		snprintf(err, errlen, "BPF backend: cannot load the programs: "
			 "%s%s%s", strerror(-rc), why[0] ? ": " : "", why);
	} else {
		b->tcp = bpf_program__attach_iter(b->skel->progs.twtop_tcp,
						  NULL);
		b->bound = b->tcp == NULL ? NULL :
			   bpf_program__attach_iter(b->skel->progs.twtop_bound,
						    NULL);
		if (b->bound == NULL) {
			rc = -errno;
			snprintf(err, errlen, "BPF backend: cannot attach the "
				 "iterators: %s%s%s", strerror(errno),
				 why[0] ? ": " : "", why);
		}
	}
	capture = NULL;
	capture_len = 0;
	return rc < 0 ? -1 : 0;
}

struct backend_bpf *backend_bpf_open(char *err, size_t errlen)
{
	static int print_set;
	struct backend_bpf *b;

	if (backend_bpf_probe(err, errlen) < 0)
		return NULL;
	b = xcalloc(1, sizeof(*b));
	if (!__atomic_exchange_n(&print_set, 1, __ATOMIC_SEQ_CST))
		libbpf_set_print(backend_bpf_print);
	if (backend_bpf_load(b, err, errlen) < 0) {
		backend_bpf_close(b);
		return NULL;
	}
	return b;
}

void backend_bpf_close(struct backend_bpf *b)
{
	if (b == NULL)
		return;
	bpf_link__destroy(b->bound);
	bpf_link__destroy(b->tcp);
	twtop_bpf__destroy(b->skel);
	free(b);
}

/* A record as diag_decode would have made it from an inet_diag_msg. */
static int rec_decode(const struct twtop_bpf_rec *r, struct diag_sock *s)
{
	size_t alen = r->family == AF_INET ? 4 : 16;

	if (r->family != AF_INET && r->family != AF_INET6)
		return -1;
	memset(s, 0, sizeof(*s));
	s->local.family = r->family;
	s->remote.family = r->family;
	memcpy(s->local.bytes, r->local, alen);
	memcpy(s->remote.bytes, r->remote, alen);
	addr_fold_mapped(&s->local);
	addr_fold_mapped(&s->remote);
	s->lport = r->lport;
	s->rport = r->rport;
	s->state = r->state;
	s->timer = r->timer;
	s->expires = r->expires;
	s->uid = r->uid;
	s->inode = r->inode;
	s->ifindex = r->ifindex;
	s->bound_by_bind = r->bound_by_bind;
	return 0;
}

typedef int (*rec_fn)(const struct twtop_bpf_rec *r, void *arg);

/* Creates an iterator of link (in the calling thread's namespace) and
 * hands each whole record to fn. 0, or -1 with errno. */
static int iter_read(struct backend_bpf *b, struct bpf_link *link,
		     rec_fn fn, void *arg)
{
	const size_t rsz = sizeof(struct twtop_bpf_rec);
	char *buf = (char *)b->buf;
	size_t have = 0;
	int fd = bpf_iter_create(bpf_link__fd(link)), e = 0;

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(b->buf) - have);
		size_t whole, i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : 0;
			break;
		}
		have += (size_t)n;
		whole = have - have % rsz;
		for (i = 0; i < whole && e == 0; i += rsz) {
			struct twtop_bpf_rec r;

			memcpy(&r, buf + i, rsz);
			if (fn(&r, arg) < 0)
				e = errno ? errno : ENOMEM;
		}
		if (e != 0)
			break;
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	close(fd);
	if (e == 0 && have != 0)
		e = EPROTO;	/* a torn record: the layouts disagree */
	errno = e;
	return e ? -1 : 0;
}

struct emit_ctx {
	diag_cb cb;
	void *arg;
	unsigned int count;
};

static int emit_rec(const struct twtop_bpf_rec *r, void *arg)
{
	struct emit_ctx *c = arg;
	struct diag_sock s;

	if (rec_decode(r, &s) == 0) {
		c->count++;
		c->cb(&s, c->arg);
	}
	return 0;
}

struct bound_set {
	struct twtop_bpf_rec *v;
	size_t n, cap;
};

static int bound_add(const struct twtop_bpf_rec *r, void *arg)
{
	struct bound_set *bs = arg;

	if (bs->n == bs->cap) {
		bs->cap = bs->cap ? bs->cap * 2 : 64;
		bs->v = xreallocarray(bs->v, bs->cap, sizeof(*bs->v));
	}
	bs->v[bs->n++] = *r;
	return 0;
}

static int by_inode(const void *a, const void *b)
{
	const struct twtop_bpf_rec *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

/* Bound-inactive sockets, one per inode (a descriptor shared by several
 * processes or dup()ed is seen once per descriptor). */
static int dump_bound(struct backend_bpf *b, struct emit_ctx *c)
{
	struct bound_set bs = { 0 };
	int rc = iter_read(b, b->bound, bound_add, &bs), e = errno;

	if (rc == 0 && bs.n > 0) {
		qsort(bs.v, bs.n, sizeof(*bs.v), by_inode);
		for (size_t i = 0; i < bs.n; i++)
			if (i == 0 || bs.v[i].inode == 0 ||
			    bs.v[i].inode != bs.v[i - 1].inode)
				emit_rec(&bs.v[i], c);
	}
	free(bs.v);
	errno = e;
	return rc;
}

int backend_bpf_dump(struct backend_bpf *b, uint32_t states, diag_cb cb,
		     void *arg, struct diag_result *res)
{
	const uint32_t bound = 1u << TS_BOUND_INACTIVE;
	struct emit_ctx c = { cb, arg, 0 };
	int rc = 0;

	memset(res, 0, sizeof(*res));
	if ((states & bound) != 0)
		rc = dump_bound(b, &c);
	if (rc == 0 && (states & ~bound) != 0) {
		b->skel->bss->states_mask = states & ~bound;
		rc = iter_read(b, b->tcp, emit_rec, &c);
	}
	res->count = c.count;
	if (rc < 0)
		res->error = errno ? errno : EIO;
	return rc < 0 ? -1 : 0;
}
