/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the aggregation shared by agg.c and agg_focus.c. */
#ifndef TWTOP_AGG_PRIV_H
#define TWTOP_AGG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "twtop/agg.h"

#define NPORTS 65536
/* TIME_WAIT this young are a group's tw_young (shown, not forecast on) */
#define AGG_YOUNG_MS 10000
#define AGG_LONG_MS 10000	/* the window of a row's long_per_s */
/* A gap in TIME_WAIT ages this short tells nothing: the timer counts in
 * jiffies: 4 ms at HZ=250, 10 ms at HZ=100. */
#define AGG_GAP_FLOOR_MS 12
#define AGG_GAP_SPACINGS 5	/* a gap this many spacings ends a burst */
#define AGG_STOP_GAPS 20	/* this many mean gaps with none: stopped */
#define BIT_SET(m, b)	((m)[(b) >> 3] |= (uint8_t)(1u << ((b) & 7)))
#define BIT_GET(m, b)	(((m)[(b) >> 3] >> ((b) & 7)) & 1u)

/* Open-addressing hash table over dense entries whose key comes first.
 * Entries stay in insertion order, so nothing but the slots depends on
 * the seed. */
struct table {
	unsigned char *ents;	/* n entries of esz bytes */
	uint32_t *slots;	/* entry index + 1, 0 = empty */
	uint32_t cap;		/* slots, a power of two */
	uint32_t n, ents_cap;
	size_t esz, ksz;
	uint64_t seed;		/* agg_seed(): keys come from the network */
};

/*
 * Hashes a key eight bytes at a time (a multiply-xorshift mix) from a
 * secret seed: remote addresses are chosen by others, and with a known
 * hash they could all be picked for one slot, making every lookup walk
 * them all. Seed 0 is the unseeded hash twtop had before.
 */
static inline uint32_t agg_hash(uint64_t seed, const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ull ^ len, v;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	v = 0;
	memcpy(&v, p, len);
	h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

/* A random seed for agg_hash: getrandom(2), else the time, pid and
 * address-space layout. */
uint64_t agg_seed(void);

/* New TIME_WAIT of a row: how many are younger than the rate window,
 * the youngest age and the oldest of those (a gap after them ends a
 * burst: agg_rate). A row with TIME_WAIT that connect() may take over
 * (reuse) counts over the shorter reuse window: older ones may be gone. */
struct agg_win {
	uint32_t n;
	uint32_t old_ms;		/* oldest age among the n */
	uint32_t prev;			/* in the window before: [w, 2w) */
};

struct agg_new {
	struct agg_win full, reuse;	/* window_ms, reuse_window_ms */
	uint32_t n_long;		/* younger than AGG_LONG_MS */
	uint32_t old_long_ms;		/* the oldest of those */
	uint32_t young1;		/* youngest age + 1 ms; 0: none */
	uint8_t any_reuse;		/* a TIME_WAIT tcp_tw_reuse covers */
};

/* One TIME_WAIT as rates see it. */
struct agg_tw {
	uint32_t age_ms;
	bool reuse;			/* tcp_tw_reuse covers its tuple */
	bool timestamps;		/* its connection carried them */
};

struct peer_ent {
	struct tw_addr addr;		/* key */
	uint32_t states[TS_MAX];
	uint32_t total;
	struct agg_new nw;
};

struct group_key {
	struct tw_addr local, remote;
	uint16_t rport;
};

struct group_ent {
	struct group_key key;		/* key */
	uint32_t used, tw, tw_young, reusable;
	uint16_t tw_exp_s[SNAP_EXP_SECS];	/* saturating */
	struct agg_new nw;
	uint8_t reuse;			/* tcp_tw_reuse covers the tuple */
	uint8_t fmark;			/* a process drill-down's group */
};

/* Per-port counters with the list of ports touched this sample. */
struct ports {
	struct {
		uint32_t tw, total;	/* side by side: one cache line */
		uint32_t srv;		/* of total, server side */
	} n[NPORTS];
	uint16_t touched[NPORTS];
	uint32_t n_touched;
	/* new TIME_WAIT, apart: only young ones touch them (agg_new_add) */
	struct agg_new nw[NPORTS];
	uint16_t nw_touched[NPORTS];
	uint32_t n_nw_touched;
};

struct agg {
	struct agg_params p;		/* its maps point at the copies below */
	uint32_t reuse_window_ms;	/* window_ms, at most the reuse delay */
	uint32_t horizon_ms;		/* older TIME_WAIT count in no rate */
	uint32_t states[TS_MAX];
	uint32_t sockets;
	uint32_t tw_server, tw_client, tw_inferred, tw_eph;
	struct agg_new nw;		/* every counted TIME_WAIT */
	uint32_t age[SNAP_AGE_BUCKETS];
	struct table peers, groups;
	struct ports lp, rp;
	uint8_t listening[NPORTS / 8];	/* LISTEN now */
	uint8_t bound[NPORTS / 8];	/* bound-inactive now */
	uint8_t bindheld[NPORTS / 8];	/* a socket's port bind() took */
	uint8_t remembered[NPORTS / 8];	/* listened within 60 s */
	uint8_t inferred[NPORTS / 8];	/* server side by the range rule */
	uint8_t inuse[NPORTS / 8];	/* any local port, for ports_in_use */
	uint8_t reserved[NPORTS / 8];
	uint32_t low, high;
	/* drill-down */
	struct focus_req focus;
	struct snap_focus *fdet;
	struct ports *flp, *frp;
	struct agg_new fnw;
	struct {			/* FOCUS_PROC: its failed connect() */
		struct tw_addr remote;
		uint16_t rport;
	} fdests[SNAP_CONNERR_MAX];
	uint32_t n_fdests;
};

/* Ranks item a above item b (> 0), below (< 0). */
typedef int (*rank_fn)(const void *ctx, uint32_t a, uint32_t b);

/* Entry i of a table. */
void *agg_table_ent(const struct table *t, uint32_t i);
/* The entry of key, or NULL. */
void *agg_table_find(const struct table *t, const void *key);
void agg_ports_clear(struct ports *p);
/* Counts a socket on port; tw is NULL unless it is a TIME_WAIT; server:
 * the socket is server side. */
void agg_ports_add(const struct agg *a, struct ports *p, uint16_t port,
		   const struct agg_tw *tw, bool server);
/* A TIME_WAIT's age in ms: 60 s minus its timer. */
uint32_t agg_tw_age(uint32_t expires_ms);
/* A TIME_WAIT socket as rates see it. */
struct agg_tw agg_tw_of(const struct agg *a, const struct diag_sock *sk);
/* Counts a TIME_WAIT into a row's new TIME_WAIT; one as old as the
 * horizon or older counts in no window, and is left out at once. */
void agg_new_add(const struct agg *a, struct agg_new *nw,
		 const struct agg_tw *tw);
/* Whether a row's flow of new TIME_WAIT has stopped (a gap after the
 * youngest). */
bool agg_stopped(const struct agg *a, const struct agg_new *nw);
/* A row's new TIME_WAIT per second over the last AGG_LONG_MS (since its
 * flow began, when later), and the rate it surely keeps: the larger of
 * the window's count less two standard deviations and the last 10 s'
 * less one; < 0 when unknown. */
double agg_rate_long(const struct agg *a, const struct agg_new *nw);
double agg_rate_low(const struct agg *a, const struct agg_new *nw);
/* A row's new TIME_WAIT per second; < 0 when unknown. */
double agg_rate(const struct agg *a, const struct agg_new *nw);
/* Adds row src's new TIME_WAIT to dst: as if src's had been added to
 * dst one by one. */
void agg_new_merge(struct agg_new *dst, const struct agg_new *src);
/* Whether sk (not a listener) is server side, and whether only by the
 * range rule (*inferred). */
bool agg_server_side(const struct agg *a, const struct diag_sock *sk,
		     int is_tw, bool *inferred);
/* The 5 s age bucket of a TIME_WAIT socket with expires_ms left. */
unsigned int agg_age_bucket(uint32_t expires_ms);
/* Selects the k best of n items into out, best first, in O(n log k). */
uint32_t agg_top_select(uint32_t n, uint32_t k, rank_fn rank,
			const void *ctx, uint32_t *out);
/* Groups (ctx = the group table): fewer ports left ranks higher. */
int agg_rank_group(const void *ctx, uint32_t i, uint32_t j);
/*
 * The k busiest ports of p into out, with their sides, and the ports
 * left out of the list into fold, as one total: local ports inside the
 * ephemeral range that are client side (connect() picked them, one per
 * connection), remote ports that are server side (the clients' ports of
 * connections accepted here). A port listed is never folded.
 */
void agg_fill_ports(const struct agg *a, const struct ports *p, bool local,
		    struct snap_port *out, uint32_t *n, uint32_t k,
		    struct snap_port_fold *fold);
/* A group as the snapshot shows it; base is what connect() can pick from
 * when the group is empty. */
void agg_group_out(const struct agg *a, const struct group_ent *g,
		   uint32_t base, struct snap_group *o);
/* Ports connect() can pick from in an empty group. */
uint32_t agg_eph_base(const struct snapshot *s);

#endif
