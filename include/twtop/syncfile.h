/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files twtop writes atomically and files others hand it. */
#ifndef TWTOP_SYNCFILE_H
#define TWTOP_SYNCFILE_H

#include <stdio.h>
#include <sys/types.h>

/*
 * Writes a file atomically, the one way twtop does it (snapshot files,
 * the Prometheus textfile): mkstemp(tmpl) (a path ending in "XXXXXX" in
 * the directory of the final file, rewritten to the name made), fchmod
 * to mode, write(f, arg) (< 0 on failure), flush, fsync, close, then
 * place(tmp, arg) moves the temporary file to its final name (a rename;
 * 0 or -1/errno), and the directory is fsynced so that the rename lasts.
 * A reader sees the old file or the new one, never a part. 0, or -1 with
 * errno (EIO when a stream error left none); on failure before the file
 * is placed, the temporary file is removed. A failure to sync the
 * directory leaves the file in place and still returns -1.
 */
int syncfile_write(char *tmpl, mode_t mode,
		   int (*write)(FILE *f, void *arg),
		   int (*place)(const char *tmp, void *arg), void *arg);

/*
 * Opens path for reading if it is a regular file: O_NONBLOCK so that a
 * FIFO cannot block the open (not even --help's), then fstat. NULL with
 * errno (EINVAL for a file that is not regular).
 */
FILE *syncfile_open_regular(const char *path);

#endif
