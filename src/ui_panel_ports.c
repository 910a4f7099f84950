/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: local and remote ports by TIME_WAIT with their new TIME_WAIT per
 * second, marked server side or client side (KERNEL-FACTS.md: the side
 * that closes first keeps the TIME_WAIT). A local port is server side as
 * the sampler decides (snap_port.server: it listens now, listened within
 * 60 s, or is inferred); "server*" marks one nothing listens on now. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define PORT_W	7
#define WHERE_W	7
#define SIDE_W	7
#define NUM_W	10
#define RATE_W	7	/* " new/s" */
#define PCT_W	6
#define TOT_W	7
#define ROWS_MAX (2 * SNAP_TOP_MAX)

/* A row: a local (lports) or remote (rports) port. */
struct port_row {
	const struct snap_port *p;
	bool remote;
};

/* Merges lports and rports by TIME_WAIT, then total; returns rows. */
static int ports_merge(const struct snapshot *s, struct port_row *out)
{
	uint32_t i = 0, j = 0;
	int n = 0;

	while (i < s->n_lports || j < s->n_rports) {
		const struct snap_port *l = i < s->n_lports ? &s->lports[i] : 0;
		const struct snap_port *r = j < s->n_rports ? &s->rports[j] : 0;
		bool take_r = !l || (r && (r->time_wait > l->time_wait ||
			      (r->time_wait == l->time_wait &&
			       r->total > l->total)));

		out[n].remote = take_r;
		out[n++].p = take_r ? r : l;
		if (take_r)
			j++;
		else
			i++;
	}
	return n;
}

/* True for a local port on the server side that nothing listens on
 * now: its listener closed within 60 s, or its side was inferred. */
static bool ports_server_gone(const struct snap_port *p)
{
	return p->server && !p->listening;
}

/* The title; it explains "server*" when a local port shows it. */
static void ports_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	bool gone = false;

	for (uint32_t i = 0; s && i < s->n_lports; i++)
		gone |= ports_server_gone(&s->lports[i]);
	snprintf(buf, len, "Top ports by TIME_WAIT%s", !gone ? "" :
		 u->lay.panel[UI_P_PORTS].w >= 52 ?
		 " (server*: no listener now)" : " (*: no listener)");
}

static int ports_rows(const struct ui *u)
{
	return u->snap ? (int)(u->snap->n_lports + u->snap->n_rports) : 0;
}

static bool ports_row_id(const struct ui *u, int row, struct focus_req *id)
{
	struct port_row rows[ROWS_MAX];
	int n;

	if (!u->snap)
		return false;
	n = ports_merge(u->snap, rows);
	if (row < 0 || row >= n)
		return false;
	id->kind = rows[row].remote ? FOCUS_RPORT : FOCUS_LPORT;
	id->port = rows[row].p->port;
	memset(&id->addr, 0, sizeof(id->addr));
	return true;
}

/* Writes the cells of one row (headings when r is NULL). */
static void ports_cells(struct ui *u, int y, int x, int w,
			const struct port_row *r, uint32_t max_tw,
			bool selected)
{
	const struct snapshot *s = u->snap;
	enum theme_elem v = r ? (selected ? TH_SELECTED : TH_VALUE) : TH_LABEL;
	enum theme_elem d = r ? (selected ? TH_SELECTED : TH_DIM) : TH_LABEL;
	int rest = w - PORT_W - WHERE_W - SIDE_W - NUM_W, cx = x;
	bool server = r && !r->remote && r->p->server;
	/* a remote port's TIME_WAIT may be on either side (it is a server's
	 * port or a client's ephemeral one): no side is claimed for it */
	const char *side = !r ? "side" : r->remote ? "" : !server ? "client" :
			   ports_server_gone(r->p) ? "server*" : "server";
	char n[16];

	if (r)
		snprintf(n, sizeof(n), ":%u", r->p->port);
	ui_text(u, y, cx, PORT_W, v, r ? n : "port");
	cx += PORT_W;
	ui_text(u, y, cx, WHERE_W, d, r ? (r->remote ? "remote" : "local") :
		"where");
	cx += WHERE_W;
	ui_text(u, y, cx, SIDE_W, r && server && !selected ? TH_WARN : v,
		side);
	cx += SIDE_W;
	ui_text_right(u, y, cx, NUM_W, v, r ? ui_count_fit(n, sizeof(n),
		      r->p->time_wait, NUM_W - 1) : "TIME_WAIT");
	cx += NUM_W;
	if (rest >= RATE_W) {
		if (r)
			ui_rate(n, sizeof(n), r->p->new_per_s >= 0,
				r->p->new_per_s);
		ui_text_right(u, y, cx, RATE_W, r && r->p->new_per_s > 0 ? v :
			      d, r ? n : "new/s");
		cx += RATE_W;
		rest -= RATE_W;
	}
	if (rest >= PCT_W) {
		if (r)
			snprintf(n, sizeof(n), "%.0f%%", s->tw.total ?
				 100.0 * r->p->time_wait / s->tw.total : 0.0);
		ui_text_right(u, y, cx, PCT_W, d, r ? n : "share");
		cx += PCT_W;
		rest -= PCT_W;
	}
	if (rest >= TOT_W) {
		ui_text_right(u, y, cx, TOT_W, d, r ? ui_count_fit(n,
			      sizeof(n), r->p->total, TOT_W - 1) : "total");
		cx += TOT_W;
		rest -= TOT_W;
	}
	if (r && rest >= 4 && max_tw)
		ui_bar(u, y, cx + 1, rest - 1,
		       (double)r->p->time_wait / max_tw, TH_BAR_TW);
}

/* Headings, then local and remote ports merged, as a scrollable list. */
static void ports_draw(struct ui *u, const struct ui_rect *rc,
		       struct panel_state *ps, bool focused)
{
	struct port_row rows[ROWS_MAX];
	int x = rc->x + 1, w = rc->w - 2, y = rc->y + 1, h = rc->h - 1, n;

	if (!u->snap) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	n = ports_merge(u->snap, rows);
	if (n == 0) {
		ui_text(u, y, x, w, TH_DIM, "no TCP ports in use");
		return;
	}
	if (h >= 3) {
		ports_cells(u, y++, x, w, NULL, 0, false);
		h--;
	}
	ui_list_clamp(ps, n, h);
	for (int i = 0; i < h && ps->top + i < n; i++) {
		bool sel = focused && ps->top + i == ps->sel;

		if (sel)
			ui_fill(u, y + i, rc->x, rc->w, TH_SELECTED);
		ports_cells(u, y + i, x, w, &rows[ps->top + i],
			    rows[0].p->time_wait, sel);
	}
}

static bool ports_key(struct ui *u, struct panel_state *ps, int key)
{
	return ui_list_key(ps, key, ports_rows(u));
}

const struct panel_ops ui_panel_ports = {
	.title = ports_title,
	.draw = ports_draw,
	.key = ports_key,
	.rows = ports_rows,
	.row_id = ports_row_id,
};
