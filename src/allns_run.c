// SPDX-License-Identifier: GPL-2.0-or-later
/* The --all-netns runner the dashboard uses: a pass every interval in a
 * thread of its own, the Prometheus file after each, the newest table
 * published under a lock. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "twtop/allns.h"
#include "allns_priv.h"

/* Waits until the next pass is due or stop. Lock held. */
static bool wait_turn(struct allns *a, double last)
{
	for (;;) {
		double due = a->paused ? allns_now() + 3600 : last + a->interval;
		struct timespec ts;
		int rc;

		if (a->stop || allns_now() >= due)
			break;
		ts.tv_sec = (time_t)due;
		ts.tv_nsec = (long)((due - (double)ts.tv_sec) * 1e9);
		rc = pthread_cond_timedwait(&a->wake, &a->lock, &ts);
		if (rc != 0 && rc != ETIMEDOUT)
			break;
	}
	return !a->stop;
}

/* Rewrites the Prometheus file from t, keeping a failure for the UI. */
static void runner_prom(struct allns *a, const struct allns_table *t)
{
	struct allns_out_opts o = {
		.top = a->cfg.prom_top, .max_netns = a->cfg.max_netns,
	};
	char err[sizeof(a->prom_err)];

	if (a->cfg.prom_path == NULL)
		return;
	if (allns_prom_write_file(a->cfg.prom_path, t, &o, err,
				  sizeof(err)) < 0) {
		pthread_mutex_lock(&a->lock);
		a->prom_failed = true;
		memcpy(a->prom_err, err, sizeof(err));
		pthread_mutex_unlock(&a->lock);
	}
}

static void *runner_thread(void *arg)
{
	struct allns *a = arg;
	sigset_t all;
	double last = -1e9;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&a->lock);
	while (wait_turn(a, last)) {
		struct allns_table *t, *old;

		last = allns_now();
		pthread_mutex_unlock(&a->lock);
		t = allns_pass(a);
		runner_prom(a, t);
		pthread_mutex_lock(&a->lock);
		old = a->cur;
		a->cur = t;
		pthread_mutex_unlock(&a->lock);
		allns_table_unref(old);
		if (a->notify)
			a->notify(a->notify_arg);
		pthread_mutex_lock(&a->lock);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int allns_start(struct allns *a, void (*notify)(void *), void *arg)
{
	int rc;

	pthread_mutex_lock(&a->lock);
	if (a->running) {
		pthread_mutex_unlock(&a->lock);
		errno = EBUSY;
		return -1;
	}
	a->notify = notify;
	a->notify_arg = arg;
	a->stop = false;
	rc = pthread_create(&a->thread, NULL, runner_thread, a);
	a->running = rc == 0;
	pthread_mutex_unlock(&a->lock);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

void allns_stop(struct allns *a)
{
	bool running;

	pthread_mutex_lock(&a->lock);
	running = a->running;
	a->stop = true;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	if (!running)
		return;
	pthread_join(a->thread, NULL);
	pthread_mutex_lock(&a->lock);
	a->running = false;
	pthread_mutex_unlock(&a->lock);
}

struct allns_table *allns_current(struct allns *a)
{
	struct allns_table *t;

	pthread_mutex_lock(&a->lock);
	t = allns_table_ref(a->cur);
	pthread_mutex_unlock(&a->lock);
	return t;
}

void allns_set_interval(struct allns *a, double seconds)
{
	if (!(seconds > 0) || !isfinite(seconds))
		return;
	pthread_mutex_lock(&a->lock);
	a->interval = seconds;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
}

void allns_set_paused(struct allns *a, bool paused)
{
	pthread_mutex_lock(&a->lock);
	a->paused = paused;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
}

bool allns_prom_error(struct allns *a, char *err, size_t errlen)
{
	bool failed;

	pthread_mutex_lock(&a->lock);
	failed = a->prom_failed;
	if (failed)
		snprintf(err, errlen, "%s", a->prom_err);
	a->prom_failed = false;
	pthread_mutex_unlock(&a->lock);
	return failed;
}
