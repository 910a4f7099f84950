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

#define TW_LEN_MS	60000	/* TCP_TIMEWAIT_LEN */
/* A record newer than its TIME_WAIT by more than this belongs to a later
 * connection on the same 4-tuple: the age is read during the dump (a
 * little after closers_begin) and counts in jiffies. */
#define STALE_SLACK_S	2.0
/* A process stays listed this long after its last close or failed
 * connect(): as long as a TIME_WAIT it made would last. */
#define RECENT_S	60.0

/* A TIME_WAIT of the dump. */
struct cl_tw {
	struct cl_key key;
	double made;		/* CLOCK_MONOTONIC s it entered TIME_WAIT */
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
	double dump_start;	/* closers_begin */
	struct cl_tw *tw;	/* the dump's TIME_WAIT */
	size_t n_tw, cap_tw;
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
	cl->dump_start = now;
}

void closers_add(struct closers *cl, const struct diag_sock *sk, bool server)
{
	uint32_t age = sk->expires < TW_LEN_MS ? TW_LEN_MS - sk->expires : 0;
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
	t->made = cl->dump_start - age / 1000.0;
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

/* The join: each TIME_WAIT to the task that closed its 4-tuple first,
 * unless the record is of a later connection on that 4-tuple. */
static void join(struct closers *cl, struct snap_closers *out)
{
	for (size_t i = 0; i < cl->n_tw; i++) {
		const struct cl_tw *t = &cl->tw[i];
		const struct cl_rec *rec = ctab_find(&cl->recs, &t->key);
		struct cl_row *r;

		if (rec == NULL ||
		    rec->c.close_ns / 1e9 > t->made + STALE_SLACK_S) {
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

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int cmp_d_desc(double a, double b)
{
	return a > b ? -1 : a < b ? 1 : 0;
}

static int err_cmp(const void *pa, const void *pb)
{
	const struct cl_err *a = pa, *b = pb;
	int c = err_rank(a->key.err) - err_rank(b->key.err);

	if (c == 0)
		c = cmp_u64_desc(a->e.count, b->e.count);
	if (c == 0)
		c = memcmp(&a->key, &b->key, sizeof(a->key));
	return c;
}

/* Most TIME_WAIT first, then the busiest closers. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct cl_row *a = *(const struct cl_row *const *)pa;
	const struct cl_row *b = *(const struct cl_row *const *)pb;
	int c = cmp_u64_desc(a->tw, b->tw);

	if (c == 0)
		c = cmp_d_desc(a->active_ps, b->active_ps);
	if (c == 0)
		c = cmp_d_desc(a->passive_ps, b->passive_ps);
	if (c == 0)
		c = cmp_d_desc(a->connerr_ps, b->connerr_ps);
	if (c == 0)
		c = cmp_u64_desc(a->active + a->passive, b->active + b->passive);
	if (c == 0)
		c = a->tgid < b->tgid ? -1 : a->tgid > b->tgid;
	return c;
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
	for (uint32_t i = 0; i < out->n; i++) {
		const struct cl_row *r = v[i];
		struct snap_closer *o = &out->v[i];

		o->pid = r->tgid;
		o->cgroup_id = r->cgroup;
		snprintf(o->comm, sizeof(o->comm), "%s", r->comm);
		cl_names_cgroup(cl->names, r->tgid, r->comm, r->cgroup,
				o->cgroup, sizeof(o->cgroup));
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
	closers_cgroups_out(cl->names, v, n, out);
	free(v);
}

/* The failed connect() rows kept, EADDRNOTAVAIL first. */
static void errs_out(struct closers *cl, struct snap_closers *out)
{
	if (cl->n_errs > 0)	/* errs is NULL until the first */
		qsort(cl->errs, cl->n_errs, sizeof(*cl->errs), err_cmp);
	out->errors_total = (uint32_t)cl->n_errs;
	out->n_errors = MIN_U32((uint32_t)cl->n_errs, SNAP_CONNERR_MAX);
	for (uint32_t i = 0; i < out->n_errors; i++) {
		const struct cl_err *e = &cl->errs[i];
		struct snap_connerr *o = &out->errors[i];

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
