// SPDX-License-Identifier: GPL-2.0-or-later
/* Who closes, read back from a twtop JSON object (src/json_closers.c
 * writes it): the processes, failed connect() rows, each destination
 * group's failures, and a drill-down's who closed first and process
 * members. A file without them (older twtop, or no BPF) reads as "not
 * recorded", with the writer's reason when it gave one. */
#include <stdio.h>
#include <string.h>

#include "twtop/closers.h"
#include "replay_priv.h"

/* A positive errno from its name ("EADDRNOTAVAIL", "E<n>"). */
static int snap_errno(struct replay_conv *c, json_t *o, const char *key)
{
	char name[32];
	int err;

	replay_str(c, o, key, name, sizeof(name), true);
	err = c->failed ? 0 : closers_errno_parse(name);
	if (!c->failed && err == 0)
		replay_fail(c, key, "expected an errno name like "
			    "\"EADDRNOTAVAIL\"");
	return err;
}

static void snap_closer(struct replay_conv *c, json_t *e,
			struct snap_closer *r)
{
	json_t *top = replay_obj(c, e, "top_destination", false);
	size_t at;

	r->pid = replay_u32(c, e, "pid");
	replay_str(c, e, "comm", r->comm, sizeof(r->comm), false);
	replay_str(c, e, "cgroup", r->cgroup, sizeof(r->cgroup), false);
	replay_str(c, e, "container", r->container, sizeof(r->container),
		   false);
	r->cgroup_id = replay_uint(c, e, "cgroup_id", UINT64_MAX);
	r->time_wait = replay_u32(c, e, "time_wait");
	r->server_side = replay_u32(c, e, "server_side");
	r->client_side = replay_u32(c, e, "client_side");
	r->active_closes = replay_uint(c, e, "active_closes", UINT64_MAX);
	r->passive_closes = replay_uint(c, e, "passive_closes", UINT64_MAX);
	r->connect_errors = replay_uint(c, e, "connect_errors", UINT64_MAX);
	r->active_per_s = replay_rate(c, e, "active_per_s");
	r->passive_per_s = replay_rate(c, e, "passive_per_s");
	r->connect_errors_per_s = replay_rate(c, e, "connect_errors_per_s");
	r->destinations = replay_u32(c, e, "destinations");
	if (top == NULL)
		return;
	at = replay_enter(c, "top_destination");
	replay_addr(c, top, "remote", &r->top_remote, true);
	r->top_remote_port = replay_u16(c, top, "remote_port");
	r->top_remote_tw = replay_u32(c, top, "time_wait");
	replay_leave(c, at);
}

static void snap_closer_cgroup(struct replay_conv *c, json_t *e,
			       struct snap_closer_cgroup *r)
{
	r->cgroup_id = replay_uint(c, e, "cgroup_id", UINT64_MAX);
	replay_str(c, e, "cgroup", r->cgroup, sizeof(r->cgroup), false);
	replay_str(c, e, "container", r->container, sizeof(r->container),
		   false);
	r->processes = replay_u32(c, e, "processes");
	r->time_wait = replay_u32(c, e, "time_wait");
	r->server_side = replay_u32(c, e, "server_side");
	r->client_side = replay_u32(c, e, "client_side");
	r->active_closes = replay_uint(c, e, "active_closes", UINT64_MAX);
	r->passive_closes = replay_uint(c, e, "passive_closes", UINT64_MAX);
	r->connect_errors = replay_uint(c, e, "connect_errors", UINT64_MAX);
	r->active_per_s = replay_rate(c, e, "active_per_s");
	r->passive_per_s = replay_rate(c, e, "passive_per_s");
	r->connect_errors_per_s = replay_rate(c, e, "connect_errors_per_s");
	r->top_pid = replay_u32(c, e, "top_pid");
	replay_str(c, e, "top_comm", r->top_comm, sizeof(r->top_comm), false);
}

static void snap_connerr(struct replay_conv *c, json_t *e,
			 struct snap_connerr *r)
{
	r->pid = replay_u32(c, e, "pid");
	replay_str(c, e, "comm", r->comm, sizeof(r->comm), false);
	replay_str(c, e, "cgroup", r->cgroup, sizeof(r->cgroup), false);
	r->err = snap_errno(c, e, "errno");
	r->count = replay_uint(c, e, "count", UINT64_MAX);
	r->per_s = replay_rate(c, e, "per_s");
	replay_addr(c, e, "remote", &r->remote, true);
	r->remote_port = replay_u16(c, e, "remote_port");
}

static void snap_totals(struct replay_conv *c, json_t *root,
			struct snap_closers *k)
{
	json_t *o = replay_obj(c, root, "closers_totals", false);
	double since = 0;
	size_t at;

	if (o == NULL)
		return;
	at = replay_enter(c, "closers_totals");
	if (replay_num(c, o, "since_s", &since) && since >= 0)
		k->since_s = since;
	k->attributed = replay_u32(c, o, "attributed");
	k->total = replay_u32(c, o, "processes");
	k->cgroups_total = replay_u32(c, o, "cgroups");
	k->active_closes = replay_uint(c, o, "active_closes", UINT64_MAX);
	k->passive_closes = replay_uint(c, o, "passive_closes", UINT64_MAX);
	k->peer_closes = replay_uint(c, o, "peer_closes", UINT64_MAX);
	k->connect_errors = replay_uint(c, o, "connect_errors", UINT64_MAX);
	k->errors_total = replay_u32(c, o, "connect_error_rows");
	k->lost = replay_uint(c, o, "records_lost", UINT64_MAX);
	replay_leave(c, at);
}

void replay_snap_closers(struct replay_conv *c, json_t *root,
			 struct snapshot *s)
{
	struct snap_closers *k = &s->closers;
	json_t *arr = json_object_get(root, "closers");
	size_t at;

	replay_str(c, root, "closers_reason", k->why, sizeof(k->why), false);
	if (arr == NULL) {	/* a file from before twtop had them */
		snprintf(k->why, sizeof(k->why), "who closes was not "
			 "recorded in this file");
		return;
	}
	/* null: twtop ran without BPF (the reason says why) */
	if (json_is_null(arr))
		return;
	arr = replay_arr(c, root, "closers", SNAP_CLOSERS_MAX);
	if (arr == NULL)
		return;
	k->present = true;
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		snap_closer(c, replay_entry(c, arr, "closers", i, &at),
			    &k->v[i]);
		replay_leave(c, at);
		k->n = (uint32_t)i + 1;
	}
	/* absent in a file from before twtop had them; null: none */
	arr = json_is_null(json_object_get(root, "closer_cgroups")) ? NULL :
	      replay_arr(c, root, "closer_cgroups", SNAP_CLOSERS_MAX);
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		snap_closer_cgroup(c, replay_entry(c, arr, "closer_cgroups", i,
						   &at), &k->cgroups[i]);
		replay_leave(c, at);
		k->n_cgroups = (uint32_t)i + 1;
	}
	k->unknown = replay_u32(c, root, "closers_unknown");
	arr = json_is_null(json_object_get(root, "connect_errors")) ? NULL :
	      replay_arr(c, root, "connect_errors", SNAP_CONNERR_MAX);
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		snap_connerr(c, replay_entry(c, arr, "connect_errors", i, &at),
			     &k->errors[i]);
		replay_leave(c, at);
		k->n_errors = (uint32_t)i + 1;
	}
	snap_totals(c, root, k);
	k->total = k->total > k->n ? k->total : k->n;
	k->cgroups_total = k->cgroups_total > k->n_cgroups ?
			   k->cgroups_total : k->n_cgroups;
	k->errors_total = k->errors_total > k->n_errors ? k->errors_total :
			  k->n_errors;
}

/* One "processes" entry of a drill-down's "closers". */
static void focus_closer(struct replay_conv *c, json_t *e,
			 struct focus_closer *p)
{
	p->pid = replay_u32(c, e, "pid");
	replay_str(c, e, "comm", p->comm, sizeof(p->comm), false);
	replay_str(c, e, "container", p->container, sizeof(p->container),
		   false);
	p->time_wait = replay_u32(c, e, "time_wait");
	p->server_side = replay_u32(c, e, "server_side");
	p->client_side = replay_u32(c, e, "client_side");
}

void replay_focus_closers(struct replay_conv *c, json_t *o,
			  struct snap_focus *f)
{
	struct focus_closers *k = &f->closers;
	json_t *obj = replay_obj(c, o, "closers", false), *arr;
	size_t at, at_e;

	if (obj == NULL)	/* null: no BPF; absent: an older file */
		return;
	k->present = true;
	at = replay_enter(c, "closers");
	k->attributed = replay_u32(c, obj, "attributed");
	k->unknown = replay_u32(c, obj, "unknown");
	k->total = replay_u32(c, obj, "processes_total");
	arr = replay_arr(c, obj, "processes", FOCUS_CLOSERS_MAX);
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		focus_closer(c, replay_entry(c, arr, "processes", i, &at_e),
			     &k->v[i]);
		replay_leave(c, at_e);
		k->n = (uint32_t)i + 1;
	}
	k->total = k->total > k->n ? k->total : k->n;
	replay_leave(c, at);
}

/* One "destinations" entry of a process drill-down. */
static void focus_dest(struct replay_conv *c, json_t *e, struct focus_dest *d)
{
	char side[16];

	replay_addr(c, e, "remote", &d->remote, true);
	d->port = replay_u16(c, e, "port");
	replay_str(c, e, "side", side, sizeof(side), true);
	d->server = strcmp(side, "server") == 0;
	if (!c->failed && !d->server && strcmp(side, "client") != 0)
		replay_fail(c, "side", "expected \"server\" or \"client\"");
	d->time_wait = replay_u32(c, e, "time_wait");
}

void replay_focus_process(struct replay_conv *c, json_t *o,
			  struct snap_focus *f)
{
	bool cg = f->req.kind == FOCUS_CGROUP;
	const char *who = cg ? "container" : "process";
	json_t *p = replay_obj(c, o, who, false), *arr;
	size_t at;

	if (p != NULL) {	/* null: it is not listed now */
		at = replay_enter(c, who);
		if (cg) {
			f->cg_found = true;
			snap_closer_cgroup(c, p, &f->cg);
		} else {
			f->proc_found = true;
			snap_closer(c, p, &f->proc);
		}
		replay_leave(c, at);
	}
	f->dests_total = replay_u32(c, o, "destinations_total");
	arr = replay_arr(c, o, "destinations", FOCUS_DESTS_MAX);
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		focus_dest(c, replay_entry(c, arr, "destinations", i, &at),
			   &f->dests[i]);
		replay_leave(c, at);
		f->n_dests = (uint32_t)i + 1;
	}
	f->errors_total = replay_u32(c, o, "connect_errors_total");
	arr = replay_arr(c, o, "connect_errors", FOCUS_ERRORS_MAX);
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		snap_connerr(c, replay_entry(c, arr, "connect_errors", i, &at),
			     &f->errors[i]);
		replay_leave(c, at);
		f->n_errors = (uint32_t)i + 1;
	}
	f->dests_total = f->dests_total > f->n_dests ? f->dests_total :
			 f->n_dests;
	f->errors_total = f->errors_total > f->n_errors ? f->errors_total :
			  f->n_errors;
}

void replay_group_failures(struct replay_conv *c, json_t *e,
			   struct snap_group *g)
{
	json_t *o = replay_obj(c, e, "connect_failures", false), *v;
	struct snap_connfail *f = &g->cf;
	const char *name;
	double per_s = 0;
	size_t at;

	memset(f, 0, sizeof(*f));
	if (o == NULL)
		return;
	f->known = true;
	at = replay_enter(c, "connect_failures");
	json_object_foreach(o, name, v) {
		int err = closers_errno_parse(name);
		uint32_t n = replay_u32(c, o, name);

		if (err == 0)
			replay_fail(c, name, "expected an errno name");
		if (c->failed)
			break;
		f->total += n;
		if (f->n < SNAP_CONNFAIL_ERRNOS) {
			f->e[f->n].err = err;
			f->e[f->n++].count = n;
		}
	}
	replay_leave(c, at);
	if (replay_num(c, e, "connect_failures_per_s", &per_s) && per_s > 0)
		f->per_s = per_s;
}
