/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to src/allns*.c: the namespace table and the runner's state. */
#ifndef TWTOP_ALLNS_PRIV_H
#define TWTOP_ALLNS_PRIV_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "twtop/allns.h"

struct sampler;
struct backend_bpf;

/* One namespace's sampler and what it last gave, kept across passes. */
struct ns_slot {
	uint64_t dev, ino;
	struct sampler *sp;
	struct snapshot *last;		/* its latest sample, or NULL */
	double last_mono;		/* when the pass sampled it; 0 never */
	double cost_ms;			/* entering and sampling it, last */
	char label[96];			/* snapshot->netns: unique name */
	char error[200];		/* why it cannot be entered */
	bool seen;			/* found by this pass's scan */
	bool gone;			/* vanished during this pass */
};

struct allns {
	struct allns_config cfg;
	char prom_path[PATH_MAX];
	struct backend_bpf *bpf;	/* shared by the samplers, or NULL */
	const char *backend;		/* what the samplers use */
	struct ns_slot *slots;
	size_t n_slots, cap;
	unsigned long passes;		/* passes done */
	struct utsname uts;
	struct stat self;		/* the namespace twtop runs in */

	/* the runner, under lock */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stop, paused;
	double interval;
	struct allns_table *cur;
	void (*notify)(void *);
	void *notify_arg;
	bool prom_failed;
	char prom_err[PATH_MAX + 160];
};

/* CLOCK_MONOTONIC in seconds. */
double allns_now(void);

#endif
