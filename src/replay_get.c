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

void replay_fail(struct replay_conv *c, const struct jr_value *v,
		 const char *key, const char *fmt, ...)
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
		 v ? v->line : 1, c->where, c->where[0] && key ? "." : "",
		 key ? key : "", c->where[0] || key ? ": " : "", what);
	/* keys and values are the file's: no terminal controls out */
	printable_str(c->err, c->errlen, msg);
}

const struct jr_value *replay_member(struct replay_conv *c,
				     const struct jr_value *o,
				     const char *key)
{
	return c->failed ? NULL : jr_get(o, key);
}

/* The member, or NULL; fails when it is required and absent (or null,
 * when null is not allowed either). */
static const struct jr_value *get(struct replay_conv *c,
				  const struct jr_value *o, const char *key,
				  bool required, bool null_ok)
{
	const struct jr_value *v = replay_member(c, o, key);

	if (!v && required && !c->failed)
		replay_fail(c, o, NULL, "missing \"%s\"", key);
	if (v && v->type == JR_NULL && !null_ok)
		return v;	/* the caller's type check reports it */
	return v && v->type == JR_NULL ? NULL : v;
}

unsigned long long replay_uint(struct replay_conv *c,
			       const struct jr_value *o, const char *key,
			       unsigned long long max)
{
	const struct jr_value *v = get(c, o, key, false, false);

	if (!v)
		return 0;
	if (v->type != JR_NUMBER || !v->u.num.fits_u || v->u.num.u > max) {
		replay_fail(c, v, key, "expected an integer from 0 to %llu",
			    max);
		return 0;
	}
	return v->u.num.u;
}

uint32_t replay_u32(struct replay_conv *c, const struct jr_value *o,
		    const char *key)
{
	return (uint32_t)replay_uint(c, o, key, UINT32_MAX);
}

uint16_t replay_u16(struct replay_conv *c, const struct jr_value *o,
		    const char *key)
{
	return (uint16_t)replay_uint(c, o, key, UINT16_MAX);
}

bool replay_i64_value(struct replay_conv *c, const struct jr_value *v,
		      const char *key, long long *out)
{
	*out = 0;
	if (c->failed || v->type == JR_NULL)
		return false;
	if (v->type != JR_NUMBER || !v->u.num.fits_i) {
		replay_fail(c, v, key, "expected an integer or null");
		return false;
	}
	*out = v->u.num.i;
	return true;
}

bool replay_i64(struct replay_conv *c, const struct jr_value *o,
		const char *key, long long *out)
{
	const struct jr_value *v = replay_member(c, o, key);

	*out = 0;
	return v ? replay_i64_value(c, v, key, out) : false;
}

bool replay_num_value(struct replay_conv *c, const struct jr_value *v,
		      const char *key, double *out)
{
	*out = NAN;
	if (c->failed || v->type == JR_NULL)
		return false;
	if (v->type != JR_NUMBER) {
		replay_fail(c, v, key, "expected a number or null");
		return false;
	}
	*out = v->u.num.d;
	return true;
}

bool replay_num(struct replay_conv *c, const struct jr_value *o,
		const char *key, double *out)
{
	const struct jr_value *v = replay_member(c, o, key);

	return v ? replay_num_value(c, v, key, out) : false;
}

double replay_rate(struct replay_conv *c, const struct jr_value *o,
		   const char *key)
{
	double v = -1;

	if (!replay_num(c, o, key, &v) || !(v >= 0))
		return -1;
	return v;
}

bool replay_bool(struct replay_conv *c, const struct jr_value *o,
		 const char *key)
{
	const struct jr_value *v = get(c, o, key, false, false);

	if (v && v->type != JR_BOOL)
		replay_fail(c, v, key, "expected true or false");
	return v && v->type == JR_BOOL && v->u.b;
}

void replay_str(struct replay_conv *c, const struct jr_value *o,
		const char *key, char *buf, size_t len, bool required)
{
	const struct jr_value *v = get(c, o, key, required, !required);

	buf[0] = '\0';
	if (!v)
		return;
	if (v->type != JR_STRING) {
		replay_fail(c, v, key, required ? "expected a string" :
			    "expected a string or null");
		return;
	}
	snprintf(buf, len, "%s", v->u.str.s);
}

const char *replay_name(struct replay_conv *c, const struct jr_value *o,
			const char *key)
{
	const struct jr_value *v = get(c, o, key, false, true);

	if (!v)
		return NULL;
	if (v->type != JR_STRING) {
		replay_fail(c, v, key, "expected a string or null");
		return NULL;
	}
	return replay_intern(c->pool, v->u.str.s);
}

bool replay_u32_array(struct replay_conv *c, const struct jr_value *o,
		      const char *key, uint32_t *out, size_t n)
{
	const struct jr_value *arr = replay_arr(c, o, key, n);

	if (!arr)
		return false;
	for (size_t i = 0; i < arr->u.arr.n && !c->failed; i++) {
		const struct jr_value *v = &arr->u.arr.v[i];

		if (v->type != JR_NUMBER || !v->u.num.fits_u ||
		    v->u.num.u > UINT32_MAX)
			replay_fail(c, v, key, "expected integers from 0 to "
				    "%lu", (unsigned long)UINT32_MAX);
		else
			out[i] = (uint32_t)v->u.num.u;
	}
	return true;
}

const struct jr_value *replay_obj(struct replay_conv *c,
				  const struct jr_value *o, const char *key,
				  bool required)
{
	const struct jr_value *v = get(c, o, key, required, !required);

	if (v && v->type != JR_OBJECT) {
		replay_fail(c, v, key, required ? "expected an object" :
			    "expected an object or null");
		return NULL;
	}
	return v;
}

const struct jr_value *replay_arr(struct replay_conv *c,
				  const struct jr_value *o, const char *key,
				  size_t max)
{
	const struct jr_value *v = get(c, o, key, false, false);

	if (v && v->type != JR_ARRAY) {
		replay_fail(c, v, key, "expected an array");
		return NULL;
	}
	if (v && v->u.arr.n > max) {
		replay_fail(c, v, key, "expected at most %zu entries", max);
		return NULL;
	}
	return v;
}

void replay_addr(struct replay_conv *c, const struct jr_value *o,
		 const char *key, struct tw_addr *a, bool required)
{
	const struct jr_value *v = get(c, o, key, required, false);

	memset(a, 0, sizeof(*a));
	if (!v || (v->type == JR_STRING && strcmp(v->u.str.s, "?") == 0))
		return;
	/* inet_pton, not addr_parse: a mapped address stays as written */
	if (v->type == JR_STRING &&
	    inet_pton(AF_INET, v->u.str.s, a->bytes) == 1)
		a->family = AF_INET;
	else if (v->type == JR_STRING &&
		 inet_pton(AF_INET6, v->u.str.s, a->bytes) == 1)
		a->family = AF_INET6;
	else
		replay_fail(c, v, key, "expected an IPv4 or IPv6 address");
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

void replay_when(struct replay_conv *c, const struct jr_value *root,
		 struct timespec *ts)
{
	const struct jr_value *t = replay_member(c, root, "time");
	struct tm tm = { 0 };
	int n = 0, ms = 0;
	double u;

	if (!t && !c->failed)
		replay_fail(c, root, NULL, "missing \"time\"");
	if (!t || c->failed)
		return;
	if (t->type != JR_STRING ||
	    sscanf(t->u.str.s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year,
		   &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &n) != 6 ||
	    (strcmp(t->u.str.s + n, "Z") != 0 &&
	     (sscanf(t->u.str.s + n, ".%3dZ", &ms) != 1 ||
	      strlen(t->u.str.s + n) != 5 || ms < 0))) {
		replay_fail(c, t, "time", "expected UTC as "
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

const struct jr_value *replay_entry(struct replay_conv *c,
				    const struct jr_value *arr,
				    const char *key, size_t i, size_t *at)
{
	const struct jr_value *e = &arr->u.arr.v[i];
	char idx[64];

	snprintf(idx, sizeof(idx), "%s[%zu]", key, i);
	*at = replay_enter(c, idx);
	if (e->type != JR_OBJECT)
		replay_fail(c, e, NULL, "expected an object");
	return e;
}
