/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sampler: one pass = netlink dumps + /proc reads -> a snapshot.
 * It runs in its own thread and publishes immutable snapshots. */
#ifndef TWTOP_SAMPLER_H
#define TWTOP_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>

#include "twtop/snapshot.h"

struct backend_bpf;
struct diag_transport;
struct filter;

/* Where socket records come from (--backend). */
enum sampler_backend {
	SAMPLER_BACKEND_AUTO,	/* BPF when it loads, else netlink */
	SAMPLER_BACKEND_BPF,	/* BPF or fail with the reason */
	SAMPLER_BACKEND_NETLINK,
};

struct sampler_config {
	const char *root;	/* /proc root for tests; NULL for "/" */
	uint32_t top;		/* top list length kept in snapshots */
	double interval;	/* seconds between samples */
	/* --cpu-budget: percent of one core the running sampler's full
	 * passes may take; they are spaced out beyond the interval when
	 * they would take more (0: a full pass every interval) */
	double cpu_budget;
	const char *netns_path;	/* enter this namespace first, or NULL */
	const char *netns_label;/* shown as snapshot->netns */
	const struct filter *filter; /* counted sockets (copied), or NULL */
	/* the sock_diag transport (twtop/diag.h) and its context: NULL for
	 * the netlink socket; the tests' fake otherwise */
	const struct diag_transport *transport;
	void *transport_ctx;
	enum sampler_backend backend;
	/* who closes (twtop/closers.h): per-process Prometheus series
	 * (--prometheus-processes), 0 for none */
	uint32_t prom_processes;
	/* a BPF backend loaded once and shared by samplers that never dump
	 * at the same time (--all-netns), used unless backend is netlink;
	 * borrowed, not freed. NULL: the sampler loads its own. */
	struct backend_bpf *bpf;
};

struct sampler;

/* Opens netlink (in the namespace) and prepares tables. NULL on failure
 * with a message in err. */
struct sampler *sampler_new(const struct sampler_config *cfg, char *err,
			    size_t errlen);
void sampler_free(struct sampler *sp);

/*
 * The next sample of a sampler that runs on (the dashboard's thread,
 * --batch): a full pass when the CPU budget allows one (cfg.cpu_budget),
 * else the figures read every interval over the last full pass's socket
 * figures (snapshot sockets_age_s says how old they are).
 */
struct snapshot *sampler_next(struct sampler *sp);

/* Takes one sample now in the calling thread (--once, --batch). Rates
 * use the previous sample of this sampler. Never fails: problems are
 * recorded in the snapshot (error, partial, dump_failed). */
struct snapshot *sampler_sample(struct sampler *sp);

/* Starts the sampling thread; notify(arg) is called from it after each
 * publish (the UI writes to a self-pipe). 0 or -1 with errno. */
int sampler_start(struct sampler *sp, void (*notify)(void *), void *arg);
/* Stops and joins the thread (flag + condition variable). */
void sampler_stop(struct sampler *sp);

/* The latest published snapshot with a reference, or NULL. */
struct snapshot *sampler_current(struct sampler *sp);

void sampler_set_interval(struct sampler *sp, double seconds);
void sampler_set_paused(struct sampler *sp, bool paused);
void sampler_reset_history(struct sampler *sp);
/* Asks for drill-down data from the next sample on (NULL clears) and
 * takes that sample at once. */
void sampler_set_focus(struct sampler *sp, const struct focus_req *f);
/* Counts only the sockets f matches from the next sample on (NULL: all
 * of them) and takes that sample at once; f is copied. The history is
 * reset, as filtered and unfiltered totals do not make one trend. */
void sampler_set_filter(struct sampler *sp, const struct filter *f);

#endif
