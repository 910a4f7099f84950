/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the peers holding the most TIME_WAIT, their new TIME_WAIT per
 * second (measured from ages by the sampler) and their other states. */
#include <stdio.h>

#include "ui_priv.h"

#define ADDR_MIN 15	/* a dotted IPv4 address */
#define ADDR_MID 24	/* room before the share, estab, other columns */
#define ADDR_MAX 40	/* a full IPv6 address and a space */
#define NUM_W	10	/* " TIME_WAIT" */
#define RATE_W	7	/* " new/s" */
#define PCT_W	6
#define EST_W	7
#define OTH_W	7

/* Sort columns: the snapshot's order is by TIME_WAIT, then sockets. */
enum { PS_TW, PS_RATE, PS_EST, PS_OTHER, PS_ADDR, PS_N };
static const char *const sort_names[PS_N] = {
	"TIME_WAIT", "new/s", "estab", "other", "peer"
};
static const bool sort_asc[PS_N] = { false, false, false, false, true };
static const struct ui_sort_cols peers_sort = { PS_N, sort_names, sort_asc };

/* Which columns fit a panel of width w, and how wide. */
struct peer_cols {
	int aw, bw;
	bool rate, share, est, other;
};

/* Gives the address column up to want columns of *rest. */
static void grow(int *aw, int want, int *rest)
{
	int add = want - *aw;

	if (add > *rest)
		add = *rest;
	if (add > 0) {
		*aw += add;
		*rest -= add;
	}
}

/* Fits the columns into w: address 15, TIME_WAIT, new/s, the address
 * up to 24, then share, estab, other while they fit; what is left
 * widens the address to its longest (aw_need), then the bar. */
static void peers_cols(int w, int aw_need, struct peer_cols *c)
{
	int rest = w - ADDR_MIN - NUM_W;

	c->aw = ADDR_MIN;
	if (aw_need > ADDR_MAX)
		aw_need = ADDR_MAX;
	c->rate = rest >= RATE_W;
	rest -= c->rate ? RATE_W : 0;
	grow(&c->aw, aw_need < ADDR_MID ? aw_need : ADDR_MID, &rest);
	c->share = rest >= PCT_W;
	rest -= c->share ? PCT_W : 0;
	c->est = rest >= EST_W;
	rest -= c->est ? EST_W : 0;
	c->other = rest >= OTH_W;
	rest -= c->other ? OTH_W : 0;
	grow(&c->aw, aw_need, &rest);
	c->bw = rest - 1 >= 3 ? rest - 1 : 0;
}

static int peers_rows(const struct ui *u)
{
	return u->snap ? ui_list_top(u, (int)u->snap->n_peers) : 0;
}

static void peers_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	char by[64];

	ui_sort_title(u, UI_P_PEERS, by, sizeof(by));
	if (s && s->peers_total > (uint32_t)peers_rows(u))
		snprintf(buf, len, "Top peers by TIME_WAIT (%d of %u%s)",
			 peers_rows(u), s->peers_total, by);
	else if (by[0])
		snprintf(buf, len, "Top peers by TIME_WAIT (%s)", by + 2);
	else
		snprintf(buf, len, "Top peers by TIME_WAIT");
}

static uint32_t peer_other(const struct snap_peer *p)
{
	return p->total - p->time_wait - p->states[TS_ESTABLISHED];
}

/* Compares two peers of the snapshot by sort column k. */
static int peers_cmp(const void *ctx, int a, int b, int k)
{
	const struct snap_peer *p = &((const struct snapshot *)ctx)->peers[a];
	const struct snap_peer *q = &((const struct snapshot *)ctx)->peers[b];

	switch (k) {
	case PS_RATE:
		return ui_cmp_num(p->new_per_s, q->new_per_s);
	case PS_EST:
		return ui_cmp_num(p->states[TS_ESTABLISHED],
				  q->states[TS_ESTABLISHED]);
	case PS_OTHER:
		return ui_cmp_num(peer_other(p), peer_other(q));
	case PS_ADDR:
		return ui_cmp_addr(&p->addr, &q->addr);
	default:
		return ui_cmp_num(p->time_wait, q->time_wait);
	}
}

/* The rows in the order shown; returns how many. */
static int peers_order(const struct ui *u, int *idx)
{
	const struct panel_state *ps = &u->ps[UI_P_PEERS];
	int tmp[SNAP_TOP_MAX], n = peers_rows(u);

	ui_sort_rows(idx, tmp, n, &peers_sort, ps->sort, ps->sort_inv,
		     peers_cmp, u->snap);
	return n;
}

static bool peers_row_id(const struct ui *u, int row, struct focus_req *id)
{
	int idx[SNAP_TOP_MAX], n;

	if (!u->snap)
		return false;
	n = peers_order(u, idx);
	if (row < 0 || row >= n)
		return false;
	id->kind = FOCUS_PEER;
	id->addr = u->snap->peers[idx[row]].addr;
	id->port = 0;
	return true;
}

/* Writes the cells of one row (headings when p is NULL). */
static void peers_cells(struct ui *u, int y, int x, const struct peer_cols *c,
			const struct snap_peer *p, uint32_t max_tw,
			bool selected)
{
	const struct snapshot *s = u->snap;
	const struct panel_state *ps = &u->ps[UI_P_PEERS];
	enum theme_elem v = selected ? TH_SELECTED : TH_VALUE;
	enum theme_elem d = selected ? TH_SELECTED : TH_DIM;
	uint32_t est = p ? p->states[TS_ESTABLISHED] : 0;
	uint32_t other = p ? peer_other(p) : 0;
	char a[ADDR_STRLEN + 8], n[16];
	int cx = x + c->aw;

	if (!p) {
		ui_head(u, y, x, c->aw - 1, "peer", false, ps, PS_ADDR,
			&peers_sort);
		ui_head(u, y, cx, NUM_W, "TIME_WAIT", true, ps, PS_TW,
			&peers_sort);
	} else {
		ui_text(u, y, x, c->aw - 1, selected ? TH_SELECTED : TH_NORMAL,
			ui_addr_fit(&p->addr, c->aw - 1, u->utf8, a,
				    sizeof(a)));
		ui_text_right(u, y, cx, NUM_W, v, ui_count_fit(n, sizeof(n),
			      p->time_wait, NUM_W - 1));
	}
	cx += NUM_W;
	if (c->rate) {
		if (p)
			ui_text_right(u, y, cx, RATE_W, p->new_per_s > 0 ? v :
				      d, ui_rate(n, sizeof(n),
				      p->new_per_s >= 0, p->new_per_s));
		else
			ui_head(u, y, cx, RATE_W, "new/s", true, ps, PS_RATE,
				&peers_sort);
		cx += RATE_W;
	}
	if (c->share) {
		ui_text_right(u, y, cx, PCT_W, p ? d : TH_LABEL, p ?
			      ui_pct(n, sizeof(n), s->tw.total ? (double)
				     p->time_wait / s->tw.total : 0) :
			      "share");
		cx += PCT_W;
	}
	if (c->est) {
		if (p)
			ui_text_right(u, y, cx, EST_W, est ? v : d,
				      ui_count_fit(n, sizeof(n), est,
						   EST_W - 1));
		else
			ui_head(u, y, cx, EST_W, "estab", true, ps, PS_EST,
				&peers_sort);
		cx += EST_W;
	}
	if (c->other) {
		if (p)
			ui_text_right(u, y, cx, OTH_W, other ? v : d,
				      ui_count_fit(n, sizeof(n), other,
						   OTH_W - 1));
		else
			ui_head(u, y, cx, OTH_W, "other", true, ps, PS_OTHER,
				&peers_sort);
		cx += OTH_W;
	}
	if (p && c->bw && max_tw)
		ui_bar_sel(u, y, cx + 1, c->bw, (double)p->time_wait / max_tw,
			   TH_BAR_TW, selected);
}

/* Headings, then the peers as a scrollable list. */
static void peers_draw(struct ui *u, const struct ui_rect *r,
		       struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int idx[SNAP_TOP_MAX], rows, aw = 0;
	uint32_t max_tw = 0;
	struct peer_cols c;

	if (!s) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	rows = peers_order(u, idx);
	if (rows == 0) {
		ui_text(u, y, x, w, TH_DIM, "no TCP sockets with a peer");
		return;
	}
	for (int i = 0; i < rows; i++) {
		char a[ADDR_STRLEN];
		int aw_i = ui_cols(ui_addr(&s->peers[i].addr, a, sizeof(a)));

		aw = aw_i > aw ? aw_i : aw;
		max_tw = s->peers[i].time_wait > max_tw ?
			 s->peers[i].time_wait : max_tw;
	}
	peers_cols(w, aw + 1, &c);
	if (h >= 3) {
		peers_cells(u, y++, x, &c, NULL, 0, false);
		h--;
	}
	ui_list_view(ps, focused);
	ui_list_clamp(ps, rows, h);
	for (int i = 0; i < h && ps->top + i < rows; i++) {
		bool sel = focused && ps->top + i == ps->sel;

		if (sel)
			ui_fill(u, y + i, r->x, r->w, TH_SELECTED);
		peers_cells(u, y + i, x, &c, &s->peers[idx[ps->top + i]],
			    max_tw, sel);
	}
}

static bool peers_key(struct ui *u, struct panel_state *ps, int key)
{
	return ui_list_key(ps, key, peers_rows(u));
}

const struct panel_ops ui_panel_peers = {
	.title = peers_title,
	.draw = peers_draw,
	.key = peers_key,
	.rows = peers_rows,
	.row_id = peers_row_id,
	.sort = &peers_sort,
};
