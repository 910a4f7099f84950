/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the sampler over a fake sock_diag transport that answers
 * each dump request with crafted netlink messages: whole dumps,
 * interrupted ones (NLM_F_DUMP_INTR), ENOBUFS, NLMSG_ERROR, truncated and
 * garbled replies, failed recv/send/open, and a dump that fails every
 * time. /proc comes from the k618 fixture.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "twtop/diag.h"
#include "twtop/filter.h"
#include "twtop/sampler.h"
#include "twtop/tcpstate.h"

#define FIXTURE TWTOP_SRCDIR "/tests/fixtures/k618"
#define PER_CHUNK 16		/* messages per recv() */
#define MAX_REQ 64
#define MAX_SOCKS 256

/* One socket of the fake host. */
struct fsock {
	int family;
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t state;
	bool gone;		/* closed since: not dumped */
};

enum fault {
	F_NONE,
	F_INTR,		/* NLM_F_DUMP_INTR from chunk `after` on */
	F_ENOBUFS,	/* recv fails with ENOBUFS after `after` chunks */
	F_RECVERR,	/* recv fails with err after `after` chunks */
	F_EOF,		/* recv returns 0 after `after` chunks */
	F_EINTR,	/* recv fails with EINTR once, first */
	F_NLERR,	/* NLMSG_ERROR -err after `after` chunks, no DONE */
	F_ACK,		/* an NLMSG_ERROR ack (0) first: harmless */
	F_TRUNC,	/* a chunk with its last message cut short */
	F_GARBAGE,	/* a chunk of garbage bytes */
	F_SENDERR,	/* send fails with err */
};

struct fault_spec {
	enum fault kind;
	unsigned int after;	/* whole chunks before the fault */
	int err;
};

/* What one recv() returns: bytes, or -1 with err, or 0 (eof). */
struct chunk {
	struct chunk *next;
	int err;
	bool eof;
	size_t len;
	unsigned char b[PER_CHUNK * NLMSG_SPACE(sizeof(struct inet_diag_msg))];
};

struct fake;

struct conn {
	struct fake *f;
	struct chunk *head, **tail;
	uint32_t portid;
};

struct fake {
	struct fsock socks[MAX_SOCKS];
	unsigned int n;
	struct fault_spec fault[MAX_REQ + 1];	/* by request, from 1 */
	struct fault_spec always;	/* every request, when set */
	int open_err;			/* open fails with it */
	const char *focus_dst;		/* what a bytecode request selects */
	bool one_walk;			/* answers TCPDIAG_GETSOCK; else
					 * refuses it (EINVAL), as a kernel
					 * without the compat handler */
	unsigned int legacy;		/* TCPDIAG_GETSOCK requests seen */
	unsigned int opens, closes, requests, overreads;
	int live;			/* connections open */
};

/* A chunk appended to c's queue. */
static struct chunk *push_chunk(struct conn *c)
{
	struct chunk *k = calloc(1, sizeof(*k));

	assert_non_null(k);
	*c->tail = k;
	c->tail = &k->next;
	return k;
}

static struct nlmsghdr *put_msg(struct chunk *k, uint16_t type,
				uint16_t flags, size_t payload, uint32_t seq,
				uint32_t portid)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(k->b + k->len);

	assert_true(k->len + NLMSG_SPACE(payload) <= sizeof(k->b));
	memset(h, 0, NLMSG_SPACE(payload));
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = portid;
	k->len += NLMSG_SPACE(payload);
	return h;
}

static void put_sock(struct chunk *k, const struct fsock *s, uint16_t flags,
		     uint32_t seq, uint32_t portid)
{
	struct inet_diag_msg *d = NLMSG_DATA(put_msg(k, SOCK_DIAG_BY_FAMILY,
						     NLM_F_MULTI | flags,
						     sizeof(*d), seq, portid));

	d->idiag_family = (uint8_t)s->family;
	d->idiag_state = s->state;
	d->idiag_timer = s->state == TS_TIME_WAIT ? 3 : 0;
	d->idiag_expires = s->state == TS_TIME_WAIT ? 30000 : 0;
	d->id.idiag_sport = htons(s->sport);
	d->id.idiag_dport = htons(s->dport);
	assert_int_equal(inet_pton(s->family, s->src, d->id.idiag_src), 1);
	assert_int_equal(inet_pton(s->family, s->dst, d->id.idiag_dst), 1);
}

static void put_nlerr(struct chunk *k, int err, uint32_t seq, uint32_t pid)
{
	struct nlmsgerr *e = NLMSG_DATA(put_msg(k, NLMSG_ERROR, 0, sizeof(*e),
						seq, pid));

	e->error = -err;
}

static int fake_open(void *ctx, void **conn, uint32_t *portid)
{
	struct fake *f = ctx;
	struct conn *c;

	if (f->open_err) {
		errno = f->open_err;
		return -1;
	}
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->f = f;
	c->tail = &c->head;
	c->portid = 1000 + ++f->opens;
	f->live++;
	*conn = c;
	*portid = c->portid;
	return 0;
}

static void fake_close(void *ctx, void *conn)
{
	struct fake *f = ctx;
	struct conn *c = conn;

	while (c->head) {
		struct chunk *k = c->head;

		c->head = k->next;
		free(k);
	}
	free(c);
	f->closes++;
	f->live--;
}

/* Whether the request selects s: family, state mask, and for a bytecode
 * (drill-down) request the focus destination. */
static bool selects(const struct fake *f, const struct fsock *s,
		    const struct inet_diag_req_v2 *req, bool bytecode)
{
	return !s->gone &&
	       (req->sdiag_family == AF_UNSPEC ||
		s->family == req->sdiag_family) &&
	       ((1u << s->state) & req->idiag_states) &&
	       (!bytecode || (f->focus_dst && !strcmp(s->dst, f->focus_dst)));
}

/* Queues the fault fs at its place in a reply; true when the reply ends
 * there (an NLMSG_ERROR takes the place of the rest). */
static bool inject(struct fake *f, struct conn *c, const struct fault_spec *fs,
		   uint32_t seq, uint32_t pid)
{
	struct chunk *k;

	switch (fs->kind) {
	case F_ENOBUFS:
		push_chunk(c)->err = ENOBUFS;
		return false;
	case F_RECVERR:
		push_chunk(c)->err = fs->err;
		return false;
	case F_EOF:
		push_chunk(c)->eof = true;
		return false;
	case F_NLERR:
		put_nlerr(push_chunk(c), fs->err, seq, pid);
		return true;
	case F_TRUNC:		/* one message, 10 bytes short */
		k = push_chunk(c);
		put_sock(k, &f->socks[0], 0, seq, pid);
		k->len -= 10;
		return false;
	case F_GARBAGE:
		k = push_chunk(c);
		memset(k->b, 0xa5, 64);
		k->len = 64;
		return false;
	default:
		return false;
	}
}

/*
 * Queues the reply to one dump request: the selected sockets PER_CHUNK to
 * a recv(), then NLMSG_DONE, with this request's fault placed after
 * fs->after chunks. What follows a fault stays queued, as on a socket.
 */
static void reply(struct fake *f, struct conn *c, const struct nlmsghdr *nlh,
		  const struct fault_spec *fs)
{
	const struct inet_diag_req_v2 *req = NLMSG_DATA(nlh);
	bool bc = nlh->nlmsg_len > NLMSG_LENGTH(sizeof(*req));
	bool intr = fs->kind == F_INTR;
	uint32_t seq = nlh->nlmsg_seq, pid = c->portid;
	unsigned int chunks = 0, in_chunk = 0;
	struct chunk *k = NULL;

	if (fs->kind == F_EINTR)
		push_chunk(c)->err = EINTR;
	if (fs->kind == F_ACK)
		put_nlerr(push_chunk(c), 0, seq, pid);
	if (fs->after == 0 && inject(f, c, fs, seq, pid))
		return;
	for (unsigned int i = 0; i < f->n; i++) {
		if (!selects(f, &f->socks[i], req, bc))
			continue;
		if (k == NULL || in_chunk == PER_CHUNK) {
			if (k != NULL && ++chunks == fs->after &&
			    inject(f, c, fs, seq, pid))
				return;
			k = push_chunk(c);
			in_chunk = 0;
		}
		put_sock(k, &f->socks[i], intr && chunks >= fs->after ?
			 NLM_F_DUMP_INTR : 0, seq, pid);
		in_chunk++;
	}
	if (k != NULL && ++chunks == fs->after && inject(f, c, fs, seq, pid))
		return;
	*(int *)NLMSG_DATA(put_msg(push_chunk(c), NLMSG_DONE, NLM_F_MULTI |
				   (intr ? NLM_F_DUMP_INTR : 0), sizeof(int),
				   seq, pid)) = 0;
}

/* A TCPDIAG_GETSOCK request (struct inet_diag_req): refused, or one
 * walk of both families answered as the v2 request it stands for. */
static ssize_t fake_legacy(struct fake *f, struct conn *c, const void *buf,
			   size_t len)
{
	const struct nlmsghdr *nlh = buf;
	const struct inet_diag_req *old = NLMSG_DATA(nlh);
	static const struct fault_spec none = { F_NONE, 0, 0 };
	union {
		struct nlmsghdr h;
		char b[NLMSG_SPACE(sizeof(struct inet_diag_req_v2)) + 512];
	} v2;
	struct inet_diag_req_v2 *req = NLMSG_DATA(&v2.h);
	size_t extra = len - NLMSG_LENGTH(sizeof(*old));

	assert_true(len >= NLMSG_LENGTH(sizeof(*old)));
	assert_true(extra <= 512);
	f->legacy++;
	if (!f->one_walk) {
		put_nlerr(push_chunk(c), EINVAL, nlh->nlmsg_seq, c->portid);
		return (ssize_t)len;
	}
	f->requests++;
	memset(&v2, 0, sizeof(v2));
	v2.h = *nlh;
	v2.h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(*req)) + extra);
	req->sdiag_family = AF_UNSPEC;
	req->idiag_states = old->idiag_states;
	memcpy((char *)req + NLMSG_ALIGN(sizeof(*req)),
	       (const char *)old + NLMSG_ALIGN(sizeof(*old)), extra);
	reply(f, c, &v2.h, f->requests <= MAX_REQ ?
	      &f->fault[f->requests] : &none);
	return (ssize_t)len;
}

static ssize_t fake_send(void *ctx, void *conn, const void *buf, size_t len)
{
	struct fake *f = ctx;
	const struct nlmsghdr *nlh = buf;
	const struct fault_spec *fs;
	static const struct fault_spec none = { F_NONE, 0, 0 };

	assert_int_equal(nlh->nlmsg_len, len);
	if (nlh->nlmsg_type == TCPDIAG_GETSOCK)
		return fake_legacy(f, conn, buf, len);
	assert_true(len >= NLMSG_LENGTH(sizeof(struct inet_diag_req_v2)));
	assert_int_equal(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	f->requests++;
	fs = f->always.kind != F_NONE ? &f->always :
	     f->requests <= MAX_REQ ? &f->fault[f->requests] : &none;
	if (fs->kind == F_SENDERR) {
		errno = fs->err;
		return -1;
	}
	reply(f, conn, nlh, fs);
	return (ssize_t)len;
}

static ssize_t fake_recv(void *ctx, void *conn, void *buf, size_t len)
{
	struct fake *f = ctx;
	struct conn *c = conn;
	struct chunk *k = c->head;
	ssize_t n;

	if (k == NULL) {	/* a real socket would block for ever */
		f->overreads++;
		errno = EAGAIN;
		return -1;
	}
	c->head = k->next;
	if (c->head == NULL)
		c->tail = &c->head;
	if (k->err) {
		errno = k->err;
		n = -1;
	} else {
		assert_true(k->len <= len);
		memcpy(buf, k->b, k->len);
		n = k->eof ? 0 : (ssize_t)k->len;
	}
	free(k);
	return n;
}

static const struct diag_transport fake_transport = {
	.open = fake_open,
	.close = fake_close,
	.send = fake_send,
	.recv = fake_recv,
};

static void add_socks(struct fake *f, unsigned int count, int family,
		      const char *src, uint16_t sport, const char *dst,
		      uint16_t dport, uint8_t state, bool step_sport)
{
	for (unsigned int i = 0; i < count; i++) {
		struct fsock *s = &f->socks[f->n++];

		assert_true(f->n <= MAX_SOCKS);
		s->family = family;
		s->src = src;
		s->dst = dst;
		s->sport = (uint16_t)(sport + (step_sport ? i : 0));
		s->dport = (uint16_t)(dport + (step_sport ? 0 : i));
		s->state = state;
	}
}

/*
 * The fake host (ephemeral range 32768-60999 from the fixture):
 * listeners 10.0.0.1:80 and [::]:443; 5 ESTABLISHED to :80; 30 TIME_WAIT
 * server side on :80 (peer ports 20000+, outside the range, so only the
 * listener makes them server side); 100 TIME_WAIT 10.0.0.1:33000+ ->
 * 10.0.0.9:5432 and 20 [2001:db8::1]:40000+ -> [2001:db8::2]:8080, client
 * side, two destination groups. IPv4 replies take 9 chunks.
 */
#define N_LISTEN 2
#define N_EST 5
#define N_TW_SERVER 30
#define N_TW_CLIENT 120
#define N_TW (N_TW_SERVER + N_TW_CLIENT)
#define LISTENER4 0		/* index of 10.0.0.1:80 */

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	add_socks(f, 1, AF_INET, "10.0.0.1", 80, "0.0.0.0", 0, TS_LISTEN,
		  true);
	add_socks(f, 1, AF_INET6, "::", 443, "::", 0, TS_LISTEN, true);
	add_socks(f, N_EST, AF_INET, "10.0.0.1", 80, "10.0.0.2", 40000,
		  TS_ESTABLISHED, false);
	add_socks(f, N_TW_SERVER, AF_INET, "10.0.0.1", 80, "10.0.0.3", 20000,
		  TS_TIME_WAIT, false);
	add_socks(f, 100, AF_INET, "10.0.0.1", 33000, "10.0.0.9", 5432,
		  TS_TIME_WAIT, true);
	add_socks(f, 20, AF_INET6, "2001:db8::1", 40000, "2001:db8::2", 8080,
		  TS_TIME_WAIT, true);
	return f;
}

struct fixture {
	struct fake *f;
	struct sampler *sp;
};

static struct sampler *new_sampler(struct fake *f)
{
	struct sampler_config cfg = {
		.root = FIXTURE, .top = 10, .interval = 0.01,
		.transport = &fake_transport, .transport_ctx = f,
	};
	char err[256] = "";
	struct sampler *sp = sampler_new(&cfg, err, sizeof(err));

	if (sp == NULL)
		fail_msg("sampler_new: %s", err);
	return sp;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->f = fake_new();
	fx->sp = new_sampler(fx->f);
	*state = fx;
	return 0;
}

/* Frees the sampler; every connection it opened is closed, and it never
 * read past a dump's end. */
static int teardown(void **state)
{
	struct fixture *fx = *state;

	sampler_free(fx->sp);
	assert_int_equal(fx->f->live, 0);
	assert_int_equal(fx->f->opens, fx->f->closes);
	assert_int_equal(fx->f->overreads, 0);
	free(fx->f);
	free(fx);
	return 0;
}

/* The counts of the whole fake host, and no sampling problem. */
static void assert_whole(const struct snapshot *s)
{
	char a[ADDR_STRLEN];

	assert_false(s->dump_failed);
	assert_false(s->partial);
	assert_string_equal(s->error, "");
	assert_int_equal(s->states[TS_LISTEN], N_LISTEN);
	assert_int_equal(s->states[TS_ESTABLISHED], N_EST);
	assert_int_equal(s->states[TS_TIME_WAIT], N_TW);
	assert_int_equal(s->sockets, N_LISTEN + N_EST + N_TW);
	assert_int_equal(s->tw.total, N_TW);
	assert_int_equal(s->tw.server_side, N_TW_SERVER);
	assert_int_equal(s->tw.server_inferred, 0);
	assert_int_equal(s->tw.client_side, N_TW_CLIENT);
	assert_int_equal(s->peers_total, 4);
	assert_true(s->n_peers >= 1);
	assert_string_equal(addr_format(&s->peers[0].addr, a, sizeof(a)),
			    "10.0.0.9");
	assert_int_equal(s->peers[0].time_wait, 100);
	assert_true(s->eph.present);
	assert_int_equal(s->eph.groups_total, 2);
}

/* The /proc part of a sample, which no dump failure takes away. */
static void assert_proc_read(const struct snapshot *s)
{
	const struct snap_counter *c = snap_counter(s, "TcpExtTW");

	assert_true(s->counters_present);
	assert_non_null(c);
	assert_int_equal(c->value, 20);
	assert_true(s->sockstat.present);
	assert_int_equal(s->sockstat.tw, 9);
	assert_int_equal(s->eph.low, 32768);
	assert_int_equal(s->eph.high, 60999);
}

/* A failed sample: it says why, has no socket counts at all (not the
 * part dumped before the failure: README, "dump_failed"), and keeps its
 * /proc figures. */
static void assert_failed(const struct snapshot *s, int err)
{
	char want[160];

	snprintf(want, sizeof(want), "socket dump failed: %s", strerror(err));
	assert_true(s->dump_failed);
	assert_false(s->partial);
	assert_string_equal(s->error, want);
	for (unsigned int st = 0; st < TS_MAX; st++)
		assert_int_equal(s->states[st], 0);
	assert_int_equal(s->sockets, 0);
	assert_int_equal(s->tw.total, 0);
	assert_int_equal(s->tw.server_side + s->tw.client_side, 0);
	assert_int_equal(s->peers_total, 0);
	assert_int_equal(s->n_peers, 0);
	assert_int_equal(s->n_lports, 0);
	assert_int_equal(s->eph.groups_total, 0);
	assert_int_equal(s->eph.holes, 0);
	assert_proc_read(s);
}

/* Takes one sample now, in this thread. */
static struct snapshot *sample(struct fixture *fx)
{
	struct snapshot *s = sampler_sample(fx->sp);

	assert_non_null(s);
	return s;
}

/* A kernel that takes TCPDIAG_GETSOCK: listeners, then the rest, each in
 * one walk of both families; the same whole sample. */
static void test_one_walk(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->one_walk = true;
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->legacy, 2);
	assert_int_equal(fx->f->requests, 2);
	snap_unref(s);
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->legacy, 4);
	snap_unref(s);
}

static void test_whole_dump(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s = sample(fx);

	assert_whole(s);
	assert_proc_read(s);
	assert_int_equal(s->seq, 1);
	assert_int_equal(s->n_hist, 1);
	assert_int_equal(s->hist[0].time_wait, N_TW);
	assert_int_equal(s->hist[0].established, N_EST);
	/* the one-walk request refused, and the probe that tells a refusal
	 * from a bad request: then listeners, then the rest, of each
	 * family, all on one connection */
	assert_int_equal(fx->f->legacy, 2);
	assert_int_equal(fx->f->requests, 4);
	assert_int_equal(fx->f->opens, 1);
	snap_unref(s);
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(s->seq, 2);
	assert_int_equal(s->n_hist, 2);
	assert_int_equal(fx->f->requests, 8);
	assert_int_equal(fx->f->opens, 1);
	snap_unref(s);
}

/* An ack, a recv() interrupted by a signal: the dump goes on. */
static void test_ack_and_eintr(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->fault[1] = (struct fault_spec){ F_ACK, 0, 0 };
	fx->f->fault[3] = (struct fault_spec){ F_EINTR, 0, 0 };
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->requests, 4);
	assert_int_equal(fx->f->opens, 1);
	snap_unref(s);
}

/* NLM_F_DUMP_INTR once: the whole pass is redone, the sample is whole. */
static void test_interrupted_once(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->fault[3] = (struct fault_spec){ F_INTR, 4, 0 };
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->requests, 8);
	assert_int_equal(fx->f->opens, 1);
	assert_int_equal(s->n_hist, 1);
	snap_unref(s);
}

/* Interrupted on every pass: three passes, then the sample is partial
 * (its counts are the last pass's) and says so; the next is whole. */
static void test_interrupted_always(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->always = (struct fault_spec){ F_INTR, 0, 0 };
	s = sample(fx);
	assert_true(s->partial);
	assert_false(s->dump_failed);
	assert_string_equal(s->error, "socket dump interrupted 3 times: "
			    "counts may be incomplete");
	assert_int_equal(fx->f->requests, 12);
	assert_int_equal(s->states[TS_TIME_WAIT], N_TW);
	assert_int_equal(s->tw.total, N_TW);
	assert_int_equal(s->n_hist, 1);
	assert_proc_read(s);
	snap_unref(s);
	fx->f->always.kind = F_NONE;
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->requests, 16);
	assert_int_equal(s->n_hist, 2);
	snap_unref(s);
}

/*
 * ENOBUFS in the middle of the IPv4 dump: that socket is dropped, the
 * IPv6 dump runs on a new one, and the pass is redone: the sample is
 * whole, and so is the next, on the same new socket.
 */
static void test_enobufs_reconnects(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->fault[3] = (struct fault_spec){ F_ENOBUFS, 4, 0 };
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->opens, 2);
	assert_int_equal(fx->f->closes, 1);
	assert_int_equal(fx->f->requests, 8);
	snap_unref(s);
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->opens, 2);
	assert_int_equal(fx->f->requests, 12);
	snap_unref(s);
}

/* ENOBUFS, and the new socket cannot be opened: the sample fails with
 * the reason; once a socket opens again, sampling resumes. */
static void test_enobufs_reopen_fails(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->fault[3] = (struct fault_spec){ F_ENOBUFS, 2, 0 };
	fx->f->open_err = EMFILE;
	s = sample(fx);
	assert_failed(s, EMFILE);
	assert_int_equal(s->n_hist, 0);
	snap_unref(s);
	s = sample(fx);
	assert_failed(s, EMFILE);
	snap_unref(s);
	fx->f->open_err = 0;
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(s->n_hist, 1);
	assert_int_equal(fx->f->opens, 2);
	snap_unref(s);
}

/* An NLMSG_ERROR reply, at once or in the middle of a dump: the sample
 * fails with that errno, the socket (with whatever is still queued on
 * it) is dropped and the next sample is whole. */
static void test_nlmsg_error(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s;

	fx->f->fault[1] = (struct fault_spec){ F_NLERR, 0, EACCES };
	s = sample(fx);
	assert_failed(s, EACCES);
	assert_int_equal(fx->f->requests, 1);
	assert_int_equal(fx->f->closes, 1);
	snap_unref(s);
	/* requests 2-3 list the listeners, 4 is the IPv4 rest */
	fx->f->fault[4] = (struct fault_spec){ F_NLERR, 3, ENOMEM };
	s = sample(fx);
	assert_failed(s, ENOMEM);
	assert_int_equal(fx->f->requests, 4);
	assert_int_equal(fx->f->closes, 2);
	snap_unref(s);
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(fx->f->opens, 3);
	assert_int_equal(fx->f->requests, 8);
	snap_unref(s);
}

/* A reply cut short, or garbage, mid-dump: EBADMSG; the rest of that
 * dump, still queued, does not reach the next sample. */
static void test_truncated_and_garbled(void **state)
{
	static const enum fault kinds[] = { F_TRUNC, F_GARBAGE };
	struct fixture *fx = *state;

	for (size_t i = 0; i < 2; i++) {
		unsigned int r = fx->f->requests;
		struct snapshot *s;

		fx->f->fault[r + 3] = (struct fault_spec){ kinds[i], 2, 0 };
		s = sample(fx);
		assert_failed(s, EBADMSG);
		assert_int_equal(fx->f->requests, r + 3);
		snap_unref(s);
		s = sample(fx);
		assert_whole(s);
		snap_unref(s);
	}
	assert_int_equal(fx->f->opens, 3);
}

/* recv() fails or returns 0 mid-dump, send() fails: the sample fails,
 * and the next one, on a new socket, does not read the old dump's rest
 * (with the old sequence number it would fail too). */
static void test_io_errors(void **state)
{
	static const struct fault_spec faults[] = {
		{ F_RECVERR, 3, EIO }, { F_EOF, 2, 0 }, { F_SENDERR, 0, ENOMEM },
	};
	static const int errs[] = { EIO, EPROTO, ENOMEM };
	struct fixture *fx = *state;

	for (size_t i = 0; i < 3; i++) {
		unsigned int r = fx->f->requests;
		struct snapshot *s;

		fx->f->fault[r + 3] = faults[i];
		s = sample(fx);
		assert_failed(s, errs[i]);
		snap_unref(s);
		s = sample(fx);
		assert_whole(s);
		snap_unref(s);
	}
	assert_int_equal(fx->f->opens, 4);
}

/*
 * A dump that fails every time: every sample says so and keeps its /proc
 * figures; nothing failed goes into the trend; the sampler recovers as
 * soon as the kernel answers again.
 */
static void test_fails_every_time(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s = sample(fx);

	assert_whole(s);
	snap_unref(s);
	fx->f->always = (struct fault_spec){ F_NLERR, 0, EPERM };
	for (unsigned int i = 0; i < 5; i++) {
		s = sample(fx);
		assert_failed(s, EPERM);
		assert_int_equal(s->seq, 2 + i);
		/* the trend keeps the last whole sample only */
		assert_int_equal(s->n_hist, 1);
		assert_int_equal(s->hist[0].time_wait, N_TW);
		snap_unref(s);
	}
	assert_int_equal(fx->f->opens, 5);
	assert_int_equal(fx->f->closes, 5);
	fx->f->always.kind = F_NONE;
	s = sample(fx);
	assert_whole(s);
	assert_int_equal(s->n_hist, 2);
	snap_unref(s);
}

/*
 * The listener memory is only updated from a whole dump: a failed one,
 * which saw no listener and no socket on :80, would forget that :80
 * listened, and its TIME_WAIT would turn client side.
 */
static void test_failed_dump_keeps_listener_memory(void **state)
{
	struct fixture *fx = *state;
	struct snapshot *s = sample(fx);

	assert_whole(s);
	snap_unref(s);
	fx->f->socks[LISTENER4].gone = true;
	fx->f->fault[7] = (struct fault_spec){ F_NLERR, 0, EIO };
	s = sample(fx);
	assert_failed(s, EIO);
	snap_unref(s);
	s = sample(fx);
	assert_false(s->dump_failed);
	assert_int_equal(s->states[TS_LISTEN], N_LISTEN - 1);
	assert_int_equal(s->tw.server_side, N_TW_SERVER);
	assert_int_equal(s->tw.server_inferred, 0);
	assert_int_equal(s->tw.client_side, N_TW_CLIENT);
	snap_unref(s);
}

/* The drill-down's own dump fails or is interrupted every time: its part
 * says partial, the whole-host sample is unharmed. */
static void test_focus_partial(void **state)
{
	struct fixture *fx = *state;
	struct focus_req fr = { .kind = FOCUS_PEER };
	struct snapshot *s;

	fx->f->focus_dst = "10.0.0.9";
	assert_int_equal(addr_parse("10.0.0.9", &fr.addr), 0);
	sampler_set_focus(fx->sp, &fr);
	s = sample(fx);
	assert_whole(s);
	assert_non_null(s->focus);
	assert_false(s->focus->partial);
	assert_int_equal(s->focus->states[TS_TIME_WAIT], 100);
	assert_int_equal(fx->f->requests, 6);
	snap_unref(s);
	fx->f->fault[11] = (struct fault_spec){ F_NLERR, 1, EINVAL };
	s = sample(fx);
	assert_whole(s);
	assert_non_null(s->focus);
	assert_true(s->focus->partial);
	snap_unref(s);
	for (unsigned int r = 16; r <= 21; r++)
		fx->f->fault[r] = (struct fault_spec){ F_INTR, 0, 0 };
	s = sample(fx);
	assert_whole(s);
	assert_true(s->focus->partial);
	assert_int_equal(fx->f->requests, 21);	/* 11 + 4 + 3 x 2 */
	snap_unref(s);
}

/*
 * Under a filter the listeners stay in the dump and the rejected ones are
 * taken out of the counts afterwards: a failed dump has none to take out
 * (it would wrap the LISTEN count below zero).
 */
static void test_filtered_failure(void **state)
{
	struct fixture *fx = *state;
	struct sampler_config cfg = {
		.root = FIXTURE, .top = 10, .interval = 0.01,
		.transport = &fake_transport, .transport_ctx = fx->f,
	};
	char err[256] = "";
	struct filter *flt = filter_compile("dst 10.0.0.9", err, sizeof(err));
	struct snapshot *s;
	unsigned int r;

	assert_non_null(flt);
	cfg.filter = flt;
	sampler_free(fx->sp);
	fx->sp = sampler_new(&cfg, err, sizeof(err));
	filter_free(flt);
	assert_non_null(fx->sp);
	fx->f->focus_dst = "10.0.0.9";
	s = sample(fx);
	assert_false(s->dump_failed);
	assert_string_equal(s->filter, "dst 10.0.0.9");
	assert_int_equal(s->states[TS_LISTEN], 0);
	assert_int_equal(s->states[TS_TIME_WAIT], 100);
	assert_int_equal(s->sockets, 100);
	snap_unref(s);
	r = fx->f->requests;
	fx->f->fault[r + 3] = (struct fault_spec){ F_NLERR, 1, EIO };
	s = sample(fx);
	assert_failed(s, EIO);
	snap_unref(s);
}

struct notified {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int n;
};

static void on_publish(void *arg)
{
	struct notified *nt = arg;

	pthread_mutex_lock(&nt->lock);
	nt->n++;
	pthread_cond_signal(&nt->cond);
	pthread_mutex_unlock(&nt->lock);
}

/* The sampling thread with a dump that always fails: it keeps publishing
 * samples that say so, and stops cleanly. */
static void test_thread_survives_failures(void **state)
{
	struct fixture *fx = *state;
	struct notified nt = { .n = 0 };
	struct snapshot *s;

	pthread_mutex_init(&nt.lock, NULL);
	pthread_cond_init(&nt.cond, NULL);
	fx->f->always = (struct fault_spec){ F_NLERR, 2, EPERM };
	assert_int_equal(sampler_start(fx->sp, on_publish, &nt), 0);
	pthread_mutex_lock(&nt.lock);
	while (nt.n < 5)
		pthread_cond_wait(&nt.cond, &nt.lock);
	pthread_mutex_unlock(&nt.lock);
	s = sampler_current(fx->sp);
	assert_non_null(s);
	assert_true(s->seq >= 5);
	assert_true(s->dump_failed);
	snap_unref(s);
	sampler_stop(fx->sp);
	assert_true(fx->f->opens >= 5);
	assert_int_equal(fx->f->live, 0);
	pthread_cond_destroy(&nt.cond);
	pthread_mutex_destroy(&nt.lock);
}

/* Waits until the sampler published n samples in all. */
static void wait_published(struct notified *nt, unsigned int n)
{
	pthread_mutex_lock(&nt->lock);
	while (nt->n < n)
		pthread_cond_wait(&nt->cond, &nt->lock);
	pthread_mutex_unlock(&nt->lock);
}

/* The CPU budget: a full pass costs more than a tiny budget allows per
 * interval, so the samples after it are cheap (no dump request), carry
 * the last pass's socket counts with their age and say how far apart
 * full passes are; the trend holds only the full pass. A drill-down
 * request does not wait for the budget. */
static void test_cpu_budget(void **state)
{
	struct fake *f = fake_new();
	struct sampler_config cfg = {
		.root = FIXTURE, .top = 10, .interval = 0.01,
		.cpu_budget = 1e-6,
		.transport = &fake_transport, .transport_ctx = f,
	};
	struct notified nt = { .n = 0 };
	struct focus_req fr = { .kind = FOCUS_NONE };
	char err[256] = "";
	struct sampler *sp = sampler_new(&cfg, err, sizeof(err));
	struct snapshot *s;
	unsigned int n;

	(void)state;
	assert_non_null(sp);
	pthread_mutex_init(&nt.lock, NULL);
	pthread_cond_init(&nt.cond, NULL);
	assert_int_equal(sampler_start(sp, on_publish, &nt), 0);
	wait_published(&nt, 6);
	s = sampler_current(sp);
	assert_true(s->seq >= 6);
	assert_whole(s);
	assert_proc_read(s);
	assert_true(s->sockets_age_s > 0);
	assert_true(s->full_every_s > 1000);	/* cost / 1e-8 of a core */
	assert_true(s->cpu_budget == 1e-6);
	assert_int_equal(s->n_hist, 1);
	snap_unref(s);
	/* one full pass: listeners and the rest of each family */
	assert_int_equal(f->requests, 4);

	pthread_mutex_lock(&nt.lock);
	n = nt.n;
	pthread_mutex_unlock(&nt.lock);
	sampler_set_focus(sp, &fr);
	wait_published(&nt, n + 3);
	sampler_stop(sp);
	assert_int_equal(f->requests, 8);
	s = sampler_current(sp);
	assert_int_equal(s->n_hist, 2);
	snap_unref(s);
	sampler_free(sp);
	assert_int_equal(f->live, 0);
	free(f);
	pthread_cond_destroy(&nt.cond);
	pthread_mutex_destroy(&nt.lock);
}

/* sampler_new reports a socket that cannot be opened, and leaks
 * nothing. */
static void test_open_fails(void **state)
{
	struct fake *f = fake_new();
	struct sampler_config cfg = {
		.root = FIXTURE, .transport = &fake_transport,
		.transport_ctx = f,
	};
	char err[256] = "";

	(void)state;
	f->open_err = EPERM;
	assert_null(sampler_new(&cfg, err, sizeof(err)));
	assert_string_equal(err, "cannot open NETLINK_SOCK_DIAG: "
			    "Operation not permitted");
	assert_int_equal(f->live, 0);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_walk, setup, teardown),
		cmocka_unit_test(test_cpu_budget),
		cmocka_unit_test_setup_teardown(test_whole_dump, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ack_and_eintr, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_interrupted_always, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enobufs_reconnects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_enobufs_reopen_fails,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_nlmsg_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_truncated_and_garbled,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fails_every_time, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_failed_dump_keeps_listener_memory, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_focus_partial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_filtered_failure, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_thread_survives_failures,
						setup, teardown),
		cmocka_unit_test(test_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
