/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printable copies of text that came from outside (files, the network),
 * safe to put on a terminal or in an error message. */
#ifndef TWTOP_PRINTABLE_H
#define TWTOP_PRINTABLE_H

#include <stddef.h>

/*
 * Writes into buf (size bytes, NUL-ended when size > 0) a copy of the
 * len bytes at s in which valid UTF-8 stays as it is, except C0 and C1
 * controls, DEL, bidi overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069, U+061C) and zero-width or invisible format characters
 * (U+200B-U+200F, U+2028-U+2029, U+2060-U+2064, U+FEFF), which become
 * "\x1b" (ASCII) or "\u202e"; each byte of invalid UTF-8 becomes "\xff".
 * A copy too long is cut before the first escape or character that does
 * not fit whole. Returns buf. Applying it twice changes nothing.
 */
char *printable_escape(char *buf, size_t size, const char *s, size_t len);

/* printable_escape() of the NUL-ended string s. */
char *printable_str(char *buf, size_t size, const char *s);

#endif
