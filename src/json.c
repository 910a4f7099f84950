/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output: a streaming writer (RFC 8259) and the snapshot schema. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twtop/addr.h"
#include "twtop/advice.h"
#include "twtop/json.h"
#include "twtop/json_closers.h"
#include "twtop/tcpstate.h"

#define JW_DEPTH_MAX ((int)(sizeof(((struct jw *)0)->first) / sizeof(bool)))

void jw_init(struct jw *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
	w->first[0] = true;
}

/* Starts a new line at the current depth (pretty mode only). */
static void jw_newline(struct jw *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Writes what must precede a value or key: nothing after a key, else the
 * comma between members and the line break of pretty mode. */
static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	jw_newline(w);
}

/* Opens an object or array: one more nesting level. */
static void jw_open(struct jw *w, char c)
{
	if (w->depth + 1 >= JW_DEPTH_MAX) {
		fputs("twtop: bug: JSON nested too deep\n", stderr);
		abort();
	}
	jw_sep(w);
	fputc(c, w->f);
	w->depth++;
	w->first[w->depth] = true;
}

/* Closes an object or array; an empty one stays on its line: {} or []. */
static void jw_close(struct jw *w, char c)
{
	bool empty;

	if (w->depth == 0 || w->after_key) {
		fputs("twtop: bug: unbalanced JSON writer\n", stderr);
		abort();
	}
	empty = w->first[w->depth];
	w->depth--;
	if (!empty)
		jw_newline(w);
	fputc(c, w->f);
}

void jw_obj_begin(struct jw *w)
{
	jw_open(w, '{');
}

void jw_obj_end(struct jw *w)
{
	jw_close(w, '}');
}

void jw_arr_begin(struct jw *w)
{
	jw_open(w, '[');
}

void jw_arr_end(struct jw *w)
{
	jw_close(w, ']');
}

size_t json_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2)
		return 0;
	if (p[0] < 0xe0) {
		len = 2;
	} else if (p[0] < 0xf0) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] < 0xf5) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The letter of the two-character escape RFC 8259 has for a byte, or 0. */
static const char short_escape[0x60] = {
	['"'] = '"', ['\\'] = '\\', ['\n'] = 'n', ['\t'] = 't', ['\r'] = 'r',
	['\b'] = 'b', ['\f'] = 'f',
};

/* Writes s as a quoted JSON string: control characters escaped, valid
 * UTF-8 and DEL passed through, each invalid byte replaced by U+FFFD. */
static void jw_quote(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	fputc('"', f);
	while (n > 0) {
		size_t run = 0, len;

		while (run < n && p[run] >= 0x20 && p[run] != '"' &&
		       p[run] != '\\' && (len = json_utf8_len(p + run, n - run)))
			run += len;
		fwrite(p, 1, run, f);
		p += run;
		n -= run;
		if (n == 0)
			break;
		if (*p < sizeof(short_escape) && short_escape[*p] != 0)
			fprintf(f, "\\%c", short_escape[*p]);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputs("\\ufffd", f);
		p++;
		n--;
	}
	fputc('"', f);
}

void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	jw_quote(w->f, key);
	fputs(w->pretty ? ": " : ":", w->f);
	w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
	if (s == NULL) {
		jw_null(w);
		return;
	}
	jw_sep(w);
	jw_quote(w->f, s);
}

void jw_int(struct jw *w, long long v)
{
	jw_sep(w);
	fprintf(w->f, "%lld", v);
}

void jw_uint(struct jw *w, unsigned long long v)
{
	jw_sep(w);
	fprintf(w->f, "%llu", v);
}

void json_format_double(double v, char *buf, size_t len)
{
	char tmp[64];
	size_t o = 0;

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	for (const char *p = tmp; *p && o + 1 < len; ) {
		if ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
		    *p == 'e') {
			buf[o++] = *p++;
			continue;
		}
		buf[o++] = '.';
		while (*p && !(*p >= '0' && *p <= '9') && *p != 'e')
			p++;
	}
	buf[o] = '\0';
}

void jw_double(struct jw *w, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	json_format_double(v, buf, sizeof(buf));
	jw_sep(w);
	fputs(buf, w->f);
}

void jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	jw_sep(w);
	fputs("null", w->f);
}

/* --- the snapshot schema (README.md, "JSON schema") ---------------------- */

static void kv_str(struct jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_str(w, v);
}

/* A string member that is null when empty. */
static void kv_str_or_null(struct jw *w, const char *key, const char *v)
{
	kv_str(w, key, v[0] != '\0' ? v : NULL);
}

static void kv_uint(struct jw *w, const char *key, unsigned long long v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

static void kv_int(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

/* An integer that is null when absent (never 0 for "not there"). */
static void kv_int_or_null(struct jw *w, const char *key, bool present,
			   long long v)
{
	jw_key(w, key);
	if (present)
		jw_int(w, v);
	else
		jw_null(w);
}

static void kv_double(struct jw *w, const char *key, double v)
{
	jw_key(w, key);
	jw_double(w, v);
}

static void kv_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

static void kv_addr(struct jw *w, const char *key, const struct tw_addr *a)
{
	char buf[ADDR_STRLEN];

	kv_str(w, key, addr_format(a, buf, sizeof(buf)));
}

/* Length of a top list as printed: what was kept, cut to --top. */
static uint32_t top_len(uint32_t n, const struct json_opts *o)
{
	return MIN_U32(n, o->top);
}

/* "time" as ISO-8601 UTC with milliseconds, and "unix_time". */
static void json_time(struct jw *w, const struct timespec *ts)
{
	char date[32] = "1970-01-01T00:00:00", buf[48];
	time_t sec = ts->tv_sec;
	struct tm tm;

	if (gmtime_r(&sec, &tm) != NULL)
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "%s.%03ldZ", date, ts->tv_nsec / 1000000);
	kv_str(w, "time", buf);
	kv_double(w, "unix_time", (double)ts->tv_sec + ts->tv_nsec / 1e9);
}

/* Counts for all eleven shown states, or only the nonzero ones. */
static void json_states(struct jw *w, const char *key, const uint32_t *st,
			bool nonzero_only)
{
	jw_key(w, key);
	jw_obj_begin(w);
	for (int i = 0; i < TCPSTATE_SHOWN; i++) {
		unsigned int t = tcpstate_order[i];

		if (!nonzero_only || st[t] != 0)
			kv_uint(w, tcpstate_name(t), st[t]);
	}
	jw_obj_end(w);
}

/* TIME_WAIT age buckets: age = 60 s minus the remaining timer. */
static void json_ages(struct jw *w, const uint32_t *age)
{
	jw_key(w, "age_histogram");
	jw_arr_begin(w);
	for (int i = 0; i < SNAP_AGE_BUCKETS; i++) {
		jw_obj_begin(w);
		kv_uint(w, "from_s", (unsigned)i * SNAP_AGE_STEP_MS / 1000);
		kv_uint(w, "to_s", (unsigned)(i + 1) * SNAP_AGE_STEP_MS / 1000);
		kv_uint(w, "count", age[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* A measured rate: null when unknown (< 0). */
static void kv_rate(struct jw *w, const char *key, double per_s)
{
	kv_double(w, key, per_s >= 0 ? per_s : NAN);
}

/* A port list; "listening" only for local ports. "side" is the side of
 * this host's sockets on the port: a local port listens or listened
 * within 60 s (KERNEL-FACTS.md, "TIME_WAIT itself"), a remote port is
 * mostly a client's port of connections accepted here. */
static void json_ports(struct jw *w, const char *key,
		       const struct snap_port *p, uint32_t n, bool local)
{
	jw_key(w, key);
	jw_arr_begin(w);
	for (uint32_t i = 0; i < n; i++) {
		jw_obj_begin(w);
		kv_uint(w, "port", p[i].port);
		kv_uint(w, "time_wait", p[i].time_wait);
		kv_uint(w, "total", p[i].total);
		kv_rate(w, "new_per_s", p[i].new_per_s);
		if (local)
			kv_bool(w, "listening", p[i].listening);
		kv_bool(w, "server", p[i].server);
		kv_str(w, "side", p[i].server ? "server" : "client");
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The ports left out of the top lists, each set as one total. */
static void json_folded(struct jw *w, const struct snap_port_fold *eph,
			const struct snap_port_fold *cli)
{
	static const char *const keys[] = { "ephemeral_local",
					    "clients_inbound" };
	const struct snap_port_fold *f[] = { eph, cli };

	jw_key(w, "folded_ports");
	jw_obj_begin(w);
	for (int i = 0; i < 2; i++) {
		jw_key(w, keys[i]);
		jw_obj_begin(w);
		kv_uint(w, "ports", f[i]->ports);
		kv_uint(w, "time_wait", f[i]->time_wait);
		kv_uint(w, "total", f[i]->total);
		kv_rate(w, "new_per_s", f[i]->new_per_s);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

/* Identity, sampling status and the state totals. */
static void json_head(struct jw *w, const struct snapshot *s,
		      const struct json_opts *o)
{
	kv_str(w, "twtop_version", o->version);
	kv_uint(w, "format", JSON_FORMAT);
	json_time(w, &s->when);
	kv_str(w, "host", s->host);
	kv_str(w, "kernel", s->kernel);
	kv_str_or_null(w, "netns", s->netns);
	kv_str_or_null(w, "filter", s->filter);
	kv_uint(w, "seq", s->seq);

	jw_key(w, "sample");
	jw_obj_begin(w);
	kv_double(w, "dump_ms", s->dump_ms);
	kv_double(w, "pass_ms", s->pass_ms);
	kv_str(w, "backend", s->backend);
	kv_double(w, "sockets_age_s", s->sockets_age_s);
	kv_double(w, "full_pass_every_s", s->full_every_s);
	kv_double(w, "cpu_budget_pct", s->cpu_budget);
	kv_bool(w, "partial", s->partial);
	kv_bool(w, "dump_failed", s->dump_failed);
	kv_str_or_null(w, "error", s->error);
	jw_obj_end(w);

	kv_uint(w, "sockets", s->sockets);
	kv_uint(w, "bound_inactive", s->states[TS_BOUND_INACTIVE]);
	json_states(w, "states", s->states, false);
}

/* TIME_WAIT totals, the new-TIME_WAIT rates and the age histogram. */
static void json_time_wait(struct jw *w, const struct snapshot *s)
{
	jw_key(w, "time_wait");
	jw_obj_begin(w);
	kv_uint(w, "total", s->tw.total);
	kv_uint(w, "server_side", s->tw.server_side);
	kv_uint(w, "server_inferred", s->tw.server_inferred);
	kv_uint(w, "client_side", s->tw.client_side);
	kv_uint(w, "eph_held", s->tw.eph_held);
	kv_double(w, "new_per_s", s->tw.rate_valid ? s->tw.new_per_s : NAN);
	kv_str(w, "rate_source", s->tw.rate_source);
	kv_rate(w, "ages_per_s", s->tw.ages_per_s);
	kv_double(w, "window_s", s->tw.window_s > 0 ? s->tw.window_s : NAN);
	kv_bool(w, "rate_estimated", s->tw.rate_estimated);
	json_ages(w, s->tw.age);
	jw_obj_end(w);
}

/* Top peers and ports, each cut to --top. */
static void json_tops(struct jw *w, const struct snapshot *s,
		      const struct json_opts *o)
{
	uint32_t n = top_len(s->n_peers, o);

	jw_key(w, "top_peers");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < n; i++) {
		const struct snap_peer *p = &s->peers[i];

		jw_obj_begin(w);
		kv_addr(w, "addr", &p->addr);
		kv_uint(w, "family", p->addr.family == AF_INET6 ? 6 : 4);
		kv_uint(w, "time_wait", p->time_wait);
		kv_uint(w, "total", p->total);
		kv_rate(w, "new_per_s", p->new_per_s);
		json_states(w, "states", p->states, true);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	kv_uint(w, "peers_total", s->peers_total);

	json_ports(w, "top_local_ports", s->lports,
		   top_len(s->n_lports, o), true);
	json_ports(w, "top_remote_ports", s->rports,
		   top_len(s->n_rports, o), false);
	json_folded(w, &s->folded.eph_local, &s->folded.clients_inbound);
}

/* One destination group: what connect() can still pick and where the
 * group is heading, as advice_derive stored it (g->fc). Public for
 * --all-netns's worst_group. */
void json_group(struct jw *w, const struct snap_group *g)
{
	const struct snap_forecast *fc = &g->fc;
	bool cap = fc->capacity > 0;	/* 0/0 is null, not NaN */

	jw_obj_begin(w);
	kv_addr(w, "local", &g->local);
	kv_addr(w, "remote", &g->remote);
	kv_uint(w, "remote_port", g->remote_port);
	kv_uint(w, "used", g->used);
	kv_uint(w, "free", g->free);
	kv_uint(w, "reusable", g->reusable);
	kv_uint(w, "available", g->available);
	kv_bool(w, "reuse", g->reuse);
	kv_uint(w, "time_wait", g->time_wait);
	kv_double(w, "capacity", fc->capacity);
	kv_double(w, "share", cap ? fc->share : NAN);
	kv_double(w, "pressure", cap ? fc->pressure : NAN);
	kv_uint(w, "tw_young", g->tw_young);
	kv_uint(w, "tw_expiring", g->tw_expiring);
	jw_key(w, "tw_expiring_bands");
	jw_arr_begin(w);
	for (int k = 0; k < SNAP_EXP_BANDS; k++)
		jw_uint(w, g->tw_exp[k]);
	jw_arr_end(w);
	kv_rate(w, "new_per_s", g->new_per_s);
	kv_bool(w, "stopped", g->stopped);
	kv_double(w, "forecast_per_s", fc->known ? fc->rate_in : NAN);
	kv_double(w, "sure_per_s", fc->known ? fc->sure_in : NAN);
	kv_double(w, "hold_s", fc->hold_s);
	kv_double(w, "steady_share", fc->known ? fc->steady_share : NAN);
	kv_double(w, "full_in_s", fc->known && fc->fills &&
		  fc->full_in_s >= 0 ? fc->full_in_s : NAN);
	kv_str(w, "forecast", fc->known ? fc->text : NULL);
	json_group_failures(w, g);
	jw_obj_end(w);
}

/* Ephemeral range use and the destination groups closest to running out
 * (KERNEL-FACTS.md, "Ephemeral port exhaustion is per destination"). */
static void json_ephemeral(struct jw *w, const struct snapshot *s,
			   const struct json_opts *o)
{
	uint32_t n = top_len(s->eph.n_groups, o);

	jw_key(w, "ephemeral");
	if (!s->eph.present) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	kv_uint(w, "low", s->eph.low);
	kv_uint(w, "high", s->eph.high);
	kv_uint(w, "size", s->eph.size);
	kv_uint(w, "reserved", s->eph.reserved);
	kv_uint(w, "holes", s->eph.holes);
	kv_uint(w, "holes_listen", s->eph.holes_listen);
	kv_uint(w, "holes_bound", s->eph.holes_bound);
	kv_uint(w, "holes_closed", s->eph.holes_closed);
	kv_uint(w, "holes_bind", s->eph.holes_bind);
	kv_str(w, "holes_source", s->eph.holes_source);
	kv_uint(w, "ports_in_use", s->eph.ports_in_use);
	jw_key(w, "tw_reuse");
	if (s->eph.tw_reuse >= 0)
		jw_int(w, s->eph.tw_reuse);
	else
		jw_null(w);
	kv_bool(w, "timestamps", s->eph.timestamps);
	kv_uint(w, "reuse_delay_ms", s->eph.reuse_delay_ms);
	kv_uint(w, "groups_total", s->eph.groups_total);
	jw_key(w, "groups");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < n; i++)
		json_group(w, &s->eph.groups[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* Sysctls, TcpExt/Tcp counters, their rates and /proc/net/sockstat. */
static void json_kernel(struct jw *w, const struct snapshot *s)
{
	jw_key(w, "sysctl");
	jw_obj_begin(w);
	for (uint32_t i = 0; i < MIN_U32(s->n_sysctls, SNAP_SYSCTL_MAX); i++) {
		const struct snap_sysctl *c = &s->sysctls[i];

		jw_key(w, c->name);
		if (!c->present)
			jw_null(w);	/* absent file: e.g. tcp_tw_recycle */
		else if (c->numeric)
			jw_int(w, c->num);
		else
			jw_str(w, c->text);
	}
	jw_obj_end(w);

	jw_key(w, "counters");
	if (s->counters_present) {
		jw_obj_begin(w);
		for (uint32_t i = 0;
		     i < MIN_U32(s->n_counters, SNAP_COUNTERS_MAX); i++)
			kv_int(w, s->counters[i].name, s->counters[i].value);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}

	jw_key(w, "rates");
	jw_obj_begin(w);
	for (uint32_t i = 0; i < MIN_U32(s->n_rates, SNAP_RATES_MAX); i++)
		kv_double(w, s->rates[i].name,
			  s->rates[i].valid ? s->rates[i].per_s : NAN);
	jw_obj_end(w);

	jw_key(w, "conntrack");
	jw_obj_begin(w);
	kv_int_or_null(w, "count", s->conntrack.count_present,
		       s->conntrack.count);
	kv_int_or_null(w, "max", s->conntrack.max_present, s->conntrack.max);
	jw_obj_end(w);

	jw_key(w, "sockstat");
	if (!s->sockstat.present) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	kv_int(w, "inuse", s->sockstat.inuse);
	kv_int(w, "orphan", s->sockstat.orphan);
	kv_int(w, "tw", s->sockstat.tw);
	kv_int(w, "alloc", s->sockstat.alloc);
	kv_int(w, "mem", s->sockstat.mem);
	jw_obj_end(w);
}

/* The advice list: id, level, the numbers behind it and the text. */
static void json_advisories(struct jw *w, const struct snapshot *s)
{
	jw_key(w, "advisories");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < MIN_U32(s->n_advisories, SNAP_ADV_MAX); i++) {
		const struct snap_advisory *a = &s->advisories[i];

		jw_obj_begin(w);
		kv_str(w, "id", a->id);
		kv_str(w, "level", advice_level_name(a->level));
		jw_key(w, "evidence");
		jw_obj_begin(w);
		for (uint32_t k = 0;
		     k < MIN_U32(a->n_evidence, SNAP_ADV_EVIDENCE); k++)
			kv_double(w, a->evidence[k].key, a->evidence[k].value);
		jw_obj_end(w);
		kv_str(w, "text", a->text);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The sockets kept for a focus, one object each. */
static void json_focus_socks(struct jw *w, const struct snap_focus *f)
{
	uint32_t n = MIN_U32(f->n_socks, FOCUS_SOCKS_MAX);

	jw_key(w, "sockets");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < n; i++) {
		const struct focus_sock *k = &f->socks[i];

		jw_obj_begin(w);
		kv_addr(w, "local", &k->local);
		kv_uint(w, "lport", k->lport);
		kv_addr(w, "remote", &k->remote);
		kv_uint(w, "rport", k->rport);
		kv_str(w, "state", tcpstate_name(k->state));
		kv_uint(w, "timer", k->timer);
		kv_uint(w, "expires_ms", k->expires);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* The drill-down on one peer, port, process or container; omitted when
 * there is none. */
static void json_focus(struct jw *w, const struct snap_focus *f)
{
	static const char *const kinds[] = {
		[FOCUS_PEER] = "peer", [FOCUS_LPORT] = "local_port",
		[FOCUS_RPORT] = "remote_port", [FOCUS_PROC] = "process",
		[FOCUS_CGROUP] = "cgroup",
	};
	uint32_t nl, nr;

	if (f == NULL || f->req.kind == FOCUS_NONE ||
	    f->req.kind > FOCUS_CGROUP)
		return;
	nl = MIN_U32(f->n_lports, FOCUS_PORTS_MAX);
	nr = MIN_U32(f->n_rports, FOCUS_PORTS_MAX);
	jw_key(w, "focus");
	jw_obj_begin(w);
	kv_str(w, "kind", kinds[f->req.kind]);
	if (f->req.kind == FOCUS_PEER)
		kv_addr(w, "addr", &f->req.addr);
	else if (f->req.kind == FOCUS_PROC)
		kv_uint(w, "pid", f->req.pid);
	else if (f->req.kind == FOCUS_CGROUP)
		kv_uint(w, "cgroup_id", f->req.cgroup_id);
	else
		kv_uint(w, "port", f->req.port);
	json_states(w, "states", f->states, false);
	kv_uint(w, "total", f->total);
	kv_uint(w, "time_wait_server", f->tw_server);
	kv_uint(w, "time_wait_client", f->tw_client);
	kv_uint(w, "tw_young", f->tw_young);
	kv_rate(w, "new_per_s", f->new_per_s);
	kv_bool(w, "partial", f->partial);
	kv_str(w, "kernel_filter", f->expr);
	kv_uint(w, "fetched", f->fetched);
	kv_double(w, "dump_ms", f->dump_ms);
	json_ages(w, f->age);
	json_ports(w, "local_ports", f->lports, nl, true);
	json_ports(w, "remote_ports", f->rports, nr, false);
	json_folded(w, &f->eph_local, &f->clients_inbound);
	kv_uint(w, "groups_total", f->groups_total);
	jw_key(w, "groups");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < MIN_U32(f->n_groups, FOCUS_GROUPS_MAX); i++)
		json_group(w, &f->groups[i]);
	jw_arr_end(w);
	json_focus_closers(w, f);
	if (f->req.kind == FOCUS_PROC || f->req.kind == FOCUS_CGROUP)
		json_focus_process(w, f);
	json_focus_socks(w, f);
	jw_obj_end(w);
}

/* The trend samples, oldest first. */
static void json_history(struct jw *w, const struct snapshot *s)
{
	uint32_t n = MIN_U32(s->n_hist, SNAP_HIST_MAX);

	jw_key(w, "history");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < n; i++) {
		const struct snap_hist *h = &s->hist[i];

		jw_obj_begin(w);
		kv_double(w, "t", h->t);
		kv_uint(w, "time_wait", h->time_wait);
		kv_uint(w, "established", h->established);
		kv_double(w, "new_tw_per_s",
			  h->new_tw_per_s >= 0 ? h->new_tw_per_s : NAN);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

int json_snapshot(FILE *f, const struct snapshot *s,
		  const struct json_opts *o)
{
	struct json_opts opts = *o;
	struct jw w;

	if (opts.top > SNAP_TOP_MAX)
		opts.top = SNAP_TOP_MAX;
	jw_init(&w, f, opts.pretty);
	jw_obj_begin(&w);
	json_head(&w, s, &opts);
	json_time_wait(&w, s);
	json_tops(&w, s, &opts);
	json_ephemeral(&w, s, &opts);
	json_closers(&w, s, opts.top);
	json_kernel(&w, s);
	json_advisories(&w, s);
	json_focus(&w, s->focus);
	if (opts.history)
		json_history(&w, s);
	if (opts.extra)
		opts.extra(&w, s, opts.extra_arg);
	jw_obj_end(&w);
	fputc('\n', f);
	if (fflush(f) != 0 || ferror(f))
		return -1;
	return 0;
}
