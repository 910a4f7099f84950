/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Streaming aggregation: socket records in, counts and top lists out. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "twtop/agg.h"
#include "twtop/xalloc.h"
#include "agg_priv.h"

static void table_init(struct table *t, size_t esz, size_t ksz,
		       uint64_t seed)
{
	t->esz = esz;
	t->ksz = ksz;
	t->seed = seed;
	t->cap = 1024;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->ents_cap = t->cap / 2;
	t->ents = xcalloc(t->ents_cap, esz);
}

static void table_free(struct table *t)
{
	free(t->slots);
	free(t->ents);
}

static void table_clear(struct table *t)
{
	memset(t->slots, 0, t->cap * sizeof(*t->slots));
	t->n = 0;
}

/* splitmix64's finaliser: spreads a weak fallback seed over 64 bits. */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

uint64_t agg_seed(void)
{
	uint64_t seed = 0;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(seed))
		return seed;
	/* no entropy yet (early boot) or no getrandom: guessable only by
	 * someone who knows when and where twtop started */
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = mix64((uint64_t)ts.tv_sec * 1000000000ull +
		     (uint64_t)ts.tv_nsec);
	seed = mix64(seed ^ (uint64_t)getpid());
	return mix64(seed ^ (uint64_t)(uintptr_t)&ts);
}

void *agg_table_ent(const struct table *t, uint32_t i)
{
	return t->ents + (size_t)i * t->esz;
}

/* Doubles the slot array and re-inserts every entry. */
static void table_grow(struct table *t)
{
	uint32_t cap = t->cap * 2;

	free(t->slots);
	t->slots = xcalloc(cap, sizeof(*t->slots));
	t->cap = cap;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h = agg_hash(t->seed, agg_table_ent(t, i), t->ksz) &
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

void *agg_table_find(const struct table *t, const void *key)
{
	uint32_t h;

	if (t->cap == 0)
		return NULL;
	h = agg_hash(t->seed, key, t->ksz) & (t->cap - 1);
	while (t->slots[h]) {
		void *e = agg_table_ent(t, t->slots[h] - 1);

		if (memcmp(e, key, t->ksz) == 0)
			return e;
		h = (h + 1) & (t->cap - 1);
	}
	return NULL;
}

/* Finds the entry for key, adding a zeroed one if absent. Amortised:
 * tables keep their size between samples, so a steady host allocates
 * nothing. */
static void *table_get(struct table *t, const void *key)
{
	/* the two key sizes as constants, so hash and compare inline */
	bool peer = t->ksz == sizeof(struct tw_addr);
	uint32_t h = (peer ? agg_hash(t->seed, key, sizeof(struct tw_addr)) :
		      agg_hash(t->seed, key, sizeof(struct group_key))) &
		     (t->cap - 1);
	void *e;

	while (t->slots[h]) {
		e = agg_table_ent(t, t->slots[h] - 1);
		if (peer ? memcmp(e, key, sizeof(struct tw_addr)) == 0 :
			   memcmp(e, key, sizeof(struct group_key)) == 0)
			return e;
		h = (h + 1) & (t->cap - 1);
	}
	if ((t->n + 1) * 2 > t->cap) {
		table_grow(t);
		return table_get(t, key);
	}
	e = agg_table_ent(t, t->n);
	memset(e, 0, t->esz);
	memcpy(e, key, t->ksz);
	t->slots[h] = ++t->n;
	return e;
}

struct agg *agg_new(void)
{
	struct agg *a = xcalloc(1, sizeof(*a));
	uint64_t seed = agg_seed();

	table_init(&a->peers, sizeof(struct peer_ent), sizeof(struct tw_addr),
		   seed);
	table_init(&a->groups, sizeof(struct group_ent),
		   sizeof(struct group_key), seed);
	return a;
}

void agg_free(struct agg *a)
{
	if (a == NULL)
		return;
	table_free(&a->peers);
	table_free(&a->groups);
	free(a->fdet);
	free(a->flp);
	free(a->frp);
	free(a);
}

/* Zeroes the counters of the ports touched in the last sample. */
void agg_ports_clear(struct ports *p)
{
	for (uint32_t i = 0; i < p->n_touched; i++)
		memset(&p->n[p->touched[i]], 0, sizeof(p->n[0]));
	p->n_touched = 0;
	for (uint32_t i = 0; i < p->n_nw_touched; i++)
		memset(&p->nw[p->nw_touched[i]], 0, sizeof(p->nw[0]));
	p->n_nw_touched = 0;
}

void agg_ports_add(const struct agg *a, struct ports *p, uint16_t port,
		   const struct agg_tw *tw, bool server)
{
	if (p->n[port].total == 0)
		p->touched[p->n_touched++] = port;
	p->n[port].total++;
	p->n[port].srv += server;
	if (tw != NULL) {
		p->n[port].tw++;
		if (tw->age_ms < a->horizon_ms) {
			if (p->nw[port].young1 == 0)
				p->nw_touched[p->n_nw_touched++] = port;
			agg_new_add(a, &p->nw[port], tw);
		}
	}
}

void agg_begin(struct agg *a, const struct agg_params *p)
{
	memset(a->states, 0, sizeof(a->states));
	a->sockets = a->tw_server = a->tw_client = 0;
	a->tw_inferred = a->tw_eph = 0;
	memset(&a->nw, 0, sizeof(a->nw));
	memset(a->age, 0, sizeof(a->age));
	table_clear(&a->peers);
	table_clear(&a->groups);
	agg_ports_clear(&a->lp);
	agg_ports_clear(&a->rp);
	memset(a->listening, 0, sizeof(a->listening));
	memset(a->bound, 0, sizeof(a->bound));
	memset(a->bindheld, 0, sizeof(a->bindheld));
	memset(a->inferred, 0, sizeof(a->inferred));
	memset(a->inuse, 0, sizeof(a->inuse));
	if (p->reserved != NULL)
		memcpy(a->reserved, p->reserved, sizeof(a->reserved));
	else
		memset(a->reserved, 0, sizeof(a->reserved));
	if (p->remembered != NULL)
		memcpy(a->remembered, p->remembered, sizeof(a->remembered));
	else
		memset(a->remembered, 0, sizeof(a->remembered));
	a->p = *p;
	a->horizon_ms = 2 * (uint64_t)p->window_ms > AGG_LONG_MS ?
			(uint32_t)(2 * (uint64_t)p->window_ms > UINT32_MAX ?
				   UINT32_MAX : 2 * (uint64_t)p->window_ms) :
			AGG_LONG_MS;
	a->reuse_window_ms = p->reuse_delay_ms > 0 &&
			     p->reuse_delay_ms < p->window_ms ?
			     p->reuse_delay_ms : p->window_ms;
	a->p.reserved = a->reserved;
	a->p.remembered = a->remembered;
	a->low = p->low;
	a->high = p->high;
	a->focus.kind = FOCUS_NONE;
}

const uint8_t *agg_listening(const struct agg *a)
{
	return a->listening;
}

bool agg_port_busy(const struct agg *a, uint16_t port)
{
	return a->lp.n[port].total > 0;
}

unsigned int agg_state(const struct diag_sock *sk)
{
	unsigned int st = sk->state < TS_MAX ? sk->state : 0;

	/* Only the bind-table walk (state bit 13) returns sockets in CLOSE:
	 * bound, not listening or connected, and they hold their port. */
	return st == TS_CLOSE ? TS_BOUND_INACTIVE : st;
}

static int in_range(const struct agg *a, uint32_t port)
{
	return a->high != 0 && port >= a->low && port <= a->high;
}

/* Records a listening or bound socket: its port is a hole for connect(). */
static void agg_add_listener(struct agg *a, const struct diag_sock *sk,
			     unsigned int st)
{
	if (st == TS_LISTEN)
		BIT_SET(a->listening, sk->lport);
	else
		BIT_SET(a->bound, sk->lport);
	if (in_range(a, sk->lport))
		BIT_SET(a->inuse, sk->lport);
}

unsigned int agg_age_bucket(uint32_t expires_ms)
{
	unsigned int b = agg_tw_age(expires_ms) / SNAP_AGE_STEP_MS;

	return b < SNAP_AGE_BUCKETS ? b : SNAP_AGE_BUCKETS - 1;
}

bool agg_server_side(const struct agg *a, const struct diag_sock *sk,
		     int is_tw, bool *inferred)
{
	*inferred = false;
	if (BIT_GET(a->listening, sk->lport) ||
	    BIT_GET(a->remembered, sk->lport))
		return true;
	/* No memory of the last 60 s: a TIME_WAIT on a port outside the
	 * range whose peer used an ephemeral port was accepted here. */
	*inferred = a->p.infer_sides && is_tw && !in_range(a, sk->lport) &&
		    in_range(a, sk->rport);
	return *inferred;
}

bool agg_tw_server(const struct agg *a, const struct diag_sock *sk)
{
	bool inferred;

	return agg_server_side(a, sk, agg_state(sk) == TS_TIME_WAIT,
			       &inferred);
}

/* Counts a socket toward its destination group if it took an ephemeral
 * port: inside the range, not reserved, not a bind()/listen() port. */
static void agg_add_group(struct agg *a, const struct diag_sock *sk,
			  const struct agg_tw *tw)
{
	struct group_key key;
	struct group_ent *g;

	if (!in_range(a, sk->lport) || BIT_GET(a->reserved, sk->lport) ||
	    BIT_GET(a->listening, sk->lport) || BIT_GET(a->bound, sk->lport) ||
	    BIT_GET(a->remembered, sk->lport) || sk->bound_by_bind)
		return;
	memset(&key, 0, sizeof(key));
	key.local = sk->local;
	key.remote = sk->remote;
	key.rport = sk->rport;
	g = table_get(&a->groups, &key);
	g->used++;
	/* new connections: the sysctl as it is now */
	if (!g->reuse)
		g->reuse = a->p.timestamps &&
			   agg_reuse_tuple(&a->p, &sk->local, &sk->remote,
					   sk->ifindex);
	if (tw != NULL) {
		unsigned int sec = sk->expires / 1000;
		uint16_t *e = &g->tw_exp_s[sec < SNAP_EXP_SECS ? sec :
					   SNAP_EXP_SECS - 1];

		a->tw_eph++;
		g->tw++;
		g->tw_young += tw->age_ms < AGG_YOUNG_MS;
		*e += *e < UINT16_MAX;
		/* tcp_twsk_unique: ts_recent_stamp set (its connection
		 * carried timestamps) and time_after32(now, stamp + delay) */
		g->reusable += tw->reuse && tw->timestamps &&
			       tw->age_ms > a->p.reuse_delay_ms;
		agg_new_add(a, &g->nw, tw);
	}
}

void agg_add(const struct diag_sock *sk, void *arg)
{
	struct agg *a = arg;
	unsigned int st = agg_state(sk);
	int is_tw = st == TS_TIME_WAIT;
	struct agg_tw tw;
	bool server, inferred;
	struct peer_ent *p;

	a->states[st]++;
	a->sockets++;
	if (st == TS_LISTEN || st == TS_BOUND_INACTIVE) {
		agg_add_listener(a, sk, st);
		return;
	}
	if (in_range(a, sk->lport))
		BIT_SET(a->inuse, sk->lport);
	/* bind() took its port (BPF backend): a hole for every group, like
	 * a bound-inactive socket's; not one of its group's connect()s */
	if (sk->bound_by_bind && in_range(a, sk->lport))
		BIT_SET(a->bindheld, sk->lport);
	server = agg_server_side(a, sk, is_tw, &inferred);
	if (inferred)
		BIT_SET(a->inferred, sk->lport);
	if (is_tw) {
		tw = agg_tw_of(a, sk);
		a->age[agg_age_bucket(sk->expires)]++;
		agg_new_add(a, &a->nw, &tw);
		if (server)
			a->tw_server++;
		else
			a->tw_client++;
		a->tw_inferred += inferred;
	}
	p = table_get(&a->peers, &sk->remote);
	p->states[st]++;
	p->total++;
	if (is_tw)
		agg_new_add(a, &p->nw, &tw);
	agg_ports_add(a, &a->lp, sk->lport, is_tw ? &tw : NULL, server);
	agg_ports_add(a, &a->rp, sk->rport, is_tw ? &tw : NULL, server);
	if (!server)
		agg_add_group(a, sk, is_tw ? &tw : NULL);
}

static void heap_sift(uint32_t *h, uint32_t n, uint32_t i, rank_fn rank,
		      const void *ctx)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i, t;

		/* a min-heap: the weakest kept item sits at the root */
		if (l < n && rank(ctx, h[l], h[m]) < 0)
			m = l;
		if (r < n && rank(ctx, h[r], h[m]) < 0)
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * Selects the k best of n items into out, best first, in O(n log k).
 * Returns the number selected.
 */
uint32_t agg_top_select(uint32_t n, uint32_t k, rank_fn rank,
			   const void *ctx, uint32_t *out)
{
	uint32_t m = 0;

	if (k == 0)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (m < k) {
			out[m++] = i;
			if (m == k)
				for (uint32_t j = k / 2 + 1; j-- > 0;)
					heap_sift(out, m, j, rank, ctx);
		} else if (rank(ctx, i, out[0]) > 0) {
			out[0] = i;
			heap_sift(out, m, 0, rank, ctx);
		}
	}
	if (m < k)	/* never heapified */
		for (uint32_t j = m / 2 + 1; j-- > 0;)
			heap_sift(out, m, j, rank, ctx);
	/* heap sort: repeatedly move the weakest to the end */
	for (uint32_t end = m; end > 1; end--) {
		uint32_t t = out[0];

		out[0] = out[end - 1];
		out[end - 1] = t;
		heap_sift(out, end - 1, 0, rank, ctx);
	}
	return m;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a > b ? 1 : a < b ? -1 : 0;
}

/* Peers: more TIME_WAIT, then more sockets, then the lower address. */
static int rank_peer(const void *ctx, uint32_t i, uint32_t j)
{
	const struct table *t = ctx;
	const struct peer_ent *a = agg_table_ent(t, i), *b = agg_table_ent(t, j);
	int c = cmp_u32(a->states[TS_TIME_WAIT], b->states[TS_TIME_WAIT]);

	if (c == 0)
		c = cmp_u32(a->total, b->total);
	if (c == 0)
		c = -memcmp(&a->addr, &b->addr, sizeof(a->addr));
	return c;
}

/* A port list being ranked: its counts and which side it is. */
struct port_rank {
	const struct agg *a;
	const struct ports *p;
	bool local;
};

/* Whether this host's sockets on a port are server side: a local port
 * listens now, listened within 60 s or was inferred (agg_server_side);
 * a remote port has more server-side sockets than client-side ones (a
 * client's port of connections accepted here, KERNEL-FACTS.md "TIME_WAIT
 * itself": the side that closed first holds the TIME_WAIT). */
static bool port_server(const struct port_rank *r, uint16_t port)
{
	if (r->local)
		return BIT_GET(r->a->listening, port) ||
		       BIT_GET(r->a->remembered, port) ||
		       BIT_GET(r->a->inferred, port);
	return r->p->n[port].srv > r->p->n[port].total - r->p->n[port].srv;
}

/* Whether a port is folded rather than listed: a client-side local port
 * inside the ephemeral range, or a server-side remote port. */
static bool port_folded(const struct port_rank *r, uint16_t port)
{
	bool server = port_server(r, port);

	return r->local ? !server && in_range(r->a, port) : server;
}

/* Ports (items index the touched list): listed ones above folded ones,
 * then by TIME_WAIT, sockets, the lower port. */
static int rank_port(const void *ctx, uint32_t i, uint32_t j)
{
	const struct port_rank *r = ctx;
	const struct ports *p = r->p;
	uint16_t a = p->touched[i], b = p->touched[j];
	int c = (int)port_folded(r, b) - (int)port_folded(r, a);

	if (c == 0)
		c = cmp_u32(p->n[a].tw, p->n[b].tw);
	if (c == 0)
		c = cmp_u32(p->n[a].total, p->n[b].total);
	return c ? c : cmp_u32(b, a);
}

/* Groups: the one with fewer ports left to connect() is worse, so it
 * ranks higher; then the fuller one. */
int agg_rank_group(const void *ctx, uint32_t i, uint32_t j)
{
	const struct table *t = ctx;
	const struct group_ent *a = agg_table_ent(t, i), *b = agg_table_ent(t, j);
	int c = cmp_u32(a->used - a->reusable, b->used - b->reusable);

	if (c == 0)
		c = cmp_u32(a->used, b->used);
	return c ? c : -memcmp(&a->key, &b->key, sizeof(a->key));
}

/* The folded ports' totals, and their new TIME_WAIT as one row's. */
static void fold_ports(const struct port_rank *r, struct snap_port_fold *f)
{
	const struct ports *p = r->p;
	struct agg_new nw;

	memset(f, 0, sizeof(*f));
	memset(&nw, 0, sizeof(nw));
	for (uint32_t i = 0; i < p->n_touched; i++) {
		uint16_t port = p->touched[i];

		if (!port_folded(r, port))
			continue;
		f->ports++;
		f->time_wait += p->n[port].tw;
		f->total += p->n[port].total;
	}
	/* only ports with a young TIME_WAIT have any (agg_ports_add) */
	for (uint32_t i = 0; i < p->n_nw_touched; i++)
		if (port_folded(r, p->nw_touched[i]))
			agg_new_merge(&nw, &p->nw[p->nw_touched[i]]);
	f->new_per_s = agg_rate(r->a, &nw);
}

void agg_fill_ports(const struct agg *a, const struct ports *p, bool local,
		    struct snap_port *out, uint32_t *n, uint32_t k,
		    struct snap_port_fold *fold)
{
	const struct port_rank r = { a, p, local };
	uint32_t idx[SNAP_TOP_MAX], m;

	if (k > SNAP_TOP_MAX)
		k = SNAP_TOP_MAX;
	/* folded ports rank last: the list ends at the first of them */
	m = agg_top_select(p->n_touched, k, rank_port, &r, idx);
	for (*n = 0; *n < m; (*n)++) {
		uint16_t port = p->touched[idx[*n]];
		struct snap_port *o = &out[*n];

		if (port_folded(&r, port))
			break;
		memset(o, 0, sizeof(*o));
		o->port = port;
		o->time_wait = p->n[port].tw;
		o->total = p->n[port].total;
		o->new_per_s = agg_rate(a, &p->nw[port]);
		o->listening = local && BIT_GET(a->listening, port);
		o->server = port_server(&r, port);
	}
	fold_ports(&r, fold);
}

static uint32_t count_bits(const uint8_t *map, uint32_t lo, uint32_t hi)
{
	uint32_t n = 0;

	for (uint32_t p = lo; p <= hi; p++)
		n += BIT_GET(map, p);
	return n;
}

/* A group as the snapshot shows it; base is what connect() can pick from
 * when the group is empty. */
void agg_group_out(const struct agg *a, const struct group_ent *g,
		   uint32_t base, struct snap_group *o)
{
	memset(o, 0, sizeof(*o));
	o->local = g->key.local;
	o->remote = g->key.remote;
	o->remote_port = g->key.rport;
	o->used = g->used;
	o->free = g->used < base ? base - g->used : 0;
	o->reusable = g->reusable;
	o->available = o->free + o->reusable;
	o->reuse = g->reuse;
	o->time_wait = g->tw;
	o->tw_young = g->tw_young;
	memcpy(o->tw_exp_s, g->tw_exp_s, sizeof(o->tw_exp_s));
	for (unsigned int i = 0; i < SNAP_EXP_SECS; i++)
		o->tw_exp[i * 1000 / SNAP_EXP_BAND_MS] += g->tw_exp_s[i];
	o->tw_expiring = o->tw_exp[0];
	o->new_per_s = agg_rate(a, &g->nw);
	o->low_per_s = agg_rate_low(a, &g->nw);
	o->long_per_s = agg_rate_long(a, &g->nw);
	o->stopped = agg_stopped(a, &g->nw);
}

/* Ports connect() can pick from in an empty group. */
uint32_t agg_eph_base(const struct snapshot *s)
{
	return s->eph.size - s->eph.reserved - s->eph.holes;
}

/* Ephemeral range use and the worst destination groups. Holes are the
 * ports whose bind bucket bind() or listen() made: connect() skips them
 * (KERNEL-FACTS.md, "Ephemeral port exhaustion is per destination"). */
static void fill_ephemeral(const struct agg *a, struct snapshot *s,
			   uint32_t top)
{
	uint32_t idx[SNAP_TOP_MAX], base;

	s->eph.tw_reuse = a->p.tw_reuse;
	s->eph.timestamps = a->p.timestamps;
	s->eph.reuse_delay_ms = a->p.reuse_delay_ms;
	if (a->high == 0)
		return;
	s->eph.present = true;
	s->eph.holes_source = a->p.bind_table ? "bind-table" : "sock_diag";
	s->eph.low = a->low;
	s->eph.high = a->high;
	s->eph.size = a->high - a->low + 1;
	s->eph.reserved = count_bits(a->reserved, a->low, a->high);
	for (uint32_t p = a->low; p <= a->high; p++) {
		if (BIT_GET(a->reserved, p))
			continue;
		if (BIT_GET(a->listening, p))
			s->eph.holes_listen++;
		else if (BIT_GET(a->bound, p))
			s->eph.holes_bound++;
		else if (BIT_GET(a->remembered, p) && a->lp.n[p].total > 0)
			s->eph.holes_closed++;
		else if (BIT_GET(a->bindheld, p))
			s->eph.holes_bind++;
	}
	s->eph.holes = s->eph.holes_listen + s->eph.holes_bound +
		       s->eph.holes_closed + s->eph.holes_bind;
	s->eph.ports_in_use = count_bits(a->inuse, a->low, a->high);
	base = agg_eph_base(s);
	s->eph.groups_total = a->groups.n;
	s->eph.n_groups = agg_top_select(a->groups.n, top, agg_rank_group,
					 &a->groups, idx);
	for (uint32_t i = 0; i < s->eph.n_groups; i++)
		agg_group_out(a, agg_table_ent(&a->groups, idx[i]), base,
			      &s->eph.groups[i]);
}

void agg_finish(struct agg *a, struct snapshot *s, uint32_t top)
{
	uint32_t idx[SNAP_TOP_MAX];

	if (top > SNAP_TOP_MAX)
		top = SNAP_TOP_MAX;
	memcpy(s->states, a->states, sizeof(s->states));
	/* inet_diag reports request sockets as SYN_RECV already; fold any
	 * NEW_SYN_RECV the same way. */
	s->states[TS_SYN_RECV] += s->states[TS_NEW_SYN_RECV];
	s->states[TS_NEW_SYN_RECV] = 0;
	/* ss lists no bound-inactive sockets: neither is "sockets" */
	s->sockets = a->sockets - a->states[TS_BOUND_INACTIVE];
	s->tw.total = a->states[TS_TIME_WAIT];
	s->tw.server_side = a->tw_server;
	s->tw.server_inferred = a->tw_inferred;
	s->tw.client_side = a->tw_client;
	s->tw.eph_held = a->tw_eph;
	s->tw.ages_per_s = agg_rate(a, &a->nw);
	s->tw.window_s = a->p.window_ms / 1000.0;
	s->tw.rate_estimated = a->p.first;
	memcpy(s->tw.age, a->age, sizeof(s->tw.age));

	s->peers_total = a->peers.n;
	s->n_peers = agg_top_select(a->peers.n, top, rank_peer, &a->peers, idx);
	for (uint32_t i = 0; i < s->n_peers; i++) {
		const struct peer_ent *p = agg_table_ent(&a->peers, idx[i]);

		s->peers[i].addr = p->addr;
		memcpy(s->peers[i].states, p->states, sizeof(p->states));
		s->peers[i].time_wait = p->states[TS_TIME_WAIT];
		s->peers[i].total = p->total;
		s->peers[i].new_per_s = agg_rate(a, &p->nw);
	}
	agg_fill_ports(a, &a->lp, true, s->lports, &s->n_lports, top,
		       &s->folded.eph_local);
	agg_fill_ports(a, &a->rp, false, s->rports, &s->n_rports, top,
		       &s->folded.clients_inbound);
	fill_ephemeral(a, s, top);
}
