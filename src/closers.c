// SPDX-License-Identifier: GPL-2.0-or-later
/* Who closes first: the closer records joined with the dump's TIME_WAIT,
 * per process, with rates from counter deltas (twtop/closers.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twtop/cgname.h"
#include "twtop/closers.h"
#include "twtop/tcpstate.h"
#include "twtop/xalloc.h"
#include "closers_priv.h"

/* A record newer than its TIME_WAIT by more than this belongs to a later
 * connection on the same 4-tuple: the age is read during the dump (a
 * little after closers_begin) and counts in jiffies. */
#define STALE_SLACK_S	2.0
/* A TIME_WAIT's making time comes from its timer, in jiffies, read a
 * little after the dump started: one made this close before the records
 * were read may have been made after. */
#define RECS_SLACK_S	0.1
/* A process stays listed this long after its last close or failed
 * connect(): as long as a TIME_WAIT it made would last. */
#define RECENT_S	60.0

/* A TIME_WAIT of the dump. */
struct cl_tw {
	struct cl_key key;
	uint32_t expires;	/* as dumped, ms */
	uint32_t ifindex;
	bool server;
};

struct cl_rec {			/* a closer record, by its folded key */
	struct cl_key key;
	struct closers_closer c;
};

struct cl_count {		/* counters at a finish, by tgid */
	uint32_t tgid;
	uint64_t active, passive;
};

struct cl_errcount {		/* a failed connect() count, by its key */
	struct closers_connerr_key key;
	uint64_t count;
};

struct cl_dest {		/* TIME_WAIT of one process per remote */
	uint32_t tgid;
	uint16_t rport;
	uint16_t pad;
	struct tw_addr remote;
	uint32_t n;
};

/* A failed connect() row this sample. */
struct cl_err {
	struct closers_connerr_key key;
	struct closers_connerr e;
	double per_s;
};

struct closers {
	const struct closers_source *src;
	void *ctx;
	struct cl_names *names;
	double start, prev;	/* counts began; the previous finish */
	double recs_at;		/* when the tuple records were read */
	double dump_start;	/* closers_begin */
	double focus_start;	/* closers_focus_begin */
	struct cl_tw *tw;	/* the dump's TIME_WAIT, then a drill-down's */
	size_t n_tw, cap_tw;
	size_t n_main;		/* the dump's, while a drill-down dumps */
	bool in_focus;
	struct ctab recs;	/* struct cl_rec */
	struct ctab rows;	/* struct cl_row */
	struct ctab dests;	/* struct cl_dest */
	struct ctab prev_c, cur_c;	/* struct cl_count */
	struct ctab prev_e, cur_e;	/* struct cl_errcount */
	struct cl_err *errs;
	size_t n_errs, cap_errs;
};

struct closers *closers_new(const struct closers_source *src, void *ctx,
			    const char *root, double now)
{
	struct closers *cl = xcalloc(1, sizeof(*cl));

	cl->src = src;
	cl->ctx = ctx;
	cl->names = cl_names_new(root);
	cl->start = cl->prev = cl->dump_start = now;
	ctab_init(&cl->recs, sizeof(struct cl_rec), sizeof(struct cl_key));
	ctab_init(&cl->rows, sizeof(struct cl_row), sizeof(uint32_t));
	ctab_init(&cl->dests, sizeof(struct cl_dest),
		  offsetof(struct cl_dest, n));
	ctab_init(&cl->prev_c, sizeof(struct cl_count), sizeof(uint32_t));
	ctab_init(&cl->cur_c, sizeof(struct cl_count), sizeof(uint32_t));
	ctab_init(&cl->prev_e, sizeof(struct cl_errcount),
		  sizeof(struct closers_connerr_key));
	ctab_init(&cl->cur_e, sizeof(struct cl_errcount),
		  sizeof(struct closers_connerr_key));
	return cl;
}

struct closers *closers_open(const char *root, char *err, size_t errlen)
{
	const struct closers_source *src;
	struct timespec ts;
	void *ctx;

	if (closers_bpf_open(&src, &ctx, err, errlen) < 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return closers_new(src, ctx, root,
			   (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

void closers_free(struct closers *cl)
{
	if (cl == NULL)
		return;
	if (cl->src && cl->src->close)
		cl->src->close(cl->ctx);
	cl_names_free(cl->names);
	ctab_free(&cl->recs);
	ctab_free(&cl->rows);
	ctab_free(&cl->dests);
	ctab_free(&cl->prev_c);
	ctab_free(&cl->cur_c);
	ctab_free(&cl->prev_e);
	ctab_free(&cl->cur_e);
	free(cl->tw);
	free(cl->errs);
	free(cl);
}

void closers_key_of(const struct closers_tuple *t, struct cl_key *k)
{
	size_t alen = t->family == AF_INET6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->local.family = k->remote.family = t->family;
	memcpy(k->local.bytes, t->local, alen);
	memcpy(k->remote.bytes, t->remote, alen);
	addr_fold_mapped(&k->local);
	addr_fold_mapped(&k->remote);
	k->lport = t->lport;
	k->rport = t->rport;
}

void closers_begin(struct closers *cl, double now)
{
	cl->n_tw = 0;
	cl->in_focus = false;
	cl->dump_start = now;
}

void closers_add(struct closers *cl, const struct diag_sock *sk, bool server)
{
	struct cl_tw *t;

	if (cl->n_tw == cl->cap_tw) {
		cl->cap_tw = cl->cap_tw ? cl->cap_tw * 2 : 1024;
		cl->tw = xreallocarray(cl->tw, cl->cap_tw, sizeof(*cl->tw));
	}
	t = &cl->tw[cl->n_tw++];
	memset(&t->key, 0, sizeof(t->key));
	t->key.local = sk->local;
	t->key.remote = sk->remote;
	t->key.lport = sk->lport;
	t->key.rport = sk->rport;
	t->expires = sk->expires;
	t->ifindex = sk->ifindex;
	t->server = server;
}

static void rec_add(const struct closers_tuple *t,
		    const struct closers_closer *c, void *arg)
{
	struct closers *cl = arg;
	struct cl_rec *r;
	struct cl_key k;
	bool added;

	closers_key_of(t, &k);
	r = ctab_get(&cl->recs, &k, &added);
	/* an IPv6 socket and an IPv4 one can fold to one key: the later
	 * close is the one a TIME_WAIT can belong to */
	if (added || c->close_ns > r->c.close_ns)
		r->c = *c;
}

static struct cl_row *row_get(struct closers *cl, uint32_t tgid)
{
	bool added;

	return ctab_get(&cl->rows, &tgid, &added);
}

/* Names a row from a record, unless named already. */
static void row_name(struct cl_row *r, const char *comm, uint64_t cgroup)
{
	if (r->named)
		return;
	memcpy(r->comm, comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	r->cgroup = cgroup;
	r->named = true;
}

/* Counts a TIME_WAIT of row r toward its remote. */
static void dest_add(struct closers *cl, struct cl_row *r,
		     const struct cl_key *k)
{
	struct cl_dest key, *d;
	bool added;

	memset(&key, 0, sizeof(key));
	key.tgid = r->tgid;
	key.remote = k->remote;
	key.rport = k->rport;
	d = ctab_get(&cl->dests, &key, &added);
	r->dests += added;
	if (++d->n > r->top_n) {
		r->top_n = d->n;
		r->top_remote = k->remote;
		r->top_rport = k->rport;
	}
}

/* When t entered TIME_WAIT, CLOCK_MONOTONIC s: its dump's start less its
 * age (TIME_WAIT lasts TW_LEN_MS; the timer counts down from it). */
static double tw_made(const struct closers *cl, const struct cl_tw *t)
{
	uint32_t age = t->expires < TW_LEN_MS ? TW_LEN_MS - t->expires : 0;
	bool focus = cl->in_focus && (size_t)(t - cl->tw) >= cl->n_main;

	return (focus ? cl->focus_start : cl->dump_start) - age / 1000.0;
}

/* The record of the task that closed t's 4-tuple first, unless it is of
 * a later connection on that 4-tuple; NULL when none. */
static const struct cl_rec *rec_of(const struct closers *cl,
				   const struct cl_tw *t)
{
	const struct cl_rec *rec = ctab_find(&cl->recs, &t->key);

	if (rec == NULL ||
	    rec->c.close_ns / 1e9 > tw_made(cl, t) + STALE_SLACK_S)
		return NULL;
	return rec;
}

/* The join: each TIME_WAIT to the task that closed its 4-tuple first. */
static void join(struct closers *cl, struct snap_closers *out)
{
	for (size_t i = 0; i < cl->n_tw; i++) {
		const struct cl_tw *t = &cl->tw[i];
		const struct cl_rec *rec = rec_of(cl, t);
		struct cl_row *r;

		if (rec == NULL) {
			out->unknown++;
			continue;
		}
		out->attributed++;
		r = row_get(cl, rec->c.tgid);
		row_name(r, rec->c.comm, rec->c.cgroup);
		r->tw++;
		if (t->server)
			r->server++;
		else
			r->client++;
		dest_add(cl, r, &t->key);
	}
}

static double delta_per_s(uint64_t now, uint64_t before, bool had, double dt)
{
	/* a count that went back was evicted and started again */
	uint64_t d = !had || now < before ? now : now - before;

	return dt > 0 ? (double)d / dt : -1;
}

struct proc_ctx {
	struct closers *cl;
	double dt;
};

static void proc_add(uint32_t tgid, const struct closers_proc *p, void *arg)
{
	struct proc_ctx *pc = arg;
	struct closers *cl = pc->cl;
	const struct cl_count *was = ctab_find(&cl->prev_c, &tgid);
	struct cl_count *c;
	struct cl_row *r;
	bool added;

	c = ctab_get(&cl->cur_c, &tgid, &added);
	c->active = p->active;
	c->passive = p->passive;
	r = row_get(cl, tgid);
	/* the process's latest name wins over a record's */
	r->named = false;
	row_name(r, p->comm, p->cgroup);
	r->active = p->active;
	r->passive = p->passive;
	if (p->last_ns / 1e9 > r->last)
		r->last = p->last_ns / 1e9;
	r->active_ps = delta_per_s(p->active, was ? was->active : 0,
				   was != NULL, pc->dt);
	r->passive_ps = delta_per_s(p->passive, was ? was->passive : 0,
				    was != NULL, pc->dt);
}

struct err_ctx {
	struct closers *cl;
	double dt;
};

static void err_add(const struct closers_connerr_key *k,
		    const struct closers_connerr *e, void *arg)
{
	struct err_ctx *ec = arg;
	struct closers *cl = ec->cl;
	const struct cl_errcount *was = ctab_find(&cl->prev_e, k);
	struct cl_errcount *c;
	struct cl_err *out;
	struct cl_row *r;
	bool added;

	c = ctab_get(&cl->cur_e, k, &added);
	c->count = e->count;
	if (cl->n_errs == cl->cap_errs) {
		cl->cap_errs = cl->cap_errs ? cl->cap_errs * 2 : 64;
		cl->errs = xreallocarray(cl->errs, cl->cap_errs,
					 sizeof(*cl->errs));
	}
	out = &cl->errs[cl->n_errs++];
	out->key = *k;
	out->e = *e;
	out->per_s = delta_per_s(e->count, was ? was->count : 0, was != NULL,
				 ec->dt);
	r = row_get(cl, k->tgid);
	row_name(r, e->comm, e->cgroup);
	r->connerr += e->count;
	if (e->last_ns / 1e9 > r->last)
		r->last = e->last_ns / 1e9;
	if (out->per_s > 0)
		r->connerr_ps += out->per_s;
}

/* Swaps the counts read now in as the previous ones. */
static void counts_turn(struct closers *cl)
{
	struct ctab t = cl->prev_c;

	cl->prev_c = cl->cur_c;
	cl->cur_c = t;
	ctab_clear(&cl->cur_c);
	t = cl->prev_e;
	cl->prev_e = cl->cur_e;
	cl->cur_e = t;
	ctab_clear(&cl->cur_e);
}

/* EADDRNOTAVAIL first (the port range is out), then the refusals and
 * timeouts, then the rest by number. */
static int err_rank(int err)
{
	static const int order[] = {
		EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, ENETUNREACH,
		EHOSTUNREACH,
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (err == order[i])
			return (int)i;
	return 100 + err;
}

static int cl_cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int cmp_d_desc(double a, double b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

int cl_rank_cmp(const struct cl_rank *a, const struct cl_rank *b)
{
	int c = cl_cmp_u64_desc(a->tw, b->tw);

	if (c == 0)
		c = cmp_d_desc(a->active_ps, b->active_ps);
	if (c == 0)
		c = cmp_d_desc(a->passive_ps, b->passive_ps);
	if (c == 0)
		c = cmp_d_desc(a->connerr_ps, b->connerr_ps);
	if (c == 0)
		c = cl_cmp_u64_desc(a->closes, b->closes);
	if (c == 0)
		c = a->id < b->id ? -1 : a->id > b->id;
	return c;
}

static int err_cmp(const void *pa, const void *pb)
{
	const struct cl_err *a = pa, *b = pb;
	int c = err_rank(a->key.err) - err_rank(b->key.err);

	if (c == 0)
		c = cl_cmp_u64_desc(a->e.count, b->e.count);
	if (c == 0)
		c = memcmp(&a->key, &b->key, sizeof(a->key));
	return c;
}

/* A process's rank in the list. */
static struct cl_rank row_rank(const struct cl_row *r)
{
	return (struct cl_rank){ r->tw, r->active_ps, r->passive_ps,
				 r->connerr_ps, r->active + r->passive,
				 r->tgid };
}

/* Most TIME_WAIT first, then the busiest closers. */
static int row_cmp(const void *pa, const void *pb)
{
	struct cl_rank a = row_rank(*(const struct cl_row *const *)pa);
	struct cl_rank b = row_rank(*(const struct cl_row *const *)pb);

	return cl_rank_cmp(&a, &b);
}

/* A process is listed while it holds TIME_WAIT, closes or fails, and
 * for RECENT_S after. */
static bool row_shown(const struct cl_row *r, double now)
{
	return r->tw > 0 || r->active_ps > 0 || r->passive_ps > 0 ||
	       r->connerr_ps > 0 || (r->last > 0 && now - r->last < RECENT_S);
}

static void addr_of(struct tw_addr *a, uint8_t family, const uint8_t *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, bytes, family == AF_INET6 ? 16 : 4);
	addr_fold_mapped(a);
}

/* A process as the snapshot shows it, named. */
static void row_out(struct closers *cl, const struct cl_row *r,
		    struct snap_closer *o)
{
	o->pid = r->tgid;
	o->cgroup_id = r->cgroup;
	snprintf(o->comm, sizeof(o->comm), "%s", r->comm);
	cl_names_cgroup(cl->names, r->tgid, r->comm, r->cgroup, o->cgroup,
			sizeof(o->cgroup));
	cgname_short(o->cgroup, o->container, sizeof(o->container));
	o->time_wait = r->tw;
	o->server_side = r->server;
	o->client_side = r->client;
	o->active_closes = r->active;
	o->passive_closes = r->passive;
	o->connect_errors = r->connerr;
	o->active_per_s = r->active_ps;
	o->passive_per_s = r->passive_ps;
	o->connect_errors_per_s = r->connerr_ps;
	o->destinations = r->dests;
	o->top_remote = r->top_remote;
	o->top_remote_port = r->top_rport;
	o->top_remote_tw = r->top_n;
}

/* The rows kept, named, into out. */
static void rows_out(struct closers *cl, struct snap_closers *out,
		     double now)
{
	const struct cl_row **v = xcalloc(cl->rows.n + 1, sizeof(*v));
	uint32_t n = 0;

	for (uint32_t i = 0; i < cl->rows.n; i++) {
		const struct cl_row *r = ctab_ent(&cl->rows, i);

		if (row_shown(r, now))
			v[n++] = r;
	}
	qsort(v, n, sizeof(*v), row_cmp);
	out->total = n;
	out->n = MIN_U32(n, SNAP_CLOSERS_MAX);
	for (uint32_t i = 0; i < out->n; i++)
		row_out(cl, v[i], &out->v[i]);
	closers_cgroups_out(cl->names, v, n, out);
	free(v);
}

/* A failed connect() row as the snapshot shows it. */
static void err_out(struct closers *cl, const struct cl_err *e,
		    struct snap_connerr *o)
{
	o->pid = e->key.tgid;
	memcpy(o->comm, e->e.comm, sizeof(o->comm));
	o->comm[sizeof(o->comm) - 1] = '\0';
	cl_names_cgroup(cl->names, e->key.tgid, o->comm, e->e.cgroup,
			o->cgroup, sizeof(o->cgroup));
	o->err = e->key.err;
	o->count = e->e.count;
	o->per_s = e->per_s;
	addr_of(&o->remote, e->key.family, e->key.remote);
	o->remote_port = e->key.rport;
}

/* The failed connect() rows kept, EADDRNOTAVAIL first. */
static void errs_out(struct closers *cl, struct snap_closers *out)
{
	if (cl->n_errs > 0)	/* errs is NULL until the first */
		qsort(cl->errs, cl->n_errs, sizeof(*cl->errs), err_cmp);
	out->errors_total = (uint32_t)cl->n_errs;
	out->n_errors = MIN_U32((uint32_t)cl->n_errs, SNAP_CONNERR_MAX);
	for (uint32_t i = 0; i < out->n_errors; i++)
		err_out(cl, &cl->errs[i], &out->errors[i]);
}

/* Adds one failure count to a group's, most first. */
static void connfail_add(struct snap_connfail *f, int err, uint64_t count,
			 double per_s)
{
	uint32_t k, c = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;

	f->total += c;
	if (per_s > 0)
		f->per_s += per_s;
	for (k = 0; k < f->n && f->e[k].err != err; k++)
		;
	if (k == f->n) {
		if (f->n == SNAP_CONNFAIL_ERRNOS &&
		    f->e[f->n - 1].count >= c)
			return;
		if (f->n < SNAP_CONNFAIL_ERRNOS)
			f->n++;
		else
			k = f->n - 1;	/* the smallest gives way */
		f->e[k].err = err;
		f->e[k].count = 0;
	}
	f->e[k].count += c;
	for (; k > 0 && f->e[k].count > f->e[k - 1].count; k--) {
		__typeof__(f->e[0]) t = f->e[k];

		f->e[k] = f->e[k - 1];
		f->e[k - 1] = t;
	}
}

/* Each failed connect() counts for the destination groups of its remote
 * address and port (the local address is not known at failure). */
static void groups_out(struct closers *cl, struct snapshot *s)
{
	uint32_t ng = MIN_U32(s->eph.n_groups, SNAP_TOP_MAX);

	for (uint32_t g = 0; g < ng; g++) {
		memset(&s->eph.groups[g].cf, 0, sizeof(s->eph.groups[g].cf));
		s->eph.groups[g].cf.known = true;
	}
	for (size_t i = 0; i < cl->n_errs; i++) {
		const struct cl_err *e = &cl->errs[i];
		struct tw_addr remote;

		addr_of(&remote, e->key.family, e->key.remote);
		for (uint32_t g = 0; g < ng; g++) {
			struct snap_group *grp = &s->eph.groups[g];

			if (grp->remote_port == e->key.rport &&
			    addr_equal(&grp->remote, &remote))
				connfail_add(&grp->cf, e->key.err, e->e.count,
					     e->per_s);
		}
	}
}

void closers_finish(struct closers *cl, struct snapshot *s, double now)
{
	struct snap_closers *out = &s->closers;
	uint32_t keep_prom = out->prom_processes;
	struct proc_ctx pc = { cl, now - cl->prev };
	struct err_ctx ec = { cl, now - cl->prev };
	struct closers_totals tot = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->prom_processes = keep_prom;
	ctab_clear(&cl->cur_c);
	ctab_clear(&cl->cur_e);
	out->present = true;
	ctab_clear(&cl->recs);
	ctab_clear(&cl->rows);
	ctab_clear(&cl->dests);
	cl->n_errs = 0;
	cl->recs_at = now;
	if (cl->src->tuples(cl->ctx, rec_add, cl) < 0 ||
	    cl->src->procs(cl->ctx, proc_add, &pc) < 0 ||
	    cl->src->connerrs(cl->ctx, err_add, &ec) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(out->why, sizeof(out->why), "reading the closer "
			 "records failed: %s", strerror(errno));
		out->present = false;
		return;
	}
	join(cl, out);
	rows_out(cl, out, now);
	errs_out(cl, out);
	groups_out(cl, s);
	cl->src->totals(cl->ctx, &tot);
	out->active_closes = tot.active;
	out->passive_closes = tot.passive;
	out->peer_closes = tot.passive_peer;
	out->connect_errors = tot.connect_errors;
	out->lost = tot.lost;
	out->since_s = now - cl->start;
	counts_turn(cl);
	cl->prev = now;
}

/* --- drill-downs ------------------------------------------------------- */

void closers_focus_begin(struct closers *cl, double now)
{
	if (!cl->in_focus) {
		cl->n_main = cl->n_tw;
		cl->in_focus = true;
	}
	cl->n_tw = cl->n_main;	/* a redone dump starts again */
	cl->focus_start = now;
}

/* Does the process tgid belong to a process's or a container's
 * drill-down? A container's are the processes its row sums: those
 * whose cgroup is its, as the process is named now. */
static bool focus_owns(const struct closers *cl, const struct focus_req *req,
		       uint32_t tgid)
{
	const struct cl_row *r;

	if (req->kind == FOCUS_PROC)
		return tgid == req->pid;
	if (req->kind != FOCUS_CGROUP)
		return false;
	r = ctab_find(&cl->rows, &tgid);
	return r != NULL && r->cgroup == req->cgroup_id;
}

struct fc_count {		/* a drill-down's TIME_WAIT, by closer */
	uint32_t tgid;
	uint32_t tw, server, client;
	const struct cl_rec *rec;	/* one of its records, to name it */
};

static int fc_cmp(const void *pa, const void *pb)
{
	const struct fc_count *a = *(const struct fc_count *const *)pa;
	const struct fc_count *b = *(const struct fc_count *const *)pb;

	if (a->tw != b->tw)
		return a->tw > b->tw ? -1 : 1;
	return a->tgid < b->tgid ? -1 : a->tgid > b->tgid;
}

/* Names a drill-down's closer as its row in the list is named: the
 * process's latest name, else its record's. */
static void fc_name(struct closers *cl, const struct fc_count *c,
		    struct focus_closer *o)
{
	const struct cl_row *r = ctab_find(&cl->rows, &c->tgid);
	const char *comm = r && r->named ? r->comm : c->rec->c.comm;
	uint64_t cg = r && r->named ? r->cgroup : c->rec->c.cgroup;
	char path[SNAP_CGROUP_LEN];

	o->pid = c->tgid;
	snprintf(o->comm, sizeof(o->comm), "%.*s", CLOSERS_COMM_LEN - 1,
		 comm);
	cl_names_cgroup(cl->names, c->tgid, o->comm, cg, path, sizeof(path));
	cgname_short(path, o->container, sizeof(o->container));
	o->time_wait = c->tw;
	o->server_side = c->server;
	o->client_side = c->client;
}

/* The TIME_WAIT of cl->tw[from, to) by closer, into out; req: only the
 * closers it owns (NULL: all, and the unknown counted). */
static void fc_join(struct closers *cl, size_t from, size_t to,
		    const struct focus_req *req, struct focus_closers *out)
{
	struct ctab by;
	const struct fc_count **v;
	uint32_t n;

	memset(out, 0, sizeof(*out));
	out->present = true;
	ctab_init(&by, sizeof(struct fc_count), sizeof(uint32_t));
	for (size_t i = from; i < to; i++) {
		const struct cl_tw *t = &cl->tw[i];
		const struct cl_rec *rec = rec_of(cl, t);
		struct fc_count *c;
		bool added;

		if (rec == NULL) {
			out->unknown += req == NULL;
			continue;
		}
		if (req != NULL && !focus_owns(cl, req, rec->c.tgid))
			continue;
		out->attributed++;
		c = ctab_get(&by, &rec->c.tgid, &added);
		if (added)
			c->rec = rec;
		c->tw++;
		if (t->server)
			c->server++;
		else
			c->client++;
	}
	n = by.n;
	v = xcalloc(n + 1, sizeof(*v));
	for (uint32_t i = 0; i < n; i++)
		v[i] = ctab_ent(&by, i);
	if (n > 0)
		qsort(v, n, sizeof(*v), fc_cmp);
	out->total = n;
	out->n = MIN_U32(n, FOCUS_CLOSERS_MAX);
	for (uint32_t i = 0; i < out->n; i++)
		fc_name(cl, v[i], &out->v[i]);
	free(v);
	ctab_free(&by);
}

/* A TIME_WAIT of the drill-down's dump made after the records were read
 * has its record in the map, not yet in recs: they are read again, once,
 * rather than count it as closed before twtop started. */
static void focus_refresh(struct closers *cl)
{
	for (size_t i = cl->n_main; i < cl->n_tw; i++) {
		const struct cl_tw *t = &cl->tw[i];

		if (tw_made(cl, t) > cl->recs_at - RECS_SLACK_S &&
		    rec_of(cl, t) == NULL) {
			/* on failure they stay unknown */
			(void)cl->src->tuples(cl->ctx, rec_add, cl);
			return;
		}
	}
}

void closers_focus_finish(struct closers *cl, struct focus_closers *out)
{
	focus_refresh(cl);
	fc_join(cl, cl->n_main, cl->n_tw, NULL, out);
	cl->n_tw = cl->n_main;
	cl->in_focus = false;
}

void closers_focus_socks(struct closers *cl, const struct focus_req *req,
			 const struct closers_focus_cb *cb, void *arg)
{
	for (size_t i = 0; i < cl->n_tw; i++) {
		const struct cl_tw *t = &cl->tw[i];
		const struct cl_rec *rec = rec_of(cl, t);
		struct diag_sock sk;

		if (rec == NULL || !focus_owns(cl, req, rec->c.tgid))
			continue;
		memset(&sk, 0, sizeof(sk));
		sk.local = t->key.local;
		sk.remote = t->key.remote;
		sk.lport = t->key.lport;
		sk.rport = t->key.rport;
		sk.state = TS_TIME_WAIT;
		sk.timer = 3;	/* the TIME_WAIT timer, as dumped */
		sk.expires = t->expires;
		sk.ifindex = t->ifindex;
		cb->sock(&sk, t->server, arg);
	}
	for (size_t i = 0; i < cl->n_errs; i++) {
		const struct cl_err *e = &cl->errs[i];
		struct tw_addr remote;

		if (!focus_owns(cl, req, e->key.tgid))
			continue;
		addr_of(&remote, e->key.family, e->key.remote);
		cb->dest(&remote, e->key.rport, arg);
	}
}

struct fd_key {			/* a process's destination */
	struct tw_addr remote;
	uint16_t port;
	uint16_t server;
};

struct fd_count {
	struct fd_key key;
	uint32_t tw;
};

static int fd_cmp(const void *pa, const void *pb)
{
	const struct fd_count *a = pa, *b = pb;

	if (a->tw != b->tw)
		return a->tw > b->tw ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

/* Where the TIME_WAIT of the focus's processes lead, most first. */
static void focus_dests(struct closers *cl, const struct focus_req *req,
			struct snap_focus *f)
{
	struct ctab by;
	struct fd_count *v;

	ctab_init(&by, sizeof(struct fd_count), sizeof(struct fd_key));
	for (size_t i = 0; i < cl->n_tw; i++) {
		const struct cl_tw *t = &cl->tw[i];
		const struct cl_rec *rec = rec_of(cl, t);
		struct fd_count *d;
		struct fd_key k;
		bool added;

		if (rec == NULL || !focus_owns(cl, req, rec->c.tgid))
			continue;
		memset(&k, 0, sizeof(k));
		k.remote = t->key.remote;
		k.port = t->server ? t->key.lport : t->key.rport;
		k.server = t->server;
		d = ctab_get(&by, &k, &added);
		d->tw++;
	}
	v = xcalloc(by.n + 1, sizeof(*v));
	for (uint32_t i = 0; i < by.n; i++)
		v[i] = *(const struct fd_count *)ctab_ent(&by, i);
	if (by.n > 0)
		qsort(v, by.n, sizeof(*v), fd_cmp);
	f->dests_total = by.n;
	f->n_dests = MIN_U32(by.n, FOCUS_DESTS_MAX);
	for (uint32_t i = 0; i < f->n_dests; i++) {
		f->dests[i].remote = v[i].key.remote;
		f->dests[i].port = v[i].key.port;
		f->dests[i].server = v[i].key.server != 0;
		f->dests[i].time_wait = v[i].tw;
	}
	free(v);
	ctab_free(&by);
}

/* A container as its Who closes row sums it: its listed processes. */
static void focus_cgroup(struct closers *cl, uint64_t id, double now,
			 struct snap_focus *f)
{
	const struct cl_row **v = xcalloc(cl->rows.n + 1, sizeof(*v));
	struct snap_closers *sum = xcalloc(1, sizeof(*sum));
	uint32_t n = 0;

	for (uint32_t i = 0; i < cl->rows.n; i++) {
		const struct cl_row *r = ctab_ent(&cl->rows, i);

		if (r->cgroup == id && row_shown(r, now))
			v[n++] = r;
	}
	if (n > 0) {
		qsort(v, n, sizeof(*v), row_cmp);
		closers_cgroups_out(cl->names, v, n, sum);
	}
	f->cg_found = sum->n_cgroups == 1;
	if (f->cg_found)
		f->cg = sum->cgroups[0];
	else
		f->cg.cgroup_id = id;
	free(sum);
	free(v);
}

void closers_focus_owner(struct closers *cl, const struct focus_req *req,
			 struct snap_focus *f)
{
	focus_dests(cl, req, f);
	/* cl->errs is in errs_out's order: EADDRNOTAVAIL first */
	for (size_t i = 0; i < cl->n_errs; i++) {
		const struct cl_err *e = &cl->errs[i];

		if (!focus_owns(cl, req, e->key.tgid))
			continue;
		if (f->n_errors < FOCUS_ERRORS_MAX)
			err_out(cl, e, &f->errors[f->n_errors++]);
		f->errors_total++;
	}
	/* who closed its TIME_WAIT first: itself, its processes */
	fc_join(cl, 0, cl->n_tw, req, &f->closers);
	if (req->kind == FOCUS_CGROUP) {
		focus_cgroup(cl, req->cgroup_id, cl->prev, f);
	} else {
		const struct cl_row *r = ctab_find(&cl->rows, &req->pid);

		f->proc_found = r != NULL && row_shown(r, cl->prev);
		if (f->proc_found)
			row_out(cl, r, &f->proc);
		else
			f->proc.pid = req->pid;
	}
}
