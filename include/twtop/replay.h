/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --replay: snapshot files and --batch --json streams read back into
 * snapshots, one record at a time. */
#ifndef TWTOP_REPLAY_H
#define TWTOP_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "twtop/json.h"
#include "twtop/snapshot.h"

#define REPLAY_FORMAT	JSON_FORMAT		/* newest "format" read */
#define REPLAY_FILE_MAX	((size_t)256 << 20)	/* bytes */

struct replay;
struct ui_markers;

/*
 * Reads path: one snapshot (a file saved by 's', or --once --json) or a
 * stream of them (--batch --json, JSON Lines). Every record is checked
 * now, so later reads do not fail. A stream whose last record is cut
 * short opens with the complete ones and replay_warning() says so; any
 * other problem returns NULL with "path:line: problem" in err.
 */
struct replay *replay_open(const char *path, char *err, size_t errlen);

/* The same from text in memory (copied); name stands for the path. */
struct replay *replay_open_text(const char *name, const char *text,
				size_t len, char *err, size_t errlen);

/* Frees r; snapshots it returned must have been released first (their
 * names point into r). */
void replay_free(struct replay *r);

/* Records in the file (at least 1). */
size_t replay_count(const struct replay *r);

/* The line record k starts on (1-based). */
uint32_t replay_line(const struct replay *r, size_t k);

/* What loading left out ("path:line: ..."), or "". */
const char *replay_warning(const struct replay *r);

/*
 * Record k (0-based) as a new snapshot with one reference, and its
 * markers into ms when not NULL (none for a record without them). A
 * record without "history" gets the trend of the records up to it.
 * NULL with "path:line: problem" in err.
 */
struct snapshot *replay_record(struct replay *r, size_t k,
			       struct ui_markers *ms, char *err,
			       size_t errlen);

/* The typical (median) spacing of s's history samples in seconds, or 0
 * when it has fewer than three. */
double replay_interval(const struct snapshot *s);

#endif
