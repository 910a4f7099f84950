/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot files: the JSON of one snapshot written atomically. */
#ifndef TWTOP_SNAPFILE_H
#define TWTOP_SNAPFILE_H

#include <stddef.h>
#include <time.h>

#include "twtop/json.h"
#include "twtop/snapshot.h"

/* "twtop-YYYYMMDD-HHMMSS.json" in local time, with "-N" before ".json"
 * when n > 0. Returns 0, or -1 if buf is too small. */
int snapfile_name(time_t t, unsigned int n, char *buf, size_t len);

/*
 * Writes s as JSON (jo; history included when jo->history) into dir ("" or
 * NULL = the current directory) under snapfile_name(when, ...), never
 * replacing an existing file: syncfile_write (0644, fsync of the file and
 * of dir), placed without overwrite. The final path goes to path. Returns
 * 0, or -1 with "dir: reason" in err; no temporary file is left behind.
 */
int snapfile_write(const char *dir, const struct snapshot *s,
		   const struct json_opts *jo, time_t when,
		   char *path, size_t pathlen, char *err, size_t errlen);

#endif
