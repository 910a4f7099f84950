/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the ephemeral port range and the destination groups closest to
 * running out (per-destination capacity, KERNEL-FACTS.md). Every figure
 * is the snapshot's (agg, advice_derive); this file only lays them out. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define ADDR_W	25	/* "127.0.0.1->127.0.0.2:18080" less one */
#define ADDR_MAX 46
#define PCT_W	4	/* "100%" */
#define FC_MIN	13	/* "full in 43 s" and a space */
#define FC_MAX	18	/* "full in under 1 s" and a space */
#define GAUGE_MAX 20

/* The numbers of a group row: used, free, reusable, available. */
enum { N_USED, N_FREE, N_REUS, N_AVAIL, N_NUMS };

static const char *const num_long[N_NUMS] = {
	"used", "free", "reusable", "available"
};
static const char *const num_short[N_NUMS] = {
	"used", "free", "reus", "avail"
};

/* How the visible groups are laid out: one table line each, or two
 * lines (address and forecast, then labelled numbers). */
struct eph_cols {
	bool table;
	bool reus;		/* a visible group has tcp_tw_reuse */
	int digits[N_NUMS];	/* widest count per number */
	/* table: column widths */
	int aw, nw[N_NUMS], fw, gw;
	/* two lines: the second line's form */
	bool long_lbl, show[N_NUMS], pct;
	int sep, indent;
};

static void eph_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;

	/* under --filter the groups hold only the matching sockets */
	if (s && s->eph.groups_total)
		snprintf(buf, len, "Ephemeral ports (%u destination group%s%s)",
			 s->eph.groups_total, s->eph.groups_total == 1 ? "" : "s",
			 s->filter[0] ? ", filtered" : "");
	else
		snprintf(buf, len, "Ephemeral ports%s", s && s->filter[0] ?
			 " (filtered)" : "");
}

static int eph_rows(const struct ui *u)
{
	return u->snap ? (int)u->snap->eph.n_groups : 0;
}

/* A group's row names its remote peer, so Enter drills into it. */
static bool eph_row_id(const struct ui *u, int row, struct focus_req *id)
{
	if (!u->snap || row < 0 || row >= (int)u->snap->eph.n_groups)
		return false;
	id->kind = FOCUS_PEER;
	id->addr = u->snap->eph.groups[row].remote;
	id->port = 0;
	return true;
}

/* The summary in at most n lines: range and use, holes by kind, and
 * what sock_diag cannot see; returns the lines used. */
static int eph_summary(struct ui *u, int y, int x, int w, int n)
{
	const struct snapshot *s = u->snap;
	char a[3][160], b[16], c[16];
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
		 "%s in use (%.0f%%)", s->eph.low, s->eph.high, b,
		 s->eph.reserved, c, s->eph.size ?
		 100.0 * s->eph.ports_in_use / s->eph.size : 0.0);
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

/* Columns a count takes (ui_count). */
static int digits(uint32_t v)
{
	char n[16];

	return (int)strlen(ui_count(n, sizeof(n), v));
}

/* The four numbers of a group. */
static void eph_nums(const struct snap_group *g, uint32_t *v)
{
	v[N_USED] = g->used;
	v[N_FREE] = g->free;
	v[N_REUS] = g->reusable;
	v[N_AVAIL] = g->available;
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
	return wd + (c->pct ? 1 + PCT_W : 0);
}

/* Picks the second line's form: the richest that fits w, dropping the
 * gauge, then long labels and spacing, then the %, reusable, free. */
static void eph_fit_two(struct eph_cols *c, int w)
{
	static const struct {
		bool long_lbl, reus, free, pct;
		int sep, indent, gauge;
	} forms[] = {
		{ true, true, true, true, 2, 2, 6 },
		{ false, true, true, true, 2, 2, 3 },
		{ false, true, true, true, 1, 1, 0 },
		{ false, false, true, true, 1, 1, 0 },
		{ false, false, true, false, 1, 1, 0 },
		{ false, false, false, false, 1, 0, 0 },
	};
	size_t n = sizeof(forms) / sizeof(forms[0]);

	for (size_t i = 0; i < n; i++) {
		c->long_lbl = forms[i].long_lbl;
		c->show[N_USED] = c->show[N_AVAIL] = true;
		c->show[N_FREE] = forms[i].free;
		c->show[N_REUS] = forms[i].reus && c->reus;
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

/* Lays out the groups in w columns: a table when the address, the
 * numbers, the % and a forecast fit on a line, else two lines each. */
static void eph_layout(const struct ui *u, int w, struct eph_cols *c)
{
	const struct snapshot *s = u->snap;
	char l[ADDR_STRLEN], r[ADDR_STRLEN], a[2 * ADDR_STRLEN + 16];
	int aw = 0, need;

	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; i < s->eph.n_groups; i++) {
		const struct snap_group *g = &s->eph.groups[i];
		uint32_t v[N_NUMS];

		eph_nums(g, v);
		for (int k = 0; k < N_NUMS; k++)
			if (digits(v[k]) > c->digits[k])
				c->digits[k] = digits(v[k]);
		c->reus |= g->reuse;
		snprintf(a, sizeof(a), "%s%s%s:%u", ui_addr(&g->local, l,
			 sizeof(l)), ui_arrow(u), ui_addr(&g->remote, r,
			 sizeof(r)), g->remote_port);
		if (ui_width(a) > aw)
			aw = ui_width(a);
	}
	c->aw = aw < ADDR_W ? ADDR_W : aw > ADDR_MAX ? ADDR_MAX : aw + 1;
	need = c->aw + 1 + PCT_W;
	for (int k = 0; k < N_NUMS; k++) {
		int lw = (int)strlen(num_short[k]);

		c->show[k] = k != N_REUS || c->reus;
		c->nw[k] = c->show[k] ? 1 + (c->digits[k] > lw ?
					     c->digits[k] : lw) : 0;
		need += c->nw[k];
	}
	c->table = need + 1 + FC_MIN <= w;
	if (!c->table) {
		eph_fit_two(c, w);
		return;
	}
	c->fw = w - need - 1 >= FC_MAX ? FC_MAX : w - need - 1;
	c->gw = w - need - 1 - c->fw;
	c->gw = c->gw > GAUGE_MAX ? GAUGE_MAX : c->gw < 3 ? 0 : c->gw;
	c->aw += w - need - 1 - c->fw - c->gw;	/* the rest widens the address */
}

/* The % of the group connect() cannot take now (fc.pressure) and its
 * gauge, in pw + gw columns from x. */
static void eph_pressure(struct ui *u, int y, int x, int pw, int gw,
			 const struct snap_group *g, bool selected)
{
	char pct[8];
	double p = g->fc.known ? g->fc.pressure : 1;

	if (pw > 0) {
		if (g->fc.known)	/* rounded down, as advisories say it */
			snprintf(pct, sizeof(pct), "%d%%", (int)(p * 100));
		else
			snprintf(pct, sizeof(pct), "-");
		ui_text_right(u, y, x, pw, selected ? TH_SELECTED :
			      ui_gauge_elem(p), pct);
	}
	if (gw >= 3 && g->fc.known)
		ui_gauge(u, y, x + pw + 1, gw, p);
}

/* The labelled numbers of a group's second line; returns their end. */
static int eph_labelled(struct ui *u, int y, int x,
			const struct eph_cols *c, const struct snap_group *g,
			bool selected)
{
	uint32_t v[N_NUMS];
	char n[16];
	int cx = x + c->indent, k = 0;

	eph_nums(g, v);
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
				      TH_NORMAL, ui_count(n, sizeof(n), v[i]));
			ui_text(u, y, cx + c->digits[i] + 1, (int)strlen(lbl),
				selected ? TH_SELECTED : TH_DIM, lbl);
		}
		cx += c->digits[i] + 1 + (int)strlen(lbl);
	}
	return cx;
}

/* One destination group: a table line, or two lines. */
static void eph_group(struct ui *u, int y, int x, int w,
		      const struct eph_cols *c, const struct snap_group *g,
		      bool selected)
{
	char l[ADDR_STRLEN], r[ADDR_STRLEN], a[2 * ADDR_STRLEN + 16], ft[24];
	uint32_t v[N_NUMS];
	enum theme_elem e = selected ? TH_SELECTED : TH_NORMAL;
	const char *t;
	int cx, fw = 0;

	snprintf(a, sizeof(a), "%s%s%s:%u", ui_addr(&g->local, l, sizeof(l)),
		 ui_arrow(u), ui_addr(&g->remote, r, sizeof(r)),
		 g->remote_port);
	if (selected)
		ui_fill(u, y, x - 1, w + 2, TH_SELECTED);
	if (!c->table) {
		/* the forecast only where the address leaves room */
		t = ui_forecast_text(g, w - ui_width(a) - 2, ft, sizeof(ft));

		if (selected)
			ui_fill(u, y + 1, x - 1, w + 2, TH_SELECTED);
		if (t != NULL)
			fw = ui_text_right(u, y, x, w, selected ? TH_SELECTED :
					   ui_forecast_elem(g), t);
		ui_text(u, y, x, w - (fw ? fw + 2 : 0), e, a);
		cx = eph_labelled(u, y + 1, x, c, g, selected);
		eph_pressure(u, y + 1, cx + 1, c->pct ? PCT_W : 0, c->gw, g,
			     selected);
		return;
	}
	ui_text(u, y, x, c->aw - 1, e, a);
	cx = x + c->aw;
	eph_nums(g, v);
	for (int k = 0; k < N_NUMS; k++) {
		char n[16];

		if (!c->show[k])
			continue;
		ui_text_right(u, y, cx, c->nw[k], selected ? TH_SELECTED :
			      k == N_AVAIL ? TH_VALUE : TH_NORMAL,
			      k == N_REUS && !g->reuse ? "-" :
			      ui_count(n, sizeof(n), v[k]));
		cx += c->nw[k];
	}
	eph_pressure(u, y, cx + 1, PCT_W, 0, g, selected);
	cx += 1 + PCT_W + 1;
	t = ui_forecast_text(g, c->fw - 1, ft, sizeof(ft));
	if (t != NULL)
		ui_text(u, y, cx + 1, c->fw - 1, selected ? TH_SELECTED :
			ui_forecast_elem(g), t);
	if (c->gw >= 3 && g->fc.known)
		ui_gauge(u, y, cx + c->fw, c->gw, g->fc.pressure);
}

/* The table's heading line. */
static void eph_heading(struct ui *u, int y, int x,
			const struct eph_cols *c)
{
	int cx = x + c->aw;

	ui_textf(u, y, x, c->aw - 1, TH_LABEL, "local%sremote:port",
		 ui_arrow(u));
	for (int k = 0; k < N_NUMS; k++) {
		if (!c->show[k])
			continue;
		ui_text_right(u, y, cx, c->nw[k], TH_LABEL, num_short[k]);
		cx += c->nw[k];
	}
	ui_text_right(u, y, cx + 1, PCT_W, TH_LABEL, "full");
	cx += 1 + PCT_W + 1;
	ui_text(u, y, cx + 1, c->fw - 1, TH_LABEL, "forecast");
	if (c->gw >= 3)
		ui_text(u, y, cx + c->fw, c->gw, TH_LABEL, c->gw >= 8 ?
			"pressure" : "");
}

/* Summary lines, then the worst groups as a scrollable list. */
static void eph_draw(struct ui *u, const struct ui_rect *r,
		     struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int rows = eph_rows(u), vis, lines;
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
	if (rows == 0) {
		ui_text_words(u, y + (h >= 2), x, w, TH_DIM, s->eph.present ?
			      "no client connections on ports in the range" :
			      "");
		return;
	}
	eph_layout(u, w, &c);
	if (c.table && h >= 4) {
		eph_heading(u, ++y, x, &c);
		y++;
		h -= 2;
	}
	vis = h / (c.table ? 1 : 2);
	ui_list_clamp(ps, rows, vis);
	for (int i = 0; i < vis && ps->top + i < rows; i++)
		eph_group(u, y + i * (c.table ? 1 : 2), x, w, &c,
			  &s->eph.groups[ps->top + i],
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
};
