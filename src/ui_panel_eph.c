/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the ephemeral port range and the destination groups closest to
 * running out (per-destination capacity, KERNEL-FACTS.md). Every figure
 * is the snapshot's (agg, advice_derive); this file only lays them out.
 * The forecast shows at every width: in its shorter forms ("full 14s",
 * "~31%") and with the address elided in its middle before it goes. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define PCT_W	6	/* " ▼full", " 100%" */
#define PCT2_W	5	/* " 100%" on a group's second line */
#define ADDR_KEEP 24	/* a group's address before the forecast shortens */
#define FC_MIN	9	/* " full 14s", " draining", " ~31%" */
#define FC_MAX	16	/* " draining to 12%" */
#define GAUGE_MAX 20

/* The numbers of a group row: used, free, reusable, available, and its
 * new TIME_WAIT per second. */
enum { N_USED, N_FREE, N_REUS, N_AVAIL, N_RATE, N_NUMS };

static const char *const num_long[N_NUMS] = {
	"used", "free", "reusable", "available", "new/s"
};
static const char *const num_short[N_NUMS] = {
	"used", "free", "reus", "avail", "new/s"
};

/* Sort columns: the snapshot's order is worst first (fills sooner, then
 * connect() can take less of it, then it settles fuller). */
enum { GS_FULL, GS_USED, GS_AVAIL, GS_RATE, GS_ADDR, GS_N };
static const char *const sort_names[GS_N] = {
	"full", "used", "avail", "new/s", "group"
};
static const bool sort_asc[GS_N] = { false, false, true, false, true };
static const struct ui_sort_cols eph_sort = { GS_N, sort_names, sort_asc };

/* How the visible groups are laid out: one table line each, or two
 * lines (address and forecast, then labelled numbers). */
struct eph_cols {
	bool table;
	bool reus;		/* a visible group has tcp_tw_reuse */
	int digits[N_NUMS];	/* widest figure per number */
	int aw_need, fc_need;	/* widest address, forecast */
	/* table: column widths */
	int aw, nw[N_NUMS], fw, gw;
	/* two lines: the second line's form */
	bool long_lbl, show[N_NUMS], pct;
	int sep, indent;
};

static void eph_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	char by[64];

	ui_sort_title(u, UI_P_EPH, by, sizeof(by));
	/* under --filter the groups hold only the matching sockets */
	if (s && s->eph.groups_total)
		snprintf(buf, len, "Ephemeral ports (%u destination group%s%s%s)",
			 s->eph.groups_total, s->eph.groups_total == 1 ? "" :
			 "s", s->filter[0] ? ", filtered" : "", by);
	else
		snprintf(buf, len, "Ephemeral ports%s", s && s->filter[0] ?
			 " (filtered)" : "");
}

static int eph_rows(const struct ui *u)
{
	return u->snap ? ui_list_top(u, (int)u->snap->eph.n_groups) : 0;
}

/* Compares two groups of the snapshot by sort column k. */
static int eph_cmp(const void *ctx, int a, int b, int k)
{
	const struct snap_group *g = &((const struct snapshot *)ctx)->eph.groups[a];
	const struct snap_group *h = &((const struct snapshot *)ctx)->eph.groups[b];
	int c;

	switch (k) {
	case GS_USED:
		return ui_cmp_num(g->used, h->used);
	case GS_AVAIL:
		return ui_cmp_num(g->available, h->available);
	case GS_RATE:
		return ui_cmp_num(g->new_per_s, h->new_per_s);
	case GS_ADDR:
		c = ui_cmp_addr(&g->remote, &h->remote);
		if (c == 0)
			c = ui_cmp_num(g->remote_port, h->remote_port);
		return c ? c : ui_cmp_addr(&g->local, &h->local);
	default:	/* the snapshot's own order */
		return ui_cmp_num(b, a);
	}
}

/* The groups in the order shown; returns how many. */
static int eph_order(const struct ui *u, int *idx)
{
	const struct panel_state *ps = &u->ps[UI_P_EPH];
	int tmp[SNAP_TOP_MAX], n = eph_rows(u);

	ui_sort_rows(idx, tmp, n, &eph_sort, ps->sort, ps->sort_inv, eph_cmp,
		     u->snap);
	return n;
}

/* A group's row names its remote peer, so Enter drills into it. */
static bool eph_row_id(const struct ui *u, int row, struct focus_req *id)
{
	int idx[SNAP_TOP_MAX], n;

	if (!u->snap)
		return false;
	n = eph_order(u, idx);
	if (row < 0 || row >= n)
		return false;
	id->kind = FOCUS_PEER;
	id->addr = u->snap->eph.groups[idx[row]].remote;
	id->port = 0;
	return true;
}

/* The summary in at most n lines: range and use, holes by kind, and
 * what sock_diag cannot see; returns the lines used. */
static int eph_summary(struct ui *u, int y, int x, int w, int n)
{
	const struct snapshot *s = u->snap;
	char a[3][160], b[16], c[16], p[16];
	int line = 0;

	if (!s->eph.present) {
		ui_text_words(u, y, x, w, TH_WARN, "ip_local_port_range "
			      "unreadable: no port figures");
		return 1;
	}
	ui_count(b, sizeof(b), s->eph.size);
	ui_count(c, sizeof(c), s->eph.ports_in_use);
	if (n == 1) {
		snprintf(a[0], sizeof(a[0]), "range %u-%u  in use %s/%s  "
			 "holes %u", s->eph.low, s->eph.high, c, b,
			 s->eph.holes);
		snprintf(a[1], sizeof(a[1]), "range %u-%u  in use %s/%s",
			 s->eph.low, s->eph.high, c, b);
		snprintf(a[2], sizeof(a[2]), "in use %s/%s", c, b);
		ui_text_alt(u, y, x, w, TH_NORMAL, (const char *[]){ a[0],
			    a[1], a[2] }, 3);
		return 1;
	}
	snprintf(a[0], sizeof(a[0]), "range %u-%u: %s ports, %u reserved, "
		 "%s in use (%s)", s->eph.low, s->eph.high, b,
		 s->eph.reserved, c, ui_pct(p, sizeof(p), s->eph.size ?
		 (double)s->eph.ports_in_use / s->eph.size : 0.0));
	snprintf(a[1], sizeof(a[1]), "range %u-%u: %s ports, %s in use",
		 s->eph.low, s->eph.high, b, c);
	snprintf(a[2], sizeof(a[2]), "range %u-%u  in use %s/%s",
		 s->eph.low, s->eph.high, c, b);
	ui_text_alt(u, y + line++, x, w, TH_NORMAL, (const char *[]){ a[0],
		    a[1], a[2] }, 3);
	snprintf(a[0], sizeof(a[0]), "holes %u: %u listening, %u bound, %u "
		 "closed listener%s, %u bind()", s->eph.holes,
		 s->eph.holes_listen, s->eph.holes_bound, s->eph.holes_closed,
		 s->eph.holes_closed == 1 ? "" : "s", s->eph.holes_bind);
	snprintf(a[1], sizeof(a[1]), "holes %u: %u listen, %u bound, %u "
		 "closed, %u bind", s->eph.holes, s->eph.holes_listen,
		 s->eph.holes_bound, s->eph.holes_closed, s->eph.holes_bind);
	snprintf(a[2], sizeof(a[2]), "holes %u", s->eph.holes);
	ui_text_alt(u, y + line++, x, w, s->eph.holes ? TH_NORMAL : TH_DIM,
		    (const char *[]){ a[0], a[1], a[2] }, 3);
	/* sock_diag cannot tell a bind()-owned port from a connect()-owned
	 * one (KERNEL-FACTS.md): say once that those holes are missing */
	if (n >= 3 && s->eph.holes_source &&
	    strcmp(s->eph.holes_source, "sock_diag") == 0)
		ui_text_alt(u, y + line++, x, w, TH_DIM, (const char *[]){
			    "not seen: ports bound by bind() before connect()",
			    "not seen: bind() before connect()" }, 2);
	return line;
}


/* The figures of a group as shown: its counts, "-" for reusable where
 * tcp_tw_reuse does not cover it, its new TIME_WAIT per second. */
static void eph_nums(const struct snap_group *g, char n[N_NUMS][16])
{
	ui_count(n[N_USED], sizeof(n[0]), g->used);
	ui_count(n[N_FREE], sizeof(n[0]), g->free);
	if (g->reuse)
		ui_count(n[N_REUS], sizeof(n[0]), g->reusable);
	else
		snprintf(n[N_REUS], sizeof(n[0]), "-");
	ui_count(n[N_AVAIL], sizeof(n[0]), g->available);
	ui_rate(n[N_RATE], sizeof(n[0]), g->new_per_s >= 0, g->new_per_s);
}

/* A group's address in at most w columns (ui_group_fit). */
static const char *eph_addr(const struct ui *u, const struct snap_group *g,
			    int w, char *buf, size_t len)
{
	return ui_group_fit(&g->local, &g->remote, g->remote_port, w, u->utf8,
			    buf, len);
}

/* Width of the second line of a group in form c (without the gauge). */
static int eph_line2_w(const struct eph_cols *c)
{
	int wd = c->indent, k = 0;

	for (int i = 0; i < N_NUMS; i++) {
		if (!c->show[i])
			continue;
		wd += (k++ ? c->sep : 0) + c->digits[i] + 1 +
		      (int)strlen(c->long_lbl ? num_long[i] : num_short[i]);
	}
	return wd + (c->pct ? PCT2_W : 0);
}

/* Picks the second line's form: the richest that fits w, dropping the
 * gauge, then long labels and spacing, then reusable, free, the rate
 * and the %. */
static void eph_fit_two(struct eph_cols *c, int w)
{
	static const struct {
		bool long_lbl, reus, free, rate, pct;
		int sep, indent, gauge;
	} forms[] = {
		{ true, true, true, true, true, 2, 2, 6 },
		{ false, true, true, true, true, 2, 2, 3 },
		{ false, true, true, true, true, 1, 1, 0 },
		{ false, false, true, true, true, 1, 1, 0 },
		{ false, false, false, true, true, 1, 1, 0 },
		{ false, false, false, false, true, 1, 1, 0 },
		{ false, false, false, false, false, 1, 0, 0 },
	};
	size_t n = sizeof(forms) / sizeof(forms[0]);

	for (size_t i = 0; i < n; i++) {
		c->long_lbl = forms[i].long_lbl;
		c->show[N_USED] = c->show[N_AVAIL] = true;
		c->show[N_FREE] = forms[i].free;
		c->show[N_REUS] = forms[i].reus && c->reus;
		c->show[N_RATE] = forms[i].rate;
		c->pct = forms[i].pct;
		c->sep = forms[i].sep;
		c->indent = forms[i].indent;
		c->gw = w - eph_line2_w(c) - 1;
		if (c->gw >= forms[i].gauge && c->gw >= 0)
			break;
	}
	if (c->gw > GAUGE_MAX)
		c->gw = GAUGE_MAX;
	if (c->gw < 3 || !c->pct)
		c->gw = 0;
}

/* Lays out the n groups in w columns: a table when the whole addresses,
 * the numbers, the % and the forecast's short form fit on a line, else
 * two lines each. */
static void eph_layout(const struct ui *u, int w, const int *idx, int n,
		       struct eph_cols *c)
{
	const struct snapshot *s = u->snap;
	char a[2 * ADDR_STRLEN + 16], nums[N_NUMS][16], f[32];
	int need, rest;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < n; i++) {
		const struct snap_group *g = &s->eph.groups[idx[i]];
		int aw = ui_cols(eph_addr(u, g, 200, a, sizeof(a)));

		eph_nums(g, nums);
		for (int k = 0; k < N_NUMS; k++)
			if ((int)strlen(nums[k]) > c->digits[k])
				c->digits[k] = (int)strlen(nums[k]);
		c->reus |= g->reuse;
		c->aw_need = aw > c->aw_need ? aw : c->aw_need;
		if (ui_forecast_form(g, 0, f, sizeof(f)) &&
		    ui_cols(f) > c->fc_need)
			c->fc_need = ui_cols(f);
	}
	need = PCT_W + FC_MIN;
	for (int k = 0; k < N_NUMS; k++) {
		int lw = (int)strlen(num_short[k]);

		c->show[k] = k != N_REUS || c->reus;
		c->nw[k] = c->show[k] ? 1 + (c->digits[k] > lw ?
					     c->digits[k] : lw) : 0;
		need += c->nw[k];
	}
	/* two lines give the address the room before they elide it */
	c->table = c->aw_need + 1 + need <= w;
	if (!c->table) {
		eph_fit_two(c, w);
		return;
	}
	/* the rest: the whole address, the whole forecast, the gauge,
	 * then padding after the address */
	rest = w - need;
	c->aw = c->aw_need + 1 < rest ? c->aw_need + 1 : rest;
	rest -= c->aw;
	need = (c->fc_need + 1 < FC_MAX ? c->fc_need + 1 : FC_MAX) - FC_MIN;
	need = need < 0 ? 0 : need < rest ? need : rest;
	c->fw = FC_MIN + need;
	rest -= need;
	c->gw = rest - 1 < 3 ? 0 : rest - 1 > GAUGE_MAX ? GAUGE_MAX : rest - 1;
	rest -= c->gw ? c->gw + 1 : 0;
	c->aw += rest;
}

/* The % of the group connect() cannot take now (fc.pressure) and its
 * gauge, in pw + gw columns from x. */
static void eph_pressure(struct ui *u, int y, int x, int pw, int gw,
			 const struct snap_group *g, bool selected)
{
	char pct[16];
	double p = g->fc.known ? g->fc.pressure : 1;

	if (pw > 0)
		ui_text_right(u, y, x, pw, selected ? TH_SELECTED :
			      g->fc.known ? ui_gauge_elem(p) : TH_DIM,
			      g->fc.known ? ui_pct(pct, sizeof(pct), p) : "-");
	if (gw >= 3 && g->fc.known)
		ui_gauge_sel(u, y, x + pw + 1, gw, p, selected);
}

/* The labelled numbers of a group's second line; returns their end. */
static int eph_labelled(struct ui *u, int y, int x,
			const struct eph_cols *c, const struct snap_group *g,
			bool selected)
{
	char n[N_NUMS][16];
	int cx = x + c->indent, k = 0;

	eph_nums(g, n);
	for (int i = 0; i < N_NUMS; i++) {
		const char *lbl = c->long_lbl ? num_long[i] : num_short[i];

		if (!c->show[i])
			continue;
		cx += k++ ? c->sep : 0;
		/* a group tcp_tw_reuse does not cover has nothing reusable:
		 * its slot stays blank */
		if (i != N_REUS || g->reuse) {
			ui_text_right(u, y, cx, c->digits[i], selected ?
				      TH_SELECTED : i == N_AVAIL ? TH_VALUE :
				      i == N_RATE && !(g->new_per_s > 0) ?
				      TH_DIM : TH_NORMAL, n[i]);
			ui_text(u, y, cx + c->digits[i] + 1, (int)strlen(lbl),
				selected ? TH_SELECTED : TH_DIM, lbl);
		}
		cx += c->digits[i] + 1 + (int)strlen(lbl);
	}
	return cx;
}

/* Line one of the two-line form: the address, the forecast at the right
 * in the longest form that fits beside the whole address, else in the
 * longest that leaves the address ADDR_KEEP columns (elided in its
 * middle), else in its shortest. */
static void eph_line1(struct ui *u, int y, int x, int w,
		      const struct snap_group *g, bool selected)
{
	char a[2 * ADDR_STRLEN + 16], f[32];
	const char *t = NULL;
	int aw = ui_cols(eph_addr(u, g, 200, a, sizeof(a))), fw = 0;
	int keep = aw < ADDR_KEEP ? aw : ADDR_KEEP;

	for (int k = 0; k < UI_FC_FORMS && !t; k++)
		if (ui_forecast_form(g, k, f, sizeof(f)) &&
		    aw + 2 + ui_cols(f) <= w)
			t = f;
	for (int k = 0; k < UI_FC_FORMS && !t; k++)
		if (ui_forecast_form(g, k, f, sizeof(f)) &&
		    (keep + 2 + ui_cols(f) <= w || k == UI_FC_FORMS - 1))
			t = f;
	if (t)
		fw = ui_text_right(u, y, x, w, selected ? TH_SELECTED :
				   ui_forecast_elem(g), t);
	ui_text(u, y, x, w - (fw ? fw + 2 : 0), selected ? TH_SELECTED :
		TH_NORMAL, eph_addr(u, g, w - (fw ? fw + 2 : 0), a,
		sizeof(a)));
}

/* One destination group: a table line, or two lines. */
static void eph_group(struct ui *u, int y, int x, int w,
		      const struct eph_cols *c, const struct snap_group *g,
		      bool selected)
{
	char a[2 * ADDR_STRLEN + 16], ft[32], n[N_NUMS][16];
	const char *t;
	int cx;

	if (selected)
		ui_fill(u, y, x - 1, w + 2, TH_SELECTED);
	if (!c->table) {
		if (selected)
			ui_fill(u, y + 1, x - 1, w + 2, TH_SELECTED);
		eph_line1(u, y, x, w, g, selected);
		cx = eph_labelled(u, y + 1, x, c, g, selected);
		eph_pressure(u, y + 1, cx, c->pct ? PCT2_W : 0, c->gw, g,
			     selected);
		return;
	}
	ui_text(u, y, x, c->aw - 1, selected ? TH_SELECTED : TH_NORMAL,
		eph_addr(u, g, c->aw - 1, a, sizeof(a)));
	cx = x + c->aw;
	eph_nums(g, n);
	for (int k = 0; k < N_NUMS; k++) {
		if (!c->show[k])
			continue;
		ui_text_right(u, y, cx, c->nw[k], selected ? TH_SELECTED :
			      k == N_AVAIL ? TH_VALUE : k == N_RATE &&
			      !(g->new_per_s > 0) ? TH_DIM : TH_NORMAL, n[k]);
		cx += c->nw[k];
	}
	eph_pressure(u, y, cx, PCT_W, 0, g, selected);
	cx += PCT_W;
	t = ui_forecast_text(g, c->fw - 1, ft, sizeof(ft));
	if (t != NULL)
		ui_text(u, y, cx + 1, c->fw - 1, selected ? TH_SELECTED :
			ui_forecast_elem(g), t);
	if (c->gw >= 3 && g->fc.known)
		ui_gauge_sel(u, y, cx + c->fw + 1, c->gw, g->fc.pressure,
			     selected);
}

/* The table's heading line. */
static void eph_heading(struct ui *u, int y, int x,
			const struct eph_cols *c)
{
	static const int sortk[N_NUMS] = {
		GS_USED, -1, -1, GS_AVAIL, GS_RATE
	};
	const struct panel_state *ps = &u->ps[UI_P_EPH];
	char h[32];
	int cx = x + c->aw;

	snprintf(h, sizeof(h), "local%sremote:port", ui_arrow(u));
	ui_head(u, y, x, c->aw - 1, h, false, ps, GS_ADDR, &eph_sort);
	for (int k = 0; k < N_NUMS; k++) {
		if (!c->show[k])
			continue;
		ui_head(u, y, cx, c->nw[k], num_short[k], true, ps, sortk[k],
			&eph_sort);
		cx += c->nw[k];
	}
	ui_head(u, y, cx, PCT_W, "full", true, ps, GS_FULL, &eph_sort);
	cx += PCT_W;
	ui_text(u, y, cx + 1, c->fw - 1, TH_LABEL, "forecast");
	if (c->gw >= 8)
		ui_text(u, y, cx + c->fw + 1, c->gw, TH_LABEL, "pressure");
}

/* Summary lines, then the worst groups as a scrollable list. */
static void eph_draw(struct ui *u, const struct ui_rect *r,
		     struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int idx[SNAP_TOP_MAX], rows, vis, lines;
	struct eph_cols c;

	if (!s) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	lines = eph_summary(u, y, x, w, h >= 10 ? 3 : h >= 5 ? 2 : 1);
	y += lines;
	h -= lines;
	if (h <= 0)
		return;
	rows = eph_order(u, idx);
	if (rows == 0) {
		ui_text_words(u, y + (h >= 2), x, w, TH_DIM, s->eph.present ?
			      "no client connections on ports in the range" :
			      "");
		return;
	}
	eph_layout(u, w, idx, rows, &c);
	if (c.table && h >= 4) {
		eph_heading(u, ++y, x, &c);
		y++;
		h -= 2;
	}
	vis = h / (c.table ? 1 : 2);
	ui_list_view(ps, focused);
	ui_list_clamp(ps, rows, vis);
	ui_list_placed(ps, y, c.table ? 1 : 2);
	for (int i = 0; i < vis && ps->top + i < rows; i++)
		eph_group(u, y + i * (c.table ? 1 : 2), x, w, &c,
			  &s->eph.groups[idx[ps->top + i]],
			  focused && ps->top + i == ps->sel);
}

static bool eph_key(struct ui *u, struct panel_state *ps, int key)
{
	return ui_list_key(ps, key, eph_rows(u));
}

const struct panel_ops ui_panel_eph = {
	.title = eph_title,
	.draw = eph_draw,
	.key = eph_key,
	.rows = eph_rows,
	.row_id = eph_row_id,
	.sort = &eph_sort,
};
