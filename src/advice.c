/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The advice engine: forecasts per destination group and advisories, each
 * stating its evidence and a remedy that is correct for Linux
 * (KERNEL-FACTS.md). Pure: a snapshot in, its advisories out. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "twtop/advice.h"
#include "advice_priv.h"

#define NEAR_CAP_SHARE	0.9	/* of tcp_max_tw_buckets */
#define SERVER_TW_FLOOR	100	/* TIME_WAIT below this is no pattern */
#define CLIENT_TW_MANY	1000	/* client TIME_WAIT worth reusing */
#define REUSE_SHARE	0.25	/* a group share worth reusing for */
#define GROUPS_MAX	3	/* port-group-pressure advisories */
#define RST_FLOOR	10	/* aborts/s below this are no pattern */

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

/* The share of a group's capacity connect() cannot take now. */
static double group_pressure(const struct snap_group *g)
{
	return g->fc.known ? g->fc.pressure : 0;
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

/* Decimals for a rate in text: one below 10/s ("0.3/s"), none above and
 * for 0 ("+250/s", "+0/s"). */
static int rate_digits(double per_s)
{
	return per_s > 0 && per_s < 10 ? 1 : 0;
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
	const struct snap_rate *tw = snap_rate(s, "TcpExtTW");
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
	if (s->sockstat.present)
		adv_ev(a, "sockstat_tw", (double)s->sockstat.tw);
	if (tw != NULL && tw->valid)
		adv_ev(a, "needed", (tw->per_s + r->per_s) * TW_LEN_S);
	adv_text(a, "TIME_WAIT table overflow: %.1f/s (TcpExtTCPTimeWait"
		 "Overflow", r->per_s);
	if (c != NULL)
		adv_text(a, " %lld since this network namespace was created",
			 c->value);
	adv_text(a, "). ");
	if (have_cap)
		adv_text(a, "net.ipv4.tcp_max_tw_buckets (%lld) is full, so ",
			 cap);
	else
		adv_text(a, "The TIME_WAIT cap is full, so ");
	adv_text(a, "connections close with no TIME_WAIT protection and no "
		 "log message: late segments can corrupt a new connection on "
		 "the same 4-tuple. The cap counts every timewait socket of "
		 "the namespace");
	if (s->sockstat.present)
		adv_text(a, " (sockstat tw %lld now)", s->sockstat.tw);
	if (tw != NULL && tw->valid)
		adv_text(a, ". Each lives 60 s, so holding all of them takes "
			 "(%.1f new + %.1f overflowed)/s x 60 s = %.0f: raise "
			 "net.ipv4.tcp_max_tw_buckets above that",
			 tw->per_s, r->per_s,
			 (tw->per_s + r->per_s) * TW_LEN_S);
	else
		adv_text(a, ": raise net.ipv4.tcp_max_tw_buckets above 60 s "
			 "of new timewait sockets (TcpExtTW/s x 60)");
	adv_text(a, "; do not lower it. Keep-alive or connection pooling "
		 "cuts the TIME_WAIT rate.");
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
		 count, advice_pct(count / (double)cap), cap);
}

/* The tcp_tw_reuse part of a group's remedies, by what is set now. */
static void reuse_clause(const struct snapshot *s, const struct snap_group *g,
			 char *buf, size_t len)
{
	int reuse = s->eph.tw_reuse;

	if ((reuse == 1 || reuse == 2) && !s->eph.timestamps)
		snprintf(buf, len, "tcp_tw_reuse cannot take over the "
			 "TIME_WAIT of connections made while "
			 "net.ipv4.tcp_timestamps=0: set it non-zero");
	else if (reuse == 2 && !g->reuse)
		snprintf(buf, len, "net.ipv4.tcp_tw_reuse=2 covers loopback "
			 "only; 1 lets connect() reuse TIME_WAIT ports for all "
			 "outgoing connections (needs tcp_timestamps non-zero "
			 "on both ends)");
	else if (g->reuse)
		snprintf(buf, len, "tcp_tw_reuse=%d already lets connect() "
			 "take over TIME_WAIT older than %u ms", reuse,
			 s->eph.reuse_delay_ms);
	else
		snprintf(buf, len, "net.ipv4.tcp_tw_reuse=1 lets connect() "
			 "reuse TIME_WAIT ports for outgoing connections "
			 "(needs tcp_timestamps non-zero)");
}

/* The holes part of a group's text: what holds ports of the range, and
 * IP_BIND_ADDRESS_NO_PORT only where it helps (bound sockets). */
static void holes_text(struct snapshot *s, struct snap_advisory *a)
{
	uint32_t n;

	if ((n = s->eph.holes_listen) > 0)
		adv_text(a, " %u listening port%s in the range: put %s in "
			 "net.ipv4.ip_local_reserved_ports or move %s out of "
			 "it.", n, n == 1 ? " sits" : "s sit",
			 n == 1 ? "it" : "them", n == 1 ? "it" : "them");
	if ((n = s->eph.holes_closed) > 0)
		adv_text(a, " %u port%s of closed listeners stay%s out of "
			 "connect()'s reach while their connections or "
			 "TIME_WAIT remain.", n, n == 1 ? "" : "s",
			 n == 1 ? "s" : "");
	if ((n = s->eph.holes_bound) > 0)
		adv_text(a, " %u port%s held by bound, unconnected sockets: "
			 "a client that calls bind() before connect() should "
			 "set IP_BIND_ADDRESS_NO_PORT.", n,
			 n == 1 ? " is" : "s are");
}

/* Whether tcp_tw_reuse would cover g's tuple but tcp_timestamps is 0 now:
 * its TIME_WAIT made before that may still be reused, unknown to a twtop
 * that did not see the change. */
static bool covered_off(const struct snapshot *s, const struct snap_group *g)
{
	return !s->eph.timestamps && g->time_wait > 0 &&
	       (s->eph.tw_reuse == 1 ||
		(s->eph.tw_reuse == 2 && (addr_loopback(&g->local) ||
					  addr_loopback(&g->remote))));
}

/* One port-group-pressure advisory for group g. */
/* The processes whose connect() to g fails (who closes, BPF): counts and
 * rate, and the first few processes by name. */
static void failing_text(struct snapshot *s, const struct snap_group *g,
			 struct snap_advisory *a)
{
	const struct snap_connfail *cf = &g->cf;
	int named = 0;

	if (!cf->known || cf->total == 0)
		return;
	adv_ev(a, "connect_failures", cf->total);
	adv_ev(a, "connect_failures_per_s", cf->per_s);
	adv_text(a, "connect() to it failed %u times since twtop started "
		 "(%.*f/s now)", cf->total, cf->per_s < 10 ? 1 : 0, cf->per_s);
	for (uint32_t i = 0; i < s->closers.n_errors && named < 3; i++) {
		const struct snap_connerr *e = &s->closers.errors[i];

		if (e->remote_port != g->remote_port ||
		    !addr_equal(&e->remote, &g->remote))
			continue;
		adv_text(a, "%s %.15s[%u] %llu x %s", named ? "," : ": in",
			 e->comm, e->pid, (unsigned long long)e->count,
			 e->err == EADDRNOTAVAIL ? "EADDRNOTAVAIL" :
			 strerror(e->err));
		named++;
	}
	adv_text(a, ". ");
}

static void group_advisory(struct snapshot *s, const struct snap_group *g,
			   int level)
{
	const struct snap_forecast *fc = &g->fc;
	char dest[2 * ADDR_STRLEN + 16], reuse[200];
	struct snap_advisory *a = adv_add(s, "port-group-pressure", level);

	if (a == NULL)
		return;
	adv_ev(a, "used", g->used);
	adv_ev(a, "free", g->free);
	adv_ev(a, "reusable", g->reusable);
	adv_ev(a, "available", g->available);
	adv_ev(a, "capacity", fc->capacity);
	adv_ev(a, "pressure", fc->pressure);
	adv_ev(a, "new_per_s", advice_known(g->new_per_s));
	adv_ev(a, "forecast_per_s", fc->rate_in);
	adv_ev(a, "sure_per_s", fc->sure_in);
	adv_ev(a, "hold_s", fc->hold_s);
	adv_ev(a, "steady_share", fc->steady_share);
	if (fc->fills && fc->full_in_s >= 0)
		adv_ev(a, "full_in_s", fc->full_in_s);
	adv_ev(a, "remote_port", g->remote_port);
	if (s->eph.holes > 0)
		adv_ev(a, "holes", s->eph.holes);
	reuse_clause(s, g, reuse, sizeof(reuse));
	fmt_group(g, dest, sizeof(dest));
	adv_text(a, "%s holds %u of %.0f ephemeral ports (%d %%); connect() "
		 "can take %u (%u free", dest, g->used, fc->capacity,
		 advice_pct(fc->share), g->available, g->free);
	if (fc->reuse)
		adv_text(a, " + %u TIME_WAIT older than %u ms, reusable "
			 "assuming the peer sent timestamps", g->reusable,
			 s->eph.reuse_delay_ms);
	adv_text(a, "); +%.*f new TIME_WAIT/s", rate_digits(advice_known(g->new_per_s)),
		 advice_known(g->new_per_s));
	if (g->stopped && g->new_per_s > 0)
		adv_text(a, ", then none (the flow stopped)");
	else if (fabs(fc->rate_in - advice_known(g->new_per_s)) >=
		 fmax(0.05, 0.1 * fc->rate_in))
		adv_text(a, " (%.*f/s over the last 10 s)",
			 rate_digits(fc->rate_in), fc->rate_in);
	adv_text(a, ", each holding its port %.0f s (%s), %s", fc->hold_s,
		 fc->reuse ? "the reuse delay" : "no reuse", fc->text);
	if (g->available == 0 && fc->reuse && g->time_wait > 0)
		adv_text(a, ": connect() to it fails with EADDRNOTAVAIL until "
			 "its TIME_WAIT pass the %u ms reuse delay. ",
			 s->eph.reuse_delay_ms);
	else if (g->available == 0 && covered_off(s, g))
		adv_text(a, ": connect() to it fails with EADDRNOTAVAIL now, "
			 "unless its TIME_WAIT were made while "
			 "net.ipv4.tcp_timestamps was on (those connect() can "
			 "still take over). ");
	else if (g->available == 0)
		adv_text(a, ": connect() to it fails with EADDRNOTAVAIL now. ");
	else if (fc->fills)
		adv_text(a, ": then connect() to it fails with "
			 "EADDRNOTAVAIL. ");
	else
		adv_text(a, ". connect() slows past 50 %% as it scans for a "
			 "port. ");
	failing_text(s, g, a);
	adv_text(a, "Use keep-alive or a connection pool; spread over more "
		 "backend addresses or ports; %s; widen "
		 "net.ipv4.ip_local_port_range (now %u-%u).", reuse,
		 s->eph.low, s->eph.high);
	if (overflowing(s))
		adv_text(a, " The rate leaves out connections closed without "
			 "TIME_WAIT (tw-bucket-overflow).");
	holes_text(s, a);
}

/* The pressure level of a group: alarm when connect() can take at most
 * 10 % of its ports, warn past 50 % or when its forecast fills or settles
 * past 50 %; -1 for none. */
static int group_level(const struct snap_forecast *fc)
{
	if (!fc->known)
		return -1;
	if (fc->pressure >= ADV_ALARM_SHARE || fc->failing_per_s > 0)
		return ADV_ALARM;
	if (fc->pressure >= ADV_WARN_SHARE || fc->fills || fc->may_fill ||
	    fc->steady_share >= ADV_WARN_SHARE)
		return ADV_WARN;
	return -1;
}

/* A group that qualifies for port-group-pressure. */
struct group_pick {
	const struct snap_group *g;
	int level;
};

/* Whether a ranks before b: higher level, then higher pressure, then the
 * fuller forecast. */
static bool pick_before(const struct group_pick *a, const struct group_pick *b)
{
	if (a->level != b->level)
		return a->level > b->level;
	if (a->g->fc.pressure != b->g->fc.pressure)
		return a->g->fc.pressure > b->g->fc.pressure;
	return a->g->fc.steady_share > b->g->fc.steady_share;
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

		c.level = group_level(&c.g->fc);
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
		group_advisory(s, pick[i].g, pick[i].level);
}

/* server-side-close: most TIME_WAIT on server-side ports. */
static void rule_server_side(struct snapshot *s)
{
	struct snap_advisory *a;
	uint32_t port = 0;

	if (s->tw.total < SERVER_TW_FLOOR ||
	    !(2 * (uint64_t)s->tw.server_side > s->tw.total))
		return;
	for (uint32_t i = 0; i < s->n_lports && i < SNAP_TOP_MAX; i++)
		if (s->lports[i].server && s->lports[i].time_wait > 0) {
			port = s->lports[i].port;
			break;
		}
	a = adv_add(s, "server-side-close", ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "time_wait", s->tw.total);
	adv_ev(a, "server_side", s->tw.server_side);
	adv_ev(a, "server_share", (double)s->tw.server_side / s->tw.total);
	if (s->tw.server_inferred > 0)
		adv_ev(a, "server_inferred", s->tw.server_inferred);
	if (port != 0)
		adv_ev(a, "port", port);
	adv_text(a, "%u of %u TIME_WAIT (%d %%) sit on server-side ports "
		 "(listening now or within the last 60 s", s->tw.server_side,
		 s->tw.total, advice_pct((double)s->tw.server_side / s->tw.total));
	if (s->tw.server_inferred > 0)
		adv_text(a, "; %u of them taken as server side because their "
			 "port is outside the ephemeral range and the peer's "
			 "inside it", s->tw.server_inferred);
	adv_text(a, ")");
	if (port != 0)
		adv_text(a, ", most on :%u", port);
	adv_text(a, ": this host closes first as a server. That costs "
		 "memory, not ephemeral ports. Keep-alive on the clients "
		 "avoids it (no Connection: close per request); tcp_tw_reuse "
		 "does not help inbound connections.");
}

/*
 * rst-instead-of-tw: more connections end in an RST at close() than
 * TIME_WAIT are made. A close() with SO_LINGER {on, 0} sends an RST and
 * skips TIME_WAIT (KERNEL-FACTS.md); the kernel counts it in
 * TCPAbortOnData (tcp_close), as it counts data that arrived after
 * close(), also answered with an RST. Counters are the namespace's, so
 * the rule holds under --filter too.
 */
static void rule_rst(struct snapshot *s)
{
	const struct snap_rate *r = snap_rate(s, "TcpExtTCPAbortOnData");
	const struct snap_rate *tw = snap_rate(s, "TcpExtTW");
	const struct snap_rate *out = snap_rate(s, "TcpOutRsts");
	struct snap_advisory *a;

	if (r == NULL || !r->valid || r->per_s < RST_FLOOR || tw == NULL ||
	    !tw->valid || !(r->per_s > tw->per_s))
		return;
	a = adv_add(s, "rst-instead-of-tw", ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "abort_on_data_per_s", r->per_s);
	adv_ev(a, "tw_per_s", tw->per_s);
	if (out != NULL && out->valid)
		adv_ev(a, "out_rsts_per_s", out->per_s);
	adv_text(a, "%.*f connections/s end in an RST instead of a FIN "
		 "(TcpExtTCPAbortOnData: close() with SO_LINGER 0, or data "
		 "that arrived after close()), against %.*f new TIME_WAIT/s. "
		 "An RST ends the connection at once on both ends with no "
		 "TIME_WAIT, so these closes are in no TIME_WAIT count; data "
		 "still in flight may be lost and the peer sees ECONNRESET. "
		 "If SO_LINGER 0 is there to avoid TIME_WAIT: fewer "
		 "connections (keep-alive, a pool) and, for outgoing ones, "
		 "net.ipv4.tcp_tw_reuse deal with TIME_WAIT without losing "
		 "data.", rate_digits(r->per_s), r->per_s,
		 rate_digits(tw->per_s), tw->per_s);
}

/* The worst group pressure, among all groups or those off loopback. */
static double worst_pressure(const struct snapshot *s, bool non_loopback,
			     const struct snap_group **which)
{
	double best = 0;

	*which = NULL;
	if (!s->eph.present)
		return 0;
	for (uint32_t i = 0; i < s->eph.n_groups && i < SNAP_TOP_MAX; i++) {
		const struct snap_group *g = &s->eph.groups[i];

		if (non_loopback && (addr_loopback(&g->local) ||
				     addr_loopback(&g->remote)))
			continue;
		if (*which == NULL || group_pressure(g) > best) {
			best = group_pressure(g);
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
	double share = worst_pressure(s, true, &g);
	char dest[2 * ADDR_STRLEN + 16];
	struct snap_advisory *a;

	if (g == NULL || share < REUSE_SHARE)
		return;
	a = adv_add(s, "tw-reuse-off", ADV_INFO);
	if (a == NULL)
		return;
	fmt_group(g, dest, sizeof(dest));
	adv_ev(a, "tcp_tw_reuse", 2);
	adv_ev(a, "pressure", share);
	adv_ev(a, "used", g->used);
	adv_ev(a, "time_wait", g->time_wait);
	adv_text(a, "net.ipv4.tcp_tw_reuse is 2, which reuses TIME_WAIT for "
		 "loopback connections only; %s is not loopback, and "
		 "connect() cannot take %d %% of its ports (%u TIME_WAIT "
		 "among them). Setting it to 1 lets connect() reuse TIME_WAIT "
		 "ports for all outgoing connections (needs tcp_timestamps "
		 "non-zero on both ends); it never helps inbound "
		 "connections.", dest, advice_pct(share), g->time_wait);
}

/* tw-reuse-off: reuse is off (or loopback only) while client-side
 * TIME_WAIT on ephemeral ports take them. Outgoing connections only
 * (KERNEL-FACTS.md). */
static void rule_reuse(struct snapshot *s)
{
	const struct snap_group *g;
	struct snap_advisory *a;
	double share;

	if (s->eph.tw_reuse == 2) {
		reuse_loopback_only(s);
		return;
	}
	share = worst_pressure(s, false, &g);
	if (s->eph.tw_reuse != 0 || s->tw.eph_held == 0 ||
	    (s->tw.eph_held <= CLIENT_TW_MANY && share < REUSE_SHARE))
		return;
	a = adv_add(s, "tw-reuse-off", ADV_INFO);
	if (a == NULL)
		return;
	adv_ev(a, "tcp_tw_reuse", 0);
	adv_ev(a, "eph_held", s->tw.eph_held);
	adv_ev(a, "pressure", share);
	adv_text(a, "net.ipv4.tcp_tw_reuse is 0 while %u client-side "
		 "TIME_WAIT hold ephemeral ports (worst destination group at "
		 "%d %%). Setting it to 1 lets connect() reuse a TIME_WAIT "
		 "port for a new outgoing connection (needs tcp_timestamps "
		 "non-zero on both ends); it never helps inbound connections, "
		 "and keep-alive avoids the TIME_WAIT in the first place.",
		 s->tw.eph_held, advice_pct(share));
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
		 "TIME_WAIT reuse needs TCP timestamps, so connect() cannot "
		 "reuse the TIME_WAIT of connections made now (only those of "
		 "connections made while it was on). Set "
		 "net.ipv4.tcp_timestamps to a non-zero value (the peers must "
		 "send timestamps too).", reuse);
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
	advice_derive(s);
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
	rule_rst(s);
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
