/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twtop: top for TCP teardown. Entry point and the headless modes. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "twtop/allns_cli.h"
#include "twtop/config.h"
#include "twtop/json.h"
#include "twtop/options.h"
#include "twtop/prom_writer.h"
#include "twtop/sampler.h"
#include "twtop/ui.h"

/* How long --batch waits at the end for the last --prometheus write. */
#define BATCH_PROM_STOP_S 10.0

static volatile sig_atomic_t got_stop;

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

/* One summary line per sample, like top -b. */
static void batch_line(FILE *f, const struct snapshot *s)
{
	char t[32], a[ADDR_STRLEN], b[ADDR_STRLEN];
	struct tm tm;

	gmtime_r(&s->when.tv_sec, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "%s tw=%u server=%u client=%u", t, s->tw.total,
		s->tw.server_side, s->tw.client_side);
	if (s->tw.rate_valid)
		fprintf(f, " new_tw/s=%.1f", s->tw.new_per_s);
	else
		fputs(" new_tw/s=-", f);
	fprintf(f, " estab=%u syn_sent=%u fin_wait2=%u close_wait=%u "
		"listen=%u", s->states[TS_ESTABLISHED], s->states[TS_SYN_SENT],
		s->states[TS_FIN_WAIT2], s->states[TS_CLOSE_WAIT],
		s->states[TS_LISTEN]);
	if (s->sockstat.present)
		fprintf(f, " sockstat_tw=%lld", s->sockstat.tw);
	if (s->eph.present) {
		fprintf(f, " ports_in_use=%u/%u", s->eph.ports_in_use,
			s->eph.size);
		if (s->eph.n_groups > 0) {
			const struct snap_group *g = &s->eph.groups[0];

			fprintf(f, " worst_group=%s->%s:%u used=%u avail=%u",
				addr_format(&g->local, a, sizeof(a)),
				addr_format(&g->remote, b, sizeof(b)),
				g->remote_port, g->used, g->available);
		}
	}
	if (s->error[0])
		fprintf(f, " error=\"%s\"", s->error);
	fputc('\n', f);
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

/* Starts the --prometheus writer, if asked for; 0, or -1 after saying
 * why. */
static int headless_prom_start(const struct options *o,
			       struct prom_writer **pw)
{
	*pw = NULL;
	if (!o->prometheus[0])
		return 0;
	*pw = prom_writer_start(o->prometheus, o->top, NULL, NULL);
	if (*pw == NULL) {
		fprintf(stderr, "twtop: --prometheus: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Hands sample i to the --prometheus writer and says on stderr when a
 * write failed. The first sample is waited for: a file that cannot be
 * written then is a setup error (-1); later failures (disk full) are
 * reported and the next sample tries again. */
static int headless_prom(struct prom_writer *pw, struct snapshot *s, long i)
{
	char err[PATH_MAX + 128];

	if (pw == NULL)
		return 0;
	prom_writer_post(pw, s);
	if (i == 0)
		prom_writer_flush(pw, -1);
	if (!prom_writer_error(pw, err, sizeof(err)))
		return 0;
	fprintf(stderr, "twtop: --prometheus: %s\n", err);
	return i == 0 ? -1 : 0;
}

/* --once and --batch: samples in this thread, writes to stdout; the
 * --prometheus file is written by a thread of its own. */
static int run_headless(const struct options *o)
{
	struct json_opts jo = {
		.top = o->top, .pretty = o->mode == MODE_ONCE,
		.history = false, .version = PACKAGE_VERSION,
	};
	struct prom_writer *pw;
	struct sampler *sp;
	char err[PATH_MAX + 128];
	int rc = 0;

	sp = options_sampler_new(o, o->top, NULL, NULL, err, sizeof(err));
	if (sp == NULL) {
		fprintf(stderr, "twtop: %s\n", err);
		return 1;
	}
	if (headless_prom_start(o, &pw) < 0) {
		sampler_free(sp);
		return 1;
	}
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	for (long i = 0; !got_stop; i++) {
		/* --once: one full pass; --batch: under the CPU budget */
		struct snapshot *s = o->mode == MODE_ONCE ? sampler_sample(sp) :
				     sampler_next(sp);

		if (o->quiet)
			;
		else if (o->json)
			rc = json_snapshot(stdout, s, &jo);
		else
			batch_line(stdout, s);
		if (headless_prom(pw, s, i) < 0) {
			snap_unref(s);
			rc = 1;
			break;
		}
		snap_unref(s);
		if (fflush(stdout) != 0 || rc < 0) {
			fprintf(stderr, "twtop: writing output: %s\n",
				strerror(errno));
			rc = 1;
			break;
		}
		if (o->mode == MODE_ONCE || (o->count && i + 1 >= o->count))
			break;
		nap(o->interval);
	}
	/* the last sample's file, and a failure not said yet */
	if (pw) {
		int prc = prom_writer_stop(pw, BATCH_PROM_STOP_S, err,
					   sizeof(err));

		if (prc != 0)
			fprintf(stderr, "twtop: --prometheus: %s\n", err);
		if (prc < 0)
			prom_writer_abandon(pw);
	}
	sampler_free(sp);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	char err[512], cfg_err[512];
	int rc, cfg_rc;

	options_defaults(&o);
	/* a broken config file must not stop --help and --version */
	cfg_rc = config_load_default(&o, cfg_err, sizeof(cfg_err));
	rc = options_parse(&o, argc, argv, err, sizeof(err));
	if (rc > 0)
		return 0;
	if (cfg_rc < 0) {
		fprintf(stderr, "twtop: %s\n", cfg_err);
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "twtop: %s\nTry 'twtop --help' for more "
			"information.\n", err);
		return 2;
	}
	if (o.all_netns && o.mode != MODE_DASHBOARD)
		return allns_headless(&o);
	if (o.mode == MODE_DASHBOARD)
		return ui_main(&o);
	return run_headless(&o);
}
