/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One twtop JSON object back into a struct snapshot: the inverse of
 * json.c's schema (README.md, "JSON schema"), section by section.
 * Members derived from others ("family", "side", "from_s", "phases") are
 * not read: json.c writes them again from the rest. Format 1 files are
 * read with that format's meaning: no tcp_tw_reuse in "available", sides
 * from "listening" (twtop/json.h). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twtop/advice.h"
#include "twtop/replay.h"
#include "twtop/tcpstate.h"
#include "twtop/xalloc.h"
#include "replay_priv.h"
#include "twtop/markers.h"

/* Largest |t| of a history sample: Unix seconds up to the year 33658 */
#define REPLAY_T_MAX 1e12

/* "format" and "twtop_version": what makes a JSON object twtop's. */
static int snap_identity(struct replay_conv *c, json_t *root)
{
	json_t *f = json_object_get(root, "format");
	json_t *v = json_object_get(root, "twtop_version");
	json_int_t fmt = json_integer_value(f);

	if (!json_is_object(root))
		replay_fail(c, NULL, "not a twtop snapshot: expected a JSON "
			    "object");
	else if (!f || !v)
		replay_fail(c, NULL, "not a twtop snapshot: no \"%s\" member",
			    f ? "twtop_version" : "format");
	else if (!json_is_string(v))
		replay_fail(c, "twtop_version", "expected a string");
	else if (!json_is_integer(f) || fmt < 0)
		replay_fail(c, "format", "expected an integer from 0");
	else if (fmt > REPLAY_FORMAT)
		replay_fail(c, NULL, "format %lld is newer than this twtop "
			    "understands (%d)", (long long)fmt, REPLAY_FORMAT);
	else
		c->format = (unsigned int)fmt;
	return c->failed ? -1 : 0;
}

/* A state-count object: by state name; names twtop does not know are
 * skipped (a newer kernel's state). */
static void snap_states(struct replay_conv *c, json_t *o, const char *key,
			uint32_t *st)
{
	json_t *v = replay_obj(c, o, key, false), *val;
	const char *name;
	size_t at;

	if (!v)
		return;
	at = replay_enter(c, key);
	json_object_foreach(v, name, val) {
		int t = tcpstate_parse(name);

		if (t > 0 && t < TS_MAX)
			st[t] = replay_u32(c, v, name);
	}
	replay_leave(c, at);
}

/* "age_histogram": the counts of the twelve 5 s buckets, in order. */
static void snap_ages(struct replay_conv *c, json_t *o, uint32_t *age)
{
	json_t *arr = replay_arr(c, o, "age_histogram", SNAP_AGE_BUCKETS);
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		json_t *e = replay_entry(c, arr, "age_histogram", i, &at);

		age[i] = replay_u32(c, e, "count");
		replay_leave(c, at);
	}
}

/* Whether object o has member key. */
static bool snap_has(struct replay_conv *c, json_t *o, const char *key)
{
	return replay_member(c, o, key) != NULL;
}

/* A port list; returns its length. "server" is missing from format 1,
 * where the side was the listening one. */
static uint32_t snap_ports(struct replay_conv *c, json_t *o, const char *key,
			   struct snap_port *p, uint32_t max)
{
	json_t *arr = replay_arr(c, o, key, max);
	uint32_t n = 0;
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		json_t *e = replay_entry(c, arr, key, i, &at);

		p[i].port = replay_u16(c, e, "port");
		p[i].time_wait = replay_u32(c, e, "time_wait");
		p[i].total = replay_u32(c, e, "total");
		p[i].new_per_s = replay_rate(c, e, "new_per_s");
		p[i].listening = replay_bool(c, e, "listening");
		p[i].server = snap_has(c, e, "server") ?
			      replay_bool(c, e, "server") : p[i].listening;
		replay_leave(c, at);
		n = (uint32_t)i + 1;
	}
	return n;
}

/* "folded_ports": the ports left out of the top lists, as totals;
 * files written before it have none (all 0, rates unknown). */
static void snap_folded(struct replay_conv *c, json_t *o,
			struct snap_port_fold *eph,
			struct snap_port_fold *cli)
{
	static const char *const keys[] = { "ephemeral_local",
					    "clients_inbound" };
	struct snap_port_fold *f[] = { eph, cli };
	json_t *fo = replay_obj(c, o, "folded_ports", false);
	size_t at = replay_enter(c, "folded_ports");

	for (int i = 0; i < 2; i++) {
		json_t *e = fo ? replay_obj(c, fo, keys[i], false) : NULL;
		size_t in = replay_enter(c, keys[i]);

		f[i]->ports = replay_u32(c, e, "ports");
		f[i]->time_wait = replay_u32(c, e, "time_wait");
		f[i]->total = replay_u32(c, e, "total");
		f[i]->new_per_s = replay_rate(c, e, "new_per_s");
		replay_leave(c, in);
	}
	replay_leave(c, at);
}

/* Identity, how the sample went, the state totals. */
static void snap_head(struct replay_conv *c, json_t *root, struct snapshot *s)
{
	json_t *o;
	size_t at;

	replay_when(c, root, &s->when);
	replay_str(c, root, "host", s->host, sizeof(s->host), false);
	replay_str(c, root, "kernel", s->kernel, sizeof(s->kernel), false);
	replay_str(c, root, "netns", s->netns, sizeof(s->netns), false);
	replay_str(c, root, "filter", s->filter, sizeof(s->filter), false);
	s->seq = replay_uint(c, root, "seq", UINT64_MAX);
	o = replay_obj(c, root, "sample", false);
	if (o) {
		at = replay_enter(c, "sample");
		replay_num(c, o, "dump_ms", &s->dump_ms);
		replay_num(c, o, "pass_ms", &s->pass_ms);
		s->backend = replay_name(c, o, "backend");
		replay_num(c, o, "sockets_age_s", &s->sockets_age_s);
		replay_num(c, o, "full_pass_every_s", &s->full_every_s);
		replay_num(c, o, "cpu_budget_pct", &s->cpu_budget);
		s->partial = replay_bool(c, o, "partial");
		s->dump_failed = replay_bool(c, o, "dump_failed");
		replay_str(c, o, "error", s->error, sizeof(s->error), false);
		replay_leave(c, at);
	}
	s->sockets = replay_u32(c, root, "sockets");
	snap_states(c, root, "states", s->states);
	s->states[TS_BOUND_INACTIVE] = replay_u32(c, root, "bound_inactive");
}

/* "time_wait": totals, the new-TIME_WAIT rate, the age histogram. */
static void snap_time_wait(struct replay_conv *c, json_t *root,
			   struct snapshot *s)
{
	json_t *o = replay_obj(c, root, "time_wait", false);
	size_t at;

	if (!o)
		return;
	at = replay_enter(c, "time_wait");
	s->tw.total = replay_u32(c, o, "total");
	s->tw.server_side = replay_u32(c, o, "server_side");
	s->tw.server_inferred = replay_u32(c, o, "server_inferred");
	s->tw.client_side = replay_u32(c, o, "client_side");
	s->tw.eph_held = replay_u32(c, o, "eph_held");
	s->tw.rate_valid = replay_num(c, o, "new_per_s", &s->tw.new_per_s);
	if (!s->tw.rate_valid)
		s->tw.new_per_s = 0;
	s->tw.rate_source = replay_name(c, o, "rate_source");
	s->tw.ages_per_s = replay_rate(c, o, "ages_per_s");
	if (!replay_num(c, o, "window_s", &s->tw.window_s) ||
	    !(s->tw.window_s > 0))
		s->tw.window_s = 0;
	s->tw.rate_estimated = replay_bool(c, o, "rate_estimated");
	snap_ages(c, o, s->tw.age);
	replay_leave(c, at);
}

/* "top_peers", "peers_total" and the two port lists. */
static void snap_tops(struct replay_conv *c, json_t *root, struct snapshot *s)
{
	json_t *arr = replay_arr(c, root, "top_peers", SNAP_TOP_MAX);
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		struct snap_peer *p = &s->peers[i];
		json_t *e = replay_entry(c, arr, "top_peers", i, &at);

		replay_addr(c, e, "addr", &p->addr, true);
		p->time_wait = replay_u32(c, e, "time_wait");
		p->total = replay_u32(c, e, "total");
		p->new_per_s = replay_rate(c, e, "new_per_s");
		snap_states(c, e, "states", p->states);
		replay_leave(c, at);
		s->n_peers = (uint32_t)i + 1;
	}
	s->peers_total = replay_u32(c, root, "peers_total");
	s->n_lports = snap_ports(c, root, "top_local_ports", s->lports,
				 SNAP_TOP_MAX);
	s->n_rports = snap_ports(c, root, "top_remote_ports", s->rports,
				 SNAP_TOP_MAX);
	snap_folded(c, root, &s->folded.eph_local,
		    &s->folded.clients_inbound);
}

/* A group's forecast as advice_derive stored it and json.c wrote it
 * ("forecast" null: none). Format 1 had no tcp_tw_reuse: there capacity
 * is used + available, pressure is share and a TIME_WAIT holds its port
 * for 60 s. steady_used, not written, is steady_share x capacity. */
static void snap_forecast(struct replay_conv *c, json_t *e,
			  struct snap_group *g)
{
	struct snap_forecast *fc = &g->fc;
	json_t *text = replay_member(c, e, "forecast");
	double rate;

	fc->reuse = g->reuse;
	fc->rate_in = g->new_per_s > 0 && !g->stopped ? g->new_per_s : 0;
	if (replay_num(c, e, "forecast_per_s", &rate))
		fc->rate_in = rate;
	fc->sure_in = fc->rate_in;
	if (replay_num(c, e, "sure_per_s", &rate))
		fc->sure_in = rate;
	fc->capacity = (double)g->used + g->free;
	replay_num(c, e, "capacity", &fc->capacity);
	fc->share = NAN;
	replay_num(c, e, "share", &fc->share);
	fc->pressure = c->format < 2 ? fc->share : NAN;
	replay_num(c, e, "pressure", &fc->pressure);
	fc->hold_s = TW_LEN_S;
	replay_num(c, e, "hold_s", &fc->hold_s);
	fc->steady_share = NAN;
	replay_num(c, e, "steady_share", &fc->steady_share);
	if (isfinite(fc->steady_share) && isfinite(fc->capacity))
		fc->steady_used = fc->steady_share * fc->capacity;
	if (!replay_num(c, e, "full_in_s", &fc->full_in_s) ||
	    !(fc->full_in_s >= 0))
		fc->full_in_s = -1;
	fc->fills = fc->full_in_s >= 0;
	replay_str(c, e, "forecast", fc->text, sizeof(fc->text), false);
	fc->known = json_is_string(text);
	fc->may_fill = fc->known && strcmp(fc->text, "may fill") == 0;
}

/* A "groups" array into out (at most max); returns how many. Members a
 * file lacks (format 1: "free", "reusable", the bands, the rate) are
 * what that format meant: free = available, nothing reusable, the
 * expiring TIME_WAIT in the first band, the rate unknown. */
static uint32_t snap_groups(struct replay_conv *c, json_t *o,
			    struct snap_group *out, uint32_t max)
{
	json_t *arr = replay_arr(c, o, "groups", max);
	uint32_t n = 0;
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		struct snap_group *g = &out[i];
		json_t *e = replay_entry(c, arr, "groups", i, &at);

		replay_addr(c, e, "local", &g->local, true);
		replay_addr(c, e, "remote", &g->remote, true);
		g->remote_port = replay_u16(c, e, "remote_port");
		g->used = replay_u32(c, e, "used");
		g->available = replay_u32(c, e, "available");
		g->free = snap_has(c, e, "free") ? replay_u32(c, e, "free") :
			  g->available;
		g->reusable = replay_u32(c, e, "reusable");
		g->reuse = replay_bool(c, e, "reuse");
		g->time_wait = replay_u32(c, e, "time_wait");
		g->tw_young = replay_u32(c, e, "tw_young");
		g->tw_expiring = replay_u32(c, e, "tw_expiring");
		if (!replay_u32_array(c, e, "tw_expiring_bands", g->tw_exp,
				      SNAP_EXP_BANDS))
			g->tw_exp[0] = g->tw_expiring;
		g->new_per_s = replay_rate(c, e, "new_per_s");
		g->stopped = replay_bool(c, e, "stopped");
		snap_forecast(c, e, g);
		replay_group_failures(c, e, g);
		replay_leave(c, at);
		n = (uint32_t)i + 1;
	}
	return n;
}

/* "ephemeral": the range, its use and the destination groups. */
static void snap_ephemeral(struct replay_conv *c, json_t *root,
			   struct snapshot *s)
{
	json_t *o = replay_obj(c, root, "ephemeral", false);
	long long reuse;
	size_t at;

	if (!o)
		return;
	at = replay_enter(c, "ephemeral");
	s->eph.present = true;
	s->eph.low = replay_u32(c, o, "low");
	s->eph.high = replay_u32(c, o, "high");
	s->eph.size = replay_u32(c, o, "size");
	s->eph.reserved = replay_u32(c, o, "reserved");
	s->eph.holes = replay_u32(c, o, "holes");
	s->eph.holes_listen = replay_u32(c, o, "holes_listen");
	s->eph.holes_bound = replay_u32(c, o, "holes_bound");
	s->eph.holes_closed = replay_u32(c, o, "holes_closed");
	s->eph.holes_bind = replay_u32(c, o, "holes_bind");
	s->eph.holes_source = replay_name(c, o, "holes_source");
	s->eph.ports_in_use = replay_u32(c, o, "ports_in_use");
	s->eph.tw_reuse = replay_i64(c, o, "tw_reuse", &reuse) &&
			  reuse >= 0 && reuse <= INT_MAX ? (int)reuse : -1;
	s->eph.timestamps = replay_bool(c, o, "timestamps");
	s->eph.reuse_delay_ms = replay_u32(c, o, "reuse_delay_ms");
	s->eph.groups_total = replay_u32(c, o, "groups_total");
	s->eph.n_groups = snap_groups(c, o, s->eph.groups, SNAP_TOP_MAX);
	replay_leave(c, at);
}

/* An object member with at most max members, or NULL. */
static json_t *snap_table(struct replay_conv *c, json_t *root, const char *key,
			  size_t max)
{
	json_t *o = replay_obj(c, root, key, false);

	if (o && json_object_size(o) > max) {
		replay_fail(c, key, "expected at most %zu members", max);
		return NULL;
	}
	return o;
}

/* "sysctl": an integer, the raw text, or null for an absent file. */
static void snap_sysctls(struct replay_conv *c, json_t *root,
			 struct snapshot *s)
{
	json_t *o = snap_table(c, root, "sysctl", SNAP_SYSCTL_MAX), *v;
	size_t at = replay_enter(c, "sysctl"), i = 0;
	const char *key;

	json_object_foreach(o, key, v) {
		struct snap_sysctl *y = &s->sysctls[i];

		if (c->failed)
			break;
		y->name = replay_intern(c->pool, key);
		y->present = !json_is_null(v);
		if (json_is_integer(v)) {
			y->numeric = true;
			y->num = json_integer_value(v);
			snprintf(y->text, sizeof(y->text), "%lld", y->num);
		} else if (json_is_string(v)) {
			snprintf(y->text, sizeof(y->text), "%s",
				 json_string_value(v));
		} else if (!json_is_null(v)) {
			replay_fail(c, key, "expected an integer, a string or "
				    "null");
		}
		s->n_sysctls = (uint32_t)++i;
	}
	replay_leave(c, at);
}

/* "counters" (null: none readable), "rates" and "sockstat". */
static void snap_kernel(struct replay_conv *c, json_t *root, struct snapshot *s)
{
	json_t *o, *v;
	const char *key;
	size_t at, i = 0;

	snap_sysctls(c, root, s);
	o = snap_table(c, root, "counters", SNAP_COUNTERS_MAX);
	s->counters_present = o != NULL;
	at = replay_enter(c, "counters");
	json_object_foreach(o, key, v) {
		struct snap_counter *k = &s->counters[i];
		size_t n = strlen(key);

		if (c->failed)
			break;
		if (n >= sizeof(k->name))
			replay_fail(c, key, "expected a name of at most %zu "
				    "bytes", sizeof(k->name) - 1);
		else
			memcpy(k->name, key, n + 1);
		if (!replay_i64_value(c, v, key, &k->value) && !c->failed)
			replay_fail(c, key, "expected an integer");
		s->n_counters = (uint32_t)++i;
	}
	replay_leave(c, at);
	o = snap_table(c, root, "rates", sizeof(s->rates) / sizeof(s->rates[0]));
	at = replay_enter(c, "rates");
	i = 0;
	json_object_foreach(o, key, v) {
		struct snap_rate *r = &s->rates[i];

		if (c->failed)
			break;
		r->name = replay_intern(c->pool, key);
		r->valid = replay_num_value(c, v, key, &r->per_s);
		s->n_rates = (uint32_t)++i;
	}
	replay_leave(c, at);
	o = replay_obj(c, root, "conntrack", false);
	at = replay_enter(c, "conntrack");
	s->conntrack.count_present = replay_i64(c, o, "count",
						&s->conntrack.count);
	s->conntrack.max_present = replay_i64(c, o, "max", &s->conntrack.max);
	replay_leave(c, at);
	o = replay_obj(c, root, "sockstat", false);
	s->sockstat.present = o != NULL;
	at = replay_enter(c, "sockstat");
	replay_i64(c, o, "inuse", &s->sockstat.inuse);
	replay_i64(c, o, "orphan", &s->sockstat.orphan);
	replay_i64(c, o, "tw", &s->sockstat.tw);
	replay_i64(c, o, "alloc", &s->sockstat.alloc);
	replay_i64(c, o, "mem", &s->sockstat.mem);
	replay_leave(c, at);
}

/* Advisory level by name: "info", "warn", "alarm"; -1 when unknown. */
static int snap_level(const char *name)
{
	for (int l = ADV_INFO; l <= ADV_ALARM; l++)
		if (strcmp(advice_level_name(l), name) == 0)
			return l;
	return -1;
}

/* "advisories": id, level, the evidence numbers, text. */
static void snap_advisories(struct replay_conv *c, json_t *o,
			    struct snapshot *s)
{
	json_t *arr = replay_arr(c, o, "advisories", SNAP_ADV_MAX);
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		struct snap_advisory *a = &s->advisories[i];
		json_t *e, *ev, *v;
		const char *key;
		size_t k = 0;
		char buf[64];

		e = replay_entry(c, arr, "advisories", i, &at);
		replay_str(c, e, "id", buf, sizeof(buf), true);
		a->id = replay_intern(c->pool, buf);
		replay_str(c, e, "level", buf, sizeof(buf), true);
		a->level = snap_level(buf);
		if (!c->failed && a->level < 0)
			replay_fail(c, "level", "expected \"info\", \"warn\" "
				    "or \"alarm\"");
		ev = snap_table(c, e, "evidence", SNAP_ADV_EVIDENCE);
		json_object_foreach(ev, key, v) {
			if (c->failed)
				break;
			a->evidence[k].key = replay_intern(c->pool, key);
			replay_num_value(c, v, key, &a->evidence[k].value);
			a->n_evidence = (uint32_t)++k;
		}
		replay_str(c, e, "text", a->text, sizeof(a->text), false);
		replay_leave(c, at);
		s->n_advisories = (uint32_t)i + 1;
	}
}

/* The sockets of a drill-down. */
static void snap_focus_socks(struct replay_conv *c, json_t *o,
			     struct snap_focus *f)
{
	json_t *arr = replay_arr(c, o, "sockets", FOCUS_SOCKS_MAX);
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		struct focus_sock *k = &f->socks[i];
		json_t *e = replay_entry(c, arr, "sockets", i, &at);
		char st[32];
		int t;

		replay_addr(c, e, "local", &k->local, true);
		k->lport = replay_u16(c, e, "lport");
		replay_addr(c, e, "remote", &k->remote, true);
		k->rport = replay_u16(c, e, "rport");
		replay_str(c, e, "state", st, sizeof(st), true);
		t = tcpstate_parse(st);
		k->state = (uint8_t)(t > 0 ? t : 0);
		k->timer = (uint8_t)replay_uint(c, e, "timer", UINT8_MAX);
		k->expires = replay_u32(c, e, "expires_ms");
		replay_leave(c, at);
		f->n_socks = (uint32_t)i + 1;
	}
}

/* "focus": the drill-down the snapshot was taken with, if any: a peer,
 * a port, a process (which needs its "pid") or a container (its
 * "cgroup_id"). */
static void snap_focus(struct replay_conv *c, json_t *root, struct snapshot *s)
{
	json_t *o = replay_obj(c, root, "focus", false);
	struct snap_focus *f;
	char kind[16];
	size_t at;

	if (!o)
		return;
	f = s->focus = xcalloc(1, sizeof(*f));
	at = replay_enter(c, "focus");
	replay_str(c, o, "kind", kind, sizeof(kind), true);
	f->req.kind = strcmp(kind, "peer") == 0 ? FOCUS_PEER :
		      strcmp(kind, "local_port") == 0 ? FOCUS_LPORT :
		      strcmp(kind, "remote_port") == 0 ? FOCUS_RPORT :
		      strcmp(kind, "process") == 0 ? FOCUS_PROC :
		      strcmp(kind, "cgroup") == 0 ? FOCUS_CGROUP : FOCUS_NONE;
	if (!c->failed && f->req.kind == FOCUS_NONE)
		replay_fail(c, "kind", "expected \"peer\", \"local_port\", "
			    "\"remote_port\", \"process\" or \"cgroup\"");
	if (f->req.kind == FOCUS_PEER) {
		replay_addr(c, o, "addr", &f->req.addr, true);
	} else if (f->req.kind == FOCUS_PROC) {
		if (replay_member(c, o, "pid") == NULL)
			replay_fail(c, NULL, "missing \"pid\"");
		f->req.pid = replay_u32(c, o, "pid");
	} else if (f->req.kind == FOCUS_CGROUP) {
		if (replay_member(c, o, "cgroup_id") == NULL)
			replay_fail(c, NULL, "missing \"cgroup_id\"");
		f->req.cgroup_id = replay_uint(c, o, "cgroup_id", UINT64_MAX);
	} else {
		f->req.port = replay_u16(c, o, "port");
	}
	snap_states(c, o, "states", f->states);
	f->total = replay_u32(c, o, "total");
	f->tw_server = replay_u32(c, o, "time_wait_server");
	f->tw_client = replay_u32(c, o, "time_wait_client");
	f->tw_young = replay_u32(c, o, "tw_young");
	f->new_per_s = replay_rate(c, o, "new_per_s");
	f->partial = replay_bool(c, o, "partial");
	replay_str(c, o, "kernel_filter", f->expr, sizeof(f->expr), false);
	f->fetched = replay_u32(c, o, "fetched");
	replay_num(c, o, "dump_ms", &f->dump_ms);
	snap_ages(c, o, f->age);
	f->n_lports = snap_ports(c, o, "local_ports", f->lports,
				 FOCUS_PORTS_MAX);
	f->n_rports = snap_ports(c, o, "remote_ports", f->rports,
				 FOCUS_PORTS_MAX);
	snap_folded(c, o, &f->eph_local, &f->clients_inbound);
	f->groups_total = replay_u32(c, o, "groups_total");
	f->n_groups = snap_groups(c, o, f->groups, FOCUS_GROUPS_MAX);
	replay_focus_closers(c, o, f);
	if (f->req.kind == FOCUS_PROC || f->req.kind == FOCUS_CGROUP)
		replay_focus_process(c, o, f);
	snap_focus_socks(c, o, f);
	replay_leave(c, at);
}

/* "history": the trend samples, oldest first. */
static void snap_history(struct replay_conv *c, json_t *root,
			 struct snapshot *s)
{
	json_t *arr = replay_arr(c, root, "history", SNAP_HIST_MAX);
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		struct snap_hist *h = &s->hist[i];
		json_t *e = replay_entry(c, arr, "history", i, &at);

		/* a time, in Unix seconds: bounded so that gaps between
		 * samples can be rounded (replay_interval) without overflow */
		if (replay_num(c, e, "t", &h->t) &&
		    !(fabs(h->t) <= REPLAY_T_MAX))
			replay_fail(c, "t", "out of range");
		h->time_wait = replay_u32(c, e, "time_wait");
		h->established = replay_u32(c, e, "established");
		if (!replay_num(c, e, "new_tw_per_s", &h->new_tw_per_s))
			h->new_tw_per_s = -1;
		replay_leave(c, at);
		s->n_hist = (uint32_t)i + 1;
	}
}

/* "markers" of a file saved by the dashboard. */
static void snap_markers(struct replay_conv *c, json_t *root,
			 struct ui_markers *ms)
{
	json_t *arr = replay_arr(c, root, "markers", UI_MARKERS_MAX);
	size_t at;

	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		struct ui_marker *m = &ms->m[i];
		json_t *e = replay_entry(c, arr, "markers", i, &at);

		replay_str(c, e, "label", m->label, sizeof(m->label), true);
		replay_num(c, e, "t", &m->t);
		m->time_wait = replay_u32(c, e, "time_wait");
		if (!replay_num(c, e, "new_tw_per_s", &m->new_tw_per_s))
			m->new_tw_per_s = -1;
		for (int k = 0; k < UI_MARKER_NCOUNTERS; k++)
			m->has[k] = replay_i64(c, e, ui_marker_counters[k],
					       &m->counter[k]);
		replay_leave(c, at);
		ms->n = (unsigned int)i + 1;
	}
}

int replay_snap_read(struct replay_conv *c, json_t *root,
		     struct snapshot *s, struct ui_markers *ms,
		     bool *has_history)
{
	struct ui_markers scratch;

	c->where[0] = '\0';
	c->failed = false;
	if (snap_identity(c, root) < 0)
		return -1;
	snap_head(c, root, s);
	snap_time_wait(c, root, s);
	snap_tops(c, root, s);
	snap_ephemeral(c, root, s);
	replay_snap_closers(c, root, s);
	snap_kernel(c, root, s);
	snap_advisories(c, root, s);
	snap_focus(c, root, s);
	snap_history(c, root, s);
	*has_history = json_object_get(root, "history") != NULL;
	/* checked when the file is opened too, so showing cannot fail */
	if (!ms)
		ms = &scratch;
	memset(ms, 0, sizeof(*ms));
	snap_markers(c, root, ms);
	return c->failed ? -1 : 0;
}
