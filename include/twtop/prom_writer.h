/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --prometheus from a thread of its own: the dashboard and --batch hand
 * it snapshots and never wait for the disk. */
#ifndef TWTOP_PROM_WRITER_H
#define TWTOP_PROM_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "twtop/snapshot.h"

struct prom_writer;

/* What the writer has done so far. */
struct prom_writer_stats {
	unsigned long posted;	/* snapshots handed over */
	unsigned long replaced;	/* dropped unwritten for a newer one */
	unsigned long written;	/* files written */
	unsigned long failed;	/* writes that failed */
	bool busy;		/* a write is in progress */
};

/*
 * Starts the thread that rewrites path with prom_write_file(path, s,
 * top) for each snapshot posted. notify(arg), if not NULL, is called from
 * that thread after a write fails (the dashboard wakes to show it). NULL
 * with errno when the thread cannot start.
 */
struct prom_writer *prom_writer_start(const char *path, unsigned int top,
				      void (*notify)(void *), void *arg);

/*
 * Hands s over (a reference is taken); never waits for a write. Latest
 * wins: a snapshot posted earlier and not yet being written is dropped,
 * so at most one waits while one is written. Any thread may post.
 */
void prom_writer_post(struct prom_writer *w, struct snapshot *s);

/*
 * Waits until every posted snapshot is written or dropped, at most
 * timeout seconds (< 0: no limit). 0, or -1 on timeout.
 */
int prom_writer_flush(struct prom_writer *w, double timeout);

/*
 * Whether a write failed since the last call: true with "path: reason"
 * (the newest failure) in err; false when none did.
 */
bool prom_writer_error(struct prom_writer *w, char *err, size_t errlen);

void prom_writer_stats(struct prom_writer *w, struct prom_writer_stats *st);

/*
 * Writes what is still pending, stops the thread and joins it, waiting
 * at most timeout seconds (< 0: no limit), and frees w: 0, or 1 when a
 * write failed and prom_writer_error has not said so yet ("path: reason"
 * in err). -1 when a write still hangs at the deadline (the reason in
 * err): w is not freed, as its thread still uses it (notify may still be
 * called); call prom_writer_stop again to wait longer, or
 * prom_writer_abandon.
 */
int prom_writer_stop(struct prom_writer *w, double timeout, char *err,
		     size_t errlen);

/*
 * Gives w up after prom_writer_stop returned -1: its thread is detached,
 * finishes the write in progress (or dies with the process, leaving the
 * write's temporary file behind), calls notify no more and frees w. w is
 * not to be used again.
 */
void prom_writer_abandon(struct prom_writer *w);

#endif
