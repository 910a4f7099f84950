/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line and configuration: parsed once, passed down. */
#ifndef TWTOP_OPTIONS_H
#define TWTOP_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum run_mode { MODE_DASHBOARD, MODE_ONCE, MODE_BATCH };

struct options {
	enum run_mode mode;
	bool once, batch;		/* --once, --batch given (they conflict) */
	bool json;			/* --json */
	uint32_t top;			/* --top N, default 10 */
	bool top_set;			/* --top given: the dashboard too */
	double interval;		/* -d SECONDS, default 1 */
	double cpu_budget;		/* --cpu-budget PCT, default 5 */
	long count;			/* -n COUNT for --batch, 0 = no end */
	char root[PATH_MAX];		/* --root DIR: /proc below DIR (tests) */
	char theme[PATH_MAX];		/* --theme NAME|PATH, "" = default */
	char snapshot_dir[PATH_MAX];	/* --snapshot-dir DIR, "" = cwd */
	bool demo;			/* --demo */
	char netns[PATH_MAX];		/* --netns NAME (path resolved) */
	pid_t netns_pid;		/* --netns-pid PID, 0 = none */
	char netns_label[64];		/* shown in the header and JSON */
	char filter[512];		/* --filter EXPR, "" = none; valid */
	char replay[PATH_MAX];		/* --replay FILE, "" = live */
	char prometheus[PATH_MAX];	/* --prometheus FILE, "" = none */
	bool quiet;			/* -q: --batch prints nothing */
	int backend;			/* --backend: enum sampler_backend */
	uint32_t prom_processes;	/* --prometheus-processes N, 0 none */
	bool all_netns;			/* --all-netns */
	uint32_t max_netns;		/* --max-netns N, default 64 */
	bool max_netns_set;		/* --max-netns given */
};

void options_defaults(struct options *o);

/*
 * Parses argv over the defaults (and what config_load set). Returns 0 to
 * run, 1 when --help or --version was printed (exit 0), -1 on a bad
 * option with a one-line message in err (exit 2).
 */
int options_parse(struct options *o, int argc, char **argv,
		  char *err, size_t errlen);

struct sampler;

/*
 * Creates the sampler the options describe (root, interval, namespace,
 * filter), keeping top lists of at least top_min entries. netns_path and
 * netns_label, when not NULL, replace the options' namespace (--demo).
 * NULL with a message in err on failure.
 */
struct sampler *options_sampler_new(const struct options *o,
				    uint32_t top_min, const char *netns_path,
				    const char *netns_label, char *err,
				    size_t errlen);

#endif
