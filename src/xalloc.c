// SPDX-License-Identifier: GPL-2.0-or-later
/* The one out-of-memory policy. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/xalloc.h"

/* "twtop: out of memory", or twload's name in twload. */
static void __attribute__((noreturn)) oom(void)
{
	fprintf(stderr, "%s: out of memory\n", program_invocation_short_name);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	size_t total;
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		oom();
	total = n * size;
	q = realloc(p, total > 0 ? total : 1);
	if (q == NULL)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}
