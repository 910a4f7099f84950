// SPDX-License-Identifier: GPL-2.0-or-later
/* Who closes first, per container: the listed processes summed by their
 * cgroup id (twtop/closers.h). Processes whose id is unknown (0) are one
 * group of their own, never merged into a named one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/cgname.h"
#include "twtop/closers.h"
#include "twtop/xalloc.h"
#include "closers_priv.h"

/* One cgroup while its processes are summed. */
struct cg_acc {
	uint64_t id;		/* the key */
	uint32_t procs, tw, server, client;
	uint64_t active, passive, connerr;
	double active_ps, passive_ps, connerr_ps;	/* < 0: none known */
	const struct cl_row *top;	/* its first row: the most TIME_WAIT */
};

/* Adds a known rate (>= 0) to a sum that is < 0 while none is known. */
static void rate_add(double *sum, double v)
{
	if (v < 0)
		return;
	*sum = *sum < 0 ? v : *sum + v;
}

static void acc_add(struct cg_acc *a, const struct cl_row *r, bool added)
{
	if (added) {
		a->active_ps = a->passive_ps = a->connerr_ps = -1;
		a->top = r;
	}
	a->procs++;
	a->tw += r->tw;
	a->server += r->server;
	a->client += r->client;
	a->active += r->active;
	a->passive += r->passive;
	a->connerr += r->connerr;
	rate_add(&a->active_ps, r->active_ps);
	rate_add(&a->passive_ps, r->passive_ps);
	rate_add(&a->connerr_ps, r->connerr_ps);
}

/* As the processes: most TIME_WAIT first, then the busiest closers. */
static int acc_cmp(const void *pa, const void *pb)
{
	const struct cg_acc *a = *(const struct cg_acc *const *)pa;
	const struct cg_acc *b = *(const struct cg_acc *const *)pb;
	struct cl_rank ra = { a->tw, a->active_ps, a->passive_ps,
			      a->connerr_ps, a->active + a->passive, a->id };
	struct cl_rank rb = { b->tw, b->active_ps, b->passive_ps,
			      b->connerr_ps, b->active + b->passive, b->id };

	return cl_rank_cmp(&ra, &rb);
}

/* One group into o: its path as its top process's, named short. */
static void acc_out(struct cl_names *names, const struct cg_acc *a,
		    struct snap_closer_cgroup *o)
{
	const struct cl_row *t = a->top;

	memset(o, 0, sizeof(*o));
	o->cgroup_id = a->id;
	/* the unknown group's processes may be anywhere: no one path */
	if (a->id != 0) {
		cl_names_cgroup(names, t->tgid, t->comm, a->id, o->cgroup,
				sizeof(o->cgroup));
		cgname_short(o->cgroup, o->container, sizeof(o->container));
	}
	o->processes = a->procs;
	o->time_wait = a->tw;
	o->server_side = a->server;
	o->client_side = a->client;
	o->active_closes = a->active;
	o->passive_closes = a->passive;
	o->connect_errors = a->connerr;
	o->active_per_s = a->active_ps;
	o->passive_per_s = a->passive_ps;
	o->connect_errors_per_s = a->connerr_ps;
	o->top_pid = t->tgid;
	snprintf(o->top_comm, sizeof(o->top_comm), "%s", t->comm);
}

void closers_cgroups_out(struct cl_names *names,
			 const struct cl_row *const *rows, uint32_t n,
			 struct snap_closers *out)
{
	struct ctab groups;
	const struct cg_acc **v;

	ctab_init(&groups, sizeof(struct cg_acc), sizeof(uint64_t));
	for (uint32_t i = 0; i < n; i++) {
		bool added;
		struct cg_acc *a = ctab_get(&groups, &rows[i]->cgroup, &added);

		acc_add(a, rows[i], added);
	}
	v = xcalloc(groups.n + 1, sizeof(*v));
	for (uint32_t i = 0; i < groups.n; i++)
		v[i] = ctab_ent(&groups, i);
	qsort(v, groups.n, sizeof(*v), acc_cmp);
	out->cgroups_total = groups.n;
	out->n_cgroups = MIN_U32(groups.n, SNAP_CLOSERS_MAX);
	for (uint32_t i = 0; i < out->n_cgroups; i++)
		acc_out(names, v[i], &out->cgroups[i]);
	free(v);
	ctab_free(&groups);
}
