/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --all-netns: every network namespace of the host in one pass. Each
 * namespace has a sampler of its own (rates and forecasts need the one
 * before), sampled from a thread that enters the namespace with setns;
 * each pass gives a table of one row per namespace, worst first.
 */
#ifndef TWTOP_ALLNS_H
#define TWTOP_ALLNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "twtop/netns.h"
#include "twtop/snapshot.h"

#define ALLNS_MAX_NETNS_DEFAULT	64	/* --max-netns */
#define ALLNS_BUDGET_SHARE	0.2	/* of the interval a pass may take */

/* One namespace as a pass saw it. */
struct allns_row {
	uint64_t dev, ino;		/* the namespace's nsfs inode */
	enum netns_kind kind;
	bool own;			/* the namespace twtop runs in */
	char name[64];
	char path[96];			/* what the sampler entered */
	uint32_t n_procs;		/* processes in it (all) */
	uint32_t n_pids;		/* kept: the lowest PIDs */
	pid_t pids[NETNS_PIDS];
	char comms[NETNS_PIDS][16];
	char error[200];		/* why it cannot be entered; "" */
	bool sampled;			/* counts below are from a sample */
	double age_s;			/* since that sample, at the pass */
	uint32_t sockets;		/* as ss counts them */
	uint32_t states[TS_MAX];
	uint32_t tw_total, tw_server, tw_client;
	bool rate_valid;		/* new_per_s known (two samples) */
	double new_per_s;		/* new TIME_WAIT per second */
	bool has_group;			/* worst is a destination group */
	struct snap_group worst;	/* the fullest (eph.groups[0]) */
	uint32_t groups_total;
	uint32_t adv[3];		/* advisories by enum adv_level */
	bool partial, dump_failed;	/* the sample's own problems */
	double dump_ms, pass_ms;
	const char *backend;		/* "bpf", "netlink" (static) */
	struct snapshot *snap;		/* its sample (a reference) or NULL */
};

/* What one pass found: rows worst first, idle ones last. */
struct allns_table {
	int refs;
	struct timespec when;		/* CLOCK_REALTIME at the pass start */
	double pass_ms;			/* the whole pass */
	double budget_ms;		/* what it could spend; 0: no bound */
	const char *backend;		/* of the samplers; NULL before any */
	char host[64], kernel[64];
	uint32_t found;			/* namespaces the scan found */
	uint32_t sampled;		/* of them, sampled in this pass */
	uint32_t dropped;		/* vanished during the pass */
	uint32_t n_idle;		/* rows that are idle (allns_row_idle) */
	size_t n;
	struct allns_row *rows;
};

struct allns_config {
	const char *root;		/* /proc root (tests), NULL for / */
	uint32_t top;			/* top lists kept per sample */
	double interval;		/* seconds between passes */
	int backend;			/* enum sampler_backend */
	/* whether a pass after the first may take only a share of the
	 * interval (ALLNS_BUDGET_SHARE); false: every namespace every
	 * pass. Namespaces left for later keep their last row, its age
	 * growing, and go first next time. */
	bool budget;
	/* the Prometheus textfile the runner thread rewrites after each
	 * pass (NULL: none), its groups per namespace and namespaces */
	const char *prom_path;
	uint32_t prom_top, max_netns;
};

struct allns;

/* Prepares the namespace table (loading the BPF backend once for all of
 * them unless the backend is netlink). NULL with a message in err. */
struct allns *allns_new(const struct allns_config *c, char *err,
			size_t errlen);
void allns_free(struct allns *a);

/*
 * One pass now, from a thread of its own that enters each namespace and
 * returns to its own at the end: finds the namespaces, samples those the
 * budget allows (oldest first) and returns the table (one reference).
 * A namespace that vanishes mid-pass is dropped without a word; one that
 * cannot be entered gets a row saying why.
 */
struct allns_table *allns_pass(struct allns *a);

/* The runner for the dashboard: a pass every interval (and the
 * Prometheus file), notify(arg) after each. 0, or -1 with errno. */
int allns_start(struct allns *a, void (*notify)(void *), void *arg);
void allns_stop(struct allns *a);
/* The latest table with a reference, or NULL before the first pass. */
struct allns_table *allns_current(struct allns *a);
void allns_set_interval(struct allns *a, double seconds);
void allns_set_paused(struct allns *a, bool paused);
/* Whether a Prometheus write failed since the last call (err: why). */
bool allns_prom_error(struct allns *a, char *err, size_t errlen);

struct allns_table *allns_table_ref(struct allns_table *t);
void allns_table_unref(struct allns_table *t);

/* --- rows (allns_row.c: pure) ----------------------------------------- */

/* Fills r's counts from its sample s (taking a reference to it). */
void allns_row_fill(struct allns_row *r, struct snapshot *s);
/* Nothing open: sampled without error and no socket in any state. */
bool allns_row_idle(const struct allns_row *r);
/*
 * How bad a row is: 4 its worst group fills (full now, full in), 3 an
 * alarm (a group 90 % taken or an alarm advisory), 2 a warning (a group
 * half taken, settling past half or that may fill, a warn advisory), 1
 * TIME_WAIT, 0 nothing of that (idle, errors, not sampled yet).
 */
int allns_row_level(const struct allns_row *r);
/* < 0 when a goes before b: worse level first; within one, the group
 * that fills sooner, is taken more, settles fuller; then more TIME_WAIT,
 * more sockets; then the name. Idle rows after all others. */
int allns_row_cmp(const struct allns_row *a, const struct allns_row *b);
void allns_rows_sort(struct allns_row *rows, size_t n);
/* The rows shown one by one: those before the idle ones (sorted). */
size_t allns_rows_shown(const struct allns_row *rows, size_t n);

/* --- output (allns_out.c) ---------------------------------------------- */

struct allns_out_opts {
	bool pretty;			/* --once: indented */
	const char *version;
	uint32_t top;			/* groups per namespace (Prometheus) */
	uint32_t max_netns;		/* namespaces in Prometheus */
};

/* The --once table: a row per namespace, idle ones folded. -1 on a
 * write error. */
int allns_print_table(FILE *f, const struct allns_table *t);
/* --batch without --json: a line per namespace and one for the idle. */
int allns_print_lines(FILE *f, const struct allns_table *t);
/* The JSON document (README.md, "All namespaces"), then a newline. */
int allns_json(FILE *f, const struct allns_table *t,
	       const struct allns_out_opts *o);
/*
 * The normal Prometheus export of each namespace's sample (the worst
 * max_netns, each labelled netns="name"), merged so that every metric
 * family is one group: its HELP and TYPE once, then every namespace's
 * samples. 0, or -1 with errno.
 */
int allns_prom_write(FILE *f, const struct allns_table *t,
		     const struct allns_out_opts *o);
/* The same, atomically into path (as --prometheus does). */
int allns_prom_write_file(const char *path, const struct allns_table *t,
			  const struct allns_out_opts *o, char *err,
			  size_t errlen);

#endif
