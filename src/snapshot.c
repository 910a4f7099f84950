/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot lifetime (reference counted) and lookups. */
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
