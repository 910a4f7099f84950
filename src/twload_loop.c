/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twload_loop.c: the twload engine's epoll loop, one thread running both
 * ends of every loopback connection, and the phases of a run: hold, load,
 * linger.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "twload_engine.h"
#include "twtop/xalloc.h"

#define MAX_EVENTS	512	/* epoll events per wait */
#define MAX_SLEEP	0.25	/* longest wait without re-checking time */

/* Current CLOCK_MONOTONIC time in seconds. */
static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for events until at most @wake, handle them, then fail clients past
 * their deadline (all of them after a second signal).
 */
static int engine_pump(struct twl_engine *e, double wake, char *err)
{
	struct epoll_event ev[MAX_EVENTS];
	double dt;
	int i, n, ms;

	if (e->head && e->head->deadline < wake)
		wake = e->head->deadline;
	dt = fmin(wake - e->now, MAX_SLEEP);
	ms = dt > 0 ? (int)ceil(dt * 1000.0) : 0;
	n = epoll_wait(e->epfd, ev, MAX_EVENTS, ms);
	if (n < 0 && errno != EINTR) {
		snprintf(err, TWL_ERRLEN, "epoll_wait: %s", strerror(errno));
		return -1;
	}
	e->now = now_sec();
	for (i = 0; i < n; i++)
		twload_conn_dispatch(e, ev[i].data.ptr, ev[i].events);
	while (e->head && (e->abort || e->head->deadline <= e->now))
		twload_conn_fail(e, e->head, "exchange with",
				 e->abort ? "interrupted" :
				 "timed out (see --timeout)");
	return 0;
}

/* Open the signalfd for SIGINT/SIGTERM and the listeners. */
static int engine_open(struct twl_engine *e, char *err)
{
	sigset_t set;
	struct ep *p;
	size_t i;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		snprintf(err, TWL_ERRLEN, "signalfd: %s", strerror(errno));
		return -1;
	}
	p = twload_ep_alloc(e, fd, EP_SIGNAL);
	if (twload_ep_watch(e, p, EPOLLIN) < 0)
		goto fail_watch;
	for (i = 0; i < e->ntg; i++) {
		fd = twload_net_listen(&e->tg[i], err);
		if (fd < 0)
			return -1;
		p = twload_ep_alloc(e, fd, EP_LISTEN);
		p->target = (uint32_t)i;
		if (twload_ep_watch(e, p, EPOLLIN) < 0)
			goto fail_watch;
	}
	return 0;
fail_watch:
	snprintf(err, TWL_ERRLEN, "epoll_ctl: %s", strerror(errno));
	return -1;
}

/* Create the engine: epoll, signal handling and one listener per target. */
struct twl_engine *twload_engine_new(const struct twl_opts *o,
				     const struct twl_target *targets,
				     size_t ntargets, char *err)
{
	struct twl_engine *e = xcalloc(1, sizeof(*e));

	e->o = o;
	e->tg = targets;
	e->ntg = ntargets;
	e->progress = !o->quiet && isatty(STDERR_FILENO);
	e->now = now_sec();
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0) {
		snprintf(err, TWL_ERRLEN, "epoll_create1: %s", strerror(errno));
		twload_engine_free(e);
		return NULL;
	}
	if (engine_open(e, err) < 0) {
		twload_engine_free(e);
		return NULL;
	}
	return e;
}

/* Open the --hold connections (at most -j at a time) and wait, bounded by
 * the timeout, until each is established on both ends or has failed.
 */
static int engine_hold(struct twl_engine *e, char *err)
{
	const struct twl_opts *o = e->o;
	double end = e->now + o->timeout + 1.0;

	e->phase = PH_HOLD;
	while (!e->stop && e->now < end) {
		while (e->hold_started < o->hold &&
		       e->inflight < o->concurrency)
			twload_conn_start(e, true);
		if (e->hold_started == o->hold && e->inflight == 0 &&
		    e->srv_held >= e->st.held)
			return 0;
		if (engine_pump(e, end, err) < 0)
			return -1;
	}
	if (!e->stop)
		fprintf(stderr, "twload: only %lu of %llu held connections "
			"were accepted in time\n", e->srv_held, e->st.held);
	return 0;
}

/* Start the connections that are due; return when the next one is due. */
static double engine_start_due(struct twl_engine *e, double t0, double end)
{
	const struct twl_opts *o = e->o;
	unsigned long budget = o->concurrency;

	while (e->st.connections < o->connections &&
	       e->inflight < o->concurrency) {
		if (o->rate) {
			double due = t0 + (double)e->st.connections /
				(double)o->rate;

			if (due > e->now)
				return fmin(due, end);
		}
		if (budget-- == 0)
			return e->now;	/* instant failures: look at events */
		twload_conn_start(e, false);
	}
	return end;
}

/* Print a progress line on stderr (a terminal) once a second. */
static void engine_progress(struct twl_engine *e, double t0, double *next)
{
	if (!e->progress || e->now < *next)
		return;
	*next = e->now + 1.0;
	fprintf(stderr, "twload: %5.1fs connections=%llu completed=%llu "
		"failed=%llu in_flight=%lu\n", e->now - t0, e->st.connections,
		e->st.completed, e->st.failed, e->inflight);
}

/* Run the hold phase, then the load phase until every load connection has
 * finished and its server end is closed; fill @st with the exact counts.
 */
int twload_engine_load(struct twl_engine *e, struct twl_stats *st, char *err)
{
	const struct twl_opts *o = e->o;
	double t0, end, quiet_end = INFINITY, next_progress;

	e->now = now_sec();
	if (engine_hold(e, err) < 0)
		return -1;
	e->phase = PH_LOAD;
	t0 = e->now;
	end = t0 + o->duration;
	next_progress = t0 + 1.0;
	for (;;) {
		double wake;

		if (!e->stop && e->now < end &&
		    e->st.connections < o->connections) {
			wake = engine_start_due(e, t0, end);
		} else if (e->inflight == 0 && e->srv_load == 0) {
			break;
		} else {
			/* Clients time out by themselves; bound the rest. */
			if (isinf(quiet_end))
				quiet_end = e->now + o->timeout + 1.0;
			if (e->now >= quiet_end) {
				fprintf(stderr, "twload: %lu server ends still "
					"open at the end\n", e->srv_load);
				break;
			}
			wake = quiet_end;
		}
		engine_progress(e, t0, &next_progress);
		if (engine_pump(e, wake, err) < 0)
			return -1;
	}
	e->phase = PH_DONE;
	e->st.elapsed = e->now - t0;
	*st = e->st;
	return 0;
}

/* Keep running (held connections open, listeners answering) for @seconds
 * or until SIGINT/SIGTERM.
 */
void twload_engine_linger(struct twl_engine *e, double seconds)
{
	char err[TWL_ERRLEN];
	double end;

	e->now = now_sec();
	end = e->now + seconds;
	while (!e->stop && e->now < end)
		if (engine_pump(e, end, err) < 0)
			break;
}

/* Close every socket (clients with RST so that exiting leaves no
 * TIME_WAIT) and free the engine.
 */
void twload_engine_free(struct twl_engine *e)
{
	struct ep_chunk *c, *next;
	size_t i;

	if (!e)
		return;
	for (c = e->chunks; c; c = c->next)
		for (i = 0; i < EP_CHUNK; i++)
			if (c->ep[i].kind == EP_CLIENT)
				twload_ep_close(e, &c->ep[i], true);
	for (c = e->chunks; c; c = next) {
		next = c->next;
		for (i = 0; i < EP_CHUNK; i++)
			if (c->ep[i].kind != EP_FREE)
				close(c->ep[i].fd);
		free(c);
	}
	if (e->epfd >= 0)
		close(e->epfd);
	free(e);
}
