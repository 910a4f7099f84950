/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --prometheus from a thread of its own: a one-snapshot mailbox (latest
 * wins) between the threads that post snapshots and the one that writes
 * them, so that a slow disk never stalls keys, redraws or samples. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twtop/prom.h"
#include "twtop/prom_writer.h"
#include "twtop/xalloc.h"

#define PW_ERRLEN (PATH_MAX + 128)

struct prom_writer {
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* to the thread: a snapshot, or stop */
	pthread_cond_t idle;	/* from it: a write ended, or it ended */
	pthread_t thread;
	void (*notify)(void *);
	void *notify_arg;
	unsigned int top;
	char path[PATH_MAX];

	/* under lock */
	struct snapshot *pending;	/* the newest not yet taken */
	bool stop;			/* asked to end once idle */
	bool ended;			/* the thread has left its loop */
	bool abandoned;			/* stop gave up: the thread frees w */
	struct prom_writer_stats st;
	unsigned long reported;		/* st.failed when last reported */
	char err[PW_ERRLEN];		/* the newest failure */
};

/* Writes one snapshot without the lock; records how it went, and calls
 * notify on a failure before it says it is idle. Called and returns with
 * the lock held. */
static void pw_write_one(struct prom_writer *w, struct snapshot *s)
{
	char err[PW_ERRLEN];
	int rc;

	w->st.busy = true;
	pthread_mutex_unlock(&w->lock);
	rc = prom_write_file(w->path, s, w->top, err, sizeof(err));
	snap_unref(s);
	pthread_mutex_lock(&w->lock);
	if (rc == 0) {
		w->st.written++;
	} else {
		w->st.failed++;
		void (*notify)(void *) = w->notify;
		void *arg = w->notify_arg;

		memcpy(w->err, err, sizeof(err));
		if (notify) {
			pthread_mutex_unlock(&w->lock);
			notify(arg);
			pthread_mutex_lock(&w->lock);
		}
	}
	w->st.busy = false;
	pthread_cond_broadcast(&w->idle);
}

static void pw_free(struct prom_writer *w);

/* The thread: takes the pending snapshot and writes it, until asked to
 * stop with nothing pending. Once prom_writer_stop has given up on it,
 * it is detached and frees w itself. */
static void *pw_thread(void *arg)
{
	struct prom_writer *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct snapshot *s;

		while (w->pending == NULL && !w->stop)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->pending == NULL)
			break;
		s = w->pending;
		w->pending = NULL;
		pw_write_one(w, s);
	}
	w->ended = true;
	pthread_cond_broadcast(&w->idle);
	if (w->abandoned) {
		pthread_mutex_unlock(&w->lock);
		pw_free(w);
		return NULL;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* The CLOCK_MONOTONIC time timeout seconds from now. */
static struct timespec pw_deadline(double timeout)
{
	struct timespec ts;
	double sec;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	timeout = fmin(timeout, 86400.0);
	sec = floor(timeout);
	ts.tv_sec += (time_t)sec;
	ts.tv_nsec += (long)((timeout - sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Waits on idle until done(w) holds, at most timeout seconds (< 0: no
 * limit). Called with the lock held. 0, or -1 on timeout. */
static int pw_wait(struct prom_writer *w, bool (*done)(struct prom_writer *),
		   double timeout)
{
	struct timespec end = pw_deadline(timeout < 0 ? 0 : timeout);

	while (!done(w)) {
		if (timeout < 0)
			pthread_cond_wait(&w->idle, &w->lock);
		else if (pthread_cond_timedwait(&w->idle, &w->lock, &end) ==
			 ETIMEDOUT)
			return done(w) ? 0 : -1;
	}
	return 0;
}

static bool pw_is_idle(struct prom_writer *w)
{
	return w->ended || (w->pending == NULL && !w->st.busy);
}

static bool pw_has_ended(struct prom_writer *w)
{
	return w->ended;
}

/* Frees what prom_writer_start made, once the thread is gone. */
static void pw_free(struct prom_writer *w)
{
	snap_unref(w->pending);
	pthread_cond_destroy(&w->idle);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

struct prom_writer *prom_writer_start(const char *path, unsigned int top,
				      void (*notify)(void *), void *arg)
{
	struct prom_writer *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	if (snprintf(w->path, sizeof(w->path), "%s", path) >=
	    (int)sizeof(w->path)) {
		free(w);
		errno = ENAMETOOLONG;
		return NULL;
	}
	w->top = top;
	w->notify = notify;
	w->notify_arg = arg;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_cond_init(&w->idle, &ca);
	pthread_condattr_destroy(&ca);
	/* signals belong to the UI thread (STYLE.md): the thread starts
	 * with all of them blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&w->thread, NULL, pw_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pw_free(w);
		errno = rc;
		return NULL;
	}
	return w;
}

void prom_writer_post(struct prom_writer *w, struct snapshot *s)
{
	struct snapshot *dropped;

	if (s == NULL)
		return;
	snap_ref(s);
	pthread_mutex_lock(&w->lock);
	dropped = w->pending;
	w->pending = s;
	w->st.posted++;
	if (dropped)
		w->st.replaced++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	snap_unref(dropped);
}

int prom_writer_flush(struct prom_writer *w, double timeout)
{
	int rc;

	pthread_mutex_lock(&w->lock);
	rc = pw_wait(w, pw_is_idle, timeout);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

bool prom_writer_error(struct prom_writer *w, char *err, size_t errlen)
{
	bool failed;

	pthread_mutex_lock(&w->lock);
	failed = w->st.failed != w->reported;
	if (failed) {
		snprintf(err, errlen, "%s", w->err);
		w->reported = w->st.failed;
	}
	pthread_mutex_unlock(&w->lock);
	return failed;
}

void prom_writer_stats(struct prom_writer *w, struct prom_writer_stats *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->st;
	pthread_mutex_unlock(&w->lock);
}

int prom_writer_stop(struct prom_writer *w, double timeout, char *err,
		     size_t errlen)
{
	int rc;

	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	rc = pw_wait(w, pw_has_ended, timeout);
	if (rc < 0) {
		snprintf(err, errlen, "%s: still writing after %g s; not "
			 "waiting for it", w->path, timeout);
		pthread_mutex_unlock(&w->lock);
		return -1;	/* w stays: the thread still uses it */
	}
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	rc = prom_writer_error(w, err, errlen) ? 1 : 0;
	pw_free(w);
	return rc;
}

void prom_writer_abandon(struct prom_writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	if (w->ended) {
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		pw_free(w);
		return;
	}
	/* the thread frees w when its write ends; no one joins it, and it
	 * calls back no one, as the caller may be gone by then */
	w->abandoned = true;
	w->notify = NULL;
	pthread_detach(w->thread);
	pthread_mutex_unlock(&w->lock);
}
