/* Tests for the advice engine on hand-built snapshots: each advisory fires
 * when it should, stays quiet when it should not, and none repeats a
 * misconception from KERNEL-FACTS.md. */
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

/* Appends a destination group. */
static struct snap_group *add_group(struct snapshot *s, const char *local,
				    const char *remote, uint16_t rport,
				    uint32_t used, uint32_t available,
				    uint32_t tw)
{
	struct snap_group *g = &s->eph.groups[s->eph.n_groups++];

	memset(g, 0, sizeof(*g));
	assert_int_equal(addr_parse(local, &g->local), 0);
	assert_int_equal(addr_parse(remote, &g->remote), 0);
	g->remote_port = rport;
	g->used = used;
	g->available = available;
	g->time_wait = tw;
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

/* A group's forecast: Little's law with exact numbers. */
static void test_forecast(void **state)
{
	struct snap_group g = { .used = 15210, .available = 13022,
				.time_wait = 15000, .tw_young = 2500 };
	struct adv_forecast fc;

	(void)state;
	/* 250/s x 60 s + 210 non-TIME_WAIT = 15210 of 28232 */
	advice_forecast(&g, -1, &fc);
	assert_true(fc.known && !fc.fills);
	assert_close(fc.capacity, 28232);
	assert_close(fc.rate_in, 250);
	assert_close(fc.rate_out, 0);
	assert_close(fc.steady_used, 15210);
	assert_close(fc.share, 15210.0 / 28232);
	assert_close(fc.full_in_s, -1);
	assert_string_equal(fc.text, "steady at 53 %");

	/* 500/s: 30210 >= 28232, 13022 ports left at +500/s */
	g.tw_young = 5000;
	advice_forecast(&g, -1, &fc);
	assert_true(fc.fills);
	assert_close(fc.steady_used, 30210);
	assert_close(fc.full_in_s, 13022.0 / 500);
	assert_string_equal(fc.text, "full in 26 s");

	/* 1000 expiring in 10 s: net +400/s */
	g.tw_expiring = 1000;
	advice_forecast(&g, -1, &fc);
	assert_close(fc.rate_out, 100);
	assert_close(fc.full_in_s, 13022.0 / 400);
	assert_string_equal(fc.text, "full in 32 s");

	/* a measured rate replaces tw_young / 10 s */
	advice_forecast(&g, 150, &fc);
	assert_close(fc.rate_in, 150);
	assert_close(fc.steady_used, 150 * 60 + 210);
	assert_string_equal(fc.text, "steady at 32 %");

	/* shrinking now, yet the in-rate alone would fill it */
	g = (struct snap_group){ .used = 20000, .available = 8232,
				 .time_wait = 19000, .tw_young = 5000,
				 .tw_expiring = 6000 };
	advice_forecast(&g, -1, &fc);
	assert_true(fc.fills);
	assert_close(fc.full_in_s, -1);
	assert_string_equal(fc.text, "fills at this rate");

	/* slow growth: minutes */
	g = (struct snap_group){ .used = 10000, .available = 18232,
				 .time_wait = 9100, .tw_young = 4600,
				 .tw_expiring = 4500 };
	advice_forecast(&g, -1, &fc);
	assert_close(fc.full_in_s, 18232.0 / 10);
	assert_string_equal(fc.text, "full in 30 min");

	g.available = 0;
	advice_forecast(&g, -1, &fc);
	assert_true(fc.fills);
	assert_close(fc.full_in_s, 0);
	assert_close(fc.share, 1);
	assert_string_equal(fc.text, "full now");

	g = (struct snap_group){ 0 };
	advice_forecast(&g, -1, &fc);
	assert_false(fc.known);
	assert_false(fc.fills);
	assert_string_equal(fc.text, "");
}

/* Warn from 50 %, alarm from 90 %, nothing below. */
static void test_group_thresholds(void **state)
{
	static const struct { uint32_t used; int level; } cases[] = {
		{ 9999, -1 }, { 10000, ADV_WARN }, { 17999, ADV_WARN },
		{ 18000, ADV_ALARM }, { 20000, ADV_ALARM },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snapshot *s = base();
		struct snap_group *g = &s->eph.groups[0];
		const struct snap_advisory *a;

		g->used = cases[i].used;
		g->available = 20000 - cases[i].used;
		g->time_wait = 0;
		advice_eval(s);
		if (cases[i].level < 0) {
			assert_int_equal(count_id(s, "port-group-pressure"), 0);
			snap_unref(s);
			continue;
		}
		a = find(s, "port-group-pressure");
		assert_int_equal(a->level, cases[i].level);
		assert_close(ev(a, "used"), cases[i].used);
		assert_close(ev(a, "available"), 20000 - cases[i].used);
		assert_close(ev(a, "share"), cases[i].used / 20000.0);
		assert_close(ev(a, "remote_port"), 443);
		assert_contains(a->text, cases[i].used < 20000 ?
				"+0/s, steady at" : "+0/s, full now.");
		snap_unref(s);
	}
}

/* The text of a group at 50 %: numbers, forecast and remedies. */
static void test_group_text(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];
	const struct snap_advisory *a;

	(void)state;
	*g = (struct snap_group){ .used = 15210, .available = 13022,
				  .time_wait = 15000, .tw_young = 2500 };
	addr_parse("127.0.0.1", &g->local);
	addr_parse("127.0.0.2", &g->remote);
	g->remote_port = 8080;
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_WARN);
	assert_contains(a->text, "127.0.0.1 -> 127.0.0.2:8080 uses 15210 of "
			"28232 ephemeral ports (53 %), +250/s, steady at 53 %.");
	assert_contains(a->text, "keep-alive or a connection pool");
	assert_contains(a->text, "more backend addresses or ports");
	assert_contains(a->text, "widen net.ipv4.ip_local_port_range (now "
			"32768-60999)");
	/* tcp_tw_reuse=2 covers loopback groups */
	assert_contains(a->text, "tcp_tw_reuse=2 already lets connect() reuse "
			"TIME_WAIT ports older than about 1 s (with timestamps "
			"on both ends)");
	assert_null(strstr(a->text, "IP_BIND_ADDRESS_NO_PORT"));
	assert_false(has_ev(a, "holes"));
	assert_false(has_ev(a, "full_in_s"));
	assert_close(ev(a, "new_per_s"), 250);
	assert_close(ev(a, "steady_share"), 15210.0 / 28232);

	/* bind() holes, the reuse delay sysctl, and a filling group */
	s->eph.holes = 3;
	set_sysctl(s, "net.ipv4.tcp_tw_reuse_delay", true, 1000);
	g->tw_young = 5000;
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_contains(a->text, "+500/s, full in 26 s.");
	assert_contains(a->text, "older than 1000 ms");
	assert_contains(a->text, "3 ports of the range are bound or listening"
			": a client that calls bind() before connect() should "
			"set IP_BIND_ADDRESS_NO_PORT.");

	assert_close(ev(a, "holes"), 3);
	assert_close(ev(a, "full_in_s"), 13022.0 / 500);

	g->tw_young = 5;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"(53 %), +0.5/s, steady at 0 %.");
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

/* The tcp_tw_reuse remedy follows what is set and the destination. */
static void test_group_reuse_clause(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];

	(void)state;
	g->used = 15000;
	g->available = 13232;
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"net.ipv4.tcp_tw_reuse=2 covers loopback only; 1 lets "
			"connect() reuse TIME_WAIT ports for all outgoing "
			"connections (needs tcp_timestamps=1)");

	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 0);
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"net.ipv4.tcp_tw_reuse=1 lets connect() reuse TIME_WAIT "
			"ports for outgoing connections (needs "
			"tcp_timestamps=1)");

	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 1);
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"tcp_tw_reuse=1 already lets connect()");

	set_sysctl(s, "net.ipv4.tcp_timestamps", true, 0);
	advice_eval(s);
	assert_contains(find(s, "port-group-pressure")->text,
			"tcp_tw_reuse cannot work while "
			"net.ipv4.tcp_timestamps=0: set it to 1");
	snap_unref(s);
}

/* Below 50 % a group whose forecast reaches capacity still warns; the
 * three worst groups are reported, alarms first. */
static void test_group_forecast_and_order(void **state)
{
	static const uint32_t used[] = { 16939, 26820, 19762, 15527, 25690 };
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];
	const struct snap_advisory *a;

	(void)state;
	g->used = 2823;		/* 10 % */
	g->available = 25409;
	g->time_wait = 2800;
	g->tw_young = 5000;	/* 500/s: steady far past capacity */
	advice_eval(s);
	a = find(s, "port-group-pressure");
	assert_int_equal(a->level, ADV_WARN);
	assert_close(ev(a, "full_in_s"), 25409.0 / 500);
	assert_contains(a->text, "(9 %), +500/s, full in 50 s.");
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

/* The between-samples TcpExtTW rate, split by young TIME_WAIT, is used
 * only where TcpExtTW counts creation (>= 5.18). */
static void test_group_rate_hint(void **state)
{
	struct snapshot *s = base();
	struct snap_group *g = &s->eph.groups[0];

	(void)state;
	*g = (struct snap_group){ .used = 15000, .available = 13232,
				  .time_wait = 14000, .tw_young = 2000 };
	s->tw.rate_valid = true;
	s->tw.new_per_s = 1000;
	s->tw.age[0] = 3000;
	s->tw.age[1] = 1000;
	advice_eval(s);
	assert_close(ev(find(s, "port-group-pressure"), "new_per_s"), 500);
	assert_false(has_ev(find(s, "port-group-pressure"), "reused_per_s"));

	/* connect() reused 300/s, half of the client-side TIME_WAIT is ours */
	set_rate(s, "TcpExtTWRecycled", true, 300);
	s->tw.client_side = 28000;
	advice_eval(s);
	assert_close(ev(find(s, "port-group-pressure"), "new_per_s"), 350);
	assert_close(ev(find(s, "port-group-pressure"), "reused_per_s"), 150);
	assert_contains(find(s, "port-group-pressure")->text,
			"(53 %), +350/s after 150/s reused, steady at 77 %.");
	set_rate(s, "TcpExtTWRecycled", false, 300);

	snprintf(s->kernel, sizeof(s->kernel), "5.10.0-28-amd64");
	advice_eval(s);
	assert_close(ev(find(s, "port-group-pressure"), "new_per_s"), 200);

	snprintf(s->kernel, sizeof(s->kernel), "6.1.0");
	s->tw.rate_valid = false;
	advice_eval(s);
	assert_close(ev(find(s, "port-group-pressure"), "new_per_s"), 200);
	snap_unref(s);
}

/* A part of the host's share of new TIME_WAIT, as the drill-down and the
 * group forecasts use it. */
static void test_young_rate(void **state)
{
	struct snapshot *s = base();

	(void)state;
	/* no rate yet: unknown */
	assert_true(advice_young_rate(s, 10) < 0);
	s->tw.rate_valid = true;
	s->tw.new_per_s = 1000;
	s->tw.age[0] = 3000;
	s->tw.age[1] = 1000;
	assert_close(advice_young_rate(s, 1000), 250);
	assert_close(advice_young_rate(s, 0), 0);
	/* never more than the whole host's rate */
	assert_close(advice_young_rate(s, 9000), 1000);
	/* nothing young, nothing new: 0; new but already gone: unknown */
	s->tw.age[0] = s->tw.age[1] = 0;
	s->tw.new_per_s = 0;
	assert_close(advice_young_rate(s, 0), 0);
	s->tw.new_per_s = 5;
	assert_true(advice_young_rate(s, 0) < 0);
	/* before 5.18 TcpExtTW counts at expiry: it says nothing of new */
	s->tw.age[0] = 3000;
	snprintf(s->kernel, sizeof(s->kernel), "5.10.0-28-amd64");
	assert_true(advice_young_rate(s, 1000) < 0);
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
	assert_close(ev(a, "time_wait"), 5000);
	assert_contains(a->text, "no TIME_WAIT protection");
	assert_contains(a->text, "2.5/s (TcpExtTCPTimeWaitOverflow 1234 since "
			"boot). net.ipv4.tcp_max_tw_buckets (262144) is full");
	assert_contains(a->text, "Raise net.ipv4.tcp_max_tw_buckets above the "
			"peak TIME_WAIT count (5000 now); do not lower it.");
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
	s->lports[0] = (struct snap_port){ 40000, false, 700, 700 };
	s->lports[1] = (struct snap_port){ 80, true, 600, 610 };
	s->n_lports = 2;
	advice_eval(s);
	a = find(s, "server-side-close");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "server_side"), 600);
	assert_close(ev(a, "server_share"), 0.6);
	assert_close(ev(a, "port"), 80);
	assert_contains(a->text, "600 of 1000 TIME_WAIT (60 %) sit on listening "
			"ports (most on :80): this host closes first as a "
			"server. That costs memory, not ephemeral ports. "
			"Keep-alive on the clients avoids it");

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
	s->tw.client_side = 1500;
	advice_eval(s);
	a = find(s, "tw-reuse-off");
	assert_int_equal(a->level, ADV_INFO);
	assert_close(ev(a, "tcp_tw_reuse"), 0);
	assert_close(ev(a, "client_side"), 1500);
	assert_contains(a->text, "1500 client-side TIME_WAIT");
	assert_contains(a->text, "outgoing connection");
	assert_contains(a->text, "it never helps inbound connections");

	s->tw.client_side = 800;	/* few, no group under pressure */
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	s->eph.groups[0].used = 8000;	/* 28 % */
	s->eph.groups[0].available = 20232;
	advice_eval(s);
	assert_close(ev(find(s, "tw-reuse-off"), "share"), 8000.0 / 28232);

	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, 1);
	advice_eval(s);
	assert_int_equal(count_id(s, "tw-reuse-off"), 0);
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", false, 0);
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
			"10.0.0.1:443 is not loopback and uses 28 % of its "
			"ports.");
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
	assert_contains(a->text, "Set net.ipv4.tcp_timestamps=1");

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
	s->eph.holes = 28000;
	s->eph.n_groups = 0;
	for (int i = 0; i < 4; i++) {
		struct snap_group *g = add_group(s,
			"2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
			"2001:db8:1111:2222:3333:4444:5555:6666",
			(uint16_t)(65535 - i), 28000u - 100u * i, 232, 27000);

		g->tw_young = 99999;
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
				assert_contains(t, "tcp_timestamps=1");
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
			"[2001:db8:1111:2222:3333:4444:5555:6666]:65535 uses "
			"28000 of 28232 ephemeral ports (99 %), +10000/s, full "
			"in under 1 s.");
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
		cmocka_unit_test(test_group_thresholds),
		cmocka_unit_test(test_group_text),
		cmocka_unit_test(test_group_reuse_clause),
		cmocka_unit_test(test_group_forecast_and_order),
		cmocka_unit_test(test_group_rate_hint),
		cmocka_unit_test(test_young_rate),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_near_cap),
		cmocka_unit_test(test_server_side),
		cmocka_unit_test(test_reuse_off),
		cmocka_unit_test(test_reuse_loopback_only),
		cmocka_unit_test(test_timestamps_off),
		cmocka_unit_test(test_fin_timeout),
		cmocka_unit_test(test_recycle),
		cmocka_unit_test(test_no_folklore),
		cmocka_unit_test(test_repeat_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
