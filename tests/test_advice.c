/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the advice engine on hand-built snapshots: each advisory fires
 * when it should, stays quiet when it should not, and none repeats a
 * misconception from KERNEL-FACTS.md. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "twtop/advice.h"

/* Sets (or adds) a numeric sysctl; present = false makes it absent. */
static void set_sysctl(struct snapshot *s, const char *name, bool present,
		       long long num)
{
	struct snap_sysctl *c = (struct snap_sysctl *)snap_sysctl(s, name);

	if (c == NULL) {
		assert_true(s->n_sysctls < SNAP_SYSCTL_MAX);
		c = &s->sysctls[s->n_sysctls++];
	}
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->present = present;
	c->numeric = present;
	c->num = num;
	snprintf(c->text, sizeof(c->text), "%lld", num);
}

static void set_rate(struct snapshot *s, const char *name, bool valid,
		     double per_s)
{
	struct snap_rate *r = (struct snap_rate *)snap_rate(s, name);

	if (r == NULL)
		r = &s->rates[s->n_rates++];
	*r = (struct snap_rate){ name, valid, per_s };
}

static void set_counter(struct snapshot *s, const char *name, long long v)
{
	struct snap_counter *c = &s->counters[s->n_counters++];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->value = v;
	s->counters_present = true;
}

/* Sets a group's use: free ports, and reusable TIME_WAIT (tcp_tw_reuse
 * covers it when reusable > 0 or reuse is asked for). */
static void set_use(struct snap_group *g, uint32_t used, uint32_t free,
		    uint32_t reusable, bool reuse)
{
	g->used = used;
	g->free = free;
	g->reusable = reusable;
	g->available = free + reusable;
	g->reuse = reuse || reusable > 0;
}

/* A steady rate r: measured, sure and over 10 s alike. */
static void set_rates(struct snap_group *g, double r)
{
	g->new_per_s = g->low_per_s = g->long_per_s = r;
}

/* n TIME_WAIT expiring evenly from..to seconds from now (to excluded). */
static void spread(struct snap_group *g, int from, int to, uint32_t n)
{
	uint32_t w = (uint32_t)(to - from);

	for (int k = from; k < to; k++)
		g->tw_exp_s[k] = (uint16_t)(n / w + ((uint32_t)(k - from) <
						     n % w));
}

/* Appends a destination group with no reuse: available = free. Its
 * TIME_WAIT all expire in 50-60 s (young). */
static struct snap_group *add_group(struct snapshot *s, const char *local,
				    const char *remote, uint16_t rport,
				    uint32_t used, uint32_t free, uint32_t tw)
{
	struct snap_group *g = &s->eph.groups[s->eph.n_groups++];

	memset(g, 0, sizeof(*g));
	assert_int_equal(addr_parse(local, &g->local), 0);
	assert_int_equal(addr_parse(remote, &g->remote), 0);
	g->remote_port = rport;
	set_use(g, used, free, 0, false);
	g->time_wait = tw;
	spread(g, 50, 60, tw);
	s->eph.groups_total = s->eph.n_groups;
	return g;
}

/* A quiet host: current kernel, default sysctls, no pressure. */
static struct snapshot *base(void)
{
	struct snapshot *s = snap_new();

	snprintf(s->kernel, sizeof(s->kernel), "6.18.0-1-amd64");
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 2);
	set_sysctl(s, "net.ipv4.tcp_tw_recycle", false, 0);
	set_sysctl(s, "net.ipv4.tcp_max_tw_buckets", true, 262144);
	set_sysctl(s, "net.ipv4.tcp_fin_timeout", true, 60);
	set_sysctl(s, "net.ipv4.tcp_timestamps", true, 1);
	s->eph.present = true;
	s->eph.low = 32768;
	s->eph.high = 60999;
	s->eph.size = 28232;
	s->eph.tw_reuse = 2;
	s->eph.timestamps = true;
	s->eph.reuse_delay_ms = 1000;
	set_rate(s, "TcpExtTW", false, 0);
	set_rate(s, "TcpExtTWRecycled", false, 0);
	set_rate(s, "TcpExtTCPTimeWaitOverflow", false, 0);
	s->tw.total = 300;
	s->tw.client_side = 200;
	s->tw.server_side = 100;
	add_group(s, "10.0.0.9", "10.0.0.1", 443, 500, 27732, 200);
	return s;
}

static uint32_t count_id(const struct snapshot *s, const char *id)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->n_advisories; i++)
		n += strcmp(s->advisories[i].id, id) == 0;
	return n;
}

/* The first advisory with id; fails the test when there is none. */
static const struct snap_advisory *find(const struct snapshot *s,
					const char *id)
{
	for (uint32_t i = 0; i < s->n_advisories; i++)
		if (strcmp(s->advisories[i].id, id) == 0)
			return &s->advisories[i];
	fail_msg("no advisory %s", id);
	return &s->advisories[0];	/* not reached */
}

static bool has_ev(const struct snap_advisory *a, const char *key)
{
	for (uint32_t i = 0; i < a->n_evidence; i++)
		if (strcmp(a->evidence[i].key, key) == 0)
			return true;
	return false;
}

static double ev(const struct snap_advisory *a, const char *key)
{
	for (uint32_t i = 0; i < a->n_evidence; i++)
		if (strcmp(a->evidence[i].key, key) == 0)
			return a->evidence[i].value;
	fail_msg("advisory %s has no evidence %s", a->id, key);
	return 0;
}

#define assert_contains(hay, needle) do {				\
	if (strstr((hay), (needle)) == NULL)				\
		fail_msg("\"%s\" not in \"%s\"", (needle), (hay));	\
} while (0)
#define assert_close(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_quiet_host(void **state)
{
	struct snapshot *s = base();

	(void)state;
	advice_eval(s);
	assert_int_equal(s->n_advisories, 0);
	assert_int_equal(advice_worst(s), -1);
	snap_unref(s);
}

/* A group's forecast without reuse: Little's law with 60 s, and the
 * fill time solved over the TIME_WAIT expiry bands. */
static void test_forecast(void **state)
{
	struct snap_group g = { .used = 15210, .free = 13022,
				.available = 13022, .time_wait = 15000,
				.new_per_s = 250, .low_per_s = 250,
				.long_per_s = 250 };
	struct snap_forecast fc;

	(void)state;
	spread(&g, 50, 60, 15000);
	/* 250/s x 60 s + 210 non-TIME_WAIT = 15210 of 28232 */
	advice_forecast(&g, 1, &fc);
	assert_true(fc.known && !fc.fills && !fc.reuse);
	assert_close(fc.capacity, 28232);
	assert_close(fc.rate_in, 250);
	assert_close(fc.hold_s, 60);
	assert_close(fc.steady_used, 15210);
	assert_close(fc.share, 15210.0 / 28232);
	assert_close(fc.pressure, 15210.0 / 28232);
	assert_close(fc.full_in_s, -1);
	assert_string_equal(fc.text, "steady at 53 %");

	/* 500/s: 30210 >= 28232; nothing expires for 50 s: 13022 / 500 */
	set_rates(&g, 500);
	advice_forecast(&g, 1, &fc);
	assert_true(fc.fills);
	assert_close(fc.steady_used, 30210);
	assert_close(fc.full_in_s, 13022.0 / 500);
	assert_string_equal(fc.text, "full in 26 s");

	/* 1000 expire within 10 s: +400/s for 10 s (4000 of 13022), then
	 * +500/s for the remaining 9022 */
	spread(&g, 0, 10, 1000);
	spread(&g, 50, 60, 14000);
	advice_forecast(&g, 1, &fc);
	assert_close(fc.full_in_s, 10 + 9022.0 / 500);
	assert_string_equal(fc.text, "full in 28 s");

	/* a burst that ended: no rate, no alarm, whatever arrived since the
	 * last sample */
	g.stopped = true;
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	assert_close(fc.rate_in, 0);
	assert_string_equal(fc.text, "steady at 0 %");
	g.stopped = false;
	set_rates(&g, 0);
	advice_forecast(&g, 1, &fc);
	assert_string_equal(fc.text, "steady at 0 %");

	/* unknown rate (an old replay): taken as none */
	set_rates(&g, -1);
	advice_forecast(&g, 1, &fc);
	assert_close(fc.rate_in, 0);

	/* shrinking soon, yet the in-rate alone fills it: the 19000 expire
	 * in 10-20 s, so 500/s fills it at 1000 + 500 t = 28232, t = 54.5 s
	 * (available / rate alone would say 16 s) */
	g = (struct snap_group){ .used = 20000, .free = 8232,
				 .available = 8232, .time_wait = 19000,
				 .new_per_s = 500, .low_per_s = 500,
				.long_per_s = 500 };
	spread(&g, 10, 20, 19000);
	advice_forecast(&g, 1, &fc);
	assert_true(fc.fills);
	assert_close(fc.steady_used, 500 * 60 + 1000);
	assert_close(fc.full_in_s, 50 + 2232.0 / 500);
	assert_string_equal(fc.text, "full in 54 s");

	g.available = g.free = 0;
	advice_forecast(&g, 1, &fc);
	assert_true(fc.fills);
	assert_close(fc.full_in_s, 0);
	assert_string_equal(fc.text, "full now");

	g = (struct snap_group){ 0 };
	advice_forecast(&g, 1, &fc);
	assert_false(fc.known);
	assert_false(fc.fills);
	assert_string_equal(fc.text, "");
}

/* What the forecast settles on and when it fills: a sure rate decides,
 * the rate now times it, and older TIME_WAIT that expire too late do not
 * save a group from a peak before. 200-port groups. */
static void test_forecast_rates(void **state)
{
	struct snap_group g = { .time_wait = 10 };
	struct snap_forecast fc;

	(void)state;
	/* a random 2/s flow with a busy second (5 new): the sure rate is
	 * the last 10 s', 2/s: 60 %, not "full in" */
	set_use(&g, 10, 190, 0, false);
	spread(&g, 55, 60, 10);
	g.new_per_s = 5;
	g.low_per_s = 5 - 2 * sqrt(5);
	g.long_per_s = 2;
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	assert_close(fc.rate_in, 2);
	assert_close(fc.sure_in, 5 - 2 * sqrt(5));
	assert_string_equal(fc.text, "steady at 60 %");

	/* a ramp: the sure rate (5/s, over the 10 s only 3/s) fills it;
	 * when is told by the rate now, 12/s: 190 free / 12 */
	g.new_per_s = 12;
	g.low_per_s = 5;
	g.long_per_s = 3;
	advice_forecast(&g, 1, &fc);
	assert_true(fc.fills);
	assert_close(fc.rate_in, 3);
	assert_close(fc.sure_in, 5);
	assert_close(fc.full_in_s, 190.0 / 12);
	assert_string_equal(fc.text, "full in 15 s");

	/* the estimate (3.5/s x 60 = 105 %) gets there, the sure rate
	 * (2/s) not: "may fill", no time */
	g.new_per_s = 4;
	g.low_per_s = 2;
	g.long_per_s = 3.5;
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	assert_close(fc.full_in_s, -1);
	assert_close(fc.steady_share, 3.5 * 60 / 200);
	assert_string_equal(fc.text, "may fill");

	/* a peak on the way: 185 old TIME_WAIT expire in 14-15 s, 4 young;
	 * 2/s settles at 60 %, but 189 + 2 t reaches 200 at 5.5 s */
	g = (struct snap_group){ .time_wait = 189 };
	set_use(&g, 189, 11, 0, false);
	spread(&g, 14, 15, 185);
	spread(&g, 59, 60, 4);
	set_rates(&g, 2);
	advice_forecast(&g, 1, &fc);
	assert_true(fc.fills);
	assert_close(fc.steady_share, 120.0 / 200);
	assert_close(fc.full_in_s, 5.5);
	assert_string_equal(fc.text, "full in 5 s");
	/* ... which 175 expiring in 7-8 s barely lets through at 1/s: the
	 * peak 183 + 7 = 190 stays below, and so does 60 */
	g = (struct snap_group){ .time_wait = 183 };
	set_use(&g, 183, 17, 0, false);
	spread(&g, 7, 8, 175);
	spread(&g, 59, 60, 8);
	set_rates(&g, 1);
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	/* at 4/s it is full at 183 + 4 t = 200, t = 4.25 s, before they go */
	set_rates(&g, 4);
	advice_forecast(&g, 1, &fc);
	assert_close(fc.full_in_s, 4.25);

	/* the estimate's peak gets there before the old ones go (186 +
	 * 3.3 x 7 > 200), the sure rate's not (186 + 1.5 x 7): "may fill",
	 * though the estimate settles below capacity (99 %) */
	g = (struct snap_group){ .time_wait = 186 };
	set_use(&g, 186, 14, 0, false);
	spread(&g, 7, 8, 175);
	spread(&g, 57, 60, 11);
	g.new_per_s = 3;
	g.long_per_s = 3.3;
	g.low_per_s = 1.5;
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	assert_true(fc.may_fill);
	assert_true(fc.steady_share < 1);
	assert_string_equal(fc.text, "may fill");

	/* stopped: no rate at all, whatever the windows say */
	g.stopped = true;
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	assert_close(fc.rate_in, 0);
}

/* With tcp_tw_reuse covering the group, a TIME_WAIT holds its port only
 * for the reuse delay: a 100-port group full of TIME_WAIT is not full
 * once they are older than it. */
static void test_forecast_reuse(void **state)
{
	struct snap_group g = { .time_wait = 100, .new_per_s = 20,
				.low_per_s = 20, .long_per_s = 20 };
	struct snap_forecast fc;

	(void)state;
	set_use(&g, 100, 0, 50, true);
	advice_forecast(&g, 1, &fc);
	assert_true(fc.known && fc.reuse && !fc.fills);
	assert_close(fc.capacity, 100);
	assert_close(fc.share, 1);
	assert_close(fc.pressure, 0.5);
	assert_close(fc.hold_s, 1);
	assert_close(fc.steady_used, 20);
	assert_string_equal(fc.text, "steady at 20 %");

	/* all young: full now, though it will not stay full */
	set_use(&g, 100, 0, 0, true);
	advice_forecast(&g, 1, &fc);
	assert_string_equal(fc.text, "full now");

	/* 150/s x 1 s >= 100: it fills; 50 young age out over 1 s while 150/s
	 * arrive: 50 available / (150 - 50) = 0.5 s */
	set_use(&g, 100, 0, 50, true);
	set_rates(&g, 150);
	advice_forecast(&g, 1, &fc);
	assert_true(fc.fills);
	assert_close(fc.full_in_s, 0.5);
	assert_string_equal(fc.text, "full in under 1 s");

	/* timestamps turned off after these 100 were made with them: new
	 * connections are not covered (hold 60 s), yet connect() may take
	 * over all 100 now: not "full now" */
	g = (struct snap_group){ .time_wait = 100 };
	set_use(&g, 100, 0, 100, false);
	g.reuse = false;
	spread(&g, 50, 60, 100);
	set_rates(&g, 0.5);
	advice_forecast(&g, 1, &fc);
	assert_false(fc.fills);
	assert_close(fc.hold_s, 60);
	assert_string_equal(fc.text, "steady at 30 %");
	/* at 2/s its new TIME_WAIT fill the 100 ports in 50 s */
	set_rates(&g, 2);
	advice_forecast(&g, 1, &fc);
	assert_close(fc.full_in_s, 50);
	g = (struct snap_group){ .time_wait = 100, .new_per_s = 15,
				 .low_per_s = 15, .long_per_s = 15 };
	set_use(&g, 100, 0, 50, true);

	/* a longer delay (tcp_tw_reuse_delay = 5000 ms) holds ports longer */
	set_rates(&g, 15);
	advice_forecast(&g, 5, &fc);
	assert_close(fc.steady_used, 75);
	assert_string_equal(fc.text, "steady at 75 %");
}

/* Warn from 50 % of the ports connect() cannot take, alarm from 90 %,
 * nothing below; reusable TIME_WAIT count as available. */
static void test_group_thresholds(void **state)
{
	static const struct { uint32_t used, reusable; int level; } cases[] = {
		{ 9999, 0, -1 }, { 10000, 0, ADV_WARN }, { 17999, 0, ADV_WARN },
		{ 18000, 0, ADV_ALARM }, { 20000, 0, ADV_ALARM },
		/* 95 % used, but 15000 of it reusable TIME_WAIT: 20 % */
		{ 19000, 15000, -1 },
		/* full, half reusable: 50 %, warn, not "full now" */
		{ 20000, 10000, ADV_WARN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snapshot *s = base();
		struct snap_group *g = &s->eph.groups[0];
		const struct snap_advisory *a;
		uint32_t avail = 20000 - cases[i].used + cases[i].reusable;

		set_use(g, cases[i].used, 20000 - cases[i].used,
			cases[i].reusable, false);
		g->time_wait = cases[i].reusable;
		advice_eval(s);
		if (cases[i].level < 0) {
			assert_int_equal(count_id(s, "port-group-pressure"), 0);
			snap_unref(s);
			continue;
		}
		a = find(s, "port-group-pressure");
		assert_int_equal(a->level, cases[i].level);
		assert_close(ev(a, "used"), cases[i].used);
		assert_close(ev(a, "available"), avail);
		assert_close(ev(a, "reusable"), cases[i].reusable);
		assert_close(ev(a, "pressure"), 1 - avail / 20000.0);
		assert_close(ev(a, "remote_port"), 443);
		if (avail == 0)
			assert_contains(a->text, "full now: connect() to it "
					"fails with EADDRNOTAVAIL now.");
		else
			assert_null(strstr(a->text, "EADDRNOTAVAIL"));
		snap_unref(s);
	}
}

/* The text of a group at 53 %: the figures it rests on, forecast and
 * remedies. */
static void test_group_text(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];
	const struct snap_advisory *a;

	(void)state;
	*g = (struct snap_group){ .time_wait = 15000 };
	set_rates(g, 250);
	set_use(g, 15210, 13022, 0, false);
	spread(g, 50, 60, 15000);
	addr_parse("10.0.0.1", &g->local);
	addr_parse("10.0.0.2", &g->remote);
	g->remote_port = 8080;
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_WARN);
	assert_contains(a->text, "10.0.0.1 -> 10.0.0.2:8080 holds 15210 of "
			"28232 ephemeral ports (53 %); connect() can take 13022 "
			"(13022 free); +250 new TIME_WAIT/s, each holding its "
			"port 60 s (no reuse), steady at 53 %. connect() slows "
			"past 50 % as it scans for a port.");
	assert_contains(a->text, "keep-alive or a connection pool");
	assert_contains(a->text, "more backend addresses or ports");
	assert_contains(a->text, "widen net.ipv4.ip_local_port_range (now "
			"32768-60999)");
	assert_contains(a->text, "net.ipv4.tcp_tw_reuse=2 covers loopback "
			"only");
	assert_null(strstr(a->text, "IP_BIND_ADDRESS_NO_PORT"));
	assert_false(has_ev(a, "holes"));
	assert_false(has_ev(a, "full_in_s"));
	assert_close(ev(a, "new_per_s"), 250);
	assert_close(ev(a, "hold_s"), 60);
	assert_close(ev(a, "steady_share"), 15210.0 / 28232);

	/* listening holes: reserve them; no IP_BIND_ADDRESS_NO_PORT (it
	 * cannot help a listener) */
	s->eph.holes = s->eph.holes_listen = 3;
	set_rates(g, 500);
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_contains(a->text, "+500 new TIME_WAIT/s, each holding its port "
			"60 s (no reuse), full in 26 s: then connect() to it "
			"fails with EADDRNOTAVAIL.");
	assert_contains(a->text, "3 listening ports sit in the range: put "
			"them in net.ipv4.ip_local_reserved_ports or move them "
			"out of it.");
	assert_null(strstr(a->text, "IP_BIND_ADDRESS_NO_PORT"));
	assert_close(ev(a, "holes"), 3);
	assert_close(ev(a, "full_in_s"), 13022.0 / 500);
	/* bound sockets: IP_BIND_ADDRESS_NO_PORT helps */
	s->eph.holes_bound = 2;
	s->eph.holes_closed = 1;
	s->eph.holes = 6;
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_contains(a->text, "2 ports are held by bound, unconnected "
			"sockets: a client that calls bind() before connect() "
			"should set IP_BIND_ADDRESS_NO_PORT.");
	assert_contains(a->text, "1 port of closed listeners stays out of "
			"connect()'s reach while their connections or "
			"TIME_WAIT remain.");

	/* a busier last second than the last 10 s: both are said; a
	 * stopped flow says so */
	set_rates(g, 250);
	g->new_per_s = 300;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"+300 new TIME_WAIT/s (250/s over the last 10 s), each "
			"holding its port 60 s");
	g->stopped = true;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"+300 new TIME_WAIT/s, then none (the flow stopped), "
			"each holding");
	g->stopped = false;
	set_rates(g, 0.5);
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"(53 %); connect() can take 13022 (13022 free); +0.5 "
			"new TIME_WAIT/s");
	/* under --filter the group counts only matching sockets: no
	 * headroom advice, but sysctl-based advice stays */
	snprintf(s->filter, sizeof(s->filter), "state time-wait");
	set_sysctl(s, "net.ipv4.tcp_fin_timeout", true, 30);
	advice_eval(s);
	assert_int_equal(count_id(s, "port-group-pressure"), 0);
	assert_int_equal(count_id(s, "fin-timeout-not-tw"), 1);
	s->filter[0] = '\0';
	snap_unref(s);
}

/* A group that reuse covers says what is reusable and on which
 * assumption. */
/* Failed connect() to a group (who closes): the forecast says it fails
 * now, the advisory is an alarm and names the processes, with their
 * counts; other destinations' failures are not its. */
static void test_group_failing(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];
	struct snap_connerr *e;
	const struct snap_advisory *a;

	(void)state;
	*g = (struct snap_group){ .time_wait = 15000 };
	set_rates(g, 250);
	set_use(g, 15210, 13022, 0, false);
	spread(g, 50, 60, 15000);
	addr_parse("10.0.0.1", &g->local);
	addr_parse("10.0.0.2", &g->remote);
	g->remote_port = 8080;
	g->cf.known = true;
	g->cf.total = 120;
	g->cf.per_s = 37;
	s->closers.present = true;
	e = &s->closers.errors[s->closers.n_errors++];
	*e = (struct snap_connerr){ .pid = 4242, .err = EADDRNOTAVAIL,
				    .count = 100, .remote_port = 8080 };
	snprintf(e->comm, sizeof(e->comm), "loadgen");
	addr_parse("10.0.0.2", &e->remote);
	e = &s->closers.errors[s->closers.n_errors++];
	*e = (struct snap_connerr){ .pid = 77, .err = ECONNREFUSED,
				    .count = 5, .remote_port = 9999 };
	snprintf(e->comm, sizeof(e->comm), "other");
	addr_parse("10.0.0.2", &e->remote);
	advice_eval(s);
	assert_string_equal(g->fc.text, "failing now: 37/s");
	assert_true(g->fc.failing_per_s == 37);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_ALARM);
	assert_contains(a->text, "failing now: 37/s");
	assert_contains(a->text, "connect() to it failed 120 times since "
			"twtop started (37/s now): in loadgen[4242] 100 x "
			"EADDRNOTAVAIL. ");
	assert_null(strstr(a->text, "other[77]"));
	assert_true(has_ev(a, "connect_failures"));
	snap_unref(s);

	/* without who closes (no BPF) nothing changes */
	s = base();
	g = &s->eph.groups[0];
	*g = (struct snap_group){ .time_wait = 15000 };
	set_rates(g, 250);
	set_use(g, 15210, 13022, 0, false);
	spread(g, 50, 60, 15000);
	addr_parse("10.0.0.1", &g->local);
	addr_parse("10.0.0.2", &g->remote);
	g->remote_port = 8080;
	advice_eval(s);
	assert_string_equal(g->fc.text, "steady at 53 %");
	assert_int_equal(find(s, "port-group-pressure")->level, ADV_WARN);
	snap_unref(s);
}

static void test_group_reuse_text(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];
	const struct snap_advisory *a;

	(void)state;
	*g = (struct snap_group){ .time_wait = 100 };
	set_rates(g, 150);
	addr_parse("127.0.0.1", &g->local);
	addr_parse("127.0.0.1", &g->remote);
	g->remote_port = 8080;
	set_use(g, 100, 0, 40, true);
	s->eph.low = 40000;
	s->eph.high = 40099;
	s->eph.size = 100;
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_WARN);		/* 60 % blocked */
	assert_contains(a->text, "127.0.0.1 -> 127.0.0.1:8080 holds 100 of "
			"100 ephemeral ports (100 %); connect() can take 40 (0 "
			"free + 40 TIME_WAIT older than 1000 ms, reusable "
			"assuming the peer sent timestamps); +150 new "
			"TIME_WAIT/s, each holding its port 1 s (the reuse "
			"delay), full in under 1 s: then connect() to it fails "
			"with EADDRNOTAVAIL.");
	assert_contains(a->text, "tcp_tw_reuse=2 already lets connect() take "
			"over TIME_WAIT older than 1000 ms");
	/* at 20/s it settles at 20 %: quiet though 100 % used */
	set_rates(g, 20);
	advice_eval(s);
	assert_int_equal(count_id(s, "port-group-pressure"), 1);
	g->reusable = 90;
	g->available = 90;
	advice_eval(s);
	assert_int_equal(count_id(s, "port-group-pressure"), 0);
	snap_unref(s);
}

/* The tcp_tw_reuse remedy follows what is set and the destination. */
static void test_group_reuse_clause(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];

	(void)state;
	set_use(g, 15000, 13232, 0, false);
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"net.ipv4.tcp_tw_reuse=2 covers loopback only; 1 lets "
			"connect() reuse TIME_WAIT ports for all outgoing "
			"connections (needs tcp_timestamps non-zero on both "
			"ends)");

	s->eph.tw_reuse = 0;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"net.ipv4.tcp_tw_reuse=1 lets connect() reuse TIME_WAIT "
			"ports for outgoing connections (needs "
			"tcp_timestamps non-zero)");

	s->eph.tw_reuse = 1;
	g->reuse = true;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"tcp_tw_reuse=1 already lets connect()");

	s->eph.timestamps = false;
	g->reuse = false;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"tcp_tw_reuse cannot take over the TIME_WAIT of "
			"connections made while net.ipv4.tcp_timestamps=0: "
			"set it non-zero");
	/* full, on loopback, timestamps off now: TIME_WAIT made before may
	 * still be taken over, which nothing here can know */
	addr_parse("127.0.0.1", &g->local);
	s->eph.tw_reuse = 2;
	set_use(g, 28232, 0, 0, false);
	g->time_wait = 28000;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"full now: connect() to it fails with EADDRNOTAVAIL "
			"now, unless its TIME_WAIT were made while "
			"net.ipv4.tcp_timestamps was on (those connect() can "
			"still take over).");
	s->eph.timestamps = true;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"full now: connect() to it fails with EADDRNOTAVAIL "
			"now. ");
	snap_unref(s);
}

/* Below 50 % a group whose forecast fills or settles past 50 % warns; the
 * three worst groups are reported, alarms first. */
static void test_group_forecast_and_order(void **state)
{
	static const uint32_t used[] = { 16939, 26820, 19762, 15527, 25690 };
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];
	const struct snap_advisory *a;

	(void)state;
	set_use(g, 2823, 25409, 0, false);	/* 10 % */
	g->time_wait = 2800;
	spread(g, 50, 60, 2800);
	set_rates(g, 500);	/* steady far past capacity */
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_WARN);
	/* by 50 s 25000 new ones hold 27823 ports; then the 2800 old ones
	 * expire over 10 s: +220/s for the last 409 */
	assert_close(ev(a, "full_in_s"), 50 + 409.0 / 220);
	assert_contains(a->text, "(9 %); connect() can take 25409 (25409 "
			"free); +500 new TIME_WAIT/s, each holding its port 60 "
			"s (no reuse), full in 51 s: then");

	/* settles at 91 %: a warning now, at 10 % */
	set_rates(g, (0.91 * 28232 - 23) / 60);
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_WARN);
	assert_contains(a->text, "steady at 91 %");
	/* settles at 49 %: quiet */
	set_rates(g, (0.49 * 28232 - 23) / 60);
	advice_eval(s);
	assert_int_equal(count_id(s, "port-group-pressure"), 0);
	snap_unref(s);

	s = base();
	s->eph.n_groups = 0;
	for (size_t i = 0; i < 5; i++)
		add_group(s, "10.0.0.9", "10.0.0.1", (uint16_t)(8000 + i),
			  used[i], 28232 - used[i], 0);
	advice_eval(s);
	assert_int_equal(count_id(s, "port-group-pressure"), 3);
	assert_int_equal(s->advisories[0].level, ADV_ALARM);
	assert_close(ev(&s->advisories[0], "remote_port"), 8001);
	assert_int_equal(s->advisories[1].level, ADV_ALARM);
	assert_close(ev(&s->advisories[1], "remote_port"), 8004);
	assert_int_equal(s->advisories[2].level, ADV_WARN);
	assert_close(ev(&s->advisories[2], "remote_port"), 8002);
	assert_int_equal(advice_worst(s), ADV_ALARM);
	snap_unref(s);
}

/* Forecasts are derived into the snapshot once, for the ephemeral groups
 * and the drill-down's. */
static void test_derive(void **state)
{
	struct snapshot *s = base();
	struct snap_focus f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.n_groups = 1;
	set_use(&f.groups[0], 60, 40, 0, false);
	f.groups[0].time_wait = 60;
	set_rates(&f.groups[0], 1);
	s->focus = &f;
	set_rates(&s->eph.groups[0], 100);
	advice_derive(s);
	assert_string_equal(s->eph.groups[0].fc.text, "steady at 22 %");
	assert_close(s->eph.groups[0].fc.steady_used, 100 * 60 + 300);
	assert_string_equal(f.groups[0].fc.text, "steady at 60 %");
	s->focus = NULL;
	snap_unref(s);

	/* worst first by what is coming: a group that fills in 31 s goes
	 * before a fuller idle one, a sooner one before it */
	s = base();
	s->eph.n_groups = 0;
	add_group(s, "127.0.0.1", "127.0.0.2", 8080, 300, 700, 300);
	set_rates(add_group(s, "127.0.0.1", "127.0.0.3", 9090, 209, 791, 209),
		  25);
	set_rates(add_group(s, "127.0.0.1", "127.0.0.4", 9091, 100, 900, 100),
		  100);
	add_group(s, "127.0.0.1", "127.0.0.5", 9092, 400, 600, 400);
	advice_derive(s);
	assert_int_equal(s->eph.groups[0].remote_port, 9091);	/* 9 s */
	assert_string_equal(s->eph.groups[0].fc.text, "full in 9 s");
	assert_int_equal(s->eph.groups[1].remote_port, 9090);	/* 31 s */
	assert_string_equal(s->eph.groups[1].fc.text, "full in 31 s");
	assert_int_equal(s->eph.groups[2].remote_port, 9092);	/* 40 % */
	assert_int_equal(s->eph.groups[3].remote_port, 8080);	/* 30 % */
	snap_unref(s);
}

static void test_overflow(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	set_counter(s, "TcpExtTCPTimeWaitOverflow", 1234);
	set_rate(s, "TcpExtTCPTimeWaitOverflow", true, 2.5);
	s->tw.total = 5000;
	advice_eval(s);
	a = find(s, "tw-bucket-overflow");
	assert_int_equal(a->level, ADV_ALARM);
	assert_close(ev(a, "overflow_per_s"), 2.5);
	assert_close(ev(a, "overflow_total"), 1234);
	assert_close(ev(a, "tcp_max_tw_buckets"), 262144);
	assert_false(has_ev(a, "needed"));	/* no TcpExtTW rate yet */
	assert_contains(a->text, "no TIME_WAIT protection");
	assert_contains(a->text, "2.5/s (TcpExtTCPTimeWaitOverflow 1234 since "
			"this network namespace was created). "
			"net.ipv4.tcp_max_tw_buckets (262144) is full");
	assert_null(strstr(a->text, "since boot"));
	assert_null(strstr(a->text, "peak"));
	assert_contains(a->text, "raise net.ipv4.tcp_max_tw_buckets above 60 s "
			"of new timewait sockets (TcpExtTW/s x 60); do not "
			"lower it.");
	/* with the rate: what holding them all takes, against sockstat tw,
	 * which the cap counts */
	set_rate(s, "TcpExtTW", true, 97.5);
	s->sockstat.present = true;
	s->sockstat.tw = 5400;
	advice_eval(s);
	a = find(s, "tw-bucket-overflow");
	assert_close(ev(a, "needed"), (97.5 + 2.5) * 60);
	assert_close(ev(a, "sockstat_tw"), 5400);
	assert_contains(a->text, "The cap counts every timewait socket of the "
			"namespace (sockstat tw 5400 now). Each lives 60 s, so "
			"holding all of them takes (97.5 new + 2.5 overflowed)/s "
			"x 60 s = 6000: raise net.ipv4.tcp_max_tw_buckets above "
			"that; do not lower it.");
	set_rate(s, "TcpExtTW", false, 0);
	s->sockstat.present = false;
	assert_ptr_equal(a, &s->advisories[0]);
	assert_int_equal(count_id(s, "port-group-pressure"), 0);
	/* a group under pressure says its rate misses the overflow */
	s->eph.groups[0].used = 17000;
	s->eph.groups[0].available = 11232;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"The rate leaves out connections closed without "
			"TIME_WAIT (tw-bucket-overflow).");

	set_rate(s, "TcpExtTCPTimeWaitOverflow", true, 0);
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-bucket-overflow"), 0);
	assert_null(strstr(find(s, "port-group-pressure")->text, "overflow"));
	/* first sample: no rate yet, whatever the counter says */
	set_rate(s, "TcpExtTCPTimeWaitOverflow", false, 5);
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-bucket-overflow"), 0);
	s->n_rates = 0;
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-bucket-overflow"), 0);
	snap_unref(s);
}

static void test_near_cap(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	set_sysctl(s, "net.ipv4.tcp_max_tw_buckets", true, 1000);
	s->tw.total = 901;
	advice_eval(s);
	a = find(s, "tw-bucket-near-cap");
	assert_int_equal(a->level, ADV_WARN);
	assert_close(ev(a, "time_wait"), 901);
	assert_close(ev(a, "tcp_max_tw_buckets"), 1000);
	assert_close(ev(a, "share"), 0.901);
	assert_contains(a->text, "901 timewait sockets are 90 % of "
			"net.ipv4.tcp_max_tw_buckets (1000).");
	assert_contains(a->text, "Raise tcp_max_tw_buckets; do not lower it.");

	s->tw.total = 900;
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-bucket-near-cap"), 0);

	/* sockstat tw counts every minisocket the cap applies to */
	s->tw.total = 800;
	s->sockstat.present = true;
	s->sockstat.tw = 950;
	advice_eval(s);
	a = find(s, "tw-bucket-near-cap");
	assert_close(ev(a, "sockstat_tw"), 950);
	assert_close(ev(a, "share"), 0.95);

	set_sysctl(s, "net.ipv4.tcp_max_tw_buckets", false, 0);
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-bucket-near-cap"), 0);
	snap_unref(s);
}

static void test_server_side(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	s->tw.total = 1000;
	s->tw.server_side = 600;
	s->tw.client_side = 400;
	s->lports[0] = (struct snap_port){ .port = 40000, .time_wait = 700,
					   .total = 700 };
	/* :80 closed a moment ago: server side by the sampler's memory */
	s->lports[1] = (struct snap_port){ .port = 80, .server = true,
					   .time_wait = 600, .total = 610 };
	s->n_lports = 2;
	advice_eval(s);
	a = find(s, "server-side-close");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "server_side"), 600);
	assert_close(ev(a, "server_share"), 0.6);
	assert_close(ev(a, "port"), 80);
	assert_contains(a->text, "600 of 1000 TIME_WAIT (60 %) sit on "
			"server-side ports (listening now or within the last 60 "
			"s), most on :80: this host closes first as a server. "
			"That costs memory, not ephemeral ports. Keep-alive on "
			"the clients avoids it");
	assert_false(has_ev(a, "server_inferred"));
	/* with no memory yet, 200 by the port rule */
	s->tw.server_inferred = 200;
	advice_eval(s);
	a = find(s, "server-side-close");
	assert_close(ev(a, "server_inferred"), 200);
	assert_contains(a->text, "(listening now or within the last 60 s; 200 "
			"of them taken as server side because their port is "
			"outside the ephemeral range and the peer's inside "
			"it), most on :80");
	s->tw.server_inferred = 0;

	s->tw.server_side = 500;	/* half is not most */
	advice_eval(s);
	assert_int_equal(count_id(s, "server-side-close"), 0);
	s->tw.server_side = 400;
	advice_eval(s);
	assert_int_equal(count_id(s, "server-side-close"), 0);
	s->tw.total = 99;		/* too few to be a pattern */
	s->tw.server_side = 99;
	advice_eval(s);
	assert_int_equal(count_id(s, "server-side-close"), 0);
	snap_unref(s);
}

static void test_reuse_off(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 0);
	s->eph.tw_reuse = 0;
	s->tw.client_side = 1500;
	s->tw.eph_held = 1500;
	advice_eval(s);
	a = find(s, "tw-reuse-off");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "tcp_tw_reuse"), 0);
	assert_close(ev(a, "eph_held"), 1500);
	assert_contains(a->text, "1500 client-side TIME_WAIT hold ephemeral "
			"ports");
	/* client side but on ports outside the range (a server restarted,
	 * its TIME_WAIT on :8081): none hold ephemeral ports */
	s->tw.eph_held = 0;
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	s->tw.eph_held = 1500;
	assert_contains(a->text, "outgoing connection");
	assert_contains(a->text, "it never helps inbound connections");

	s->tw.eph_held = 800;	/* few, no group under pressure */
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	set_use(&s->eph.groups[0], 8000, 20232, 0, false);	/* 28 % */
	advice_eval(s);
	assert_close(ev(find(s, "tw-reuse-off"), "pressure"), 8000.0 / 28232);

	s->eph.tw_reuse = 1;
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	s->eph.tw_reuse = -1;	/* absent */
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	snap_unref(s);
}

/* tcp_tw_reuse=2 is loopback only: said for a busy non-loopback group. */
static void test_reuse_loopback_only(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	s->eph.n_groups = 0;
	add_group(s, "127.0.0.1", "127.0.0.2", 8080, 22000, 6232, 21000);
	add_group(s, "10.0.0.9", "10.0.0.1", 443, 8000, 20232, 7000);
	advice_eval(s);
	a = find(s, "tw-reuse-off");
	assert_close(ev(a, "tcp_tw_reuse"), 2);
	assert_close(ev(a, "used"), 8000);
	assert_contains(a->text, "net.ipv4.tcp_tw_reuse is 2, which reuses "
			"TIME_WAIT for loopback connections only; 10.0.0.9 -> "
			"10.0.0.1:443 is not loopback, and connect() cannot "
			"take 28 % of its ports (7000 TIME_WAIT among them).");
	assert_contains(a->text, "it never helps inbound connections");

	s->eph.groups[1].used = 5000;	/* 17 % */
	s->eph.groups[1].available = 23232;
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	/* the loopback group is still under pressure */
	assert_int_equal(count_id(s, "port-group-pressure"), 1);
	snap_unref(s);
}

static void test_timestamps_off(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	set_sysctl(s, "net.ipv4.tcp_timestamps", true, 0);
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 1);
	advice_eval(s);
	a = find(s, "timestamps-off");
	assert_int_equal(a->level, ADV_WARN);
	assert_close(ev(a, "tcp_timestamps"), 0);
	assert_close(ev(a, "tcp_tw_reuse"), 1);
	assert_contains(a->text, "TIME_WAIT reuse needs TCP timestamps");
	assert_contains(a->text, "Set net.ipv4.tcp_timestamps to a non-zero "
			"value");

	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 2);
	advice_eval(s);
	assert_int_equal(find(s, "timestamps-off")->level, ADV_INFO);
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 0);
	advice_eval(s);
	assert_int_equal(count_id(s, "timestamps-off"), 0);
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 1);
	set_sysctl(s, "net.ipv4.tcp_timestamps", true, 2);
	advice_eval(s);
	assert_int_equal(count_id(s, "timestamps-off"), 0);
	set_sysctl(s, "net.ipv4.tcp_timestamps", false, 0);
	advice_eval(s);
	assert_int_equal(count_id(s, "timestamps-off"), 0);
	snap_unref(s);
}

static void test_fin_timeout(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	set_sysctl(s, "net.ipv4.tcp_fin_timeout", true, 30);
	s->states[TS_FIN_WAIT2] = 7;
	advice_eval(s);
	a = find(s, "fin-timeout-not-tw");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "tcp_fin_timeout"), 30);
	assert_close(ev(a, "fin_wait2"), 7);
	assert_contains(a->text, "net.ipv4.tcp_fin_timeout is 30 (default "
			"60). It limits how long an orphaned connection stays "
			"in FIN_WAIT_2; it does not shorten TIME_WAIT, which "
			"lasts 60 s on Linux");

	set_sysctl(s, "net.ipv4.tcp_fin_timeout", true, 60);
	advice_eval(s);
	assert_int_equal(count_id(s, "fin-timeout-not-tw"), 0);
	set_sysctl(s, "net.ipv4.tcp_fin_timeout", false, 0);
	advice_eval(s);
	assert_int_equal(count_id(s, "fin-timeout-not-tw"), 0);
	snap_unref(s);
}

/* rst-instead-of-tw: SO_LINGER 0 closes (TCPAbortOnData) outnumber new
 * TIME_WAIT; quiet when TIME_WAIT keeps up, below 10/s, or before two
 * samples; the counters are the namespace's, so --filter keeps it. */
static void test_rst(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	set_rate(s, "TcpExtTCPAbortOnData", true, 3000);
	set_rate(s, "TcpOutRsts", true, 3001);
	set_rate(s, "TcpExtTW", true, 2.5);
	advice_eval(s);
	a = find(s, "rst-instead-of-tw");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "abort_on_data_per_s"), 3000);
	assert_close(ev(a, "tw_per_s"), 2.5);
	assert_close(ev(a, "out_rsts_per_s"), 3001);
	assert_contains(a->text, "3000 connections/s end in an RST instead "
			"of a FIN (TcpExtTCPAbortOnData: close() with "
			"SO_LINGER 0, or data that arrived after close()), "
			"against 2.5 new TIME_WAIT/s.");
	assert_contains(a->text, "data still in flight may be lost");
	snprintf(s->filter, sizeof(s->filter), "dport = :80");
	advice_eval(s);
	assert_int_equal(count_id(s, "rst-instead-of-tw"), 1);
	s->filter[0] = '\0';
	set_rate(s, "TcpExtTW", true, 3000);	/* TIME_WAIT keeps up */
	advice_eval(s);
	assert_int_equal(count_id(s, "rst-instead-of-tw"), 0);
	set_rate(s, "TcpExtTW", true, 0);
	set_rate(s, "TcpExtTCPAbortOnData", true, 9.5);	/* a trickle */
	advice_eval(s);
	assert_int_equal(count_id(s, "rst-instead-of-tw"), 0);
	set_rate(s, "TcpExtTCPAbortOnData", false, 0);	/* one sample */
	advice_eval(s);
	assert_int_equal(count_id(s, "rst-instead-of-tw"), 0);
	snap_unref(s);
}

static void test_recycle(void **state)
{
	struct snapshot *s = base();
	const struct snap_advisory *a;

	(void)state;
	advice_eval(s);		/* absent, as since 4.12 */
	assert_int_equal(count_id(s, "tw-recycle-present"), 0);

	set_sysctl(s, "net.ipv4.tcp_tw_recycle", true, 0);
	advice_eval(s);
	a = find(s, "tw-recycle-present");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "tcp_tw_recycle"), 0);
	assert_contains(a->text, "keep it off");

	set_sysctl(s, "net.ipv4.tcp_tw_recycle", true, 1);
	advice_eval(s);
	a = find(s, "tw-recycle-present");
	assert_int_equal(a->level, ADV_ALARM);
	assert_close(ev(a, "tcp_tw_recycle"), 1);
	assert_contains(a->text, "clients behind NAT");
	assert_contains(a->text, "Set it to 0");
	snap_unref(s);
}

/* A host where every rule fires, with long IPv6 addresses. */
static struct snapshot *everything(long long reuse, long long recycle,
				   long long ts)
{
	struct snapshot *s = base();

	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, reuse);
	s->eph.tw_reuse = (int)reuse;
	s->eph.timestamps = ts != 0;
	s->eph.reuse_delay_ms = 100000;
	set_sysctl(s, "net.ipv4.tcp_tw_recycle", true, recycle);
	set_sysctl(s, "net.ipv4.tcp_max_tw_buckets", true, 2000);
	set_sysctl(s, "net.ipv4.tcp_fin_timeout", true, 10);
	set_sysctl(s, "net.ipv4.tcp_timestamps", true, ts);
	set_sysctl(s, "net.ipv4.tcp_tw_reuse_delay", true, 100000);
	set_rate(s, "TcpExtTCPTimeWaitOverflow", true, 12345.6);
	set_counter(s, "TcpExtTCPTimeWaitOverflow", 9223372036854775807LL);
	s->tw.total = 40000;
	s->tw.server_side = 30000;
	s->tw.client_side = 10000;
	s->tw.eph_held = 10000;
	s->eph.holes = s->eph.holes_bound = 28000;
	s->eph.n_groups = 0;
	for (int i = 0; i < 4; i++) {
		struct snap_group *g = add_group(s,
			"2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
			"2001:db8:1111:2222:3333:4444:5555:6666",
			(uint16_t)(65535 - i), 28000u - 100u * i, 232, 27000);

		set_rates(g, 9999.9);
	}
	return s;
}

/* No text repeats folklore (KERNEL-FACTS.md), and none is cut off. */
static void test_no_folklore(void **state)
{
	static const char *const forbidden[] = {
		"lower net.ipv4.tcp_max_tw_buckets", "lower tcp_max_tw_buckets",
		"reduce tcp_max_tw_buckets", "decrease", "tcp_tw_recycle=1",
		"enable tcp_tw_recycle", "set net.ipv4.tcp_tw_recycle",
		"shortens time_wait", "fin_timeout to shorten", "msl",
		"120 s", "240 s", "2 minutes", "4 minutes", "inbound too",
	};
	static const long long settings[][3] = {
		{ 0, 0, 0 }, { 1, 1, 0 }, { 2, 0, 0 }, { 2, 1, 1 },
		{ 1, 0, 1 }, { 0, 1, 1 },
	};
	uint32_t seen = 0;

	(void)state;
	for (size_t k = 0; k < 6; k++) {
		struct snapshot *s = everything(settings[k][0], settings[k][1],
						settings[k][2]);

		advice_eval(s);
		assert_true(s->n_advisories >= 7);
		for (uint32_t i = 0; i < s->n_advisories; i++) {
			const char *t = s->advisories[i].text;

			assert_true(strlen(t) + 1 < sizeof(s->advisories[i].text));
			assert_int_equal(t[strlen(t) - 1], '.');
			for (size_t f = 0; f < sizeof(forbidden) /
			     sizeof(forbidden[0]); f++)
				if (strcasestr(t, forbidden[f]) != NULL)
					fail_msg("folklore \"%s\" in: %s",
						 forbidden[f], t);
			/* "lower" only ever as "do not lower" */
			for (const char *p = t; (p = strstr(p, "lower ")); p++)
				assert_true(p - t >= 4 &&
					    strncmp(p - 4, "not ", 4) == 0);
			/* reuse advice is for outgoing connections and
			 * needs timestamps */
			if (strstr(t, "tcp_tw_reuse=1 lets") != NULL) {
				assert_contains(t, "outgoing");
				assert_contains(t, "tcp_timestamps non-zero");
			}
			if (strstr(t, "fin_timeout") != NULL)
				assert_contains(t, "does not shorten TIME_WAIT");
			if (i > 0)
				assert_true(s->advisories[i - 1].level >=
					    s->advisories[i].level);
			seen |= 1u << s->advisories[i].level;
		}
		snap_unref(s);
	}
	assert_int_equal(seen, 7);	/* info, warn and alarm all seen */
}

/* Evaluating twice gives the same list; the level names. */
static void test_repeat_and_names(void **state)
{
	struct snapshot *s = everything(0, 1, 0);
	uint32_t n;

	(void)state;
	advice_eval(s);
	n = s->n_advisories;
	advice_eval(s);
	assert_int_equal(s->n_advisories, n);
	assert_int_equal(count_id(s, "port-group-pressure"), 3);
	assert_contains(find(s, "port-group-pressure")->text,
			"2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff -> "
			"[2001:db8:1111:2222:3333:4444:5555:6666]:65535 holds "
			"28000 of 28232 ephemeral ports (99 %); connect() can "
			"take 232 (232 free); +10000 new TIME_WAIT/s, each "
			"holding its port 60 s (no reuse), full in under 1 s: "
			"then connect() to it fails with EADDRNOTAVAIL.");
	assert_int_equal(count_id(s, "tw-bucket-overflow"), 1);
	assert_int_equal(count_id(s, "tw-bucket-near-cap"), 1);
	assert_int_equal(count_id(s, "server-side-close"), 1);
	assert_int_equal(count_id(s, "tw-reuse-off"), 1);
	assert_int_equal(count_id(s, "timestamps-off"), 0);	/* reuse 0 */
	assert_int_equal(count_id(s, "tw-recycle-present"), 1);
	assert_int_equal(count_id(s, "fin-timeout-not-tw"), 1);
	assert_string_equal(advice_level_name(ADV_INFO), "info");
	assert_string_equal(advice_level_name(ADV_WARN), "warn");
	assert_string_equal(advice_level_name(ADV_ALARM), "alarm");
	snap_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_host),
		cmocka_unit_test(test_forecast),
		cmocka_unit_test(test_forecast_rates),
		cmocka_unit_test(test_forecast_reuse),
		cmocka_unit_test(test_group_thresholds),
		cmocka_unit_test(test_group_text),
		cmocka_unit_test(test_group_failing),
		cmocka_unit_test(test_group_reuse_text),
		cmocka_unit_test(test_group_reuse_clause),
		cmocka_unit_test(test_group_forecast_and_order),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_near_cap),
		cmocka_unit_test(test_server_side),
		cmocka_unit_test(test_reuse_off),
		cmocka_unit_test(test_reuse_loopback_only),
		cmocka_unit_test(test_timestamps_off),
		cmocka_unit_test(test_fin_timeout),
		cmocka_unit_test(test_rst),
		cmocka_unit_test(test_recycle),
		cmocka_unit_test(test_no_folklore),
		cmocka_unit_test(test_repeat_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
