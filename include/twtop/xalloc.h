/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one out-of-memory policy: allocation failure ends the process with a
 * message (tmux's xmalloc). Everything else a user can cause is an error
 * the caller reports. */
#ifndef TWTOP_XALLOC_H
#define TWTOP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
/* n * size, checked for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
