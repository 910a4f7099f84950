/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small strict JSON reader (RFC 8259): text in, a tree out. */
#ifndef TWTOP_JSONREAD_H
#define TWTOP_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

struct jr_member;

/* One value of the tree; line and col (1-based, col in bytes) say where
 * it starts in the text, for messages. */
struct jr_value {
	enum jr_type type;
	uint32_t line, col;
	union {
		bool b;				/* JR_BOOL */
		struct {			/* JR_NUMBER */
			double d;		/* the value, as strtod reads it */
			bool is_int;		/* no fraction, no exponent */
			bool fits_i;		/* is_int and fits i */
			bool fits_u;		/* is_int, >= 0 and fits u */
			long long i;
			unsigned long long u;
		} num;
		struct {			/* JR_STRING: UTF-8, NUL-ended */
			const char *s;
			size_t len;
		} str;
		struct {			/* JR_ARRAY */
			const struct jr_value *v;
			size_t n;
		} arr;
		struct {			/* JR_OBJECT, members in order */
			const struct jr_member *m;
			size_t n;
		} obj;
	} u;
};

struct jr_member {
	const char *key;
	struct jr_value val;
};

/* Bounds on one value; 0 in a field means the default. */
struct jr_limits {
	uint32_t max_depth;	/* nesting, default 64 */
	size_t max_bytes;	/* text of the value, default 64 MiB */
	size_t max_nodes;	/* values in the tree, default 4 Mi */
};

/* A place in the text: byte offset and its line and column (1-based). */
struct jr_pos {
	size_t off;
	uint32_t line, col;
};

/* Why parsing failed: where, "expected X" (or another short problem),
 * and whether it was the end of the text that came too early. */
struct jr_error {
	uint32_t line, col;
	bool eof;
	char msg[96];
};

struct jr_doc;

/* The start of a text: offset 0, line 1, column 1. */
void jr_pos_init(struct jr_pos *pos);

/* Skips JSON whitespace at *pos; false when only whitespace was left. */
bool jr_skip_space(const char *text, size_t len, struct jr_pos *pos);

/*
 * Parses the one JSON value at *pos (whitespace before it is skipped)
 * and advances *pos just past it; what follows is not looked at, so a
 * stream of values (JSON Lines) is read by calling it again. NULL with
 * err filled on a syntax error or when a limit is passed (lim may be
 * NULL for the defaults).
 */
struct jr_doc *jr_parse_next(const char *text, size_t len,
			     struct jr_pos *pos, const struct jr_limits *lim,
			     struct jr_error *err);

/* Parses text as exactly one JSON value with only whitespace around. */
struct jr_doc *jr_parse(const char *text, size_t len,
			const struct jr_limits *lim, struct jr_error *err);

const struct jr_value *jr_root(const struct jr_doc *d);
void jr_free(struct jr_doc *d);

/* The first member named key of an object; NULL when v is not an object
 * or has no such member. */
const struct jr_value *jr_get(const struct jr_value *v, const char *key);

/* "line L, column C: expected X" into buf; returns buf. */
const char *jr_error_text(const struct jr_error *err, char *buf,
			  size_t len);

#endif
