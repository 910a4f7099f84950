/* Typed reads of JSON members for the replay, with messages that say
 * where: "file:line: top_peers[2].time_wait: expected X". */
#include <arpa/inet.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "replay_priv.h"

void replay_fail(struct replay_conv *c, const struct jr_value *v,
		 const char *key, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%u: %s%s%s%s%s", c->file,
		 v ? v->line : 1, c->where, c->where[0] && key ? "." : "",
		 key ? key : "", c->where[0] || key ? ": " : "", what);
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
