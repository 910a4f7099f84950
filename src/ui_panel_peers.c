/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the peers holding the most TIME_WAIT, their new TIME_WAIT per
 * second (measured from ages by the sampler) and their other states. */
#include <stdio.h>

#include "ui_priv.h"

#define ADDR_MIN 15	/* a dotted IPv4 address */
#define ADDR_MAX 39	/* a full IPv6 address */
#define NUM_W	10	/* " TIME_WAIT" */
#define RATE_W	7	/* " new/s" */
#define PCT_W	6
#define EST_W	7
#define OTH_W	7

/* Which columns fit a panel of width w, and how wide. */
struct peer_cols {
	int aw, bw;
	bool rate, share, est, other;
};

/* Fits the columns into w: address 15, TIME_WAIT, then new/s, share,
 * estab, other while they fit; leftovers widen the address and the bar. */
static void peers_cols(int w, struct peer_cols *c)
{
	int rest = w - ADDR_MIN - NUM_W, extra;

	c->rate = rest >= RATE_W;
	rest -= c->rate ? RATE_W : 0;
	c->share = rest >= PCT_W;
	rest -= c->share ? PCT_W : 0;
	c->est = rest >= EST_W;
	rest -= c->est ? EST_W : 0;
	c->other = rest >= OTH_W;
	rest -= c->other ? OTH_W : 0;
	extra = rest > 12 ? (rest - 12) / 2 : 0;
	if (extra > ADDR_MAX - ADDR_MIN)
		extra = ADDR_MAX - ADDR_MIN;
	c->aw = ADDR_MIN + extra;
	rest -= extra;
	c->bw = rest - 1 >= 3 ? rest - 1 : 0;
}

static void peers_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;

	if (s && s->peers_total > s->n_peers)
		snprintf(buf, len, "Top peers by TIME_WAIT (%u of %u)",
			 s->n_peers, s->peers_total);
	else
		snprintf(buf, len, "Top peers by TIME_WAIT");
}

static int peers_rows(const struct ui *u)
{
	return u->snap ? (int)u->snap->n_peers : 0;
}

static bool peers_row_id(const struct ui *u, int row, struct focus_req *id)
{
	if (!u->snap || row < 0 || row >= (int)u->snap->n_peers)
		return false;
	id->kind = FOCUS_PEER;
	id->addr = u->snap->peers[row].addr;
	id->port = 0;
	return true;
}

/* Writes the cells of one row (headings when p is NULL). */
static void peers_cells(struct ui *u, int y, int x, int w,
			const struct snap_peer *p, bool selected)
{
	const struct snapshot *s = u->snap;
	struct peer_cols c;
	enum theme_elem v = selected ? TH_SELECTED : TH_VALUE;
	enum theme_elem d = selected ? TH_SELECTED : TH_DIM;
	uint32_t est = p ? p->states[TS_ESTABLISHED] : 0;
	uint32_t other = p ? p->total - p->time_wait - est : 0;
	char a[ADDR_STRLEN], n[16];
	int cx;

	peers_cols(w, &c);
	cx = x + c.aw;
	ui_text(u, y, x, c.aw - 1, p ? (selected ? TH_SELECTED : TH_NORMAL) :
		TH_LABEL, p ? ui_addr(&p->addr, a, sizeof(a)) : "peer");
	ui_text_right(u, y, cx, NUM_W, p ? v : TH_LABEL,
		      p ? ui_count_fit(n, sizeof(n), p->time_wait, NUM_W - 1) :
		      "TIME_WAIT");
	cx += NUM_W;
	if (c.rate) {
		if (p)
			ui_rate(n, sizeof(n), p->new_per_s >= 0, p->new_per_s);
		ui_text_right(u, y, cx, RATE_W, p ? (p->new_per_s > 0 ? v : d) :
			      TH_LABEL, p ? n : "new/s");
		cx += RATE_W;
	}
	if (c.share) {
		if (p)
			snprintf(n, sizeof(n), "%.0f%%", s->tw.total ?
				 100.0 * p->time_wait / s->tw.total : 0.0);
		ui_text_right(u, y, cx, PCT_W, p ? d : TH_LABEL,
			      p ? n : "share");
		cx += PCT_W;
	}
	if (c.est) {
		ui_text_right(u, y, cx, EST_W, p ? (est ? v : d) : TH_LABEL,
			      p ? ui_count_fit(n, sizeof(n), est, EST_W - 1) :
			      "estab");
		cx += EST_W;
	}
	if (c.other) {
		ui_text_right(u, y, cx, OTH_W, p ? (other ? v : d) : TH_LABEL,
			      p ? ui_count_fit(n, sizeof(n), other, OTH_W - 1) :
			      "other");
		cx += OTH_W;
	}
	if (p && c.bw && s->peers[0].time_wait)
		ui_bar(u, y, cx + 1, c.bw, (double)p->time_wait /
		       s->peers[0].time_wait, TH_BAR_TW);
}

/* Headings, then the peers as a scrollable list. */
static void peers_draw(struct ui *u, const struct ui_rect *r,
		       struct panel_state *ps, bool focused)
{
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int rows = peers_rows(u);

	if (!u->snap) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	if (rows == 0) {
		ui_text(u, y, x, w, TH_DIM, "no TCP sockets with a peer");
		return;
	}
	if (h >= 3) {
		peers_cells(u, y++, x, w, NULL, false);
		h--;
	}
	ui_list_clamp(ps, rows, h);
	for (int i = 0; i < h && ps->top + i < rows; i++) {
		bool sel = focused && ps->top + i == ps->sel;

		if (sel)
			ui_fill(u, y + i, r->x, r->w, TH_SELECTED);
		peers_cells(u, y + i, x, w, &u->snap->peers[ps->top + i], sel);
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
};
