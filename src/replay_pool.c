/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The replay's names (sysctls, rates, advisory ids, evidence keys), kept
 * once each in a hash table: an open-addressing table with linear
 * probing, hashed by SipHash-2-4 under a random key per pool, so that a
 * file cannot be made of names that collide on purpose. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "twtop/xalloc.h"
#include "replay_priv.h"

#define POOL_MIN_CAP 64

/* One slot: a name (NULL: empty) and its hash. */
struct replay_slot {
	char *s;
	uint64_t h;
};

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound on the state v. */
static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

/* One message word: b (n <= 8 bytes) as a little-endian integer. */
static uint64_t sip_word(const unsigned char *b, size_t n)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)b[i] << (8 * i);
	return m;
}

uint64_t replay_hash(const uint64_t key[2], const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t v[4] = {
		key[0] ^ 0x736f6d6570736575ULL, key[1] ^ 0x646f72616e646f6dULL,
		key[0] ^ 0x6c7967656e657261ULL, key[1] ^ 0x7465646279746573ULL,
	};
	uint64_t m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = sip_word(in + i, 8);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	m = sip_word(in + i, len - i) | (uint64_t)len << 56;
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* A random key for p: getrandom, or when the kernel cannot give one
 * without blocking, the clock, the process id and an address mixed. */
static void pool_seed(struct replay_pool *p)
{
	static const uint64_t mix[2] = { 0x9e3779b97f4a7c15ULL,
					 0xc2b2ae3d27d4eb4fULL };
	struct timespec ts;
	uint64_t fb[4];

	if (getrandom(p->key, sizeof(p->key), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(p->key))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fb[0] = (uint64_t)ts.tv_sec;
	fb[1] = (uint64_t)ts.tv_nsec;
	fb[2] = (uint64_t)getpid();
	fb[3] = (uint64_t)(uintptr_t)p;
	p->key[0] = replay_hash(mix, fb, sizeof(fb));
	fb[3] ^= p->key[0];
	p->key[1] = replay_hash(mix, fb, sizeof(fb));
}

/* The slot of hash h and name s: where it is, or the empty slot where
 * it goes. */
static struct replay_slot *pool_find(struct replay_pool *p, const char *s,
				     uint64_t h)
{
	size_t mask = p->cap - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct replay_slot *e = &p->slot[i];

		p->probes++;
		if (!e->s || (e->h == h && strcmp(e->s, s) == 0))
			return e;
	}
}

/* Doubles the table (or makes the first one), keeping every name. */
static void pool_grow(struct replay_pool *p)
{
	struct replay_slot *old = p->slot;
	size_t n = p->cap;

	p->cap = n ? n * 2 : POOL_MIN_CAP;
	p->slot = xcalloc(p->cap, sizeof(*p->slot));
	for (size_t i = 0; i < n; i++) {
		size_t mask = p->cap - 1, k = (size_t)old[i].h & mask;

		if (!old[i].s)
			continue;
		while (p->slot[k].s)
			k = (k + 1) & mask;
		p->slot[k] = old[i];
	}
	free(old);
}

const char *replay_intern(struct replay_pool *p, const char *s)
{
	size_t n = strlen(s);
	struct replay_slot *e;
	uint64_t h;

	if (p->cap == 0)
		pool_seed(p);
	/* at most half full: a lookup looks at 2.5 slots on average */
	if ((p->n + 1) * 2 > p->cap)
		pool_grow(p);
	h = replay_hash(p->key, s, n);
	p->lookups++;
	e = pool_find(p, s, h);
	if (!e->s) {
		e->s = memcpy(xcalloc(1, n + 1), s, n);
		e->h = h;
		p->n++;
	}
	return e->s;
}

void replay_pool_free(struct replay_pool *p)
{
	for (size_t i = 0; i < p->cap; i++)
		free(p->slot[i].s);
	free(p->slot);
	memset(p, 0, sizeof(*p));
}
