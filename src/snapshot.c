/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot lifetime (reference counted) and lookups. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/snapshot.h"
#include "twtop/xalloc.h"

struct snapshot *snap_new(void)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	s->refs = 1;
	return s;
}

struct snapshot *snap_ref(struct snapshot *s)
{
	if (s != NULL)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void snap_unref(struct snapshot *s)
{
	if (s == NULL)
		return;
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		free(s->focus);
		free(s);
	}
}

struct snapshot *snap_copy(const struct snapshot *f)
{
	struct snapshot *s = snap_new();
	size_t from = offsetof(struct snapshot, seq);

	/* all but refs, which other threads may be changing in f */
	_Static_assert(offsetof(struct snapshot, refs) == 0,
		       "refs comes first");
	memcpy((char *)s + from, (const char *)f + from, sizeof(*s) - from);
	if (f->focus != NULL) {
		s->focus = xmalloc(sizeof(*s->focus));
		memcpy(s->focus, f->focus, sizeof(*s->focus));
	}
	return s;
}

bool focus_req_equal(const struct focus_req *a, const struct focus_req *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case FOCUS_PEER:
		return addr_equal(&a->addr, &b->addr);
	case FOCUS_LPORT:
	case FOCUS_RPORT:
		return a->port == b->port;
	case FOCUS_PROC:
		return a->pid == b->pid;
	case FOCUS_CGROUP:
		return a->cgroup_id == b->cgroup_id;
	default:
		return true;
	}
}

const struct snap_sysctl *snap_sysctl(const struct snapshot *s,
				      const char *name)
{
	for (uint32_t i = 0; i < s->n_sysctls; i++)
		if (strcmp(s->sysctls[i].name, name) == 0)
			return &s->sysctls[i];
	return NULL;
}

const struct snap_counter *snap_counter(const struct snapshot *s,
					const char *name)
{
	for (uint32_t i = 0; i < s->n_counters; i++)
		if (strcmp(s->counters[i].name, name) == 0)
			return &s->counters[i];
	return NULL;
}

const struct snap_rate *snap_rate(const struct snapshot *s, const char *name)
{
	for (uint32_t i = 0; i < s->n_rates; i++)
		if (strcmp(s->rates[i].name, name) == 0)
			return &s->rates[i];
	return NULL;
}
