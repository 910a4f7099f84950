/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the replay module, shared by replay.c (files, records,
 * parsed by jansson), replay_snap.c (one JSON object back into a
 * snapshot), replay_get.c (typed member reads with "file:line: member:
 * expected X" errors) and replay_pool.c (the names kept). */
#ifndef TWTOP_REPLAY_PRIV_H
#define TWTOP_REPLAY_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "twtop/addr.h"
#include "twtop/snapshot.h"

struct replay;
struct replay_slot;
struct ui_markers;

/* Names a snapshot points to (sysctls, rates, advisory ids, evidence
 * keys): kept once each for the life of the replay, in a hash table
 * (zeroed: empty). lookups and probes (slots looked at) are counted for
 * the tests: probes stay a small multiple of lookups. */
struct replay_pool {
	struct replay_slot *slot;	/* cap slots, a power of two */
	size_t n, cap;
	uint64_t key[2];		/* the hash key, random */
	unsigned long long lookups, probes;
};

/* Returns the pool's copy of s, adding it when new: O(1) on average
 * whatever the names. */
const char *replay_intern(struct replay_pool *p, const char *s);
void replay_pool_free(struct replay_pool *p);

/* SipHash-2-4 of len bytes at data under key. */
uint64_t replay_hash(const uint64_t key[2], const void *data, size_t len);

/* The names r keeps (for tests). */
const struct replay_pool *replay_names(const struct replay *r);

/* One conversion: where messages point and the first error. */
struct replay_conv {
	const char *file;
	uint32_t line;		/* where the record starts */
	struct replay_pool *pool;
	unsigned int format;	/* the record's "format" (1 or 2 read) */
	char where[128];	/* member being read: "top_peers[2]" */
	char *err;
	size_t errlen;
	bool failed;
};

/*
 * Fills s (zeroed by the caller) and ms (when not NULL) from one twtop
 * JSON object: checks "format" and "twtop_version", then reads every
 * member the dashboard draws, markers included (checked also when ms is
 * NULL); members left out stay zero or absent. *has_history tells
 * whether it carried "history". 0, or -1 with "file:line: problem" in
 * c->err (the line the record starts on).
 */
int replay_snap_read(struct replay_conv *c, json_t *root,
		     struct snapshot *s, struct ui_markers *ms,
		     bool *has_history);

/*
 * Typed reads of one member of object o. Each does nothing once c has
 * failed; a member that is absent leaves the default (0, "", NULL, NAN)
 * unless it is required; a member of the wrong type fails with
 * "file:line: where.key: expected X", line the one the record starts on
 * (jansson keeps no places of values; where.key says which).
 */
void replay_fail(struct replay_conv *c, const char *key, const char *fmt,
		 ...)
	__attribute__((format(printf, 3, 4)));
json_t *replay_member(struct replay_conv *c, json_t *o, const char *key);
unsigned long long replay_uint(struct replay_conv *c, json_t *o,
			       const char *key, unsigned long long max);
uint32_t replay_u32(struct replay_conv *c, json_t *o, const char *key);
uint16_t replay_u16(struct replay_conv *c, json_t *o, const char *key);
/* An integer or null: true and *out for an integer. */
bool replay_i64(struct replay_conv *c, json_t *o, const char *key,
		long long *out);
bool replay_i64_value(struct replay_conv *c, json_t *v, const char *key,
		      long long *out);
/* A number or null: true and *out for a number; *out = NAN for null
 * (and for a null value v), left alone when the member is absent. */
bool replay_num(struct replay_conv *c, json_t *o, const char *key,
		double *out);
bool replay_num_value(struct replay_conv *c, json_t *v, const char *key,
		      double *out);
bool replay_bool(struct replay_conv *c, json_t *o, const char *key);
/* A measured rate: a number, or -1 for null, absent or negative (the
 * snapshot's "unknown"). */
double replay_rate(struct replay_conv *c, json_t *o, const char *key);
/* A string, or null (""); cut to len - 1 bytes. */
void replay_str(struct replay_conv *c, json_t *o, const char *key,
		char *buf, size_t len, bool required);
/* An object, or null (NULL). */
json_t *replay_obj(struct replay_conv *c, json_t *o, const char *key,
		   bool required);
/* An array of at most max entries. */
json_t *replay_arr(struct replay_conv *c, json_t *o, const char *key,
		   size_t max);
/* A string kept in the pool, NULL for null or absent. */
const char *replay_name(struct replay_conv *c, json_t *o, const char *key);
/* An array of at most n integers from 0 to UINT32_MAX into out; false,
 * out untouched, when the member is absent. */
bool replay_u32_array(struct replay_conv *c, json_t *o, const char *key,
		      uint32_t *out, size_t n);
/* An address as inet_ntop writes it ("?" for none). */
void replay_addr(struct replay_conv *c, json_t *o, const char *key,
		 struct tw_addr *a, bool required);

/* "time" (required: "2026-11-21T10:00:00.123Z") and "unix_time" of
 * root into ts, the nanoseconds as the writer had them. */
void replay_when(struct replay_conv *c, json_t *root, struct timespec *ts);

/* Appends ".name" to c->where; returns the length to go back to. */
size_t replay_enter(struct replay_conv *c, const char *name);
void replay_leave(struct replay_conv *c, size_t at);
/* Entry i of array member key, which must be an object, with "key[i]"
 * appended to c->where (*at to go back to). */
json_t *replay_entry(struct replay_conv *c, json_t *arr, const char *key,
		     size_t i, size_t *at);

/* replay_closers.c: who closes ("closers", "connect_errors" and the
 * rest), one group's "connect_failures", and a drill-down's. */
void replay_snap_closers(struct replay_conv *c, json_t *root,
			 struct snapshot *s);
void replay_group_failures(struct replay_conv *c, json_t *e,
			   struct snap_group *g);
/* A drill-down's "closers" (null or absent: not present) into
 * f->closers; a process drill-down's "process", "destinations" and
 * "connect_errors" with their totals. o is the "focus" object. */
void replay_focus_closers(struct replay_conv *c, json_t *o,
			  struct snap_focus *f);
void replay_focus_process(struct replay_conv *c, json_t *o,
			  struct snap_focus *f);

#endif
