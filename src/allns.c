// SPDX-License-Identifier: GPL-2.0-or-later
/* --all-netns: a sampler per network namespace, sampled from a thread
 * that enters each in turn (setns); the runner is in allns_run.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "twtop/allns.h"
#include "twtop/backend_bpf.h"
#include "twtop/sampler.h"
#include "twtop/xalloc.h"
#include "allns_priv.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673	/* linux/magic.h */
#endif

/* Where bind mounts hold namespaces no process may be in. */
static const char *const mount_dirs[] = { "/run/netns",
					  "/var/run/docker/netns" };
#define N_MOUNT_DIRS (sizeof(mount_dirs) / sizeof(mount_dirs[0]))

double allns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Each namespace's sampler keeps a netlink socket made inside it: a host
 * with hundreds of namespaces needs more descriptors than the usual soft
 * limit of 1024, so the soft limit goes up to the hard one. */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

struct allns *allns_new(const struct allns_config *c, char *err,
			size_t errlen)
{
	struct allns *a = xcalloc(1, sizeof(*a));
	char why[384];

	a->cfg = *c;
	if (c->prom_path) {
		snprintf(a->prom_path, sizeof(a->prom_path), "%s", c->prom_path);
		a->cfg.prom_path = a->prom_path;
	}
	a->interval = c->interval > 0 ? c->interval : 1.0;
	uname(&a->uts);
	raise_nofile();
	if (stat("/proc/thread-self/ns/net", &a->self) < 0)
		memset(&a->self, 0, sizeof(a->self));
	/* One loaded program for all: an iterator created by a thread sees
	 * that thread's namespace, so the passes share it. */
	if (c->backend != SAMPLER_BACKEND_NETLINK) {
		a->bpf = backend_bpf_open(why, sizeof(why));
		if (a->bpf == NULL && c->backend == SAMPLER_BACKEND_BPF) {
			snprintf(err, errlen, "--backend bpf: %s", why);
			free(a);
			return NULL;
		}
	}
	a->backend = a->bpf ? "bpf" : "netlink";
	pthread_mutex_init(&a->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&a->wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	return a;
}

/* Frees what a slot holds (the sampler lets its namespace go). */
static void slot_clear(struct ns_slot *s)
{
	sampler_free(s->sp);
	snap_unref(s->last);
	memset(s, 0, sizeof(*s));
}

void allns_free(struct allns *a)
{
	if (a == NULL)
		return;
	allns_stop(a);
	for (size_t i = 0; i < a->n_slots; i++)
		slot_clear(&a->slots[i]);
	free(a->slots);
	backend_bpf_close(a->bpf);
	allns_table_unref(a->cur);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->wake);
	free(a);
}

struct allns_table *allns_table_ref(struct allns_table *t)
{
	if (t)
		__atomic_add_fetch(&t->refs, 1, __ATOMIC_SEQ_CST);
	return t;
}

void allns_table_unref(struct allns_table *t)
{
	if (t == NULL || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_SEQ_CST))
		return;
	for (size_t i = 0; i < t->n; i++)
		snap_unref(t->rows[i].snap);
	free(t->rows);
	free(t);
}

/* The slot of namespace (dev, ino), made when new. */
static struct ns_slot *slot_get(struct allns *a, uint64_t dev, uint64_t ino)
{
	struct ns_slot *s;

	for (size_t i = 0; i < a->n_slots; i++)
		if (a->slots[i].dev == dev && a->slots[i].ino == ino)
			return &a->slots[i];
	if (a->n_slots == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->slots = xreallocarray(a->slots, a->cap, sizeof(*a->slots));
	}
	s = &a->slots[a->n_slots++];
	memset(s, 0, sizeof(*s));
	s->dev = dev;
	s->ino = ino;
	return s;
}

/* Frees the slots of namespaces the scan did not find or that vanished
 * (keeping their samplers would keep the namespaces alive). */
static void slots_prune(struct allns *a)
{
	size_t k = 0;

	for (size_t i = 0; i < a->n_slots; i++) {
		if (a->slots[i].seen && !a->slots[i].gone)
			a->slots[k++] = a->slots[i];
		else
			slot_clear(&a->slots[i]);
	}
	a->n_slots = k;
}

/* The Prometheus label: the name, with the inode when another namespace
 * of the scan has the same name (each series must be unique). */
static void slot_label(struct ns_slot *s, const struct netns_list *l,
		       const struct netns_ent *e)
{
	bool twice = false;

	for (size_t i = 0; i < l->n; i++)
		twice |= &l->v[i] != e && strcmp(l->v[i].name, e->name) == 0;
	if (twice)
		snprintf(s->label, sizeof(s->label), "%s@%llu", e->name,
			 (unsigned long long)e->ino);
	else
		snprintf(s->label, sizeof(s->label), "%s", e->name);
}

/* Whether fd is a namespace (nsfs), not a plain file. */
static bool is_nsfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

/*
 * Opens namespace e: its path, else /proc/PID/ns/net of another of its
 * processes (the first may have exited). 0 with *fd, or -1 with errno:
 * ENOENT when it vanished (no path opens to this inode any more). A file
 * in /run/netns is a namespace only while it is mounted: ip netns add
 * makes the file before it mounts, ip netns del unmounts before it
 * removes it, and the scan may see it in between.
 */
static int ns_open(const struct netns_ent *e, int *fd)
{
	char alt[64];
	const char *path = e->path;
	int err = ENOENT;

	for (uint32_t i = 0; i <= e->n_pids; i++) {
		struct stat st;
		int f;

		if (i > 0) {
			snprintf(alt, sizeof(alt), "/proc/%d/ns/net",
				 (int)e->pids[i - 1]);
			path = alt;
		}
		if (path[0] == '\0')
			continue;
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f < 0) {
			if (errno != ENOENT && errno != ESRCH)
				err = errno;
			continue;
		}
		/* a PID reused by a process of another namespace, or a
		 * mount point that now holds another one */
		if (fstat(f, &st) < 0 || st.st_dev != e->dev ||
		    st.st_ino != e->ino || !is_nsfs(f)) {
			close(f);
			continue;
		}
		*fd = f;
		return 0;
	}
	errno = err;
	return -1;
}

/* Enters e and samples it into its slot (making the sampler the first
 * time). *away: the thread is in another namespace than its own; home:
 * its own. False when the namespace vanished. */
static bool sample_one(struct allns *a, const struct netns_ent *e,
		       struct ns_slot *s, bool *away, int home)
{
	bool own = e->dev == a->self.st_dev && e->ino == a->self.st_ino;
	double t0 = allns_now();
	int fd = -1;

	s->error[0] = '\0';
	/* twtop's own namespace needs no setns (nor CAP_SYS_ADMIN) unless
	 * the thread went elsewhere before */
	if (own && *away && home >= 0 && (fd = dup(home)) < 0) {
		snprintf(s->error, sizeof(s->error), "dup: %s",
			 strerror(errno));
		return true;
	}
	if (!own && ns_open(e, &fd) < 0) {
		if (errno == ENOENT)
			return false;
		snprintf(s->error, sizeof(s->error), "cannot open %s: %s%s",
			 e->path, strerror(errno), errno == EACCES ||
			 errno == EPERM ? " (run as root)" : errno == EMFILE ?
			 " (a descriptor per namespace: raise ulimit -n)" : "");
		return true;
	}
	if (fd >= 0 && setns(fd, CLONE_NEWNET) < 0) {
		snprintf(s->error, sizeof(s->error), "cannot enter %s: %s%s",
			 e->path, strerror(errno), errno == EPERM ?
			 " (needs CAP_SYS_ADMIN: run as root)" : "");
		close(fd);
		return true;
	}
	if (fd >= 0) {
		close(fd);
		*away = !own;
	}
	if (s->sp == NULL) {
		struct sampler_config c = {
			.root = a->cfg.root, .top = a->cfg.top,
			.interval = a->cfg.interval, .netns_label = s->label,
			.backend = (enum sampler_backend)a->cfg.backend,
			.bpf = a->bpf,
		};
		char err[sizeof(s->error)];

		/* its netlink socket belongs to this namespace for good */
		s->sp = sampler_new(&c, err, sizeof(err));
		if (s->sp == NULL) {
			snprintf(s->error, sizeof(s->error), "%s", err);
			return true;
		}
	}
	snap_unref(s->last);
	s->last = sampler_sample(s->sp);
	s->last_mono = t0;
	s->cost_ms = (allns_now() - t0) * 1000.0;
	return true;
}

/* The order namespaces are sampled in: never sampled first, then the
 * longest ago (a budget that cuts a pass short leaves the newest). */
struct pick {
	size_t ent;
	double last;
};

static int by_last(const void *x, const void *y)
{
	const struct pick *a = x, *b = y;

	if (a->last != b->last)
		return a->last < b->last ? -1 : 1;
	return a->ent < b->ent ? -1 : a->ent > b->ent;
}

/* What one pass works on, shared with its thread. */
struct pass {
	struct allns *a;
	struct netns_list list;
	struct ns_slot **slot;		/* per list entry */
	double t0, t1;			/* CLOCK_MONOTONIC start, end */
	double budget_ms;
	uint32_t sampled;
	int scan_errno;
	int home;			/* the thread's own namespace */
	bool away;			/* the thread is elsewhere */
};

/* Mean cost of the namespaces sampled so far; 0 when none was. */
static double mean_cost(const struct allns *a)
{
	double sum = 0;
	size_t n = 0;

	for (size_t i = 0; i < a->n_slots; i++)
		if (a->slots[i].cost_ms > 0) {
			sum += a->slots[i].cost_ms;
			n++;
		}
	return n ? sum / (double)n : 0;
}

/* Samples the namespaces of p->list the budget allows, oldest first. */
static void pass_sample(struct pass *p)
{
	struct allns *a = p->a;
	struct pick *order = xcalloc(p->list.n + 1, sizeof(*order));
	double mean = mean_cost(a);

	for (size_t i = 0; i < p->list.n; i++) {
		order[i].ent = i;
		order[i].last = p->slot[i]->last_mono;
	}
	qsort(order, p->list.n, sizeof(*order), by_last);
	for (size_t k = 0; k < p->list.n; k++) {
		size_t i = order[k].ent;
		struct ns_slot *s = p->slot[i];
		double spent = (allns_now() - p->t0) * 1000.0;
		double est = s->cost_ms > 0 ? s->cost_ms : mean;

		if (p->budget_ms > 0 && p->sampled > 0 &&
		    spent + est > p->budget_ms)
			break;
		if (!sample_one(a, &p->list.v[i], s, &p->away, p->home))
			s->gone = true;
		else if (s->error[0] == '\0')
			p->sampled++;
	}
	free(order);
}

static void *pass_thread(void *arg)
{
	struct pass *p = arg;
	struct allns *a = p->a;
	sigset_t all;
	int home;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	p->home = home;
	if (netns_scan("/proc", mount_dirs, N_MOUNT_DIRS, &p->list) < 0) {
		p->scan_errno = errno;
		if (home >= 0)
			close(home);
		return NULL;
	}
	for (size_t i = 0; i < a->n_slots; i++)
		a->slots[i].seen = a->slots[i].gone = false;
	p->slot = xcalloc(p->list.n + 1, sizeof(*p->slot));
	/* slot_get may move the slots: their pointers are taken after */
	for (size_t i = 0; i < p->list.n; i++)
		slot_get(a, p->list.v[i].dev, p->list.v[i].ino);
	for (size_t i = 0; i < p->list.n; i++) {
		p->slot[i] = slot_get(a, p->list.v[i].dev, p->list.v[i].ino);
		p->slot[i]->seen = true;
		slot_label(p->slot[i], &p->list, &p->list.v[i]);
	}
	pass_sample(p);
	/* back home: the thread ends, but say so if it cannot */
	if (home >= 0) {
		if (p->away && setns(home, CLONE_NEWNET) < 0)
			fprintf(stderr, "twtop: bug: cannot return to the "
				"namespace: %s\n", strerror(errno));
		close(home);
	}
	p->t1 = allns_now();
	return NULL;
}

/* The row of list entry e and its slot s. */
static void row_make(struct allns_row *r, const struct netns_ent *e,
		     const struct ns_slot *s, double t1,
		     const struct stat *self)
{
	memset(r, 0, sizeof(*r));
	r->dev = e->dev;
	r->ino = e->ino;
	r->own = e->dev == self->st_dev && e->ino == self->st_ino;
	r->kind = e->kind;
	snprintf(r->name, sizeof(r->name), "%s", e->name[0] ? e->name : "?");
	memcpy(r->path, e->path, sizeof(r->path));
	r->n_procs = e->n_procs;
	r->n_pids = e->n_pids;
	memcpy(r->pids, e->pids, sizeof(r->pids));
	memcpy(r->comms, e->comms, sizeof(r->comms));
	snprintf(r->error, sizeof(r->error), "%s", s->error);
	if (s->error[0] == '\0' && s->last != NULL) {
		allns_row_fill(r, snap_ref(s->last));
		r->age_s = t1 - s->last->mono;
		if (r->age_s < 0)
			r->age_s = 0;
	}
}

/* The table of pass p. */
static struct allns_table *pass_table(struct allns *a, struct pass *p,
				      const struct timespec *when)
{
	struct allns_table *t = xcalloc(1, sizeof(*t));

	t->refs = 1;
	t->when = *when;
	t->pass_ms = (p->t1 - p->t0) * 1000.0;
	t->budget_ms = p->budget_ms;
	t->backend = a->backend;
	snprintf(t->host, sizeof(t->host), "%.63s", a->uts.nodename);
	snprintf(t->kernel, sizeof(t->kernel), "%.63s", a->uts.release);
	t->found = (uint32_t)p->list.n;
	t->sampled = p->sampled;
	t->rows = xcalloc(p->list.n + 1, sizeof(*t->rows));
	for (size_t i = 0; i < p->list.n; i++) {
		if (p->slot[i]->gone) {
			t->dropped++;
			continue;
		}
		row_make(&t->rows[t->n++], &p->list.v[i], p->slot[i], p->t1,
			 &a->self);
	}
	allns_rows_sort(t->rows, t->n);
	t->n_idle = (uint32_t)(t->n - allns_rows_shown(t->rows, t->n));
	return t;
}

struct allns_table *allns_pass(struct allns *a)
{
	struct pass p = { .a = a };
	struct allns_table *t;
	struct timespec when;
	pthread_t th;
	int rc;

	clock_gettime(CLOCK_REALTIME, &when);
	p.t0 = p.t1 = allns_now();
	/* the first pass takes every namespace: a first list with holes
	 * (and its order) would say nothing */
	pthread_mutex_lock(&a->lock);
	p.budget_ms = a->cfg.budget && a->passes > 0 ?
		      a->interval * ALLNS_BUDGET_SHARE * 1000.0 : 0;
	pthread_mutex_unlock(&a->lock);
	/* setns changes the calling thread only: a thread of its own keeps
	 * the caller's namespace whatever happens */
	rc = pthread_create(&th, NULL, pass_thread, &p);
	if (rc != 0) {
		p.scan_errno = rc;
	} else {
		pthread_join(th, NULL);
	}
	if (p.scan_errno != 0) {
		t = xcalloc(1, sizeof(*t));
		t->refs = 1;
		t->when = when;
		t->backend = a->backend;
		netns_list_free(&p.list);
		free(p.slot);
		return t;
	}
	t = pass_table(a, &p, &when);
	a->passes++;
	slots_prune(a);
	netns_list_free(&p.list);
	free(p.slot);
	return t;
}
