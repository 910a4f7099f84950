/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The drill-down pass: one peer's or port's sockets, after the whole-host
 * pass of the same sample. */
#include <stdlib.h>
#include <string.h>

#include "twtop/agg.h"
#include "twtop/xalloc.h"
#include "agg_priv.h"

void agg_focus_begin(struct agg *a, const struct focus_req *focus)
{
	a->focus = *focus;
	if (focus->kind == FOCUS_NONE)
		return;
	if (a->fdet == NULL) {
		a->fdet = xcalloc(1, sizeof(*a->fdet));
		a->flp = xcalloc(1, sizeof(*a->flp));
		a->frp = xcalloc(1, sizeof(*a->frp));
	}
	memset(a->fdet, 0, sizeof(*a->fdet));
	memset(&a->fnw, 0, sizeof(a->fnw));
	a->n_fdests = 0;
	a->fdet->req = *focus;
	agg_ports_clear(a->flp);
	agg_ports_clear(a->frp);
}

/* Does this socket belong to the drill-down? */
static int focus_match(const struct focus_req *f, const struct diag_sock *sk)
{
	switch (f->kind) {
	case FOCUS_PEER:
		return addr_equal(&f->addr, &sk->remote);
	case FOCUS_LPORT:
		return sk->lport == f->port;
	case FOCUS_RPORT:
		return sk->rport == f->port;
	case FOCUS_PROC:
	case FOCUS_CGROUP:
		return 1;	/* closers_focus_socks chose them */
	default:
		return 0;
	}
}

void agg_focus_add(const struct diag_sock *sk, void *arg)
{
	struct agg *a = arg;
	struct snap_focus *f = a->fdet;
	unsigned int st = agg_state(sk);
	int is_tw = st == TS_TIME_WAIT;
	struct agg_tw tw = { 0, false, false };
	bool inferred;
	bool server = agg_server_side(a, sk, is_tw, &inferred);

	if (a->focus.kind != FOCUS_NONE)
		f->fetched++;
	/* the kernel filtered already; listeners are not connections of a
	 * peer or port */
	if (a->focus.kind == FOCUS_NONE || !focus_match(&a->focus, sk) ||
	    st == TS_LISTEN || st == TS_BOUND_INACTIVE)
		return;
	f->states[st]++;
	f->total++;
	if (is_tw) {
		f->age[agg_age_bucket(sk->expires)]++;
		tw = agg_tw_of(a, sk);
		f->tw_young += tw.age_ms < AGG_YOUNG_MS;
		agg_new_add(a, &a->fnw, &tw);
		if (server)
			f->tw_server++;
		else
			f->tw_client++;
	}
	agg_ports_add(a, a->flp, sk->lport, is_tw ? &tw : NULL, server);
	agg_ports_add(a, a->frp, sk->rport, is_tw ? &tw : NULL, server);
	if ((a->focus.kind == FOCUS_PROC || a->focus.kind == FOCUS_CGROUP) &&
	    !server) {
		/* the group its connection took a port of, if it did */
		struct group_key key;
		struct group_ent *g;

		memset(&key, 0, sizeof(key));
		key.local = sk->local;
		key.remote = sk->remote;
		key.rport = sk->rport;
		g = agg_table_find(&a->groups, &key);
		if (g != NULL)
			g->fmark = 1;
	}
	if (f->n_socks < FOCUS_SOCKS_MAX) {
		struct focus_sock *fs = &f->socks[f->n_socks++];

		fs->local = sk->local;
		fs->remote = sk->remote;
		fs->lport = sk->lport;
		fs->rport = sk->rport;
		fs->state = sk->state;
		fs->timer = sk->timer;
		fs->expires = sk->expires;
	}
}

void agg_focus_dest(struct agg *a, const struct tw_addr *remote,
		    uint16_t rport)
{
	if (a->n_fdests < sizeof(a->fdests) / sizeof(a->fdests[0])) {
		a->fdests[a->n_fdests].remote = *remote;
		a->fdests[a->n_fdests++].rport = rport;
	}
}

/* Is the group one of the focus's? A peer's groups go to it; a remote
 * port's groups go to that port; a local port has none (its sockets may
 * sit in many groups, one port each); a process's are those its
 * TIME_WAIT took a port of, and those its failed connect() calls went
 * to (any local address: the failure does not say which). */
static int focus_group(const struct agg *a, const struct group_ent *g)
{
	const struct focus_req *f = &a->focus;
	const struct group_key *k = &g->key;

	if (f->kind == FOCUS_PEER)
		return addr_equal(&f->addr, &k->remote);
	if (f->kind == FOCUS_PROC || f->kind == FOCUS_CGROUP) {
		if (g->fmark)
			return 1;
		for (uint32_t i = 0; i < a->n_fdests; i++)
			if (a->fdests[i].rport == k->rport &&
			    addr_equal(&a->fdests[i].remote, &k->remote))
				return 1;
		return 0;
	}
	return f->kind == FOCUS_RPORT && k->rport == f->port;
}

struct focus_rank {
	const struct agg *a;
	const struct table *groups;
};

/* Groups of the focus above the others, then as agg_rank_group. */
static int rank_focus_group(const void *ctx, uint32_t i, uint32_t j)
{
	const struct focus_rank *r = ctx;
	const struct group_ent *a = agg_table_ent(r->groups, i),
			       *b = agg_table_ent(r->groups, j);
	int c = focus_group(r->a, a) - focus_group(r->a, b);

	return c ? c : agg_rank_group(r->groups, i, j);
}

/* The focus's fullest destination groups, from the whole-host pass. */
static void fill_focus_groups(const struct agg *a, const struct snapshot *s,
			      struct snap_focus *f)
{
	struct focus_rank r = { a, &a->groups };
	uint32_t idx[FOCUS_GROUPS_MAX], n;

	if (!s->eph.present)
		return;
	for (uint32_t i = 0; i < a->groups.n; i++) {
		const struct group_ent *g = agg_table_ent(&a->groups, i);

		f->groups_total += (uint32_t)focus_group(a, g);
	}
	n = agg_top_select(a->groups.n, FOCUS_GROUPS_MAX, rank_focus_group, &r,
		       idx);
	for (uint32_t i = 0; i < n && i < f->groups_total; i++)
		agg_group_out(a, agg_table_ent(&a->groups, idx[i]),
			      agg_eph_base(s), &f->groups[f->n_groups++]);
}

void agg_focus_finish(const struct agg *a, struct snapshot *s)
{
	struct snap_focus *f;

	if (a->focus.kind == FOCUS_NONE)
		return;
	f = xmalloc(sizeof(*f));
	memcpy(f, a->fdet, sizeof(*f));
	f->new_per_s = agg_rate(a, &a->fnw);
	agg_fill_ports(a, a->flp, true, f->lports, &f->n_lports,
		       FOCUS_PORTS_MAX, &f->eph_local);
	agg_fill_ports(a, a->frp, false, f->rports, &f->n_rports,
		       FOCUS_PORTS_MAX, &f->clients_inbound);
	fill_focus_groups(a, s, f);
	s->focus = f;
}
