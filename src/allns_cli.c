// SPDX-License-Identifier: GPL-2.0-or-later
/* --all-netns --once and --batch: a pass per interval, printed as a
 * table, lines or JSON, and the Prometheus file of all namespaces. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "twtop/allns_cli.h"

static volatile sig_atomic_t got_stop;

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

/* Sleeps up to seconds, returning early on SIGINT/SIGTERM. */
static void nap(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
	};

	while (!got_stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct allns *allns_from_options(const struct options *o, bool budget,
				 bool with_prom, char *err, size_t errlen)
{
	struct allns_config c = {
		.root = o->root[0] ? o->root : NULL,
		.top = o->top,
		.interval = o->interval,
		.backend = o->backend,
		.budget = budget,
		.prom_path = with_prom && o->prometheus[0] ? o->prometheus :
			     NULL,
		.prom_top = o->top,
		.max_netns = o->max_netns,
	};

	return allns_new(&c, err, errlen);
}

/* Prints one pass as the mode asks; -1 on a write error. */
static int allns_print(const struct options *o, const struct allns_table *t)
{
	struct allns_out_opts jo = {
		.pretty = o->mode == MODE_ONCE, .version = PACKAGE_VERSION,
	};

	if (o->quiet)
		return 0;
	if (o->json)
		return allns_json(stdout, t, &jo);
	if (o->mode == MODE_ONCE)
		return allns_print_table(stdout, t);
	return allns_print_lines(stdout, t);
}

/* Rewrites the --prometheus file from pass i: a failure at the first
 * pass is a setup error (-1), later ones are said and tried again. */
static int allns_prom(const struct options *o, const struct allns_table *t,
		      long i)
{
	struct allns_out_opts po = {
		.top = o->top, .max_netns = o->max_netns,
	};
	char err[PATH_MAX + 160];

	if (!o->prometheus[0] ||
	    allns_prom_write_file(o->prometheus, t, &po, err,
				  sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "twtop: --prometheus: %s\n", err);
	return i == 0 ? -1 : 0;
}

int allns_headless(const struct options *o)
{
	char err[512];
	struct allns *a = allns_from_options(o, o->mode == MODE_BATCH, false,
					     err, sizeof(err));
	int rc = 0;

	if (a == NULL) {
		fprintf(stderr, "twtop: %s\n", err);
		return 1;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	for (long i = 0; !got_stop; i++) {
		struct allns_table *t = allns_pass(a);

		if (allns_print(o, t) < 0) {
			fprintf(stderr, "twtop: writing output: %s\n",
				strerror(errno));
			rc = 1;
		} else if (allns_prom(o, t, i) < 0) {
			rc = 1;
		}
		allns_table_unref(t);
		if (rc != 0 || o->mode == MODE_ONCE ||
		    (o->count && i + 1 >= o->count))
			break;
		nap(o->interval);
	}
	allns_free(a);
	return rc;
}
