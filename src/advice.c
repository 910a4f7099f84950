/* The advice engine: forecasts per destination group and advisories, each
 * stating its evidence and a remedy that is correct for Linux
 * (KERNEL-FACTS.md). Pure: a snapshot in, its advisories out. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "twtop/advice.h"

#define NEAR_CAP_SHARE	0.9	/* of tcp_max_tw_buckets */
#define SERVER_TW_FLOOR	100	/* TIME_WAIT below this is no pattern */
#define CLIENT_TW_MANY	1000	/* client TIME_WAIT worth reusing */
#define REUSE_SHARE	0.25	/* a group share worth reusing for */
#define GROUPS_MAX	3	/* port-group-pressure advisories */

/* Appends an advisory to s; NULL when the list is full. */
static struct snap_advisory *adv_add(struct snapshot *s, const char *id,
				     int level)
{
	struct snap_advisory *a;

	if (s->n_advisories >= SNAP_ADV_MAX)
		return NULL;
	a = &s->advisories[s->n_advisories++];
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->level = level;
	return a;
}

static void adv_ev(struct snap_advisory *a, const char *key, double value)
{
	if (a->n_evidence < SNAP_ADV_EVIDENCE)
		a->evidence[a->n_evidence++] =
			(struct snap_evidence){ key, value };
}

/* Appends formatted text to the advisory's text (truncated if too long). */
__attribute__((format(printf, 2, 3)))
static void adv_text(struct snap_advisory *a, const char *fmt, ...)
{
	size_t used = strlen(a->text);
	va_list ap;

	if (used + 1 >= sizeof(a->text))
		return;
	va_start(ap, fmt);
	vsnprintf(a->text + used, sizeof(a->text) - used, fmt, ap);
	va_end(ap);
}

/* A sysctl's integer value; false when absent or not one integer (an
 * absent sysctl is absent, not 0: KERNEL-FACTS.md). */
static bool sysctl_num(const struct snapshot *s, const char *name,
		       long long *v)
{
	const struct snap_sysctl *c = snap_sysctl(s, name);

	if (c == NULL || !c->present || !c->numeric)
		return false;
	*v = c->num;
	return true;
}

/* Floor of a fraction in percent, so 49.9 % shows as 49 and matches the
 * thresholds, which compare the exact fraction. */
static int pct(double share)
{
	return isfinite(share) ? (int)floor(share * 100.0) : 0;
}

static double group_capacity(const struct snap_group *g)
{
	return (double)g->used + g->available;
}

static double group_share(const struct snap_group *g)
{
	double cap = group_capacity(g);

	return cap > 0 ? g->used / cap : 0;
}

/* Loopback as tcp_tw_reuse=2 tests it: either end in 127/8 or ::1. */
static bool addr_loopback(const struct tw_addr *a)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return a->family == AF_INET6 && memcmp(a->bytes, v6_lo, 16) == 0;
}

static bool group_loopback(const struct snap_group *g)
{
	return addr_loopback(&g->local) || addr_loopback(&g->remote);
}

/* "local -> remote:port", IPv6 remotes in brackets. */
static void fmt_group(const struct snap_group *g, char *buf, size_t len)
{
	char local[ADDR_STRLEN], remote[ADDR_STRLEN];
	bool v6 = g->remote.family == AF_INET6;

	snprintf(buf, len, "%s -> %s%s%s:%u",
		 addr_format(&g->local, local, sizeof(local)), v6 ? "[" : "",
		 addr_format(&g->remote, remote, sizeof(remote)),
		 v6 ? "]" : "", g->remote_port);
}

/* Whether TcpExtTW counts TIME_WAIT as it is created (since ~5.18; at
 * expiry before: KERNEL-FACTS.md, "Counters"). Unknown kernels: no. */
static bool tw_counts_creation(const struct snapshot *s)
{
	unsigned int major, minor;

	if (sscanf(s->kernel, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 18);
}

/* The group's share of the TIME_WAIT reused by connect() per second
 * (TcpExtTWRecycled), split by its share of client-side TIME_WAIT: only
 * connect() reuses them. 0 when unknown. */
static double group_reused(const struct snapshot *s,
			   const struct snap_group *g)
{
	const struct snap_rate *r = snap_rate(s, "TcpExtTWRecycled");
	double tw = g->time_wait < s->tw.client_side ? g->time_wait :
		    s->tw.client_side;

	if (r == NULL || !r->valid || !(r->per_s > 0) || s->tw.client_side == 0)
		return 0;
	return r->per_s * tw / s->tw.client_side;
}

double advice_young_rate(const struct snapshot *s, uint32_t young)
{
	double all = (double)s->tw.age[0] + s->tw.age[1];

	if (!s->tw.rate_valid || !(s->tw.new_per_s >= 0) ||
	    !tw_counts_creation(s))
		return -1;
	/* none new and none young: 0; new ones already gone (reused by
	 * connect()): nothing tells whose they were */
	if (all <= 0)
		return s->tw.new_per_s > 0 ? -1 : 0;
	return s->tw.new_per_s * (young < all ? young : all) / all;
}

/* The group's net new TIME_WAIT per second between samples: its share of
 * the new TIME_WAIT, less what connect() reused (*reused); < 0 when
 * unknown. */
static double group_rate_hint(const struct snapshot *s,
			      const struct snap_group *g, double *reused)
{
	double in = advice_young_rate(s, g->tw_young);

	*reused = 0;
	if (in < 0)
		return -1;
	*reused = group_reused(s, g);
	return in > *reused ? in - *reused : 0;
}

/* Decimals for a rate in text: one below 10/s ("0.3/s"), none above and
 * for 0 ("+250/s", "+0/s"). */
static int rate_digits(double per_s)
{
	return per_s > 0 && per_s < 10 ? 1 : 0;
}

/* "43 s", "5 min", "under 1 s". */
static void fmt_secs(char *buf, size_t len, double secs)
{
	if (secs < 1)
		snprintf(buf, len, "under 1 s");
	else if (secs < 120)
		snprintf(buf, len, "%.0f s", floor(secs));
	else
		snprintf(buf, len, "%.0f min", floor(secs / 60));
}

void advice_forecast(const struct snap_group *g, double rate_hint,
		     struct adv_forecast *out)
{
	double non_tw = g->used > g->time_wait ? g->used - g->time_wait : 0;
	char when[24];

	memset(out, 0, sizeof(*out));
	out->full_in_s = -1;
	out->capacity = group_capacity(g);
	out->rate_in = rate_hint >= 0 ? rate_hint : g->tw_young / ADV_WINDOW_S;
	out->rate_out = g->tw_expiring / ADV_WINDOW_S;
	if (!(out->capacity > 0))
		return;
	out->known = true;
	out->share = g->used / out->capacity;
	/* Little's law: TIME_WAIT settles at rate x 60 s (fixed length). */
	out->steady_used = out->rate_in * ADV_TW_LEN_S + non_tw;
	out->steady_share = out->steady_used / out->capacity;
	if (g->available == 0) {
		out->fills = true;
		out->full_in_s = 0;
		snprintf(out->text, sizeof(out->text), "full now");
	} else if (out->steady_used >= out->capacity) {
		out->fills = true;
		if (out->rate_in > out->rate_out) {
			out->full_in_s = g->available /
					 (out->rate_in - out->rate_out);
			fmt_secs(when, sizeof(when), out->full_in_s);
			snprintf(out->text, sizeof(out->text), "full in %s",
				 when);
		} else {
			snprintf(out->text, sizeof(out->text),
				 "fills at this rate");
		}
	} else {
		snprintf(out->text, sizeof(out->text), "steady at %d %%",
			 pct(out->steady_share));
	}
}

void advice_group_forecast(const struct snapshot *s,
			   const struct snap_group *g, struct adv_forecast *out)
{
	double reused;

	advice_forecast(g, group_rate_hint(s, g, &reused), out);
}

/* Whether tcp_max_tw_buckets overflowed since the last sample. */
static bool overflowing(const struct snapshot *s)
{
	const struct snap_rate *r = snap_rate(s, "TcpExtTCPTimeWaitOverflow");

	return r != NULL && r->valid && r->per_s > 0;
}

/* tw-bucket-overflow: the TIME_WAIT table was full since the last sample,
 * so connections closed with no TIME_WAIT at all. */
static void rule_overflow(struct snapshot *s)
{
	const struct snap_rate *r = snap_rate(s, "TcpExtTCPTimeWaitOverflow");
	const struct snap_counter *c =
		snap_counter(s, "TcpExtTCPTimeWaitOverflow");
	struct snap_advisory *a;
	long long cap = 0;
	bool have_cap = sysctl_num(s, "net.ipv4.tcp_max_tw_buckets", &cap);

	if (!overflowing(s))
		return;
	a = adv_add(s, "tw-bucket-overflow", ADV_ALARM);
	if (a == NULL)
		return;
	adv_ev(a, "overflow_per_s", r->per_s);
	if (c != NULL)
		adv_ev(a, "overflow_total", (double)c->value);
	if (have_cap)
		adv_ev(a, "tcp_max_tw_buckets", (double)cap);
	adv_ev(a, "time_wait", s->tw.total);
	if (s->sockstat.present)
		adv_ev(a, "sockstat_tw", (double)s->sockstat.tw);
	adv_text(a, "TIME_WAIT table overflow: %.1f/s (TcpExtTCPTimeWait"
		 "Overflow", r->per_s);
	if (c != NULL)
		adv_text(a, " %lld since boot", c->value);
	adv_text(a, "). ");
	if (have_cap)
		adv_text(a, "net.ipv4.tcp_max_tw_buckets (%lld) is full, so ",
			 cap);
	else
		adv_text(a, "The TIME_WAIT cap is full, so ");
	adv_text(a, "connections close with no TIME_WAIT protection and no "
		 "log message: late segments can corrupt a new connection on "
		 "the same 4-tuple. Raise net.ipv4.tcp_max_tw_buckets above the "
		 "peak TIME_WAIT count (%u now); do not lower it. Keep-alive "
		 "or connection pooling cuts the TIME_WAIT rate.",
		 s->tw.total);
}

/* tw-bucket-near-cap: TIME_WAIT past 90 % of tcp_max_tw_buckets. The cap
 * applies to all timewait minisockets, which sockstat tw counts. */
static void rule_near_cap(struct snapshot *s)
{
	double count = s->tw.total;
	struct snap_advisory *a;
	long long cap = 0;

	if (s->sockstat.present && (double)s->sockstat.tw > count)
		count = (double)s->sockstat.tw;
	if (!sysctl_num(s, "net.ipv4.tcp_max_tw_buckets", &cap) || cap <= 0 ||
	    !(count > NEAR_CAP_SHARE * (double)cap))
		return;
	a = adv_add(s, "tw-bucket-near-cap", ADV_WARN);
	if (a == NULL)
		return;
	adv_ev(a, "time_wait", s->tw.total);
	if (s->sockstat.present)
		adv_ev(a, "sockstat_tw", (double)s->sockstat.tw);
	adv_ev(a, "tcp_max_tw_buckets", (double)cap);
	adv_ev(a, "share", count / (double)cap);
	adv_text(a, "%.0f timewait sockets are %d %% of "
		 "net.ipv4.tcp_max_tw_buckets (%lld). Once it is full, "
		 "connections close without TIME_WAIT protection "
		 "(TcpExtTCPTimeWaitOverflow counts them). Raise "
		 "tcp_max_tw_buckets; do not lower it. Keep-alive or "
		 "connection pooling lowers the TIME_WAIT count.",
		 count, pct(count / (double)cap), cap);
}

/* The tcp_tw_reuse part of a group's remedies, by what is set now. */
static void reuse_clause(const struct snapshot *s, const struct snap_group *g,
			 char *buf, size_t len)
{
	long long reuse = 0, ts = 1, delay = 0;
	bool have_reuse = sysctl_num(s, "net.ipv4.tcp_tw_reuse", &reuse);
	char after[32] = "about 1 s";

	if (sysctl_num(s, "net.ipv4.tcp_tw_reuse_delay", &delay))
		snprintf(after, sizeof(after), "%lld ms", delay);
	if (have_reuse && reuse != 0 &&
	    sysctl_num(s, "net.ipv4.tcp_timestamps", &ts) && ts == 0)
		snprintf(buf, len, "tcp_tw_reuse cannot work while "
			 "net.ipv4.tcp_timestamps=0: set it to 1");
	else if (have_reuse && reuse == 2 && !group_loopback(g))
		snprintf(buf, len, "net.ipv4.tcp_tw_reuse=2 covers loopback "
			 "only; 1 lets connect() reuse TIME_WAIT ports for all "
			 "outgoing connections (needs tcp_timestamps=1)");
	else if (have_reuse && (reuse == 1 || reuse == 2))
		snprintf(buf, len, "tcp_tw_reuse=%lld already lets connect() "
			 "reuse TIME_WAIT ports older than %s (with timestamps "
			 "on both ends)", reuse, after);
	else
		snprintf(buf, len, "net.ipv4.tcp_tw_reuse=1 lets connect() "
			 "reuse TIME_WAIT ports for outgoing connections "
			 "(needs tcp_timestamps=1)");
}

/* One port-group-pressure advisory for group g with its forecast. */
static void group_advisory(struct snapshot *s, const struct snap_group *g,
			   const struct adv_forecast *fc, double reused,
			   int level)
{
	char dest[2 * ADDR_STRLEN + 16], reuse[200];
	struct snap_advisory *a = adv_add(s, "port-group-pressure", level);

	if (a == NULL)
		return;
	adv_ev(a, "used", g->used);
	adv_ev(a, "available", g->available);
	adv_ev(a, "share", fc->share);
	adv_ev(a, "time_wait", g->time_wait);
	adv_ev(a, "new_per_s", fc->rate_in);
	if (reused > 0)
		adv_ev(a, "reused_per_s", reused);
	adv_ev(a, "expiring_per_s", fc->rate_out);
	adv_ev(a, "steady_share", fc->steady_share);
	if (fc->fills && fc->full_in_s >= 0)
		adv_ev(a, "full_in_s", fc->full_in_s);
	adv_ev(a, "remote_port", g->remote_port);
	if (s->eph.holes > 0)
		adv_ev(a, "holes", s->eph.holes);
	reuse_clause(s, g, reuse, sizeof(reuse));
	fmt_group(g, dest, sizeof(dest));
	adv_text(a, "%s uses %u of %.0f ephemeral ports (%d %%), +%.*f/s",
		 dest, g->used, fc->capacity, pct(fc->share),
		 rate_digits(fc->rate_in), fc->rate_in);
	if (reused > 0)
		adv_text(a, " after %.*f/s reused", rate_digits(reused),
			 reused);
	adv_text(a, ", %s. connect() slows past 50 %% and fails with "
		 "EADDRNOTAVAIL when full. Use keep-alive or a connection "
		 "pool; spread over more backend addresses or ports; %s; "
		 "widen net.ipv4.ip_local_port_range (now %u-%u).",
		 fc->text, reuse, s->eph.low, s->eph.high);
	if (overflowing(s))
		adv_text(a, " The rate leaves out connections closed without "
			 "TIME_WAIT (tw-bucket-overflow).");
	if (s->eph.holes > 0)
		adv_text(a, " %u ports of the range are bound or listening: "
			 "a client that calls bind() before connect() should "
			 "set IP_BIND_ADDRESS_NO_PORT.", s->eph.holes);
}

/* The pressure level of a group: by share, or warn when its forecast
 * reaches capacity; -1 for none. */
static int group_level(const struct adv_forecast *fc)
{
	if (!fc->known)
		return -1;
	if (fc->share >= ADV_ALARM_SHARE)
		return ADV_ALARM;
	if (fc->share >= ADV_WARN_SHARE || fc->fills)
		return ADV_WARN;
	return -1;
}

/* A group that qualifies for port-group-pressure. */
struct group_pick {
	const struct snap_group *g;
	struct adv_forecast fc;
	double reused;
	int level;
};

/* Whether a ranks before b: higher level, then higher share. */
static bool pick_before(const struct group_pick *a, const struct group_pick *b)
{
	return a->level > b->level ||
	       (a->level == b->level && a->fc.share > b->fc.share);
}

/* port-group-pressure: the GROUPS_MAX worst groups past a threshold. */
static void rule_groups(struct snapshot *s)
{
	struct group_pick pick[GROUPS_MAX + 1];
	int n = 0;

	if (!s->eph.present)
		return;
	for (uint32_t i = 0; i < s->eph.n_groups && i < SNAP_TOP_MAX; i++) {
		struct group_pick c = { .g = &s->eph.groups[i] };
		int j;

		advice_forecast(c.g, group_rate_hint(s, c.g, &c.reused), &c.fc);
		c.level = group_level(&c.fc);
		if (c.level < 0)
			continue;
		/* insertion into the sorted picks; the (GROUPS_MAX+1)th falls
		 * off the end */
		for (j = n; j > 0 && pick_before(&c, &pick[j - 1]); j--)
			pick[j] = pick[j - 1];
		pick[j] = c;
		if (n < GROUPS_MAX)
			n++;
	}
	for (int i = 0; i < n; i++)
		group_advisory(s, pick[i].g, &pick[i].fc, pick[i].reused,
			       pick[i].level);
}

/* server-side-close: most TIME_WAIT on listening ports. */
static void rule_server_side(struct snapshot *s)
{
	struct snap_advisory *a;
	uint32_t port = 0;

	if (s->tw.total < SERVER_TW_FLOOR ||
	    !(2 * (uint64_t)s->tw.server_side > s->tw.total))
		return;
	for (uint32_t i = 0; i < s->n_lports && i < SNAP_TOP_MAX; i++)
		if (s->lports[i].listening && s->lports[i].time_wait > 0) {
			port = s->lports[i].port;
			break;
		}
	a = adv_add(s, "server-side-close", ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "time_wait", s->tw.total);
	adv_ev(a, "server_side", s->tw.server_side);
	adv_ev(a, "server_share", (double)s->tw.server_side / s->tw.total);
	if (port != 0)
		adv_ev(a, "port", port);
	adv_text(a, "%u of %u TIME_WAIT (%d %%) sit on listening ports",
		 s->tw.server_side, s->tw.total,
		 pct((double)s->tw.server_side / s->tw.total));
	if (port != 0)
		adv_text(a, " (most on :%u)", port);
	adv_text(a, ": this host closes first as a server. That costs "
		 "memory, not ephemeral ports. Keep-alive on the clients "
		 "avoids it (no Connection: close per request); tcp_tw_reuse "
		 "does not help inbound connections.");
}

/* The worst group share, and the worst group not on loopback. */
static double worst_share(const struct snapshot *s, bool non_loopback,
			  const struct snap_group **which)
{
	double best = 0;

	*which = NULL;
	if (!s->eph.present)
		return 0;
	for (uint32_t i = 0; i < s->eph.n_groups && i < SNAP_TOP_MAX; i++) {
		const struct snap_group *g = &s->eph.groups[i];

		if (non_loopback && group_loopback(g))
			continue;
		if (*which == NULL || group_share(g) > best) {
			best = group_share(g);
			*which = g;
		}
	}
	return best;
}

/* tw-reuse-off with tcp_tw_reuse=2: a non-loopback group under pressure
 * that the loopback-only setting does not cover. */
static void reuse_loopback_only(struct snapshot *s)
{
	const struct snap_group *g;
	double share = worst_share(s, true, &g);
	char dest[2 * ADDR_STRLEN + 16];
	struct snap_advisory *a;

	if (g == NULL || share < REUSE_SHARE)
		return;
	a = adv_add(s, "tw-reuse-off", ADV_INFO);
	if (a == NULL)
		return;
	fmt_group(g, dest, sizeof(dest));
	adv_ev(a, "tcp_tw_reuse", 2);
	adv_ev(a, "share", share);
	adv_ev(a, "used", g->used);
	adv_text(a, "net.ipv4.tcp_tw_reuse is 2, which reuses TIME_WAIT for "
		 "loopback connections only; %s is not loopback and "
		 "uses %d %% of its ports. Setting it to 1 lets connect() "
		 "reuse TIME_WAIT ports for all outgoing connections (needs "
		 "tcp_timestamps=1 on both ends); it never helps inbound "
		 "connections.", dest, pct(share));
}

/* tw-reuse-off: reuse is off (or loopback only) while client-side
 * TIME_WAIT takes ports. Outgoing connections only (KERNEL-FACTS.md). */
static void rule_reuse(struct snapshot *s)
{
	const struct snap_group *g;
	struct snap_advisory *a;
	long long reuse = 0;
	double share;

	if (!sysctl_num(s, "net.ipv4.tcp_tw_reuse", &reuse))
		return;
	if (reuse == 2) {
		reuse_loopback_only(s);
		return;
	}
	share = worst_share(s, false, &g);
	if (reuse != 0 ||
	    (s->tw.client_side <= CLIENT_TW_MANY && share < REUSE_SHARE))
		return;
	a = adv_add(s, "tw-reuse-off", ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "tcp_tw_reuse", 0);
	adv_ev(a, "client_side", s->tw.client_side);
	adv_ev(a, "share", share);
	adv_text(a, "net.ipv4.tcp_tw_reuse is 0 while %u client-side "
		 "TIME_WAIT hold ephemeral ports (worst destination group at "
		 "%d %%). Setting it to 1 lets connect() reuse a TIME_WAIT "
		 "port for a new outgoing connection (needs tcp_timestamps=1 "
		 "on both ends); it never helps inbound connections, and "
		 "keep-alive avoids the TIME_WAIT in the first place.",
		 s->tw.client_side, pct(share));
}

/* timestamps-off: reuse is configured but cannot work without them. */
static void rule_timestamps(struct snapshot *s)
{
	struct snap_advisory *a;
	long long ts = 1, reuse = 0;

	if (!sysctl_num(s, "net.ipv4.tcp_timestamps", &ts) || ts != 0 ||
	    !sysctl_num(s, "net.ipv4.tcp_tw_reuse", &reuse) || reuse == 0)
		return;
	a = adv_add(s, "timestamps-off", reuse == 1 ? ADV_WARN : ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "tcp_timestamps", 0);
	adv_ev(a, "tcp_tw_reuse", (double)reuse);
	adv_text(a, "net.ipv4.tcp_tw_reuse is %lld but tcp_timestamps is 0: "
		 "TIME_WAIT reuse needs TCP timestamps, so connect() never "
		 "reuses a TIME_WAIT port. Set net.ipv4.tcp_timestamps=1 "
		 "(the peers must use timestamps too).", reuse);
}

/* fin-timeout-not-tw: tcp_fin_timeout was changed, as if it shortened
 * TIME_WAIT; it bounds orphaned FIN_WAIT_2 only. */
static void rule_fin_timeout(struct snapshot *s)
{
	struct snap_advisory *a;
	long long fin = 60;

	if (!sysctl_num(s, "net.ipv4.tcp_fin_timeout", &fin) || fin == 60)
		return;
	a = adv_add(s, "fin-timeout-not-tw", ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "tcp_fin_timeout", (double)fin);
	adv_ev(a, "fin_wait2", s->states[TS_FIN_WAIT2]);
	adv_ev(a, "time_wait", s->tw.total);
	adv_text(a, "net.ipv4.tcp_fin_timeout is %lld (default 60). It limits "
		 "how long an orphaned connection stays in FIN_WAIT_2; it does "
		 "not shorten TIME_WAIT, which lasts 60 s on Linux whatever it "
		 "is set to.", fin);
}

/* tw-recycle-present: only kernels before 4.12 have it. */
static void rule_recycle(struct snapshot *s)
{
	const struct snap_sysctl *c = snap_sysctl(s, "net.ipv4.tcp_tw_recycle");
	bool on = c != NULL && c->present && c->numeric && c->num != 0;
	struct snap_advisory *a;

	if (c == NULL || !c->present)
		return;
	a = adv_add(s, "tw-recycle-present", on ? ADV_ALARM : ADV_INFO);
	if (a == NULL)
		return;
	if (c->numeric)
		adv_ev(a, "tcp_tw_recycle", (double)c->num);
	if (on)
		adv_text(a, "net.ipv4.tcp_tw_recycle is %lld: this kernel drops "
			 "SYNs from clients behind NAT whose timestamps are "
			 "not in step, and connections fail at random; Linux "
			 "4.12 removed it for that. Set it to 0; use keep-alive,"
			 " or tcp_tw_reuse for outgoing connections.", c->num);
	else
		adv_text(a, "net.ipv4.tcp_tw_recycle exists on this kernel "
			 "(removed in Linux 4.12) and is off: keep it off. "
			 "Turned on, it breaks clients behind NAT.");
}

/* Orders advisories by level, most severe first, keeping rule order. */
static void adv_sort(struct snapshot *s)
{
	for (uint32_t i = 1; i < s->n_advisories; i++) {
		struct snap_advisory t = s->advisories[i];
		uint32_t j = i;

		for (; j > 0 && s->advisories[j - 1].level < t.level; j--)
			s->advisories[j] = s->advisories[j - 1];
		s->advisories[j] = t;
	}
}

void advice_eval(struct snapshot *s)
{
	s->n_advisories = 0;
	rule_overflow(s);
	rule_near_cap(s);
	/* Under --filter the socket counts cover only the matching sockets,
	 * so a destination group's headroom or the server-side share would
	 * be wrong: only counter- and sysctl-based advice is given. */
	if (s->filter[0] == '\0') {
		rule_groups(s);
		rule_server_side(s);
		rule_reuse(s);
	}
	rule_timestamps(s);
	rule_recycle(s);
	rule_fin_timeout(s);
	adv_sort(s);
}

const char *advice_level_name(int level)
{
	switch (level) {
	case ADV_ALARM:
		return "alarm";
	case ADV_WARN:
		return "warn";
	default:
		return "info";
	}
}

int advice_worst(const struct snapshot *s)
{
	int worst = -1;

	for (uint32_t i = 0; i < s->n_advisories && i < SNAP_ADV_MAX; i++)
		if (s->advisories[i].level > worst)
			worst = s->advisories[i].level;
	return worst;
}
