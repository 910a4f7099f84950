// SPDX-License-Identifier: GPL-2.0-or-later
/* The closers module's hash table (closers_priv.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "twtop/xalloc.h"
#include "closers_priv.h"

#define CTAB_CAP0 256

/* splitmix64's finaliser. */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* A secret seed: getrandom(2), else the time and pid. */
static uint64_t ctab_seed(void)
{
	uint64_t seed = 0;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(seed))
		return seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	return mix64(((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^
		     ((uint64_t)getpid() << 48));
}

/* Eight bytes at a time, mixed with the seed. */
static uint32_t ctab_hash(uint64_t seed, const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = seed ^ len, v;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		h = mix64(h ^ v);
	}
	v = 0;
	memcpy(&v, p, len);
	h = mix64(h ^ v ^ 0x9e3779b97f4a7c15ull);
	return (uint32_t)(h ^ (h >> 32));
}

void ctab_init(struct ctab *t, size_t esz, size_t ksz)
{
	memset(t, 0, sizeof(*t));
	t->esz = esz;
	t->ksz = ksz;
	t->seed = ctab_seed();
	t->cap = CTAB_CAP0;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->ents_cap = t->cap / 2;
	t->ents = xcalloc(t->ents_cap, esz);
}

void ctab_free(struct ctab *t)
{
	free(t->slots);
	free(t->ents);
	memset(t, 0, sizeof(*t));
}

void ctab_clear(struct ctab *t)
{
	memset(t->slots, 0, t->cap * sizeof(*t->slots));
	t->n = 0;
}

void *ctab_ent(const struct ctab *t, uint32_t i)
{
	return t->ents + (size_t)i * t->esz;
}

/* Doubles the slots and re-inserts every entry. */
static void ctab_grow(struct ctab *t)
{
	uint32_t cap = t->cap * 2;

	free(t->slots);
	t->slots = xcalloc(cap, sizeof(*t->slots));
	t->cap = cap;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h = ctab_hash(t->seed, ctab_ent(t, i), t->ksz) &
			     (cap - 1);

		while (t->slots[h])
			h = (h + 1) & (cap - 1);
		t->slots[h] = i + 1;
	}
	if (t->ents_cap < cap / 2) {
		t->ents = xreallocarray(t->ents, cap / 2, t->esz);
		t->ents_cap = cap / 2;
	}
}

/* The slot of key: its entry's, or the empty one it would take. */
static uint32_t ctab_slot(const struct ctab *t, const void *key)
{
	uint32_t h = ctab_hash(t->seed, key, t->ksz) & (t->cap - 1);

	while (t->slots[h] &&
	       memcmp(ctab_ent(t, t->slots[h] - 1), key, t->ksz) != 0)
		h = (h + 1) & (t->cap - 1);
	return h;
}

void *ctab_find(const struct ctab *t, const void *key)
{
	uint32_t h = ctab_slot(t, key);

	return t->slots[h] ? ctab_ent(t, t->slots[h] - 1) : NULL;
}

void *ctab_get(struct ctab *t, const void *key, bool *added)
{
	uint32_t h = ctab_slot(t, key);
	void *e;

	*added = false;
	if (t->slots[h])
		return ctab_ent(t, t->slots[h] - 1);
	if ((t->n + 1) * 2 > t->cap) {
		ctab_grow(t);
		h = ctab_slot(t, key);
	}
	e = ctab_ent(t, t->n);
	memset(e, 0, t->esz);
	memcpy(e, key, t->ksz);
	t->slots[h] = ++t->n;
	*added = true;
	return e;
}
