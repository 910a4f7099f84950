/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the aggregation on synthetic socket records. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "twtop/agg.h"
#include "twtop/kern.h"
#include "twtop/tcpstate.h"
#include "../src/agg_priv.h"

static struct diag_sock mk(const char *l, uint16_t lp, const char *r,
			   uint16_t rp, uint8_t state, uint32_t expires)
{
	struct diag_sock s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(addr_parse(l, &s.local), 0);
	assert_int_equal(addr_parse(r, &s.remote), 0);
	s.lport = lp;
	s.rport = rp;
	s.state = state;
	s.expires = expires;
	return s;
}

/* Sampling parameters for begin(): reuse off, a 1 s window after a
 * previous sample, no listener memory. Tests change them as they need. */
static struct agg_params params = { .tw_reuse = 0, .timestamps = true,
				    .reuse_delay_ms = 1000,
				    .ts_new_before_ms = UINT32_MAX,
				    .window_ms = 1000 };

static void begin(struct agg *a, uint32_t low, uint32_t high,
		  const uint8_t *reserved)
{
	struct agg_params p = params;

	p.low = low;
	p.high = high;
	p.reserved = reserved;
	agg_begin(a, &p);
}

/* Where add() sends sockets: agg_add, or agg_focus_add for the
 * drill-down pass. */
static diag_cb add_to = agg_add;

static void add(struct agg *a, const char *l, uint16_t lp, const char *r,
		uint16_t rp, uint8_t state, uint32_t expires)
{
	struct diag_sock s = mk(l, lp, r, rp, state, expires);

	add_to(&s, a);
}

static struct snapshot *finish(struct agg *a, uint32_t top)
{
	struct snapshot *s = snap_new();

	agg_finish(a, s, top);
	return s;
}

/* The group of s toward remote address r. */
static const struct snap_group *group_by_remote(const struct snapshot *s,
						const char *r)
{
	struct tw_addr want;

	assert_int_equal(addr_parse(r, &want), 0);
	for (uint32_t i = 0; i < s->eph.n_groups; i++)
		if (addr_equal(&s->eph.groups[i].remote, &want))
			return &s->eph.groups[i];
	fail_msg("no group to %s", r);
	return NULL;
}

/* A server on :8080 closed 3 connections first (server side TIME_WAIT),
 * a client closed 5 to 10.0.0.2:443 (client side). */
static void load_mix(struct agg *a)
{
	add(a, "0.0.0.0", 8080, "0.0.0.0", 0, TS_LISTEN, 0);
	for (uint16_t i = 0; i < 3; i++)
		add(a, "127.0.0.1", 8080, "127.0.0.9", (uint16_t)(50000 + i),
		    TS_TIME_WAIT, 59000);
	for (uint16_t i = 0; i < 5; i++)
		add(a, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 443,
		    TS_TIME_WAIT, 12000);
	add(a, "10.0.0.1", 40010, "10.0.0.2", 443, TS_ESTABLISHED, 0);
	add(a, "10.0.0.1", 40011, "10.0.0.3", 443, TS_FIN_WAIT2, 0);
}

static void test_states_and_sides(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;

	(void)state;
	begin(a, 32768, 60999, NULL);
	load_mix(a);
	s = finish(a, 10);
	assert_int_equal(s->sockets, 11);
	assert_int_equal(s->states[TS_LISTEN], 1);
	assert_int_equal(s->states[TS_TIME_WAIT], 8);
	assert_int_equal(s->states[TS_ESTABLISHED], 1);
	assert_int_equal(s->states[TS_FIN_WAIT2], 1);
	assert_int_equal(s->tw.total, 8);
	assert_int_equal(s->tw.server_side, 3);
	assert_int_equal(s->tw.client_side, 5);
	/* ages: 60 - 59 = 1 s -> bucket 0; 60 - 12 = 48 s -> bucket 9 */
	assert_int_equal(s->tw.age[0], 3);
	assert_int_equal(s->tw.age[9], 5);
	snap_unref(s);
	agg_free(a);
}

static void test_top_peers_and_ports(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;
	char buf[ADDR_STRLEN];

	(void)state;
	begin(a, 32768, 60999, NULL);
	load_mix(a);
	s = finish(a, 2);
	assert_int_equal(s->peers_total, 3);
	assert_int_equal(s->n_peers, 2);
	assert_string_equal(addr_format(&s->peers[0].addr, buf, sizeof(buf)),
			    "10.0.0.2");
	assert_int_equal(s->peers[0].time_wait, 5);
	assert_int_equal(s->peers[0].total, 6);
	assert_int_equal(s->peers[0].states[TS_ESTABLISHED], 1);
	assert_string_equal(addr_format(&s->peers[1].addr, buf, sizeof(buf)),
			    "127.0.0.9");
	assert_int_equal(s->peers[1].time_wait, 3);
	/* local port 8080 leads with 3 TIME_WAIT and is a listening port;
	 * the client's ports 40000-40011 fold into one total */
	assert_int_equal(s->n_lports, 1);
	assert_int_equal(s->lports[0].port, 8080);
	assert_int_equal(s->lports[0].time_wait, 3);
	assert_true(s->lports[0].listening);
	assert_true(s->lports[0].server);
	assert_int_equal(s->folded.eph_local.ports, 7);
	assert_int_equal(s->folded.eph_local.time_wait, 5);
	assert_int_equal(s->folded.eph_local.total, 7);
	/* remote port 443 has 5 TIME_WAIT of 7 sockets, client side; the
	 * peer's ports 50000-50002 of the server-side TIME_WAIT fold */
	assert_int_equal(s->n_rports, 1);
	assert_int_equal(s->rports[0].port, 443);
	assert_int_equal(s->rports[0].time_wait, 5);
	assert_int_equal(s->rports[0].total, 7);
	assert_false(s->rports[0].server);
	assert_false(s->rports[0].listening);
	assert_int_equal(s->folded.clients_inbound.ports, 3);
	assert_int_equal(s->folded.clients_inbound.time_wait, 3);
	assert_int_equal(s->folded.clients_inbound.total, 3);
	snap_unref(s);
	agg_free(a);
}

/* Capacity per group = range - reserved - holes - the group's sockets
 * (KERNEL-FACTS.md); server-side sockets take no ephemeral port. */
static void test_groups_capacity(void **state)
{
	uint8_t reserved[8192] = { 0 };
	struct agg *a = agg_new();
	struct snapshot *s;
	char buf[ADDR_STRLEN];

	(void)state;
	/* range 1000-1099 (100 ports), 1000-1004 reserved (5), a listener
	 * on 1050 (a hole) and one outside the range */
	assert_int_equal(kern_parse_reserved_ports("1000-1004", reserved), 0);
	begin(a, 1000, 1099, reserved);
	add(a, "0.0.0.0", 1050, "0.0.0.0", 0, TS_LISTEN, 0);
	add(a, "0.0.0.0", 80, "0.0.0.0", 0, TS_LISTEN, 0);
	for (uint16_t p = 1010; p < 1040; p++)	/* 30 to the backend */
		add(a, "10.0.0.1", p, "10.0.0.2", 5432, TS_TIME_WAIT, 50000);
	for (uint16_t p = 1010; p < 1020; p++)	/* 10 to another port */
		add(a, "10.0.0.1", p, "10.0.0.2", 6379, TS_ESTABLISHED, 0);
	/* on the listening port in range: server side, not a group's */
	add(a, "10.0.0.1", 1050, "10.0.0.7", 1060, TS_TIME_WAIT, 50000);
	/* on a reserved port (explicitly bound): not counted again */
	add(a, "10.0.0.1", 1001, "10.0.0.2", 5432, TS_ESTABLISHED, 0);
	/* outside the range: not an ephemeral port */
	add(a, "10.0.0.1", 80, "10.0.0.8", 40000, TS_TIME_WAIT, 50000);
	s = finish(a, 10);
	assert_true(s->eph.present);
	assert_int_equal(s->eph.size, 100);
	assert_int_equal(s->eph.reserved, 5);
	assert_int_equal(s->eph.holes, 1);
	/* 1010..1039, 1050 and 1001 */
	assert_int_equal(s->eph.ports_in_use, 32);
	assert_int_equal(s->eph.groups_total, 2);
	assert_int_equal(s->eph.n_groups, 2);
	assert_string_equal(addr_format(&s->eph.groups[0].remote, buf,
					sizeof(buf)), "10.0.0.2");
	assert_int_equal(s->eph.groups[0].remote_port, 5432);
	assert_int_equal(s->eph.groups[0].used, 30);
	assert_int_equal(s->eph.groups[0].time_wait, 30);
	/* 50 s left: 10 s old, neither young nor expiring */
	assert_int_equal(s->eph.groups[0].tw_young, 0);
	assert_int_equal(s->eph.groups[0].tw_expiring, 0);
	assert_int_equal(s->eph.groups[0].available, 100 - 5 - 1 - 30);
	assert_int_equal(s->eph.groups[1].remote_port, 6379);
	assert_int_equal(s->eph.groups[1].available, 100 - 5 - 1 - 10);
	assert_int_equal(s->tw.server_side, 2);
	snap_unref(s);
	agg_free(a);
}

/* Bound, unconnected sockets come back in CLOSE from the bind-table
 * walk: they are holes in the range, not connections. */
static void test_bound_inactive(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;

	(void)state;
	begin(a, 32768, 60999, NULL);
	add(a, "127.0.0.1", 40001, "0.0.0.0", 0, TS_LISTEN, 0);
	add(a, "127.0.0.1", 40000, "0.0.0.0", 0, TS_CLOSE, 0);
	add(a, "127.0.0.1", 40002, "127.0.0.2", 80, TS_TIME_WAIT, 1000);
	s = finish(a, 10);
	assert_int_equal(s->states[TS_CLOSE], 0);
	assert_int_equal(s->states[TS_BOUND_INACTIVE], 1);
	/* as ss counts: the listener and the TIME_WAIT */
	assert_int_equal(s->sockets, 2);
	assert_int_equal(s->eph.holes, 2);
	assert_int_equal(s->eph.holes_listen, 1);
	assert_int_equal(s->eph.holes_bound, 1);
	assert_int_equal(s->eph.holes_closed, 0);
	assert_string_equal(s->eph.holes_source, "sock_diag");
	assert_int_equal(s->eph.groups_total, 1);
	assert_int_equal(s->eph.groups[0].available, 28232 - 2 - 1);
	/* the client's port folds; the listener's and the bound one are
	 * no socket's port here (not counted as ports) */
	assert_int_equal(s->n_lports, 0);
	assert_int_equal(s->folded.eph_local.ports, 1);
	assert_int_equal(s->folded.eph_local.time_wait, 1);
	assert_int_equal(s->peers_total, 1);
	snap_unref(s);
	agg_free(a);
}

/* A 100-port range full of TIME_WAIT toward a loopback and a remote
 * destination, half of them past the reuse delay: what connect() may
 * take over follows tcp_twsk_unique. */
static struct snapshot *reuse_sample(struct agg *a, int reuse, bool ts,
				     uint32_t delay_ms, uint32_t ifindex)
{
	struct agg_params p = params;

	p.low = 40000;
	p.high = 40099;
	p.tw_reuse = reuse;
	p.timestamps = ts;
	p.reuse_delay_ms = delay_ms;
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 100; i++) {
		/* ages 500 ms (young) and 2000 ms (past a 1 s delay) */
		uint32_t exp = i < 50 ? 59500 : 58000;
		struct diag_sock lo = mk("127.0.0.1", (uint16_t)(40000 + i),
					 "127.0.0.1", 8080, TS_TIME_WAIT, exp);
		struct diag_sock far = mk("10.0.0.1", (uint16_t)(40000 + i),
					  "10.0.0.2", 443, TS_TIME_WAIT, exp);

		far.ifindex = ifindex;
		agg_add(&lo, a);
		agg_add(&far, a);
	}
	return finish(a, 10);
}

/* The group of s toward remote port rport. */
static const struct snap_group *group(const struct snapshot *s,
				      uint16_t rport)
{
	for (uint32_t i = 0; i < s->eph.n_groups; i++)
		if (s->eph.groups[i].remote_port == rport)
			return &s->eph.groups[i];
	fail_msg("no group to port %u", rport);
	return NULL;
}

static void test_reuse_rules(void **state)
{
	static const struct {
		int reuse;
		bool ts;
		uint32_t delay, ifindex;
		uint32_t lo, far;	/* reusable: loopback, 10.0.0.2 */
	} cases[] = {
		{ 0, true, 1000, 0, 0, 0 },	/* off */
		{ 2, true, 1000, 0, 50, 0 },	/* loopback only */
		{ 1, true, 1000, 0, 50, 50 },	/* all tuples */
		{ 2, false, 1000, 0, 0, 0 },	/* no timestamps */
		{ 1, false, 1000, 0, 0, 0 },
		{ 1, true, 2000, 0, 0, 0 },	/* age 2000 is not > 2000 */
		{ 1, true, 1999, 0, 50, 50 },
		{ 1, true, 0, 0, 100, 100 },	/* delay 0: every one */
		{ 2, true, 1000, 1, 50, 50 },	/* bound to lo (ifindex 1) */
		{ -1, true, 1000, 0, 0, 0 },	/* sysctl absent */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct agg *a = agg_new();
		struct snapshot *s = reuse_sample(a, cases[i].reuse,
						  cases[i].ts, cases[i].delay,
						  cases[i].ifindex);
		const struct snap_group *lo = group(s, 8080);
		const struct snap_group *far = group(s, 443);

		print_message("case %zu\n", i);
		assert_int_equal(lo->used, 100);
		assert_int_equal(lo->free, 0);
		assert_int_equal(lo->reusable, cases[i].lo);
		assert_int_equal(lo->available, cases[i].lo);
		assert_int_equal(far->free, 0);
		assert_int_equal(far->reusable, cases[i].far);
		assert_int_equal(far->available, cases[i].far);
		assert_int_equal(lo->reuse, cases[i].ts &&
				 (cases[i].reuse == 1 || cases[i].reuse == 2));
		assert_int_equal(far->reuse, cases[i].ts &&
				 (cases[i].reuse == 1 ||
				  (cases[i].reuse == 2 && cases[i].ifindex)));
		assert_int_equal(s->eph.tw_reuse, cases[i].reuse);
		assert_int_equal(s->eph.reuse_delay_ms, cases[i].delay);
		/* the group connect() can take least from ranks first */
		assert_true(s->eph.groups[0].available <=
			    s->eph.groups[1].available);
		snap_unref(s);
		agg_free(a);
	}
}

/* New TIME_WAIT per group, peer and port from ages: those younger than
 * the time since the last sample are exactly the new ones. */
static void test_rates_from_ages(void **state)
{
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct snapshot *s;

	(void)state;
	p.low = 32768;
	p.high = 60999;
	p.window_ms = 2000;
	agg_begin(a, &p);
	/* 30 younger than 2 s to 10.0.0.2:443, 20 older; 6 new to :80 */
	for (uint16_t i = 0; i < 50; i++)
		add(a, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 443,
		    TS_TIME_WAIT, i < 30 ? 59990 - 60u * i : 50000);
	for (uint16_t i = 0; i < 6; i++)
		add(a, "10.0.0.1", (uint16_t)(41000 + i), "10.0.0.3", 80,
		    TS_TIME_WAIT, 59000);
	add(a, "10.0.0.1", 42000, "10.0.0.3", 80, TS_ESTABLISHED, 0);
	s = finish(a, 10);
	assert_true(fabs(group(s, 443)->new_per_s - 15) < 1e-9);
	assert_true(fabs(group(s, 80)->new_per_s - 3) < 1e-9);
	assert_true(fabs(s->peers[0].new_per_s - 15) < 1e-9);
	assert_true(fabs(s->peers[1].new_per_s - 3) < 1e-9);
	assert_int_equal(s->rports[0].port, 443);
	assert_true(fabs(s->rports[0].new_per_s - 15) < 1e-9);
	assert_true(fabs(s->rports[1].new_per_s - 3) < 1e-9);
	/* one TIME_WAIT per local port: 1 or 0 in 2 s */
	assert_true(fabs(s->lports[0].new_per_s - 0.5) < 1e-9 ||
		    fabs(s->lports[0].new_per_s) < 1e-9);
	assert_true(fabs(s->tw.ages_per_s - 18) < 1e-9);
	assert_true(fabs(s->tw.window_s - 2) < 1e-9);
	assert_false(s->tw.rate_estimated);
	/* the tw_exp bands: 30 + 6 with 59-60 s left, 20 with 50 s */
	assert_int_equal(group(s, 443)->tw_exp[5], 50);
	assert_int_equal(group(s, 80)->tw_exp[5], 6);
	assert_int_equal(group(s, 443)->tw_expiring, 0);
	snap_unref(s);

	/* tcp_tw_reuse=2, 2 s since the last sample: a loopback row may
	 * have lost TIME_WAIT older than the 1 s delay to connect(), so it
	 * counts the last second only; a remote one the whole 2 s. 10 new in
	 * the last second, 30 in the one before. */
	p.tw_reuse = 2;
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 40; i++) {
		uint32_t exp = i < 10 ? 59900 - 80u * i :
			       59000 - 30u * (i - 10u);

		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.1", 8080,
		    TS_TIME_WAIT, exp);
		add(a, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 8080,
		    TS_TIME_WAIT, exp);
	}
	s = finish(a, 10);
	assert_true(fabs(group_by_remote(s, "127.0.0.1")->new_per_s - 10) <
		    1e-9);
	assert_true(fabs(group_by_remote(s, "10.0.0.2")->new_per_s - 20) <
		    1e-9);
	/* the remote port 8080 mixes both: the reuse window */
	assert_true(fabs(s->rports[0].new_per_s - 20) < 1e-9);
	snap_unref(s);
	p.tw_reuse = 0;

	/* no window (no sample time): unknown, not 0 */
	p.window_ms = 0;
	agg_begin(a, &p);
	add(a, "10.0.0.1", 40000, "10.0.0.2", 443, TS_TIME_WAIT, 59990);
	s = finish(a, 10);
	assert_true(s->eph.groups[0].new_per_s < 0);
	assert_true(s->peers[0].new_per_s < 0);
	snap_unref(s);
	agg_free(a);
}

/* The first sample has no previous one: the last 2 s of ages give the
 * rate, and a burst followed by a gap is no rate at all. */
static void test_first_sample_burst(void **state)
{
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct snapshot *s;

	(void)state;
	p.low = 32768;
	p.high = 60999;
	p.window_ms = 2000;
	p.first = true;
	agg_begin(a, &p);
	/* a burst of 500 within 100 ms that ended 30 ms ago: 127.0.0.2 */
	for (uint16_t i = 0; i < 500; i++)
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.2", 8080,
		    TS_TIME_WAIT, 60000 - 30 - i / 5u);
	/* a steady 20/s for 2 s, the last 10 ms ago: 127.0.0.3 */
	for (uint16_t i = 0; i < 40; i++)
		add(a, "127.0.0.1", (uint16_t)(41000 + i), "127.0.0.3", 8080,
		    TS_TIME_WAIT, 60000 - 10 - 50u * i);
	/* one new TIME_WAIT 300 ms ago: a slow flow, not a burst */
	add(a, "127.0.0.1", 42000, "127.0.0.4", 8080, TS_TIME_WAIT, 59700);
	s = finish(a, 10);
	assert_true(fabs(group_by_remote(s, "127.0.0.2")->new_per_s) < 1e-9);
	assert_true(fabs(group_by_remote(s, "127.0.0.3")->new_per_s - 20) <
		    1e-9);
	assert_true(fabs(group_by_remote(s, "127.0.0.4")->new_per_s - 0.5) <
		    1e-9);
	assert_true(s->tw.rate_estimated);
	/* the host: 541 in 2 s, youngest 10 ms: still a flow */
	assert_true(fabs(s->tw.ages_per_s - 541 / 2.0) < 1e-9);
	snap_unref(s);

	/* a later sample: what arrived since the last one is measured all
	 * the same, but a flow with a gap after it is marked stopped */
	p.first = false;
	p.window_ms = 1000;
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 500; i++)	/* ended 300 ms ago */
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.2", 8080,
		    TS_TIME_WAIT, 60000 - 300 - i / 5u);
	for (uint16_t i = 0; i < 20; i++)	/* 20/s, the last 10 ms ago */
		add(a, "127.0.0.1", (uint16_t)(41000 + i), "127.0.0.3", 8080,
		    TS_TIME_WAIT, 60000 - 10 - 50u * i);
	s = finish(a, 10);
	assert_true(fabs(group_by_remote(s, "127.0.0.2")->new_per_s - 500) <
		    1e-9);
	assert_true(group_by_remote(s, "127.0.0.2")->stopped);
	assert_true(fabs(group_by_remote(s, "127.0.0.3")->new_per_s - 20) <
		    1e-9);
	assert_false(group_by_remote(s, "127.0.0.3")->stopped);
	snap_unref(s);

	/* pulses: 20 back to back every second, the last 500 ms ago: the
	 * previous pulse is in the window before, so the flow goes on */
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 60; i++)
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.2", 8080,
		    TS_TIME_WAIT, 60000 - 500 - 1000u * (i / 20) - i % 20);
	s = finish(a, 10);
	assert_false(s->eph.groups[0].stopped);
	assert_true(fabs(s->eph.groups[0].new_per_s - 20) < 1e-9);
	/* the last 10 s: 60 since the flow began, one mean gap before the
	 * oldest (2.519 s ago; not diluted over 10 s); surely that less one
	 * deviation, more than the last second's 20 less two */
	assert_true(fabs(s->eph.groups[0].long_per_s -
			 60 / (2.519 + 2.019 / 59)) < 1e-9);
	assert_true(fabs(s->eph.groups[0].low_per_s -
			 (60 - sqrt(60)) / (2.519 + 2.019 / 59)) < 1e-9);
	/* expiry in 1 s steps: 20 each with 59, 58 and 57 s left */
	assert_int_equal(s->eph.groups[0].tw_exp_s[59], 20);
	assert_int_equal(s->eph.groups[0].tw_exp_s[58], 20);
	assert_int_equal(s->eph.groups[0].tw_exp_s[57], 20);
	assert_int_equal(s->eph.groups[0].tw_exp_s[56], 0);
	assert_int_equal(s->eph.groups[0].tw_exp[5], 60);
	snap_unref(s);

	/* nothing new in the window: 20/s for 5 s that ended 2 s ago has
	 * stopped (2 s is 40 of its gaps); 0.5/s, the last 1.5 s ago, not */
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 100; i++)
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.2", 8080,
		    TS_TIME_WAIT, 60000 - 2000 - 50u * i);
	for (uint16_t i = 0; i < 5; i++)
		add(a, "127.0.0.1", (uint16_t)(41000 + i), "127.0.0.3", 8080,
		    TS_TIME_WAIT, 60000 - 1500 - 2000u * i);
	s = finish(a, 10);
	assert_true(group_by_remote(s, "127.0.0.2")->stopped);
	assert_true(fabs(group_by_remote(s, "127.0.0.2")->new_per_s) < 1e-9);
	assert_false(group_by_remote(s, "127.0.0.3")->stopped);
	/* 5 since one gap (2 s) before the oldest, 9.5 s ago */
	assert_true(fabs(group_by_remote(s, "127.0.0.3")->long_per_s -
			 5 / 11.5) < 1e-9);
	snap_unref(s);

	/* a burst of 150 1.07 s ago and one straggler since (a TIME_WAIT
	 * whose timer restarted looks new): the last window says the 10 s
	 * are stale, so the sure rate and the estimate are the window's */
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 150; i++)
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.4", 8080,
		    TS_TIME_WAIT, 60000 - 1070 - i / 30u);
	add(a, "127.0.0.1", 40200, "127.0.0.4", 8080, TS_TIME_WAIT, 59700);
	s = finish(a, 10);
	assert_true(fabs(s->eph.groups[0].new_per_s - 1) < 1e-9);
	assert_true(fabs(s->eph.groups[0].long_per_s - 1) < 1e-9);
	assert_true(fabs(s->eph.groups[0].low_per_s) < 1e-9);
	snap_unref(s);

	/* under reuse a long window is unknown: older ones may be gone */
	p.tw_reuse = 2;
	agg_begin(a, &p);
	add(a, "127.0.0.1", 40000, "127.0.0.2", 8080, TS_TIME_WAIT, 59900);
	s = finish(a, 10);
	assert_true(s->eph.groups[0].long_per_s < 0);
	snap_unref(s);
	p.tw_reuse = 0;
	p.first = true;
	p.window_ms = 2000;

	/* the same burst 5 ms ago is within the timer's granularity: a rate
	 * (the next sample tells) */
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 500; i++)
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.2", 8080,
		    TS_TIME_WAIT, 60000 - 5 - i / 5u);
	s = finish(a, 10);
	assert_true(fabs(s->eph.groups[0].new_per_s - 250) < 1e-9);
	snap_unref(s);
	agg_free(a);
}

/* A listener that closed keeps its sockets server side and its port a
 * hole (its bind bucket remains) while they last: the sampler's memory. */
static void test_remembered_listener(void **state)
{
	uint8_t remembered[8192] = { 0 };
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct snapshot *s;

	(void)state;
	p.low = 8000;
	p.high = 8999;
	p.remembered = remembered;
	remembered[8081 >> 3] |= 1u << (8081 & 7);	/* :8081 listened */
	remembered[8500 >> 3] |= 1u << (8500 & 7);	/* :8500, no sockets */
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 3; i++)
		add(a, "127.0.0.1", 8081, "127.0.0.9", (uint16_t)(50000 + i),
		    TS_TIME_WAIT, 30000);
	add(a, "127.0.0.1", 8081, "127.0.0.9", 50010, TS_ESTABLISHED, 0);
	add(a, "127.0.0.1", 8100, "127.0.0.2", 80, TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->tw.server_side, 3);
	assert_int_equal(s->tw.client_side, 1);
	assert_int_equal(s->tw.server_inferred, 0);
	assert_int_equal(s->tw.eph_held, 1);
	assert_int_equal(s->lports[0].port, 8081);
	assert_true(s->lports[0].server);
	assert_false(s->lports[0].listening);
	assert_int_equal(s->eph.holes_closed, 1);
	assert_int_equal(s->eph.holes, 1);
	assert_int_equal(s->eph.groups_total, 1);
	assert_int_equal(s->eph.groups[0].remote_port, 80);
	assert_int_equal(s->eph.groups[0].free, 1000 - 1 - 1);
	snap_unref(s);

	/* no memory: the same sockets are client side, the group of
	 * 127.0.0.9 takes ports */
	p.remembered = NULL;
	agg_begin(a, &p);
	add(a, "127.0.0.1", 8081, "127.0.0.9", 50000, TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->tw.server_side, 0);
	assert_int_equal(s->eph.holes, 0);
	snap_unref(s);
	agg_free(a);
}

/* The BPF backend says which ports bind() took: a client that bound
 * before connect() leaves its port a hole for every group (connect()
 * skips bind buckets), and is not one of its group's connect()s; the
 * same sockets from netlink (bound_by_bind 0) are ordinary clients. */
static void test_bind_table_holes(void **state)
{
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct diag_sock sk;
	struct snapshot *s;

	(void)state;
	p.low = 40000;
	p.high = 40099;
	for (int bpf = 1; bpf >= 0; bpf--) {
		p.bind_table = bpf;
		agg_begin(a, &p);
		for (uint16_t i = 0; i < 3; i++) {
			/* bind(0)+connect() toward 127.0.0.2:80 */
			sk = mk("127.0.0.1", (uint16_t)(40010 + i), "127.0.0.2",
				80, i ? TS_TIME_WAIT : TS_ESTABLISHED,
				i ? 30000 : 0);
			sk.bound_by_bind = (uint8_t)bpf;
			agg_add(&sk, a);
		}
		/* connect() alone, same destination */
		add(a, "127.0.0.1", 40020, "127.0.0.2", 80, TS_TIME_WAIT,
		    30000);
		/* a listener's child: its port is already a listen hole */
		add(a, "127.0.0.1", 40050, "0.0.0.0", 0, TS_LISTEN, 0);
		sk = mk("127.0.0.1", 40050, "127.0.0.3", 5555, TS_ESTABLISHED,
			0);
		sk.bound_by_bind = (uint8_t)bpf;
		agg_add(&sk, a);
		s = finish(a, 10);
		assert_int_equal(s->states[TS_TIME_WAIT], 3);
		assert_int_equal(s->eph.holes_listen, 1);
		assert_int_equal(s->eph.holes_bind, bpf ? 3 : 0);
		assert_int_equal(s->eph.holes, bpf ? 4 : 1);
		assert_string_equal(s->eph.holes_source,
				    bpf ? "bind-table" : "sock_diag");
		assert_int_equal(s->eph.groups_total, 1);
		assert_int_equal(s->eph.groups[0].used, bpf ? 1 : 4);
		assert_int_equal(s->eph.groups[0].free,
				 100 - (bpf ? 4 : 1) - (bpf ? 1 : 4));
		snap_unref(s);
	}
	agg_free(a);
}

/* With less than 60 s of memory, a TIME_WAIT from a port outside the
 * range to a peer's ephemeral port is server side. */
static void test_sides_without_memory(void **state)
{
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct snapshot *s;

	(void)state;
	p.low = 32768;
	p.high = 60999;
	p.infer_sides = true;
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 5; i++)	/* a server on :8081, gone */
		add(a, "127.0.0.1", 8081, "127.0.0.2", (uint16_t)(40000 + i),
		    TS_TIME_WAIT, 30000);
	/* to a server on an ephemeral-range port: client side */
	add(a, "127.0.0.1", 40100, "127.0.0.2", 45000, TS_TIME_WAIT, 30000);
	/* an ESTABLISHED alike is not a TIME_WAIT: not inferred */
	add(a, "127.0.0.1", 8081, "127.0.0.2", 40010, TS_ESTABLISHED, 0);
	/* a client that bound a low port to a server's low port */
	add(a, "127.0.0.1", 700, "127.0.0.3", 80, TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->tw.server_side, 5);
	assert_int_equal(s->tw.server_inferred, 5);
	assert_int_equal(s->tw.client_side, 2);
	assert_int_equal(s->tw.eph_held, 1);
	assert_int_equal(s->lports[0].port, 8081);
	assert_true(s->lports[0].server);
	assert_false(s->lports[0].listening);
	snap_unref(s);

	p.infer_sides = false;		/* 60 s of memory: not inferred */
	agg_begin(a, &p);
	add(a, "127.0.0.1", 8081, "127.0.0.2", 40000, TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->tw.server_side, 0);
	assert_false(s->lports[0].server);
	snap_unref(s);
	agg_free(a);
}

/* A TIME_WAIT is reusable only if its connection carried timestamps:
 * after tcp_timestamps changed, the ones made before keep the old
 * setting, and the ones made around the change count as not reusable. */
static void test_timestamps_history(void **state)
{
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct snapshot *s;

	(void)state;
	p.low = 40000;
	p.high = 40099;
	p.tw_reuse = 2;
	p.timestamps = false;		/* off now ... */
	p.ts_old = true;		/* ... on until 5-6 s ago */
	p.ts_old_after_ms = 6000;
	p.ts_new_before_ms = 5000;
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 30; i++)	/* ages 2, 5.5 and 10 s */
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.1", 8080,
		    TS_TIME_WAIT, i < 10 ? 58000 : i < 20 ? 54500 : 50000);
	s = finish(a, 10);
	/* only the 10 s old ones were made with timestamps */
	assert_int_equal(s->eph.groups[0].reusable, 10);
	assert_int_equal(s->eph.groups[0].available, 100 - 30 + 10);
	/* new connections carry none: reuse does not cover the group */
	assert_false(s->eph.groups[0].reuse);
	assert_false(s->eph.timestamps);
	snap_unref(s);

	/* the other way round: made without, on now */
	p.timestamps = true;
	p.ts_old = false;
	agg_begin(a, &p);
	for (uint16_t i = 0; i < 30; i++)
		add(a, "127.0.0.1", (uint16_t)(40000 + i), "127.0.0.1", 8080,
		    TS_TIME_WAIT, i < 10 ? 58000 : i < 20 ? 54500 : 50000);
	s = finish(a, 10);
	assert_int_equal(s->eph.groups[0].reusable, 10);	/* the 2 s ones */
	assert_true(s->eph.groups[0].reuse);
	snap_unref(s);
	agg_free(a);
}

static void test_no_range(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;

	(void)state;
	begin(a, 0, 0, NULL);
	load_mix(a);
	s = finish(a, 10);
	assert_false(s->eph.present);
	assert_int_equal(s->eph.n_groups, 0);
	assert_int_equal(s->tw.total, 8);
	snap_unref(s);
	agg_free(a);
}

/* Tables are reused: a second sample does not carry the first's counts. */
static void test_reset_between_samples(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;

	(void)state;
	begin(a, 32768, 60999, NULL);
	load_mix(a);
	snap_unref(finish(a, 10));
	begin(a, 32768, 60999, NULL);
	add(a, "10.0.0.1", 40000, "10.0.0.2", 443, TS_TIME_WAIT, 1000);
	s = finish(a, 10);
	assert_int_equal(s->sockets, 1);
	assert_int_equal(s->tw.total, 1);
	assert_int_equal(s->tw.client_side, 1);
	assert_int_equal(s->peers_total, 1);
	assert_int_equal(s->n_lports, 0);
	assert_int_equal(s->folded.eph_local.ports, 1);
	assert_int_equal(s->folded.eph_local.total, 1);
	assert_int_equal(s->folded.clients_inbound.ports, 0);
	assert_int_equal(s->rports[0].total, 1);
	assert_int_equal(s->eph.groups[0].used, 1);
	assert_int_equal(s->eph.ports_in_use, 1);
	assert_int_equal(s->tw.age[11], 1);
	assert_int_equal(s->eph.groups[0].tw_expiring, 1);
	assert_int_equal(s->eph.groups[0].tw_young, 0);
	snap_unref(s);
	agg_free(a);
}

/* Many distinct peers grow the table; counts stay exact and the top list
 * is the k largest in order. */
static void test_many_peers(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;
	char ip[32];
	uint32_t tw_total = 0;

	(void)state;
	begin(a, 32768, 60999, NULL);
	for (int i = 0; i < 5000; i++) {
		int n = i % 7;	/* peer i gets i % 7 TIME_WAIT + 1 ESTAB */

		snprintf(ip, sizeof(ip), "10.%d.%d.%d", i / 65536,
			 (i / 256) % 256, i % 256);
		for (int j = 0; j < n; j++)
			add(a, "10.255.0.1", (uint16_t)(33000 + j), ip, 80,
			    TS_TIME_WAIT, 30000);
		add(a, "10.255.0.1", 34000, ip, 80, TS_ESTABLISHED, 0);
		tw_total += (uint32_t)n;
	}
	s = finish(a, 20);
	assert_int_equal(s->peers_total, 5000);
	assert_int_equal(s->tw.total, tw_total);
	assert_int_equal(s->n_peers, 20);
	for (uint32_t i = 0; i < s->n_peers; i++) {
		assert_int_equal(s->peers[i].time_wait, 6);
		assert_int_equal(s->peers[i].total, 7);
		if (i > 0)	/* ties broken by address, ascending */
			assert_true(memcmp(&s->peers[i - 1].addr,
					   &s->peers[i].addr,
					   sizeof(struct tw_addr)) < 0);
	}
	/* 30 s left: in the middle, neither young nor expiring */
	assert_int_equal(s->eph.groups[0].tw_young, 0);
	/* 5000 groups: one per peer at dport 80 */
	assert_int_equal(s->eph.groups_total, 5000);
	assert_int_equal(s->eph.groups[0].used, 7);
	snap_unref(s);
	agg_free(a);
}

/* A server port with 3 sockets among 5000 ephemeral client ports, each
 * with a TIME_WAIT or two: the ephemeral ones fold into one total, so
 * the server port is in the top list (it was crowded out: the top list
 * was taken before anything was folded). */
static void test_ports_fold_top_n(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;

	(void)state;
	begin(a, 32768, 60999, NULL);
	add(a, "0.0.0.0", 8080, "0.0.0.0", 0, TS_LISTEN, 0);
	for (uint16_t i = 0; i < 3; i++)
		add(a, "10.0.0.1", 8080, "10.0.0.7", (uint16_t)(41000 + i),
		    TS_ESTABLISHED, 0);
	for (uint16_t i = 0; i < 5000; i++) {
		/* 100 of them 0.5 s old: new in the 1 s window */
		add(a, "10.0.0.1", (uint16_t)(33000 + i), "10.0.0.2", 443,
		    TS_TIME_WAIT, i < 100 ? 59500 : 30000);
		if (i % 10 == 0)	/* and a second, to another port */
			add(a, "10.0.0.1", (uint16_t)(33000 + i), "10.0.0.3",
			    80, TS_TIME_WAIT, 30000);
	}
	s = finish(a, 10);
	assert_int_equal(s->n_lports, 1);
	assert_int_equal(s->lports[0].port, 8080);
	assert_int_equal(s->lports[0].total, 3);
	assert_int_equal(s->lports[0].time_wait, 0);
	assert_true(s->lports[0].server && s->lports[0].listening);
	assert_int_equal(s->folded.eph_local.ports, 5000);
	assert_int_equal(s->folded.eph_local.time_wait, 5500);
	assert_int_equal(s->folded.eph_local.total, 5500);
	assert_int_equal(s->folded.eph_local.time_wait, s->tw.eph_held);
	/* the folded ports' new TIME_WAIT, counted as one row's */
	assert_true(s->folded.eph_local.new_per_s == 100);
	/* remote: the service ports are listed, client side; the clients'
	 * ports of the inbound connections fold */
	assert_int_equal(s->n_rports, 2);
	assert_int_equal(s->rports[0].port, 443);
	assert_int_equal(s->rports[0].time_wait, 5000);
	assert_true(s->rports[0].new_per_s == 100);
	assert_int_equal(s->rports[1].port, 80);
	assert_false(s->rports[0].server || s->rports[1].server);
	assert_int_equal(s->folded.clients_inbound.ports, 3);
	assert_int_equal(s->folded.clients_inbound.time_wait, 0);
	assert_int_equal(s->folded.clients_inbound.total, 3);
	snap_unref(s);

	/* a top list of 1 still holds the server port */
	begin(a, 32768, 60999, NULL);
	add(a, "0.0.0.0", 8080, "0.0.0.0", 0, TS_LISTEN, 0);
	add(a, "10.0.0.1", 8080, "10.0.0.7", 41000, TS_ESTABLISHED, 0);
	for (uint16_t i = 0; i < 50; i++)
		add(a, "10.0.0.1", (uint16_t)(33000 + i), "10.0.0.2", 443,
		    TS_TIME_WAIT, 30000);
	s = finish(a, 1);
	assert_int_equal(s->n_lports, 1);
	assert_int_equal(s->lports[0].port, 8080);
	assert_int_equal(s->folded.eph_local.ports, 50);
	snap_unref(s);

	/* no ephemeral range known: nothing local to fold by */
	begin(a, 0, 0, NULL);
	for (uint16_t i = 0; i < 5; i++)
		add(a, "10.0.0.1", (uint16_t)(33000 + i), "10.0.0.2", 443,
		    TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->n_lports, 5);
	assert_int_equal(s->folded.eph_local.ports, 0);
	snap_unref(s);
	agg_free(a);
}

/* A remote port's side is the side of this host's sockets to it: the
 * clients' ports of server-side TIME_WAIT (the server closed first) are
 * server side and fold as the clients' ports; a service port we connect
 * to is client side; a port with both goes by the larger side. */
static void test_remote_port_sides(void **state)
{
	uint8_t remembered[8192] = { 0 };
	struct agg *a = agg_new();
	struct agg_params p = params;
	struct snapshot *s;

	(void)state;
	p.low = 32768;
	p.high = 60999;
	p.remembered = remembered;
	remembered[9000 >> 3] |= 1u << (9000 & 7);	/* :9000 listened */
	agg_begin(a, &p);
	add(a, "0.0.0.0", 8081, "0.0.0.0", 0, TS_LISTEN, 0);
	/* the server closed first: TIME_WAIT on :8081 and :9000 (its
	 * listener gone within 60 s) to the clients' ports, young */
	for (uint16_t i = 0; i < 20; i++)
		add(a, "127.0.0.1", i < 15 ? 8081 : 9000, "127.0.0.5",
		    (uint16_t)(45000 + i), TS_TIME_WAIT, 59800);
	/* remote port 45000 is also a service port we connect to once:
	 * 1 server-side socket, 1 client-side: not more server side */
	add(a, "127.0.0.1", 40000, "127.0.0.6", 45000, TS_ESTABLISHED, 0);
	/* remote port 45001: 1 server side, 2 client side */
	add(a, "127.0.0.1", 40001, "127.0.0.6", 45001, TS_ESTABLISHED, 0);
	add(a, "127.0.0.1", 40002, "127.0.0.6", 45001, TS_ESTABLISHED, 0);
	/* a low client port (bind() to a reserved port, rsh-like) */
	add(a, "127.0.0.1", 8081, "127.0.0.5", 1000, TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->tw.server_side, 21);
	/* 45002-45019 and 1000: the clients' ports, marked server side */
	assert_int_equal(s->folded.clients_inbound.ports, 19);
	assert_int_equal(s->folded.clients_inbound.time_wait, 19);
	assert_int_equal(s->folded.clients_inbound.total, 19);
	/* 18 of them 0.2 s old in a 1 s window */
	assert_true(s->folded.clients_inbound.new_per_s == 18);
	assert_int_equal(s->n_rports, 2);
	for (uint32_t i = 0; i < s->n_rports; i++) {
		assert_true(s->rports[i].port == 45001 ||
			    s->rports[i].port == 45000);
		assert_false(s->rports[i].server);
	}
	/* the server ports are listed as such */
	assert_int_equal(s->n_lports, 2);
	assert_int_equal(s->lports[0].port, 8081);
	assert_true(s->lports[0].server && s->lports[0].listening);
	assert_int_equal(s->lports[1].port, 9000);
	assert_true(s->lports[1].server && !s->lports[1].listening);
	snap_unref(s);

	/* remote port 45000 gets a second server-side socket: now more
	 * server side, so it folds too */
	agg_begin(a, &p);
	add(a, "0.0.0.0", 8081, "0.0.0.0", 0, TS_LISTEN, 0);
	add(a, "127.0.0.1", 8081, "127.0.0.5", 45000, TS_TIME_WAIT, 30000);
	add(a, "127.0.0.1", 8081, "127.0.0.7", 45000, TS_TIME_WAIT, 30000);
	add(a, "127.0.0.1", 40000, "127.0.0.6", 45000, TS_ESTABLISHED, 0);
	s = finish(a, 10);
	assert_int_equal(s->n_rports, 0);
	assert_int_equal(s->folded.clients_inbound.ports, 1);
	assert_int_equal(s->folded.clients_inbound.total, 3);
	assert_int_equal(s->folded.clients_inbound.time_wait, 2);
	snap_unref(s);
	agg_free(a);
}

/* The whole-host pass of load_mix, then the drill-down pass over the
 * same sockets (the kernel would send only the focus's; agg checks). */
static struct snapshot *focus_pass(struct agg *a, const struct focus_req *f)
{
	struct snapshot *s;

	begin(a, 32768, 60999, NULL);
	load_mix(a);
	s = finish(a, 10);
	agg_focus_begin(a, f);
	add_to = agg_focus_add;
	load_mix(a);
	add_to = agg_add;
	agg_focus_finish(a, s);
	return s;
}

static void test_focus_peer(void **state)
{
	struct agg *a = agg_new();
	struct focus_req f = { .kind = FOCUS_PEER };
	struct snapshot *s;

	(void)state;
	assert_int_equal(addr_parse("10.0.0.2", &f.addr), 0);
	s = focus_pass(a, &f);
	assert_non_null(s->focus);
	/* all 11 sockets of load_mix came; 6 are the peer's */
	assert_int_equal(s->focus->fetched, 11);
	assert_int_equal(s->focus->total, 6);
	assert_int_equal(s->focus->states[TS_TIME_WAIT], 5);
	assert_int_equal(s->focus->tw_client, 5);
	assert_int_equal(s->focus->tw_server, 0);
	assert_int_equal(s->focus->age[9], 5);
	assert_int_equal(s->focus->tw_young, 0);
	assert_int_equal(s->focus->n_socks, 6);
	assert_int_equal(s->focus->n_rports, 1);
	assert_int_equal(s->focus->rports[0].port, 443);
	assert_false(s->focus->rports[0].server);
	/* its local ports are the client's ephemeral ones: folded */
	assert_int_equal(s->focus->n_lports, 0);
	assert_int_equal(s->focus->eph_local.ports, 6);
	assert_int_equal(s->focus->eph_local.time_wait, 5);
	assert_int_equal(s->focus->eph_local.total, 6);
	/* its one destination group: 10.0.0.1 -> 10.0.0.2:443, 6 used of
	 * the 28232 ports of the range */
	assert_int_equal(s->focus->groups_total, 1);
	assert_int_equal(s->focus->n_groups, 1);
	assert_int_equal(s->focus->groups[0].remote_port, 443);
	assert_int_equal(s->focus->groups[0].used, 6);
	assert_int_equal(s->focus->groups[0].time_wait, 5);
	assert_int_equal(s->focus->groups[0].available, 28232 - 6);
	snap_unref(s);

	/* no focus: no detail */
	f.kind = FOCUS_NONE;
	s = focus_pass(a, &f);
	assert_null(s->focus);
	snap_unref(s);
	agg_free(a);
}

/* A process's drill-down: the sampler hands over the TIME_WAIT its
 * records name (two of 10.0.0.1 -> 10.0.0.2:443, one server side) and
 * its failed connect() destination 10.0.0.3:443; its groups are those
 * two, not the groups of other processes' sockets. */
static void test_focus_process(void **state)
{
	struct agg *a = agg_new();
	struct focus_req f = { .kind = FOCUS_PROC, .pid = 77 };
	struct tw_addr dst;
	struct snapshot *s;

	(void)state;
	begin(a, 32768, 60999, NULL);
	load_mix(a);
	add(a, "10.0.0.1", 40020, "10.0.0.4", 25, TS_TIME_WAIT, 30000);
	s = finish(a, 10);
	assert_int_equal(s->eph.groups_total, 3);
	agg_focus_begin(a, &f);
	add_to = agg_focus_add;
	add(a, "10.0.0.1", 40000, "10.0.0.2", 443, TS_TIME_WAIT, 12000);
	add(a, "10.0.0.1", 40001, "10.0.0.2", 443, TS_TIME_WAIT, 12000);
	add(a, "127.0.0.1", 8080, "127.0.0.9", 50000, TS_TIME_WAIT, 59000);
	add_to = agg_add;
	assert_int_equal(addr_parse("10.0.0.3", &dst), 0);
	agg_focus_dest(a, &dst, 443);
	agg_focus_finish(a, s);
	assert_non_null(s->focus);
	assert_int_equal(s->focus->total, 3);
	assert_int_equal(s->focus->states[TS_TIME_WAIT], 3);
	assert_int_equal(s->focus->tw_client, 2);
	assert_int_equal(s->focus->tw_server, 1);	/* :8080 listens */
	assert_int_equal(s->focus->n_socks, 3);
	assert_int_equal(s->focus->groups_total, 2);
	assert_int_equal(s->focus->n_groups, 2);
	/* the fullest first: 6 used to 10.0.0.2:443, 1 to 10.0.0.3:443;
	 * 10.0.0.4:25 is not its */
	assert_int_equal(s->focus->groups[0].used, 6);
	assert_int_equal(s->focus->groups[0].time_wait, 5);
	assert_int_equal(s->focus->groups[1].used, 1);
	assert_true(addr_equal(&s->focus->groups[1].remote, &dst));
	snap_unref(s);

	/* the next sample: no mark left from this one */
	begin(a, 32768, 60999, NULL);
	load_mix(a);
	s = finish(a, 10);
	agg_focus_begin(a, &f);
	agg_focus_finish(a, s);
	assert_int_equal(s->focus->groups_total, 0);
	assert_int_equal(s->focus->total, 0);
	snap_unref(s);
	agg_free(a);
}

static void test_focus_local_port(void **state)
{
	struct agg *a = agg_new();
	struct focus_req f = { .kind = FOCUS_LPORT, .port = 8080 };
	struct snapshot *s;

	(void)state;
	s = focus_pass(a, &f);
	assert_non_null(s->focus);
	/* the listener itself is not a connection of the port; its
	 * TIME_WAIT is server side because the first pass saw it listen */
	assert_int_equal(s->focus->total, 3);
	assert_int_equal(s->focus->tw_server, 3);
	assert_int_equal(s->focus->tw_young, 3);
	/* its remote ports are the clients': folded, with their rate (3
	 * TIME_WAIT 1 s old in the 1 s window of params: none new) */
	assert_int_equal(s->focus->n_rports, 0);
	assert_int_equal(s->focus->clients_inbound.ports, 3);
	assert_int_equal(s->focus->clients_inbound.time_wait, 3);
	assert_true(s->focus->clients_inbound.new_per_s == 0);
	assert_int_equal(s->focus->n_lports, 1);
	assert_true(s->focus->lports[0].server);
	/* a local port has no destination groups of its own */
	assert_int_equal(s->focus->groups_total, 0);
	assert_int_equal(s->focus->n_groups, 0);
	snap_unref(s);
	agg_free(a);
}

/* A remote port's groups: one per local and remote address, the fullest
 * first; sockets of other ports stay out of the drill-down. */
static void test_focus_remote_port_groups(void **state)
{
	struct agg *a = agg_new();
	struct focus_req f = { .kind = FOCUS_RPORT, .port = 443 };
	struct snapshot *s;

	(void)state;
	s = focus_pass(a, &f);
	assert_non_null(s->focus);
	assert_int_equal(s->focus->total, 7);
	assert_int_equal(s->focus->groups_total, 2);
	assert_int_equal(s->focus->n_groups, 2);
	assert_int_equal(s->focus->groups[0].used, 6);
	assert_int_equal(s->focus->groups[1].used, 1);
	assert_int_equal(s->focus->groups[1].time_wait, 0);
	snap_unref(s);

	/* more groups than the drill-down keeps: the fullest are kept */
	begin(a, 32768, 60999, NULL);
	for (uint16_t i = 0; i < 3 * FOCUS_GROUPS_MAX; i++) {
		char peer[32];

		snprintf(peer, sizeof(peer), "10.1.0.%u", i + 1u);
		for (uint16_t k = 0; k <= i; k++)
			add(a, "10.0.0.1", (uint16_t)(33000 + 100 * i + k),
			    peer, 443, TS_ESTABLISHED, 0);
	}
	add(a, "10.0.0.1", 40000, "10.9.9.9", 80, TS_ESTABLISHED, 0);
	s = finish(a, 10);
	agg_focus_begin(a, &f);
	agg_focus_finish(a, s);
	assert_int_equal(s->focus->groups_total, 3 * FOCUS_GROUPS_MAX);
	assert_int_equal(s->focus->n_groups, FOCUS_GROUPS_MAX);
	assert_int_equal(s->focus->groups[0].used, 3 * FOCUS_GROUPS_MAX);
	assert_int_equal(s->focus->groups[FOCUS_GROUPS_MAX - 1].used,
			 2 * FOCUS_GROUPS_MAX + 1);
	snap_unref(s);
	agg_free(a);
}

static void test_ipv6_peers_apart(void **state)
{
	struct agg *a = agg_new();
	struct snapshot *s;
	char buf[ADDR_STRLEN];

	(void)state;
	begin(a, 32768, 60999, NULL);
	add(a, "::1", 40000, "::1", 8080, TS_TIME_WAIT, 1000);
	add(a, "::1", 40001, "::1", 8080, TS_TIME_WAIT, 1000);
	add(a, "127.0.0.1", 40000, "127.0.0.1", 8080, TS_TIME_WAIT, 1000);
	/* a mapped address is the IPv4 peer */
	add(a, "::ffff:127.0.0.1", 40002, "::ffff:127.0.0.1", 8080,
	    TS_TIME_WAIT, 1000);
	s = finish(a, 10);
	assert_int_equal(s->peers_total, 2);
	assert_int_equal(s->peers[0].time_wait, 2);
	assert_int_equal(s->peers[1].time_wait, 2);
	assert_string_equal(addr_format(&s->peers[0].addr, buf, sizeof(buf)),
			    "127.0.0.1");
	assert_int_equal(s->eph.groups_total, 2);
	snap_unref(s);
	agg_free(a);
}

#define CRAFTED 400	/* peers crafted for one slot of 1024 */

/* IPv4 peers that the unseeded hash (seed 0) sends to slot 0 of a
 * 1024-slot table, as someone who knows the hash could pick them. */
static void craft_peers(struct tw_addr *out, uint32_t n)
{
	uint32_t found = 0;

	for (uint32_t i = 0; found < n; i++) {
		struct tw_addr a;

		assert_true(i < (1u << 24));
		memset(&a, 0, sizeof(a));
		a.family = AF_INET;
		a.bytes[0] = 10;
		a.bytes[1] = (uint8_t)(i >> 16);
		a.bytes[2] = (uint8_t)(i >> 8);
		a.bytes[3] = (uint8_t)i;
		if ((agg_hash(0, &a, sizeof(a)) & 1023) == 0)
			out[found++] = a;
	}
}

/* How far the entries of table t sit from their home slot, at most
 * (linear probing: every lookup of a key walks that far). */
static uint32_t max_displacement(const struct table *t)
{
	uint32_t worst = 0;

	for (uint32_t slot = 0; slot < t->cap; slot++) {
		uint32_t home, d;

		if (t->slots[slot] == 0)
			continue;
		home = agg_hash(t->seed, agg_table_ent(t, t->slots[slot] - 1),
				t->ksz) & (t->cap - 1);
		d = (slot - home) & (t->cap - 1);
		if (d > worst)
			worst = d;
	}
	return worst;
}

/* One TIME_WAIT to each crafted peer (and its destination group). */
static struct snapshot *load_crafted(struct agg *a,
				     const struct tw_addr *peers)
{
	begin(a, 32768, 60999, NULL);
	for (uint32_t i = 0; i < CRAFTED; i++) {
		struct diag_sock sk = mk("10.255.0.1", (uint16_t)(33000 + i),
					 "127.0.0.1", 443, TS_TIME_WAIT,
					 30000);

		sk.remote = peers[i];
		agg_add(&sk, a);
	}
	return finish(a, 20);
}

/* Each aggregation draws its own hash seed. */
static void test_hash_seeded(void **state)
{
	struct agg *a = agg_new(), *b = agg_new();
	struct tw_addr k;
	uint32_t differ = 0;

	(void)state;
	assert_true(a->peers.seed != b->peers.seed);
	assert_true(a->peers.seed != 0 && b->peers.seed != 0);
	assert_true(agg_seed() != agg_seed());
	/* and the seed moves keys: most land elsewhere under another one */
	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	for (uint32_t i = 0; i < 256; i++) {
		k.bytes[3] = (uint8_t)i;
		differ += (agg_hash(a->peers.seed, &k, sizeof(k)) & 1023) !=
			  (agg_hash(b->peers.seed, &k, sizeof(k)) & 1023);
	}
	assert_true(differ > 200);
	agg_free(a);
	agg_free(b);
}

/*
 * Peers crafted for one slot of the unseeded hash: with seed 0 they pile
 * up (every lookup walks hundreds of slots), with agg_new's seed they
 * spread like any peers. The counts are the same either way.
 */
static void test_crafted_peers_spread(void **state)
{
	static struct tw_addr peers[CRAFTED];
	struct agg *a = agg_new(), *z = agg_new();
	struct snapshot *s, *sz;

	(void)state;
	craft_peers(peers, CRAFTED);
	z->peers.seed = z->groups.seed = 0;	/* the attack, for contrast */
	sz = load_crafted(z, peers);
	assert_true(max_displacement(&z->peers) >= CRAFTED - 1);
	s = load_crafted(a, peers);
	assert_int_equal(a->peers.cap, 1024);
	assert_true(max_displacement(&a->peers) < 64);
	assert_true(max_displacement(&a->groups) < 64);
	assert_int_equal(s->peers_total, CRAFTED);
	assert_int_equal(s->tw.total, CRAFTED);
	assert_int_equal(s->eph.groups_total, CRAFTED);
	/* the same numbers and the same rows, in the same order */
	assert_int_equal(sz->peers_total, s->peers_total);
	assert_int_equal(sz->n_peers, s->n_peers);
	for (uint32_t i = 0; i < s->n_peers; i++) {
		assert_true(addr_equal(&sz->peers[i].addr, &s->peers[i].addr));
		assert_int_equal(sz->peers[i].time_wait, 1);
		assert_int_equal(s->peers[i].time_wait, 1);
	}
	assert_int_equal(sz->eph.n_groups, s->eph.n_groups);
	for (uint32_t i = 0; i < s->eph.n_groups; i++) {
		assert_true(addr_equal(&sz->eph.groups[i].remote,
				       &s->eph.groups[i].remote));
		assert_int_equal(sz->eph.groups[i].used,
				 s->eph.groups[i].used);
	}
	snap_unref(s);
	snap_unref(sz);
	agg_free(a);
	agg_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states_and_sides),
		cmocka_unit_test(test_top_peers_and_ports),
		cmocka_unit_test(test_groups_capacity),
		cmocka_unit_test(test_bound_inactive),
		cmocka_unit_test(test_reuse_rules),
		cmocka_unit_test(test_timestamps_history),
		cmocka_unit_test(test_rates_from_ages),
		cmocka_unit_test(test_first_sample_burst),
		cmocka_unit_test(test_remembered_listener),
		cmocka_unit_test(test_bind_table_holes),
		cmocka_unit_test(test_sides_without_memory),
		cmocka_unit_test(test_no_range),
		cmocka_unit_test(test_reset_between_samples),
		cmocka_unit_test(test_many_peers),
		cmocka_unit_test(test_ports_fold_top_n),
		cmocka_unit_test(test_remote_port_sides),
		cmocka_unit_test(test_focus_peer),
		cmocka_unit_test(test_focus_local_port),
		cmocka_unit_test(test_focus_process),
		cmocka_unit_test(test_focus_remote_port_groups),
		cmocka_unit_test(test_ipv6_peers_apart),
		cmocka_unit_test(test_hash_seeded),
		cmocka_unit_test(test_crafted_peers_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
