/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files twtop reads and writes: filling a temporary file before it is
 * renamed into place, and opening a file others hand us. */
#ifndef TWTOP_SYNCFILE_H
#define TWTOP_SYNCFILE_H

#include <stdio.h>

/*
 * Writes the open file fd through write(f, arg), which returns < 0 on
 * failure, then flushes and fsyncs it, so a rename that follows publishes
 * a whole file. 0, or -1 with errno set (EIO when a stream error left
 * none); fd is closed either way.
 */
int syncfile_fill(int fd, int (*write)(FILE *f, void *arg), void *arg);

/*
 * Opens path for reading if it is a regular file: O_NONBLOCK so that a
 * FIFO cannot block the open (not even --help's), then fstat. NULL with
 * errno (EINVAL for a file that is not regular).
 */
FILE *syncfile_open_regular(const char *path);

#endif
