/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed reads of JSON members for the replay, with messages that say
 * where: "file:line: top_peers[2].time_wait: expected X". */
#include <arpa/inet.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "replay_priv.h"
#include "twtop/printable.h"

void replay_fail(struct replay_conv *c, const char *key, const char *fmt, ...)
{
	char what[256], msg[PATH_MAX + 512];
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%u: %s%s%s%s%s", c->file,
		 c->line, c->where, c->where[0] && key ? "." : "",
		 key ? key : "", c->where[0] || key ? ": " : "", what);
	/* keys and values are the file's: no terminal controls out */
	printable_str(c->err, c->errlen, msg);
}

json_t *replay_member(struct replay_conv *c, json_t *o, const char *key)
{
	return c->failed ? NULL : json_object_get(o, key);
}

/* The member, or NULL; fails when it is required and absent (or null,
 * when null is not allowed either). */
static json_t *get(struct replay_conv *c, json_t *o, const char *key,
		   bool required, bool null_ok)
{
	json_t *v = replay_member(c, o, key);

	if (!v && required && !c->failed)
		replay_fail(c, NULL, "missing \"%s\"", key);
	if (json_is_null(v) && !null_ok)
		return v;	/* the caller's type check reports it */
	return json_is_null(v) ? NULL : v;
}

/* Whether v is an integer from 0 to max; its value into *out. */
static bool get_uint(json_t *v, unsigned long long max, unsigned long long *out)
{
	json_int_t i = json_integer_value(v);

	if (!json_is_integer(v) || i < 0 || (unsigned long long)i > max)
		return false;
	*out = (unsigned long long)i;
	return true;
}

/* jansson reads integers as json_int_t (long long): a larger one fails
 * as "too big integer" when parsed, before any member is read. */
unsigned long long replay_uint(struct replay_conv *c, json_t *o,
			       const char *key, unsigned long long max)
{
	json_t *v = get(c, o, key, false, false);
	unsigned long long u, top = max < LLONG_MAX ? max : LLONG_MAX;

	if (!v)
		return 0;
	if (!get_uint(v, max, &u)) {
		replay_fail(c, key, "expected an integer from 0 to %llu", top);
		return 0;
	}
	return u;
}

uint32_t replay_u32(struct replay_conv *c, json_t *o, const char *key)
{
	return (uint32_t)replay_uint(c, o, key, UINT32_MAX);
}

uint16_t replay_u16(struct replay_conv *c, json_t *o, const char *key)
{
	return (uint16_t)replay_uint(c, o, key, UINT16_MAX);
}

bool replay_i64_value(struct replay_conv *c, json_t *v, const char *key,
		      long long *out)
{
	*out = 0;
	if (c->failed || json_is_null(v))
		return false;
	if (!json_is_integer(v)) {
		replay_fail(c, key, "expected an integer or null");
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

bool replay_i64(struct replay_conv *c, json_t *o, const char *key,
		long long *out)
{
	json_t *v = replay_member(c, o, key);

	*out = 0;
	return v ? replay_i64_value(c, v, key, out) : false;
}

bool replay_num_value(struct replay_conv *c, json_t *v, const char *key,
		      double *out)
{
	*out = NAN;
	if (c->failed || json_is_null(v))
		return false;
	if (!json_is_number(v)) {
		replay_fail(c, key, "expected a number or null");
		return false;
	}
	*out = json_number_value(v);
	return true;
}

bool replay_num(struct replay_conv *c, json_t *o, const char *key, double *out)
{
	json_t *v = replay_member(c, o, key);

	return v ? replay_num_value(c, v, key, out) : false;
}

double replay_rate(struct replay_conv *c, json_t *o, const char *key)
{
	double v = -1;

	if (!replay_num(c, o, key, &v) || !(v >= 0))
		return -1;
	return v;
}

bool replay_bool(struct replay_conv *c, json_t *o, const char *key)
{
	json_t *v = get(c, o, key, false, false);

	if (v && !json_is_boolean(v))
		replay_fail(c, key, "expected true or false");
	return json_is_true(v);
}

void replay_str(struct replay_conv *c, json_t *o, const char *key, char *buf,
		size_t len, bool required)
{
	json_t *v = get(c, o, key, required, !required);

	buf[0] = '\0';
	if (!v)
		return;
	if (!json_is_string(v)) {
		replay_fail(c, key, required ? "expected a string" :
			    "expected a string or null");
		return;
	}
	snprintf(buf, len, "%s", json_string_value(v));
}

const char *replay_name(struct replay_conv *c, json_t *o, const char *key)
{
	json_t *v = get(c, o, key, false, true);

	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		replay_fail(c, key, "expected a string or null");
		return NULL;
	}
	return replay_intern(c->pool, json_string_value(v));
}

bool replay_u32_array(struct replay_conv *c, json_t *o, const char *key,
		      uint32_t *out, size_t n)
{
	json_t *arr = replay_arr(c, o, key, n);
	unsigned long long u;

	if (!arr)
		return false;
	for (size_t i = 0; i < json_array_size(arr) && !c->failed; i++) {
		if (!get_uint(json_array_get(arr, i), UINT32_MAX, &u))
			replay_fail(c, key, "expected integers from 0 to %lu",
				    (unsigned long)UINT32_MAX);
		else
			out[i] = (uint32_t)u;
	}
	return true;
}

json_t *replay_obj(struct replay_conv *c, json_t *o, const char *key,
		   bool required)
{
	json_t *v = get(c, o, key, required, !required);

	if (v && !json_is_object(v)) {
		replay_fail(c, key, required ? "expected an object" :
			    "expected an object or null");
		return NULL;
	}
	return v;
}

json_t *replay_arr(struct replay_conv *c, json_t *o, const char *key,
		   size_t max)
{
	json_t *v = get(c, o, key, false, false);

	if (v && !json_is_array(v)) {
		replay_fail(c, key, "expected an array");
		return NULL;
	}
	if (v && json_array_size(v) > max) {
		replay_fail(c, key, "expected at most %zu entries", max);
		return NULL;
	}
	return v;
}

void replay_addr(struct replay_conv *c, json_t *o, const char *key,
		 struct tw_addr *a, bool required)
{
	json_t *v = get(c, o, key, required, false);
	const char *s = json_string_value(v);

	memset(a, 0, sizeof(*a));
	if (!v || (s && strcmp(s, "?") == 0))
		return;
	/* inet_pton, not addr_parse: a mapped address stays as written */
	if (s && inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (s && inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
	else
		replay_fail(c, key, "expected an IPv4 or IPv6 address");
}

/* The nanoseconds within millisecond ms of second sec for which json.c's
 * (double)sec + nsec / 1e9 is u, so both "time" and "unix_time" come out
 * as they were written. */
static long when_nsec(time_t sec, long ms, double u)
{
	long lo = ms * 1000000, hi = lo + 999999, n0;
	double guess = (u - (double)sec) * 1e9;

	n0 = guess <= lo ? lo : guess >= hi ? hi : (long)llround(guess);
	for (long d = 0; d <= 4096; d++) {
		if (n0 + d <= hi && (double)sec + (n0 + d) / 1e9 == u)
			return n0 + d;
		if (n0 - d >= lo && (double)sec + (n0 - d) / 1e9 == u)
			return n0 - d;
	}
	return n0;
}

void replay_when(struct replay_conv *c, json_t *root, struct timespec *ts)
{
	json_t *t = replay_member(c, root, "time");
	const char *s = json_string_value(t);
	struct tm tm = { 0 };
	int n = 0, ms = 0;
	double u;

	if (!t && !c->failed)
		replay_fail(c, NULL, "missing \"time\"");
	if (!t || c->failed)
		return;
	if (!s ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
		   &n) != 6 ||
	    (strcmp(s + n, "Z") != 0 &&
	     (sscanf(s + n, ".%3dZ", &ms) != 1 || strlen(s + n) != 5 ||
	      ms < 0))) {
		replay_fail(c, "time", "expected UTC as "
			    "\"2026-11-21T10:00:00.123Z\"");
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	ts->tv_sec = timegm(&tm);
	ts->tv_nsec = ms * 1000000L;
	if (replay_num(c, root, "unix_time", &u) && isfinite(u))
		ts->tv_nsec = when_nsec(ts->tv_sec, ms, u);
}

size_t replay_enter(struct replay_conv *c, const char *name)
{
	size_t at = strlen(c->where);

	snprintf(c->where + at, sizeof(c->where) - at, "%s%s",
		 at && name[0] != '[' ? "." : "", name);
	return at;
}

void replay_leave(struct replay_conv *c, size_t at)
{
	c->where[at] = '\0';
}

json_t *replay_entry(struct replay_conv *c, json_t *arr, const char *key,
		     size_t i, size_t *at)
{
	json_t *e = json_array_get(arr, i);
	char idx[64];

	snprintf(idx, sizeof(idx), "%s[%zu]", key, i);
	*at = replay_enter(c, idx);
	if (!json_is_object(e))
		replay_fail(c, NULL, "expected an object");
	return e;
}
