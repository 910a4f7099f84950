/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backendcost: twtop's dump methods, timed, for bench/run. Each pass dumps
 * every TCP socket of the namespace through twtop's own code and decodes
 * it into struct diag_sock, counting TIME_WAIT in the callback. With
 * several methods, each pass runs them one after the other (round-robin,
 * starting one later each pass), so that they meet the same noise.
 *
 *   netlink   two SOCK_DIAG_BY_FAMILY dumps (diag_dump), one per family
 *   legacy    one TCPDIAG_GETSOCK dump of both families (diag_legacy)
 *   bpf       the BPF backend, loaded once before the passes
 *   bpf-once  the BPF backend loaded, dumped and closed in each pass:
 *             what a one-shot run pays
 *
 *   -n PASSES   passes (default 1)
 *   -d SECONDS  sleep between passes, as a sampler does
 *   -s MASK     states to dump (1 << state; default all)
 *
 * Prints "load_ms X" when bpf is loaded once, then for each pass and
 * method "pass METHOD I WALL_MS CPU_MS" (CPU: this process's user and
 * system time, which other load on the machine inflates less than wall
 * time), and "time_wait METHOD N" of its last pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "twtop/backend_bpf.h"
#include "twtop/diag.h"
#include "twtop/diag_legacy.h"
#include "twtop/tcpstate.h"

#define ALL_STATES (((1u << TS_MAX) - 1) & ~1u)

enum method { M_NETLINK, M_LEGACY, M_BPF, M_BPF_ONCE };

static const char *const method_names[] = {
	"netlink", "legacy", "bpf", "bpf-once"
};

struct ctx {
	enum method m;
	uint32_t mask;
	struct diag *nl;
	struct diag *legacy;
	struct backend_bpf *bpf;
	unsigned long tw;
};

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void nap(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void count_tw(const struct diag_sock *s, void *arg)
{
	struct ctx *c = arg;

	c->tw += s->state == TS_TIME_WAIT;
}

/* Loads the BPF backend; NULL after printing why. */
static struct backend_bpf *bpf_load(void)
{
	struct backend_bpf *b;
	char err[512];

	b = backend_bpf_open(err, sizeof(err));
	if (b == NULL)
		fprintf(stderr, "backendcost: %s\n", err);
	return b;
}

/* One pass of the method; 0, or -1 after printing why. */
static int pass(struct ctx *c)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct diag_result r = { 0 };
	struct backend_bpf *once;
	int rc = 0;

	c->tw = 0;
	switch (c->m) {
	case M_NETLINK:
		for (size_t i = 0; i < 2 && rc == 0; i++)
			rc = diag_dump(c->nl, fams[i], c->mask, NULL, 0,
				       count_tw, c, &r);
		break;
	case M_LEGACY:
		rc = diag_dump_all(c->legacy, c->mask, NULL, 0, count_tw, c,
				      &r);
		break;
	case M_BPF:
		rc = backend_bpf_dump(c->bpf, c->mask, count_tw, c, &r);
		break;
	case M_BPF_ONCE:
		if ((once = bpf_load()) == NULL)
			return -1;
		rc = backend_bpf_dump(once, c->mask, count_tw, c, &r);
		backend_bpf_close(once);
		break;
	}
	if (rc != 0) {
		fprintf(stderr, "backendcost: dump %s\n",
			rc > 0 ? "interrupted" : strerror(r.error));
		return -1;
	}
	return 0;
}

static int parse_method(const char *s, enum method *m)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(s, method_names[i]) == 0) {
			*m = (enum method)i;
			return 0;
		}
	return -1;
}

int main(int argc, char **argv)
{
	struct ctx c = { .mask = ALL_STATES };
	enum method ms[8];
	unsigned long tw[8] = { 0 };
	long passes = 1;
	double delay = 0, t0, c0;
	int opt, rc = 0, nm = 0, want_bpf = 0;

	while ((opt = getopt(argc, argv, "n:d:s:")) != -1) {
		if (opt == 'n' && atol(optarg) > 0)
			passes = atol(optarg);
		else if (opt == 'd' && atof(optarg) >= 0 && atof(optarg) < 60)
			delay = atof(optarg);
		else if (opt == 's')
			c.mask = (uint32_t)strtoul(optarg, NULL, 0);
		else
			goto usage;
	}
	if (optind == argc || argc - optind > 8)
		goto usage;
	for (int i = optind; i < argc; i++) {
		if (parse_method(argv[i], &ms[nm]) < 0)
			goto usage;
		want_bpf |= ms[nm++] == M_BPF;
	}
	c.nl = diag_open();
	c.legacy = diag_open();
	if (c.nl == NULL || c.legacy == NULL) {
		perror("backendcost: NETLINK_SOCK_DIAG");
		return 1;
	}
	t0 = clock_ms(CLOCK_MONOTONIC);
	if (want_bpf && (c.bpf = bpf_load()) == NULL)
		return 77;
	if (want_bpf)
		printf("load_ms %.3f\n", clock_ms(CLOCK_MONOTONIC) - t0);
	for (long i = 0; i < passes && rc == 0; i++) {
		if (i > 0 && delay > 0)
			nap(delay);
		for (int k = 0; k < nm && rc == 0; k++) {
			int j = (int)((i + k) % nm);

			c.m = ms[j];
			t0 = clock_ms(CLOCK_MONOTONIC);
			c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			rc = pass(&c);
			if (rc == 0)
				printf("pass %s %ld %.3f %.3f\n",
				       method_names[c.m], i,
				       clock_ms(CLOCK_MONOTONIC) - t0,
				       clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0);
			tw[j] = c.tw;
		}
	}
	for (int k = 0; rc == 0 && k < nm; k++)
		printf("time_wait %s %lu\n", method_names[ms[k]], tw[k]);
	backend_bpf_close(c.bpf);
	diag_close(c.legacy);
	diag_close(c.nl);
	return rc == 0 ? 0 : 1;
usage:
	fputs("usage: backendcost [-n PASSES] [-d SECONDS] [-s STATEMASK] "
	      "METHOD...\n  METHOD: netlink, legacy, bpf, bpf-once\n",
	      stderr);
	return 2;
}
