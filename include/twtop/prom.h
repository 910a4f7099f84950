/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus text exposition of a snapshot, for node_exporter's textfile
 * collector. */
#ifndef TWTOP_PROM_H
#define TWTOP_PROM_H

#include <stddef.h>
#include <stdio.h>

#include "twtop/snapshot.h"

/*
 * Writes s to f in the Prometheus text format (version 0.0.4): every
 * metric with its # HELP and # TYPE lines, names prefixed twtop_, counters
 * ending in _total, base units (seconds, not milliseconds). Label sets are
 * bounded: at most top destination groups (the fullest first). 0, or -1
 * when writing failed (errno set).
 */
int prom_write(FILE *f, const struct snapshot *s, unsigned int top);

/*
 * Rewrites path atomically with prom_write: a temporary file in the same
 * directory, fsync, rename over path. A reader sees the old file or the
 * new one, never a part. 0, or -1 with "path: reason" in err.
 */
int prom_write_file(const char *path, const struct snapshot *s,
		    unsigned int top, char *err, size_t errlen);

/*
 * The same for any text write(f, arg) gives (the --all-netns export):
 * the target checked before and again just before the rename, mode 0644,
 * through syncfile_write. 0, or -1 with "path: reason" in err.
 */
int prom_file_put(const char *path, int (*write)(FILE *f, void *arg),
		  void *arg, char *err, size_t errlen);

/*
 * 0 when path is absent or a regular file (one prom_write_file may
 * replace); -1 with "path: reason" in err when it is anything else (a
 * device, FIFO, socket, directory or symbolic link, never followed) or
 * cannot be looked at. prom_write_file checks it before each write; the
 * command line checks it at startup.
 */
int prom_check_target(const char *path, char *err, size_t errlen);

#endif
