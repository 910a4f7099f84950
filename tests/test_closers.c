// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the closers module: closer records joined with the
 * dump's TIME_WAIT through a fake source (4-tuple reuse, IPv6, mapped
 * addresses, LRU eviction), rates, connect() errors and names. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/closers.h"
#include "twtop/tcpstate.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define T0	1000.0		/* the counts start */
#define LRU_CAP	4		/* the fake tuple map's size */

/* The fake maps: a tuple map that evicts its least recently written
 * record past LRU_CAP (as the kernel's LRU hash does), procs and
 * failed connect() records. */
struct fake {
	struct closers_tuple t[64];
	struct closers_closer c[64];
	size_t n_t;
	bool lru;
	uint32_t tgid[64];
	struct closers_proc p[64];
	size_t n_p;
	struct closers_connerr_key ek[16];
	struct closers_connerr e[16];
	size_t n_e;
	struct closers_totals tot;
	int fail;			/* errno for every read, 0 none */
	int reads;			/* of the tuple map */
};

static int f_tuples(void *ctx, closers_tuple_fn fn, void *arg)
{
	struct fake *f = ctx;

	f->reads++;
	if (f->fail) {
		errno = f->fail;
		return -1;
	}
	for (size_t i = 0; i < f->n_t; i++)
		fn(&f->t[i], &f->c[i], arg);
	return 0;
}

static int f_procs(void *ctx, closers_proc_fn fn, void *arg)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < f->n_p; i++)
		fn(f->tgid[i], &f->p[i], arg);
	return 0;
}

static int f_connerrs(void *ctx, closers_connerr_fn fn, void *arg)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < f->n_e; i++)
		fn(&f->ek[i], &f->e[i], arg);
	return 0;
}

static void f_totals(void *ctx, struct closers_totals *t)
{
	*t = ((struct fake *)ctx)->tot;
}

static const struct closers_source fake_src = {
	f_tuples, f_procs, f_connerrs, f_totals, NULL,
};

/* Fills a 4-tuple: "a.b.c.d" or IPv6 text, per family. */
static void tuple(struct closers_tuple *t, int family, const char *l,
		  uint16_t lport, const char *r, uint16_t rport)
{
	memset(t, 0, sizeof(*t));
	t->family = (uint8_t)family;
	assert_int_equal(inet_pton(family, l, t->local), 1);
	assert_int_equal(inet_pton(family, r, t->remote), 1);
	t->lport = lport;
	t->rport = rport;
}

/* The kernel's record of a close at time `at` (s) by tgid. */
static void closed(struct fake *f, const struct closers_tuple *t,
		   uint32_t tgid, const char *comm, double at)
{
	struct closers_closer c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.close_ns = (uint64_t)(at * 1e9);
	c.tgid = tgid;
	c.pid = tgid + 1;
	snprintf(c.comm, sizeof(c.comm), "%s", comm);
	for (i = 0; i < f->n_t; i++)
		if (memcmp(&f->t[i], t, sizeof(*t)) == 0)
			break;
	if (i < f->n_t) {		/* the same 4-tuple: overwritten */
		memmove(&f->t[i], &f->t[i + 1],
			(f->n_t - i - 1) * sizeof(f->t[0]));
		memmove(&f->c[i], &f->c[i + 1],
			(f->n_t - i - 1) * sizeof(f->c[0]));
		f->n_t--;
	} else if (f->lru && f->n_t == LRU_CAP) {	/* evict the oldest */
		memmove(&f->t[0], &f->t[1], (f->n_t - 1) * sizeof(f->t[0]));
		memmove(&f->c[0], &f->c[1], (f->n_t - 1) * sizeof(f->c[0]));
		f->n_t--;
	}
	f->t[f->n_t] = *t;
	f->c[f->n_t++] = c;
}

/* A dumped TIME_WAIT, folded as diag folds it, age_s old. */
static void tw(struct closers *cl, int family, const char *l,
	       uint16_t lport, const char *r, uint16_t rport, double age_s,
	       bool server)
{
	struct diag_sock s;

	memset(&s, 0, sizeof(s));
	s.local.family = s.remote.family = (uint8_t)family;
	assert_int_equal(inet_pton(family, l, s.local.bytes), 1);
	assert_int_equal(inet_pton(family, r, s.remote.bytes), 1);
	addr_fold_mapped(&s.local);
	addr_fold_mapped(&s.remote);
	s.lport = lport;
	s.rport = rport;
	s.state = TS_TIME_WAIT;
	s.timer = 3;
	s.expires = (uint32_t)((60.0 - age_s) * 1000);
	closers_add(cl, &s, server);
}

static struct snapshot *finish(struct closers *cl, double now)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	closers_finish(cl, s, now);
	return s;
}

static const struct snap_closer *row_of(const struct snapshot *s,
					uint32_t pid)
{
	for (uint32_t i = 0; i < s->closers.n; i++)
		if (s->closers.v[i].pid == pid)
			return &s->closers.v[i];
	return NULL;
}

/* A client closing first, a server closing first to clients, one
 * TIME_WAIT from before twtop: each where it belongs, sorted. */
static void test_join(void **state)
{
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, "/nonexistent", T0);
	struct closers_tuple t;
	const struct snap_closer *r;
	struct snapshot *s;

	(void)state;
	for (int i = 0; i < 3; i++) {	/* the client's own connections */
		tuple(&t, AF_INET, "10.0.0.1", (uint16_t)(40000 + i),
		      "10.0.0.2", 80);
		closed(&f, &t, 100, "client", T0 + 1);
	}
	for (int i = 0; i < 5; i++) {	/* the server closes first */
		tuple(&t, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		      (uint16_t)(50000 + i));
		closed(&f, &t, 200, "server", T0 + 1);
	}
	closers_begin(cl, T0 + 3);
	for (int i = 0; i < 3; i++)
		tw(cl, AF_INET, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2",
		   80, 1.5, false);
	for (int i = 0; i < 5; i++)
		tw(cl, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		   (uint16_t)(50000 + i), 1.5, true);
	tw(cl, AF_INET, "10.0.0.1", 41000, "10.0.0.2", 80, 59, false);
	s = finish(cl, T0 + 3.1);
	assert_true(s->closers.present);
	assert_int_equal(s->closers.attributed, 8);
	assert_int_equal(s->closers.unknown, 1);
	assert_int_equal(s->closers.n, 2);
	assert_int_equal(s->closers.v[0].pid, 200);	/* most TIME_WAIT */
	assert_string_equal(s->closers.v[0].comm, "server");
	assert_int_equal(s->closers.v[0].time_wait, 5);
	assert_int_equal(s->closers.v[0].server_side, 5);
	assert_int_equal(s->closers.v[0].client_side, 0);
	assert_int_equal(s->closers.v[0].destinations, 5);
	r = row_of(s, 100);
	assert_non_null(r);
	assert_string_equal(r->comm, "client");
	assert_int_equal(r->time_wait, 3);
	assert_int_equal(r->client_side, 3);
	assert_int_equal(r->destinations, 1);
	assert_int_equal(r->top_remote_port, 80);
	assert_int_equal(r->top_remote_tw, 3);
	assert_string_equal(r->cgroup, "");	/* no /proc, no id */
	free(s);
	closers_free(cl);
}

/* The records of test_focus_*: client 100 closes 3 to 10.0.0.2:80 and
 * one to 10.0.0.3:443, server 200 closes 5 to clients of 10.0.0.9 on
 * :8080; a TIME_WAIT to 10.0.0.2:80 from before twtop; 100 also fails
 * to connect to 10.0.0.4:25. The whole-host join is done. */
static struct closers *focus_setup(struct fake *f, struct snapshot **sp)
{
	struct closers *cl = closers_new(&fake_src, f, NULL, T0);
	struct closers_tuple t;

	for (int i = 0; i < 3; i++) {
		tuple(&t, AF_INET, "10.0.0.1", (uint16_t)(40000 + i),
		      "10.0.0.2", 80);
		closed(f, &t, 100, "client", T0 + 1);
	}
	tuple(&t, AF_INET, "10.0.0.1", 40005, "10.0.0.3", 443);
	closed(f, &t, 100, "client", T0 + 1);
	for (int i = 0; i < 5; i++) {
		tuple(&t, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		      (uint16_t)(50000 + i));
		closed(f, &t, 200, "server", T0 + 1);
	}
	f->n_e = 1;
	f->ek[0].tgid = 100;
	f->ek[0].err = EADDRNOTAVAIL;
	f->ek[0].family = AF_INET;
	f->ek[0].rport = 25;
	inet_pton(AF_INET, "10.0.0.4", f->ek[0].remote);
	f->e[0].count = 9;
	snprintf(f->e[0].comm, sizeof(f->e[0].comm), "client");
	closers_begin(cl, T0 + 3);
	for (int i = 0; i < 3; i++)
		tw(cl, AF_INET, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2",
		   80, 1.5, false);
	tw(cl, AF_INET, "10.0.0.1", 40005, "10.0.0.3", 443, 1.5, false);
	for (int i = 0; i < 5; i++)
		tw(cl, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		   (uint16_t)(50000 + i), 1.5, true);
	tw(cl, AF_INET, "10.0.0.1", 41000, "10.0.0.2", 80, 59, false);
	*sp = finish(cl, T0 + 3.1);
	assert_int_equal((*sp)->closers.attributed, 9);
	return cl;
}

/* A peer's drill-down: its own dump's TIME_WAIT joined with the same
 * records; a redone dump counts once; the whole-host TIME_WAIT are
 * there again after it. */
static void test_focus_peer(void **state)
{
	struct fake f = { 0 };
	struct focus_closers fc;
	struct closers_tuple t;
	struct snap_focus *sf;
	struct snapshot *s;
	struct closers *cl = focus_setup(&f, &s);

	(void)state;
	closers_focus_begin(cl, T0 + 3.2);
	tw(cl, AF_INET, "10.0.0.1", 40000, "10.0.0.2", 80, 1.7, false);
	closers_focus_begin(cl, T0 + 3.3);	/* interrupted: again */
	for (int i = 0; i < 3; i++)
		tw(cl, AF_INET, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2",
		   80, 1.8, false);
	tw(cl, AF_INET, "10.0.0.1", 41000, "10.0.0.2", 80, 59.2, false);
	closers_focus_finish(cl, &fc);
	assert_true(fc.present);
	assert_int_equal(fc.attributed, 3);
	assert_int_equal(fc.unknown, 1);
	assert_int_equal(fc.total, 1);
	assert_int_equal(fc.n, 1);
	assert_int_equal(fc.v[0].pid, 100);
	assert_string_equal(fc.v[0].comm, "client");
	assert_int_equal(fc.v[0].time_wait, 3);
	assert_int_equal(fc.v[0].client_side, 3);
	assert_int_equal(fc.v[0].server_side, 0);

	/* a local port's: the server's 5, most first, then the client's */
	closers_focus_begin(cl, T0 + 3.4);
	for (int i = 0; i < 5; i++)
		tw(cl, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		   (uint16_t)(50000 + i), 1.9, true);
	tw(cl, AF_INET, "10.0.0.1", 40000, "10.0.0.2", 80, 1.9, false);
	closers_focus_finish(cl, &fc);
	assert_int_equal(fc.total, 2);
	assert_int_equal(fc.v[0].pid, 200);
	assert_int_equal(fc.v[0].server_side, 5);
	assert_int_equal(fc.v[1].pid, 100);
	assert_int_equal(fc.unknown, 0);
	assert_int_equal(f.reads, 1);	/* none new: not read again */

	/* a connection closed after the records were read: its TIME_WAIT
	 * (0.05 s old at T0 + 3.2) is in the drill-down's dump; the map is
	 * read again rather than call it older than twtop */
	tuple(&t, AF_INET, "10.0.0.1", 40009, "10.0.0.2", 80);
	closed(&f, &t, 100, "client", T0 + 3.14);
	closers_focus_begin(cl, T0 + 3.2);
	tw(cl, AF_INET, "10.0.0.1", 40009, "10.0.0.2", 80, 0.05, false);
	tw(cl, AF_INET, "10.0.0.1", 41000, "10.0.0.2", 80, 59.2, false);
	closers_focus_finish(cl, &fc);
	assert_int_equal(f.reads, 2);
	assert_int_equal(fc.attributed, 1);
	assert_int_equal(fc.unknown, 1);
	assert_int_equal(fc.v[0].pid, 100);

	/* the whole-host TIME_WAIT again: the server's 5 are its own */
	sf = calloc(1, sizeof(*sf));
	assert_non_null(sf);
	closers_focus_owner(cl, &(struct focus_req){ .kind = FOCUS_PROC,
			    .pid = 200 }, sf);
	assert_int_equal(sf->dests_total, 1);
	assert_true(sf->dests[0].server);
	assert_int_equal(sf->dests[0].port, 8080);
	assert_int_equal(sf->dests[0].time_wait, 5);
	free(sf);
	free(s);
	closers_free(cl);
}

struct proc_seen {
	int socks, client, dests;
	uint32_t expires;
	struct tw_addr dest;
	uint16_t dport;
};

static void seen_sock(const struct diag_sock *sk, bool server, void *arg)
{
	struct proc_seen *p = arg;

	p->socks++;
	p->client += !server;
	p->expires = sk->expires;
	assert_int_equal(sk->state, TS_TIME_WAIT);
}

static void seen_dest(const struct tw_addr *remote, uint16_t rport,
		      void *arg)
{
	struct proc_seen *p = arg;

	p->dests++;
	p->dest = *remote;
	p->dport = rport;
}

/* A process's drill-down: the TIME_WAIT its records name (with their
 * timers as dumped), its destinations most first, its failed connect()
 * calls; a pid with none is not found, with nothing made up. */
static void test_focus_process(void **state)
{
	static const struct closers_focus_cb cb = { seen_sock, seen_dest };
	struct fake f = { 0 };
	struct proc_seen seen = { 0 };
	struct snap_focus *sf;
	struct snapshot *s;
	struct closers *cl = focus_setup(&f, &s);
	struct tw_addr want;

	(void)state;
	closers_focus_socks(cl, &(struct focus_req){ .kind = FOCUS_PROC,
			    .pid = 100 }, &cb, &seen);
	assert_int_equal(seen.socks, 4);
	assert_int_equal(seen.client, 4);
	assert_int_equal(seen.expires, 58500);
	assert_int_equal(seen.dests, 1);
	assert_int_equal(addr_parse("10.0.0.4", &want), 0);
	assert_true(addr_equal(&seen.dest, &want));
	assert_int_equal(seen.dport, 25);

	sf = calloc(1, sizeof(*sf));
	assert_non_null(sf);
	sf->states[TS_TIME_WAIT] = 4;	/* what agg made of the 4 */
	closers_focus_owner(cl, &(struct focus_req){ .kind = FOCUS_PROC,
			    .pid = 100 }, sf);
	assert_true(sf->proc_found);
	assert_int_equal(sf->proc.pid, 100);
	assert_string_equal(sf->proc.comm, "client");
	assert_int_equal(sf->proc.time_wait, 4);
	assert_int_equal(sf->proc.connect_errors, 9);
	assert_int_equal(sf->dests_total, 2);
	assert_int_equal(sf->n_dests, 2);
	assert_int_equal(addr_parse("10.0.0.2", &want), 0);
	assert_true(addr_equal(&sf->dests[0].remote, &want));
	assert_int_equal(sf->dests[0].port, 80);
	assert_false(sf->dests[0].server);
	assert_int_equal(sf->dests[0].time_wait, 3);
	assert_int_equal(sf->dests[1].port, 443);
	assert_int_equal(sf->dests[1].time_wait, 1);
	assert_int_equal(sf->errors_total, 1);
	assert_int_equal(sf->n_errors, 1);
	assert_int_equal(sf->errors[0].err, EADDRNOTAVAIL);
	assert_int_equal(sf->errors[0].count, 9);
	assert_int_equal(sf->errors[0].remote_port, 25);
	assert_true(sf->closers.present);
	assert_int_equal(sf->closers.attributed, 4);
	assert_int_equal(sf->closers.n, 1);
	assert_int_equal(sf->closers.v[0].time_wait, 4);
	free(sf);

	memset(&seen, 0, sizeof(seen));
	closers_focus_socks(cl, &(struct focus_req){ .kind = FOCUS_PROC,
			    .pid = 999 }, &cb, &seen);
	assert_int_equal(seen.socks + seen.dests, 0);
	sf = calloc(1, sizeof(*sf));
	assert_non_null(sf);
	closers_focus_owner(cl, &(struct focus_req){ .kind = FOCUS_PROC,
			    .pid = 999 }, sf);
	assert_false(sf->proc_found);
	assert_int_equal(sf->proc.pid, 999);
	assert_int_equal(sf->n_dests + sf->n_errors + sf->closers.n, 0);
	free(sf);
	free(s);
	closers_free(cl);
}

/* A container's drill-down: the processes whose cgroup is its, summed
 * as its Who closes row; others' TIME_WAIT and failures stay out. */
static void test_focus_cgroup(void **state)
{
	static const struct closers_focus_cb cb = { seen_sock, seen_dest };
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	struct focus_req req = { .kind = FOCUS_CGROUP, .cgroup_id = 7 };
	struct proc_seen seen = { 0 };
	struct closers_tuple t;
	struct snap_focus *sf;
	struct snapshot *s;

	(void)state;
	for (int i = 0; i < 3; i++) {	/* 100, in cgroup 7 */
		tuple(&t, AF_INET, "10.0.0.1", (uint16_t)(40000 + i),
		      "10.0.0.2", 80);
		closed(&f, &t, 100, "web", T0 + 1);
		f.c[f.n_t - 1].cgroup = 7;
	}
	for (int i = 0; i < 2; i++) {	/* 101, in cgroup 7 too */
		tuple(&t, AF_INET, "10.0.0.1", (uint16_t)(40010 + i),
		      "10.0.0.3", 443);
		closed(&f, &t, 101, "worker", T0 + 1);
		f.c[f.n_t - 1].cgroup = 7;
	}
	for (int i = 0; i < 5; i++) {	/* 200, in cgroup 9, server side */
		tuple(&t, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		      (uint16_t)(50000 + i));
		closed(&f, &t, 200, "server", T0 + 1);
		f.c[f.n_t - 1].cgroup = 9;
	}
	f.n_e = 2;
	f.ek[0].tgid = 101;
	f.ek[0].err = EADDRNOTAVAIL;
	f.ek[0].family = AF_INET;
	f.ek[0].rport = 443;
	inet_pton(AF_INET, "10.0.0.3", f.ek[0].remote);
	f.e[0].count = 4;
	f.e[0].cgroup = 7;
	snprintf(f.e[0].comm, sizeof(f.e[0].comm), "worker");
	f.ek[1] = f.ek[0];
	f.ek[1].tgid = 200;
	f.ek[1].err = ECONNREFUSED;
	f.e[1] = f.e[0];
	f.e[1].count = 1;
	f.e[1].cgroup = 9;
	snprintf(f.e[1].comm, sizeof(f.e[1].comm), "server");
	closers_begin(cl, T0 + 3);
	for (int i = 0; i < 3; i++)
		tw(cl, AF_INET, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2",
		   80, 1.5, false);
	for (int i = 0; i < 2; i++)
		tw(cl, AF_INET, "10.0.0.1", (uint16_t)(40010 + i), "10.0.0.3",
		   443, 1.5, false);
	for (int i = 0; i < 5; i++)
		tw(cl, AF_INET, "10.0.0.2", 8080, "10.0.0.9",
		   (uint16_t)(50000 + i), 1.5, true);
	s = finish(cl, T0 + 3.1);
	assert_int_equal(s->closers.attributed, 10);

	closers_focus_socks(cl, &req, &cb, &seen);
	assert_int_equal(seen.socks, 5);
	assert_int_equal(seen.client, 5);
	assert_int_equal(seen.dests, 1);	/* 101's failure */
	assert_int_equal(seen.dport, 443);
	sf = calloc(1, sizeof(*sf));
	assert_non_null(sf);
	closers_focus_owner(cl, &req, sf);
	assert_true(sf->cg_found);
	assert_int_equal(sf->cg.cgroup_id, 7);
	assert_int_equal(sf->cg.processes, 2);
	assert_int_equal(sf->cg.time_wait, 5);
	assert_int_equal(sf->cg.client_side, 5);
	assert_int_equal(sf->cg.connect_errors, 4);
	assert_int_equal(sf->cg.top_pid, 100);
	assert_true(sf->closers.present);
	assert_int_equal(sf->closers.attributed, 5);
	assert_int_equal(sf->closers.total, 2);
	assert_int_equal(sf->closers.v[0].pid, 100);
	assert_int_equal(sf->closers.v[0].time_wait, 3);
	assert_int_equal(sf->closers.v[1].pid, 101);
	assert_string_equal(sf->closers.v[1].comm, "worker");
	assert_int_equal(sf->dests_total, 2);
	assert_int_equal(sf->dests[0].port, 80);
	assert_int_equal(sf->dests[0].time_wait, 3);
	assert_int_equal(sf->dests[1].port, 443);
	assert_int_equal(sf->errors_total, 1);
	assert_int_equal(sf->errors[0].pid, 101);
	assert_false(sf->proc_found);
	free(sf);

	/* the server's container: its 5, server side, and its refusal */
	req.cgroup_id = 9;
	sf = calloc(1, sizeof(*sf));
	assert_non_null(sf);
	closers_focus_owner(cl, &req, sf);
	assert_true(sf->cg_found);
	assert_int_equal(sf->cg.processes, 1);
	assert_int_equal(sf->cg.server_side, 5);
	assert_int_equal(sf->dests_total, 1);
	assert_true(sf->dests[0].server);
	assert_int_equal(sf->errors_total, 1);
	assert_int_equal(sf->errors[0].err, ECONNREFUSED);
	free(sf);

	/* a container with no process listed: nothing made up */
	req.cgroup_id = 12345;
	memset(&seen, 0, sizeof(seen));
	closers_focus_socks(cl, &req, &cb, &seen);
	assert_int_equal(seen.socks + seen.dests, 0);
	sf = calloc(1, sizeof(*sf));
	assert_non_null(sf);
	closers_focus_owner(cl, &req, sf);
	assert_false(sf->cg_found);
	assert_int_equal(sf->cg.cgroup_id, 12345);
	assert_int_equal(sf->closers.total + sf->n_dests + sf->n_errors, 0);
	free(sf);
	free(s);
	closers_free(cl);
}

/* A 4-tuple used again: the record is the latest close; a record made
 * after the TIME_WAIT is of a later connection and names nobody. */
static void test_reuse(void **state)
{
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	struct closers_tuple t;
	struct snapshot *s;

	(void)state;
	tuple(&t, AF_INET, "127.0.0.1", 40001, "127.0.0.1", 80);
	closed(&f, &t, 100, "first", T0 + 1);
	closed(&f, &t, 300, "second", T0 + 20);	/* the same 4-tuple */
	closers_begin(cl, T0 + 25);
	tw(cl, AF_INET, "127.0.0.1", 40001, "127.0.0.1", 80, 4, false);
	s = finish(cl, T0 + 25);
	assert_int_equal(s->closers.attributed, 1);
	assert_null(row_of(s, 100));
	assert_int_equal(row_of(s, 300)->time_wait, 1);
	free(s);

	/* a TIME_WAIT made at T0 + 10: the close at T0 + 20 cannot be
	 * its own (a later connection on the 4-tuple closed then) */
	closers_begin(cl, T0 + 50);
	tw(cl, AF_INET, "127.0.0.1", 40001, "127.0.0.1", 80, 40, false);
	s = finish(cl, T0 + 50);
	assert_int_equal(s->closers.attributed, 0);
	assert_int_equal(s->closers.unknown, 1);
	free(s);
	closers_free(cl);
}

/* IPv6, and a dual-stack socket's IPv4-mapped addresses: the kernel's
 * record keeps ::ffff:a.b.c.d, the dump folds it into IPv4. */
static void test_families(void **state)
{
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	struct closers_tuple t;
	struct snapshot *s;

	(void)state;
	tuple(&t, AF_INET6, "2001:db8::1", 40001, "2001:db8::2", 443);
	closed(&f, &t, 600, "v6", T0);
	tuple(&t, AF_INET6, "::ffff:127.0.0.1", 8080, "::ffff:127.0.0.1",
	      40002);
	closed(&f, &t, 400, "mapped", T0);
	/* the IPv4 tuple of another socket with the same numbers: not a
	 * different connection once folded; the later close is kept */
	tuple(&t, AF_INET, "127.0.0.1", 8080, "127.0.0.1", 40002);
	closed(&f, &t, 500, "plain4", T0 - 5);
	closers_begin(cl, T0 + 1);
	tw(cl, AF_INET6, "2001:db8::1", 40001, "2001:db8::2", 443, 1, false);
	tw(cl, AF_INET6, "::ffff:127.0.0.1", 8080, "::ffff:127.0.0.1", 40002,
	   1, true);
	/* the same numbers but IPv6 proper: a different connection */
	tw(cl, AF_INET6, "::1", 8080, "::1", 40002, 1, true);
	s = finish(cl, T0 + 1);
	assert_int_equal(s->closers.attributed, 2);
	assert_int_equal(s->closers.unknown, 1);
	assert_int_equal(row_of(s, 600)->time_wait, 1);
	assert_int_equal(row_of(s, 600)->top_remote.family, AF_INET6);
	assert_int_equal(row_of(s, 400)->time_wait, 1);
	assert_int_equal(row_of(s, 400)->server_side, 1);
	assert_int_equal(row_of(s, 400)->top_remote.family, AF_INET);
	assert_null(row_of(s, 500));
	free(s);
	closers_free(cl);
}

/* A full map evicts its oldest records: their TIME_WAIT are unknown,
 * never given to whoever closed later. */
static void test_lru(void **state)
{
	struct fake f = { .lru = true };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	struct closers_tuple t;
	struct snapshot *s;

	(void)state;
	for (int i = 0; i < 6; i++) {
		tuple(&t, AF_INET, "10.1.1.1", (uint16_t)(40000 + i),
		      "10.1.1.2", 80);
		closed(&f, &t, (uint32_t)(100 + i), "p", T0 + i * 0.1);
	}
	assert_int_equal(f.n_t, LRU_CAP);
	closers_begin(cl, T0 + 2);
	for (int i = 0; i < 6; i++)
		tw(cl, AF_INET, "10.1.1.1", (uint16_t)(40000 + i), "10.1.1.2",
		   80, 1, false);
	s = finish(cl, T0 + 2);
	assert_int_equal(s->closers.attributed, 4);
	assert_int_equal(s->closers.unknown, 2);
	assert_null(row_of(s, 100));
	assert_null(row_of(s, 101));
	for (uint32_t p = 102; p < 106; p++)
		assert_int_equal(row_of(s, p)->time_wait, 1);
	free(s);
	closers_free(cl);
}

/* Rates from counter deltas: the first sample counts from the start; a
 * counter that went back (evicted, started again) counts from 0. */
static void test_rates(void **state)
{
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	const struct snap_closer *r;
	struct snapshot *s;

	(void)state;
	f.n_p = 2;
	f.tgid[0] = 10;
	f.p[0].active = 20;
	snprintf(f.p[0].comm, sizeof(f.p[0].comm), "busy");
	f.tgid[1] = 11;
	f.p[1].passive = 4;
	snprintf(f.p[1].comm, sizeof(f.p[1].comm), "calm");
	f.tot.active = 20;
	f.tot.passive = 4;
	closers_begin(cl, T0 + 2);
	s = finish(cl, T0 + 2);
	r = row_of(s, 10);
	assert_float_equal(r->active_per_s, 10.0, 1e-9);
	assert_int_equal(r->active_closes, 20);
	assert_float_equal(row_of(s, 11)->passive_per_s, 2.0, 1e-9);
	assert_int_equal(s->closers.active_closes, 20);
	assert_float_equal(s->closers.since_s, 2.0, 1e-9);
	free(s);

	f.p[0].active = 26;		/* +6 in 2 s */
	f.p[1].passive = 1;		/* went back: 1 since */
	closers_begin(cl, T0 + 4);
	s = finish(cl, T0 + 4);
	assert_float_equal(row_of(s, 10)->active_per_s, 3.0, 1e-9);
	assert_float_equal(row_of(s, 11)->passive_per_s, 0.5, 1e-9);
	free(s);

	/* nothing new: listed while the last close is under 60 s old */
	f.p[0].last_ns = (uint64_t)((T0 + 3) * 1e9);
	closers_begin(cl, T0 + 5);
	s = finish(cl, T0 + 5);
	assert_int_equal(s->closers.n, 1);
	assert_int_equal(s->closers.v[0].pid, 10);
	assert_float_equal(s->closers.v[0].active_per_s, 0, 1e-9);
	free(s);
	closers_begin(cl, T0 + 63.5);
	s = finish(cl, T0 + 63.5);
	assert_int_equal(s->closers.n, 0);
	assert_int_equal(s->closers.total, 0);
	free(s);
	closers_free(cl);
}

/* Failed connect(): EADDRNOTAVAIL first, per process and destination,
 * counted for the destination group of that remote. */
static void test_connect_errors(void **state)
{
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	struct snapshot *s;
	struct snap_group *g;

	(void)state;
	f.n_e = 3;
	f.ek[0].tgid = 7;
	f.ek[0].err = ECONNREFUSED;
	f.ek[0].family = AF_INET;
	f.ek[0].rport = 81;
	inet_pton(AF_INET, "10.0.0.2", f.ek[0].remote);
	f.e[0].count = 50;
	f.ek[1] = f.ek[0];
	f.ek[1].err = EADDRNOTAVAIL;
	f.ek[1].rport = 80;
	f.e[1].count = 12;
	f.ek[2] = f.ek[1];
	f.ek[2].family = AF_INET6;	/* the same remote, mapped */
	memset(f.ek[2].remote, 0, 16);
	inet_pton(AF_INET6, "::ffff:10.0.0.2", f.ek[2].remote);
	f.e[2].count = 3;
	for (int i = 0; i < 3; i++)
		snprintf(f.e[i].comm, sizeof(f.e[i].comm), "exhaust");
	s = calloc(1, sizeof(*s));
	s->eph.n_groups = 2;
	g = &s->eph.groups[0];
	g->remote.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", g->remote.bytes);
	g->remote_port = 80;
	s->eph.groups[1] = *g;
	s->eph.groups[1].remote_port = 443;
	closers_begin(cl, T0 + 1);
	closers_finish(cl, s, T0 + 1);
	assert_int_equal(s->closers.n_errors, 3);
	assert_int_equal(s->closers.errors[0].err, EADDRNOTAVAIL);
	assert_int_equal(s->closers.errors[0].count, 12);
	assert_int_equal(s->closers.errors[1].err, EADDRNOTAVAIL);
	assert_int_equal(s->closers.errors[1].remote.family, AF_INET);
	assert_int_equal(s->closers.errors[2].err, ECONNREFUSED);
	assert_float_equal(s->closers.errors[2].per_s, 50.0, 1e-9);
	assert_int_equal(s->closers.n, 1);
	assert_int_equal(s->closers.v[0].connect_errors, 65);
	assert_string_equal(s->closers.v[0].comm, "exhaust");
	/* the group to :80 failed 15 times, all EADDRNOTAVAIL; :443 never */
	assert_int_equal(g->cf.n, 1);
	assert_int_equal(g->cf.e[0].err, EADDRNOTAVAIL);
	assert_int_equal(g->cf.e[0].count, 15);
	assert_int_equal(g->cf.total, 15);
	assert_int_equal(s->eph.groups[1].cf.total, 0);
	free(s);
	closers_free(cl);
}

/* A read that fails leaves the panel a reason, not stale numbers. */
static void test_read_failure(void **state)
{
	struct fake f = { .fail = EPERM };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	struct snapshot *s;

	(void)state;
	closers_begin(cl, T0 + 1);
	s = finish(cl, T0 + 1);
	assert_false(s->closers.present);
	assert_non_null(strstr(s->closers.why, "not permitted"));
	free(s);
	closers_free(cl);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The cgroup path from /proc while the process is the one named; the
 * container in short. A pid reused by another name is not believed. */
static void test_names(void **state)
{
	char root[] = "/tmp/test_closers.XXXXXX", dir[256], buf[32];
	struct fake f = { 0 };
	struct closers *cl;
	struct snapshot *s;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/proc", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/proc/4242", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	put(dir, "comm", "web\n");
	put(dir, "cgroup", "0::/system.slice/docker-" ID64 ".scope\n");
	f.n_p = 2;
	f.tgid[0] = 4242;
	f.p[0].active = 1;
	snprintf(f.p[0].comm, sizeof(f.p[0].comm), "web");
	f.tgid[1] = 4242 + 1;	/* no /proc entry */
	f.p[1].active = 1;
	snprintf(f.p[1].comm, sizeof(f.p[1].comm), "gone");
	cl = closers_new(&fake_src, &f, root, T0);
	closers_begin(cl, T0 + 1);
	s = finish(cl, T0 + 1);
	assert_string_equal(row_of(s, 4242)->cgroup,
			    "/system.slice/docker-" ID64 ".scope");
	assert_string_equal(row_of(s, 4242)->container, "docker-0123456789ab");
	assert_string_equal(row_of(s, 4243)->cgroup, "");
	free(s);
	closers_free(cl);

	/* pid 4242 is now someone else */
	put(dir, "comm", "other\n");
	f.p[0].active = 2;
	cl = closers_new(&fake_src, &f, root, T0);
	closers_begin(cl, T0 + 1);
	s = finish(cl, T0 + 1);
	assert_string_equal(row_of(s, 4242)->cgroup, "");
	free(s);
	closers_free(cl);
	snprintf(dir, sizeof(dir), "rm -rf '%s'", root);
	assert_int_equal(system(dir), 0);

	assert_string_equal(closers_errno_name(EADDRNOTAVAIL, buf,
					       sizeof(buf)), "EADDRNOTAVAIL");
	assert_string_equal(closers_errno_name(4000, buf, sizeof(buf)),
			    "E4000");
	assert_int_equal(closers_errno_parse("EADDRNOTAVAIL"), EADDRNOTAVAIL);
	assert_int_equal(closers_errno_parse("E4000"), 4000);
	assert_int_equal(closers_errno_parse("E0"), 0);
	assert_int_equal(closers_errno_parse("bogus"), 0);
}

/* A process record: its closes and cgroup. */
static void proc(struct fake *f, uint32_t tgid, const char *comm,
		 uint64_t cgroup, uint64_t active, uint64_t passive)
{
	struct closers_proc *p = &f->p[f->n_p];

	assert_true(f->n_p < sizeof(f->p) / sizeof(f->p[0]));
	memset(p, 0, sizeof(*p));
	f->tgid[f->n_p++] = tgid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->cgroup = cgroup;
	p->active = active;
	p->passive = passive;
}

/* n TIME_WAIT closed first by tgid: client side to 10.9.0.2:80 from
 * ports from lport up, or server side on :8080 to clients' ports. */
static void tws(struct fake *f, struct closers *cl, uint32_t tgid,
		const char *comm, int n, uint16_t lport, bool server)
{
	struct closers_tuple t;

	for (int i = 0; i < n; i++) {
		uint16_t p = (uint16_t)(lport + i);

		if (server)
			tuple(&t, AF_INET, "10.9.0.1", 8080, "10.9.0.2", p);
		else
			tuple(&t, AF_INET, "10.9.0.1", p, "10.9.0.2", 80);
		closed(f, &t, tgid, comm, T0 + 0.5);
		if (server)
			tw(cl, AF_INET, "10.9.0.1", 8080, "10.9.0.2", p, 1,
			   true);
		else
			tw(cl, AF_INET, "10.9.0.1", p, "10.9.0.2", 80, 1,
			   false);
	}
}

static const struct snap_closer_cgroup *cg_of(const struct snapshot *s,
					      uint64_t id)
{
	for (uint32_t i = 0; i < s->closers.n_cgroups; i++)
		if (s->closers.cgroups[i].cgroup_id == id)
			return &s->closers.cgroups[i];
	return NULL;
}

/* cgroup ids no cgroup2 mount here has (kernfs: generation 1 << 16) */
#define CG_A	((1ULL << 48) | 500)
#define CG_B	((1ULL << 48) | 600)
#define CG_C	((1ULL << 48) | 700)

/* Per container: every listed process (not only the 32 kept) summed by
 * cgroup id, the unknown id 0 a group of its own, the rates summed, the
 * top process the one with the most TIME_WAIT, sorted as processes. */
static void test_cgroups(void **state)
{
	char root[] = "/tmp/test_closers.XXXXXX", dir[256];
	struct fake f = { 0 };
	struct closers *cl;
	const struct snap_closer_cgroup *g;
	struct snapshot *s;
	uint32_t tw = 0, procs = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/proc", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/proc/10", root);
	assert_int_equal(mkdir(dir, 0700), 0);
	put(dir, "comm", "web1\n");
	put(dir, "cgroup", "0::/system.slice/docker-" ID64 ".scope\n");
	cl = closers_new(&fake_src, &f, root, T0);
	closers_begin(cl, T0 + 1);
	/* cgroup A: web1 (3 client side, 10 closes) and web2 (2 server
	 * side, 4 closes); B: one process, 5 TIME_WAIT and 20 closes,
	 * first on act/s where TIME_WAIT ties; id 0: one process */
	proc(&f, 10, "web1", CG_A, 10, 0);
	tws(&f, cl, 10, "web1", 3, 40000, false);
	proc(&f, 11, "web2", CG_A, 4, 0);
	tws(&f, cl, 11, "web2", 2, 50000, true);
	proc(&f, 20, "batch", CG_B, 20, 0);
	tws(&f, cl, 20, "batch", 5, 41000, false);
	proc(&f, 30, "nocg", 0, 0, 0);
	tws(&f, cl, 30, "nocg", 1, 42000, false);
	/* C: 40 processes that only closed after their peers */
	for (uint32_t i = 0; i < 40; i++)
		proc(&f, 100 + i, "peer", CG_C, 0, 1);
	s = finish(cl, T0 + 2);
	assert_int_equal(s->closers.attributed, 11);
	assert_int_equal(s->closers.total, 44);
	assert_int_equal(s->closers.n, SNAP_CLOSERS_MAX);
	assert_int_equal(s->closers.cgroups_total, 4);
	assert_int_equal(s->closers.n_cgroups, 4);
	assert_int_equal(row_of(s, 10)->cgroup_id, CG_A);
	assert_int_equal(row_of(s, 30)->cgroup_id, 0);
	/* B and A tie on TIME_WAIT: B closes faster */
	assert_int_equal(s->closers.cgroups[0].cgroup_id, CG_B);
	assert_int_equal(s->closers.cgroups[1].cgroup_id, CG_A);
	assert_int_equal(s->closers.cgroups[2].cgroup_id, 0);
	assert_int_equal(s->closers.cgroups[3].cgroup_id, CG_C);
	g = cg_of(s, CG_A);
	assert_int_equal(g->processes, 2);
	assert_int_equal(g->time_wait, 5);
	assert_int_equal(g->server_side, 2);
	assert_int_equal(g->client_side, 3);
	assert_int_equal(g->active_closes, 14);
	assert_float_equal(g->active_per_s, 7.0, 1e-9);	/* 5 + 2 */
	assert_float_equal(g->passive_per_s, 0, 1e-9);
	assert_int_equal(g->top_pid, 10);
	assert_string_equal(g->top_comm, "web1");
	/* the path /proc gives for the top process, in short */
	assert_string_equal(g->cgroup, "/system.slice/docker-" ID64 ".scope");
	assert_string_equal(g->container, "docker-0123456789ab");
	g = cg_of(s, CG_B);
	assert_int_equal(g->processes, 1);
	assert_float_equal(g->active_per_s, 10.0, 1e-9);
	assert_string_equal(g->cgroup, "");	/* neither /proc nor id */
	g = cg_of(s, 0);
	assert_int_equal(g->processes, 1);
	assert_int_equal(g->time_wait, 1);
	assert_int_equal(g->top_pid, 30);
	assert_string_equal(g->cgroup, "");
	assert_string_equal(g->container, "");
	/* all 40 of C counted, though the list keeps 32 processes */
	g = cg_of(s, CG_C);
	assert_int_equal(g->processes, 40);
	assert_int_equal(g->passive_closes, 40);
	assert_float_equal(g->passive_per_s, 20.0, 1e-9);
	assert_int_equal(g->time_wait, 0);
	for (uint32_t i = 0; i < s->closers.n_cgroups; i++) {
		tw += s->closers.cgroups[i].time_wait;
		procs += s->closers.cgroups[i].processes;
	}
	assert_int_equal(tw, s->closers.attributed);
	assert_int_equal(procs, s->closers.total);
	free(s);
	closers_free(cl);
	snprintf(dir, sizeof(dir), "rm -rf '%s'", root);
	assert_int_equal(system(dir), 0);
}

/* A group's rate is unknown only when no member's is known: a sample
 * with no time since the counts started knows none of the processes'
 * rates; a member known only from its TIME_WAIT adds a known 0. */
static void test_cgroup_rates(void **state)
{
	struct fake f = { 0 };
	struct closers *cl = closers_new(&fake_src, &f, NULL, T0);
	const struct snap_closer_cgroup *g;
	struct snapshot *s;

	(void)state;
	proc(&f, 10, "a", CG_A, 3, 0);
	proc(&f, 11, "b", CG_A, 1, 1);
	proc(&f, 20, "c", CG_B, 2, 0);
	for (size_t i = 0; i < f.n_p; i++)
		f.p[i].last_ns = (uint64_t)(T0 * 1e9);
	closers_begin(cl, T0);
	tws(&f, cl, 21, "d", 1, 40000, false);
	f.c[f.n_t - 1].cgroup = CG_B;	/* no process record: from the
					 * close's record */
	s = finish(cl, T0);
	assert_true(row_of(s, 10)->active_per_s < 0);
	g = cg_of(s, CG_A);
	assert_non_null(g);
	assert_int_equal(g->processes, 2);
	assert_true(g->active_per_s < 0);
	assert_true(g->passive_per_s < 0);
	assert_float_equal(g->connect_errors_per_s, 0, 1e-9);
	g = cg_of(s, CG_B);
	assert_non_null(g);
	assert_int_equal(g->processes, 2);
	assert_float_equal(g->active_per_s, 0, 1e-9);	/* d's known 0 */
	assert_int_equal(g->top_pid, 21);		/* its TIME_WAIT */
	assert_int_equal(s->closers.cgroups[0].cgroup_id, CG_B);
	free(s);
	closers_free(cl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_focus_peer),
		cmocka_unit_test(test_focus_process),
		cmocka_unit_test(test_focus_cgroup),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_read_failure),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cgroups),
		cmocka_unit_test(test_cgroup_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
