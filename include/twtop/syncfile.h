/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Filling a temporary file before it is renamed into place. */
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

#endif
