/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * focuscost: what the drill-down's kernel-filtered dump costs next to the
 * whole-host dumps of the same sample, in the calling namespace. Takes
 * PASSES samples with a drill-down on ADDR (a peer) and prints the medians
 * of the sample's dumps ("dump_ms") and of the drill-down's own dump:
 *
 *   focuscost [-n PASSES] ADDR
 *   -> main_dump_ms X focus_dump_ms Y fetched N total M
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/sampler.h"
#include "twtop/snapshot.h"

#define PASSES_MAX 1000

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static double main_ms[PASSES_MAX], focus_ms[PASSES_MAX];
	struct sampler_config cfg = { .top = 10, .interval = 1 };
	struct focus_req f = { .kind = FOCUS_PEER };
	struct snapshot *s = NULL;
	struct sampler *sp;
	char err[256];
	int n = 11, c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n' || (n = atoi(optarg)) < 1 || n > PASSES_MAX) {
			fprintf(stderr, "usage: focuscost [-n 1-%d] ADDR\n",
				PASSES_MAX);
			return 2;
		}
	}
	if (optind + 1 != argc || addr_parse(argv[optind], &f.addr) < 0) {
		fprintf(stderr, "focuscost: need one peer address\n");
		return 2;
	}
	sp = sampler_new(&cfg, err, sizeof(err));
	if (sp == NULL) {
		fprintf(stderr, "focuscost: %s\n", err);
		return 1;
	}
	sampler_set_focus(sp, &f);
	snap_unref(sampler_sample(sp));	/* warm: tables grow once */
	for (int i = 0; i < n; i++) {
		snap_unref(s);
		s = sampler_sample(sp);
		if (s->focus == NULL || s->error[0]) {
			fprintf(stderr, "focuscost: sample failed: %s\n",
				s->error);
			return 1;
		}
		main_ms[i] = s->dump_ms;
		focus_ms[i] = s->focus->dump_ms;
	}
	printf("main_dump_ms %.2f focus_dump_ms %.2f fetched %u total %u\n",
	       median(main_ms, n), median(focus_ms, n), s->focus->fetched,
	       s->sockets);
	snap_unref(s);
	sampler_free(sp);
	return 0;
}
