/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the libFuzzer harnesses: the entry point, input as text, and
 * the checks every parser's output must pass. A failed check aborts, which
 * libFuzzer reports as a crash with the input that caused it. */
#ifndef TWTOP_FUZZ_H
#define TWTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/printable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-ended copy of the input; the parsers stop at a NUL inside, as
 * they see files (the loaders refuse those). Free it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Reports a failed check, the text in printable form (never raw on the
 * terminal), and aborts. */
static inline void fuzz_fail(const char *what, const char *text)
{
	char buf[2048];

	fprintf(stderr, "fuzz check failed: %s: \"%s\"\n", what,
		text ? printable_str(buf, sizeof(buf), text) : "");
	abort();
}

/*
 * An error message for the user: not empty, NUL-ended within cap, starting
 * with prefix, and safe on a terminal (issue 10: no controls, bidi or
 * invisible characters, no invalid UTF-8), i.e. printable_escape() leaves
 * it as it is. The harnesses give err room enough that no message is cut.
 */
static inline void fuzz_check_message(const char *msg, size_t cap,
				      const char *prefix)
{
	char esc[4096];
	size_t n = strnlen(msg, cap);

	if (n == cap)
		fuzz_fail("error message not NUL-ended", NULL);
	if (n == 0)
		fuzz_fail("failure without an error message", NULL);
	if (n + 1 >= cap)
		fuzz_fail("error message fills its buffer (cut?)", msg);
	if (strncmp(msg, prefix, strlen(prefix)) != 0)
		fuzz_fail("error message without its prefix", msg);
	printable_escape(esc, sizeof(esc), msg, n);
	if (strcmp(esc, msg) != 0)
		fuzz_fail("error message not printable", msg);
}

#endif
