/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON output: a small streaming writer and the snapshot schema. */
#ifndef TWTOP_JSON_H
#define TWTOP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "twtop/snapshot.h"

/*
 * The "format" written. It changes only when a member changes meaning or
 * goes away (README.md, "JSON schema"); added members keep it, and
 * readers take members a file lacks as absent or 0.
 * Format 2: a group's "available" is free + reusable (connect() may take
 * over the group's own TIME_WAIT under tcp_tw_reuse; format 1 counted
 * free ports only), "sockets" leaves bound-inactive sockets out (as ss
 * does; format 1 counted them), a local port's "side" follows "server"
 * (listening now, within 60 s, or inferred; format 1: listening now),
 * and rates ("new_per_s") are measured from TIME_WAIT ages per row, per
 * filter, instead of TcpExtTW shared out. Replay reads formats 1 and 2.
 */
#define JSON_FORMAT	2

struct jw {
	FILE *f;
	bool pretty;
	int depth;
	bool first[32];		/* per nesting level: no member written yet */
	bool after_key;
};

void jw_init(struct jw *w, FILE *f, bool pretty);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);	/* NULL writes null */
void jw_int(struct jw *w, long long v);
void jw_uint(struct jw *w, unsigned long long v);
void jw_double(struct jw *w, double v);	/* non-finite writes null */

/*
 * Formats a finite v with the fewest of 15..17 significant digits that
 * read back exactly, with the '.' JSON and Prometheus require whatever
 * the locale (a UI may have called setlocale).
 */
void json_format_double(double v, char *buf, size_t len);

/*
 * Length of the well-formed UTF-8 sequence at p (n bytes left), or 0 when
 * it is not one: stray continuation bytes, overlong forms, surrogates and
 * code points past U+10FFFF are all rejected (RFC 3629).
 */
size_t json_utf8_len(const unsigned char *p, size_t n);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);

struct json_opts {
	uint32_t top;		/* length of each top list */
	bool pretty;		/* indented (--once) or one line (streams) */
	bool history;		/* include "history" (snapshot files) */
	const char *version;	/* twtop version string */
	/* Called before the object closes to add members (the dashboard's
	 * "markers" and "phases"), or NULL. */
	void (*extra)(struct jw *w, const struct snapshot *s,
		      const void *arg);
	const void *extra_arg;
};

/* One destination group as an object (the members of "ephemeral"
 * "groups"). */
void json_group(struct jw *w, const struct snap_group *g);

/* Writes one snapshot as a JSON object (schema in README.md), followed by
 * a newline. Returns 0, or -1 if the stream reports an error. */
int json_snapshot(FILE *f, const struct snapshot *s,
		  const struct json_opts *o);

#endif
