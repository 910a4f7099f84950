// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON of who closes: the members README.md's schema lists under
 * "closers", written from s->closers as closers_finish left it, and a
 * drill-down's (focus) who closed first and process members. */
#include <math.h>

#include "twtop/closers.h"
#include "twtop/json_closers.h"

static void kv_uint(struct jw *w, const char *key, unsigned long long v)
{
	jw_key(w, key);
	jw_uint(w, v);
}

static void kv_str(struct jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_str(w, v);
}

/* A string that is null when empty. */
static void kv_str0(struct jw *w, const char *key, const char *v)
{
	kv_str(w, key, v[0] ? v : NULL);
}

/* A rate: null when unknown (< 0). */
static void kv_rate(struct jw *w, const char *key, double v)
{
	jw_key(w, key);
	jw_double(w, v >= 0 ? v : NAN);
}

static void kv_addr(struct jw *w, const char *key, const struct tw_addr *a)
{
	char buf[ADDR_STRLEN];

	kv_str(w, key, addr_format(a, buf, sizeof(buf)));
}

static void json_closer(struct jw *w, const struct snap_closer *c)
{
	jw_obj_begin(w);
	kv_uint(w, "pid", c->pid);
	kv_str(w, "comm", c->comm);
	kv_str0(w, "cgroup", c->cgroup);
	kv_str0(w, "container", c->container);
	kv_uint(w, "cgroup_id", c->cgroup_id);
	kv_uint(w, "time_wait", c->time_wait);
	kv_uint(w, "server_side", c->server_side);
	kv_uint(w, "client_side", c->client_side);
	kv_uint(w, "active_closes", c->active_closes);
	kv_uint(w, "passive_closes", c->passive_closes);
	kv_rate(w, "active_per_s", c->active_per_s);
	kv_rate(w, "passive_per_s", c->passive_per_s);
	kv_uint(w, "connect_errors", c->connect_errors);
	kv_rate(w, "connect_errors_per_s", c->connect_errors_per_s);
	kv_uint(w, "destinations", c->destinations);
	jw_key(w, "top_destination");
	if (c->top_remote_tw == 0) {
		jw_null(w);
	} else {
		jw_obj_begin(w);
		kv_addr(w, "remote", &c->top_remote);
		kv_uint(w, "remote_port", c->top_remote_port);
		kv_uint(w, "time_wait", c->top_remote_tw);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void json_closer_cgroup(struct jw *w,
			       const struct snap_closer_cgroup *g)
{
	jw_obj_begin(w);
	kv_uint(w, "cgroup_id", g->cgroup_id);
	kv_str0(w, "cgroup", g->cgroup);
	kv_str0(w, "container", g->container);
	kv_uint(w, "processes", g->processes);
	kv_uint(w, "time_wait", g->time_wait);
	kv_uint(w, "server_side", g->server_side);
	kv_uint(w, "client_side", g->client_side);
	kv_uint(w, "active_closes", g->active_closes);
	kv_uint(w, "passive_closes", g->passive_closes);
	kv_uint(w, "connect_errors", g->connect_errors);
	kv_rate(w, "active_per_s", g->active_per_s);
	kv_rate(w, "passive_per_s", g->passive_per_s);
	kv_rate(w, "connect_errors_per_s", g->connect_errors_per_s);
	kv_uint(w, "top_pid", g->top_pid);
	kv_str(w, "top_comm", g->top_comm);
	jw_obj_end(w);
}

static void json_connerr(struct jw *w, const struct snap_connerr *e)
{
	char name[32];

	jw_obj_begin(w);
	kv_uint(w, "pid", e->pid);
	kv_str(w, "comm", e->comm);
	kv_str0(w, "cgroup", e->cgroup);
	kv_str(w, "errno", closers_errno_name(e->err, name, sizeof(name)));
	kv_uint(w, "count", e->count);
	kv_rate(w, "per_s", e->per_s);
	kv_addr(w, "remote", &e->remote);
	kv_uint(w, "remote_port", e->remote_port);
	jw_obj_end(w);
}

static void json_totals(struct jw *w, const struct snap_closers *c)
{
	jw_key(w, "closers_totals");
	jw_obj_begin(w);
	jw_key(w, "since_s");
	jw_double(w, c->since_s);
	kv_uint(w, "attributed", c->attributed);
	kv_uint(w, "processes", c->total);
	kv_uint(w, "cgroups", c->cgroups_total);
	kv_uint(w, "active_closes", c->active_closes);
	kv_uint(w, "passive_closes", c->passive_closes);
	kv_uint(w, "peer_closes", c->peer_closes);
	kv_uint(w, "connect_errors", c->connect_errors);
	kv_uint(w, "connect_error_rows", c->errors_total);
	kv_uint(w, "records_lost", c->lost);
	jw_obj_end(w);
}

void json_closers(struct jw *w, const struct snapshot *s, uint32_t top)
{
	const struct snap_closers *c = &s->closers;
	uint32_t n = MIN_U32(MIN_U32(c->n, SNAP_CLOSERS_MAX), top);
	uint32_t ng = MIN_U32(MIN_U32(c->n_cgroups, SNAP_CLOSERS_MAX), top);
	uint32_t ne = MIN_U32(MIN_U32(c->n_errors, SNAP_CONNERR_MAX), top);

	kv_str0(w, "closers_reason", c->present ? "" : c->why);
	if (!c->present) {
		static const char *const keys[] = {
			"closers_totals", "closers", "closer_cgroups",
			"closers_unknown", "connect_errors",
		};

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			jw_key(w, keys[i]);
			jw_null(w);
		}
		return;
	}
	json_totals(w, c);
	jw_key(w, "closers");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < n; i++)
		json_closer(w, &c->v[i]);
	jw_arr_end(w);
	jw_key(w, "closer_cgroups");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < ng; i++)
		json_closer_cgroup(w, &c->cgroups[i]);
	jw_arr_end(w);
	kv_uint(w, "closers_unknown", c->unknown);
	jw_key(w, "connect_errors");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < ne; i++)
		json_connerr(w, &c->errors[i]);
	jw_arr_end(w);
}

void json_focus_closers(struct jw *w, const struct snap_focus *f)
{
	const struct focus_closers *k = &f->closers;

	jw_key(w, "closers");
	if (!k->present) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	kv_uint(w, "attributed", k->attributed);
	kv_uint(w, "unknown", k->unknown);
	kv_uint(w, "processes_total", k->total);
	jw_key(w, "processes");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < MIN_U32(k->n, FOCUS_CLOSERS_MAX); i++) {
		const struct focus_closer *p = &k->v[i];

		jw_obj_begin(w);
		kv_uint(w, "pid", p->pid);
		kv_str(w, "comm", p->comm);
		kv_str0(w, "container", p->container);
		kv_uint(w, "time_wait", p->time_wait);
		kv_uint(w, "server_side", p->server_side);
		kv_uint(w, "client_side", p->client_side);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void json_focus_process(struct jw *w, const struct snap_focus *f)
{
	if (f->req.kind == FOCUS_CGROUP) {
		jw_key(w, "container");
		if (f->cg_found)
			json_closer_cgroup(w, &f->cg);
		else
			jw_null(w);
	} else {
		jw_key(w, "process");
		if (f->proc_found)
			json_closer(w, &f->proc);
		else
			jw_null(w);
	}
	kv_uint(w, "destinations_total", f->dests_total);
	jw_key(w, "destinations");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < MIN_U32(f->n_dests, FOCUS_DESTS_MAX); i++) {
		const struct focus_dest *d = &f->dests[i];

		jw_obj_begin(w);
		kv_addr(w, "remote", &d->remote);
		kv_uint(w, "port", d->port);
		kv_str(w, "side", d->server ? "server" : "client");
		kv_uint(w, "time_wait", d->time_wait);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	kv_uint(w, "connect_errors_total", f->errors_total);
	jw_key(w, "connect_errors");
	jw_arr_begin(w);
	for (uint32_t i = 0; i < MIN_U32(f->n_errors, FOCUS_ERRORS_MAX); i++)
		json_connerr(w, &f->errors[i]);
	jw_arr_end(w);
}

void json_group_failures(struct jw *w, const struct snap_group *g)
{
	const struct snap_connfail *f = &g->cf;
	char name[32];

	jw_key(w, "connect_failures");
	if (!f->known) {
		jw_null(w);
		jw_key(w, "connect_failures_per_s");
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	for (uint32_t k = 0; k < MIN_U32(f->n, SNAP_CONNFAIL_ERRNOS); k++)
		kv_uint(w, closers_errno_name(f->e[k].err, name, sizeof(name)),
			f->e[k].count);
	jw_obj_end(w);
	jw_key(w, "connect_failures_per_s");
	jw_double(w, f->per_s);
}
