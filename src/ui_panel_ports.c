/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the service ports by TIME_WAIT with their new TIME_WAIT per
 * second: our listening ports (local, server side: KERNEL-FACTS.md, the
 * side that closes first keeps the TIME_WAIT) and the remote ports our
 * connections go to, named as /etc/services names them. The ports
 * connect() picks for us show as one "ephemeral" row, the clients' ports
 * of connections accepted here as one "clients' ports" row: the sampler
 * leaves both out of its top lists and counts them together
 * (snapshot.folded); this panel only formats what it says.
 *
 * A local port is server side as the sampler decides (snap_port.server:
 * it listens now, listened within 60 s, or is inferred); "server*" marks
 * one nothing listens on now. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define PORT_W	7	/* ":65535 " */
#define SVC_MIN 5
#define SVC_MAX 13
#define WHERE_W	7
#define SIDE_W	7
#define NUM_W	10
#define RATE_W	7	/* " new/s" */
#define PCT_W	6
#define TOT_W	7
#define ROWS_MAX (2 * SNAP_TOP_MAX + 2)

enum port_kind { PK_LOCAL, PK_REMOTE, PK_EPH, PK_CLIENTS };

/* A row: a local or remote port, or a folded row. */
struct port_row {
	enum port_kind kind;
	const struct snap_port *p;	/* PK_LOCAL, PK_REMOTE */
	uint16_t port;
	uint32_t time_wait, total, nports;
	bool total_known;
	double new_per_s;		/* < 0 unknown */
};

/* Sort columns: the snapshot's order is by TIME_WAIT, then sockets. */
enum { OS_TW, OS_RATE, OS_TOTAL, OS_PORT, OS_N };
static const char *const sort_names[OS_N] = {
	"TIME_WAIT", "new/s", "total", "port"
};
static const bool sort_asc[OS_N] = { false, false, false, true };
static const struct ui_sort_cols ports_sort = { OS_N, sort_names, sort_asc };

/* Which columns fit, and how wide. */
struct port_cols {
	int nw;			/* name column, 0: none */
	bool side, rate, share, total;
	int bw;
};

/* True for a local port on the server side that nothing listens on
 * now: its listener closed within 60 s, or its side was inferred. */
static bool ports_server_gone(const struct snap_port *p)
{
	return p->server && !p->listening;
}

static void row_port(struct port_row *r, enum port_kind k,
		     const struct snap_port *p)
{
	memset(r, 0, sizeof(*r));
	r->kind = k;
	r->p = p;
	r->port = p->port;
	r->time_wait = p->time_wait;
	r->total = p->total;
	r->total_known = true;
	r->nports = 1;
	r->new_per_s = p->new_per_s;
}

/* A folded row: the sampler's totals of the ports it left out. */
static void row_folded(struct port_row *r, enum port_kind k,
		       const struct snap_port_fold *f)
{
	memset(r, 0, sizeof(*r));
	r->kind = k;
	r->nports = f->ports;
	r->time_wait = f->time_wait;
	r->total = f->total;
	r->total_known = true;
	r->new_per_s = f->new_per_s;
}

/* Compares two rows by sort column k. */
static int ports_cmp(const void *ctx, int a, int b, int k)
{
	const struct port_row *p = &((const struct port_row *)ctx)[a];
	const struct port_row *q = &((const struct port_row *)ctx)[b];

	switch (k) {
	case OS_RATE:
		return ui_cmp_num(p->new_per_s, q->new_per_s);
	case OS_TOTAL:
		return ui_cmp_num(p->total, q->total);
	case OS_PORT:
		return p->port != q->port ? ui_cmp_num(p->port, q->port) :
		       ui_cmp_num(p->kind, q->kind);
	default:
		return ui_cmp_num(p->time_wait, q->time_wait);
	}
}

/* The rows as shown: local and remote ports merged by TIME_WAIT, then
 * sockets; at most --top of them, in the sort order; then the folded
 * rows. Returns how many. */
static int ports_build(const struct ui *u, struct port_row *out)
{
	const struct snapshot *s = u->snap;
	const struct panel_state *ps = &u->ps[UI_P_PORTS];
	struct port_row rows[ROWS_MAX], eph, cli;
	int idx[ROWS_MAX], tmp[ROWS_MAX], n = 0, k;
	uint32_t i = 0, j = 0;

	while (i < s->n_lports || j < s->n_rports) {
		const struct snap_port *l = i < s->n_lports ? &s->lports[i] : 0;
		const struct snap_port *r = j < s->n_rports ? &s->rports[j] : 0;
		bool take_r = !l || (r && (r->time_wait > l->time_wait ||
			      (r->time_wait == l->time_wait &&
			       r->total > l->total)));

		if (take_r)
			row_port(&rows[n++], PK_REMOTE, &s->rports[j++]);
		else
			row_port(&rows[n++], PK_LOCAL, &s->lports[i++]);
	}
	row_folded(&eph, PK_EPH, &s->folded.eph_local);
	row_folded(&cli, PK_CLIENTS, &s->folded.clients_inbound);
	n = ui_list_top(u, n);
	ui_sort_rows(idx, tmp, n, &ports_sort, ps->sort, ps->sort_inv,
		     ports_cmp, rows);
	for (k = 0; k < n; k++)
		out[k] = rows[idx[k]];
	if (eph.nports > 0)
		out[k++] = eph;
	if (cli.nports > 0)
		out[k++] = cli;
	return k;
}

/* The title; it explains "server*" when a local port shows it. */
static void ports_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	bool gone = false;
	char by[64];

	for (uint32_t i = 0; s && i < s->n_lports; i++)
		gone |= ports_server_gone(&s->lports[i]);
	ui_sort_title(u, UI_P_PORTS, by, sizeof(by));
	if (gone)
		snprintf(buf, len, "Top ports by TIME_WAIT (%s%s)",
			 u->lay.panel[UI_P_PORTS].w >= 52 ?
			 "server*: no listener now" : "*: no listener", by);
	else if (by[0])
		snprintf(buf, len, "Top ports by TIME_WAIT (%s)", by + 2);
	else
		snprintf(buf, len, "Top ports by TIME_WAIT");
}

static int ports_rows(const struct ui *u)
{
	struct port_row rows[ROWS_MAX];

	return u->snap ? ports_build(u, rows) : 0;
}

/* A port row names its port for Enter; a folded row names none. */
static bool ports_row_id(const struct ui *u, int row, struct focus_req *id)
{
	struct port_row rows[ROWS_MAX];
	int n;

	if (!u->snap)
		return false;
	n = ports_build(u, rows);
	if (row < 0 || row >= n || rows[row].p == NULL)
		return false;
	id->kind = rows[row].kind == PK_REMOTE ? FOCUS_RPORT : FOCUS_LPORT;
	id->port = rows[row].port;
	memset(&id->addr, 0, sizeof(id->addr));
	return true;
}

/* Fits the columns into w: port, where, TIME_WAIT, then side, new/s,
 * the service name, share, total while they fit, the bar with the
 * rest. need_name: the longest name shown. */
static void ports_cols(int w, int need_name, struct port_cols *c)
{
	int rest = w - PORT_W - WHERE_W - NUM_W;

	memset(c, 0, sizeof(*c));
	c->side = rest >= SIDE_W;
	rest -= c->side ? SIDE_W : 0;
	c->rate = rest >= RATE_W;
	rest -= c->rate ? RATE_W : 0;
	if (need_name > 0) {
		c->nw = need_name + 1 > SVC_MAX ? SVC_MAX : need_name + 1;
		c->nw = c->nw > rest ? rest : c->nw;
		c->nw = c->nw < SVC_MIN ? 0 : c->nw;
		rest -= c->nw;
	}
	c->share = rest >= PCT_W;
	rest -= c->share ? PCT_W : 0;
	c->total = rest >= TOT_W;
	rest -= c->total ? TOT_W : 0;
	c->bw = rest - 1 >= 3 ? rest - 1 : 0;
}

/* A folded row's label in w columns: the longest form that fits. */
static void ports_fold_label(struct ui *u, int y, int x, int w,
			     const struct port_row *r, enum theme_elem e)
{
	const struct snapshot *s = u->snap;
	char a[3][96];

	if (r->kind == PK_EPH) {
		if (s->eph.present)
			snprintf(a[0], sizeof(a[0]), "ephemeral %u-%u: %u "
				 "port%s", s->eph.low, s->eph.high, r->nports,
				 r->nports == 1 ? "" : "s");
		else
			snprintf(a[0], sizeof(a[0]), "ephemeral: %u port%s",
				 r->nports, r->nports == 1 ? "" : "s");
		snprintf(a[1], sizeof(a[1]), "ephemeral: %u ports", r->nports);
		snprintf(a[2], sizeof(a[2]), "ephemeral %u", r->nports);
	} else {
		snprintf(a[0], sizeof(a[0]), "clients' ports (inbound)");
		snprintf(a[1], sizeof(a[1]), "clients' ports");
		snprintf(a[2], sizeof(a[2]), "clients");
	}
	ui_text_alt(u, y, x, w, e, (const char *[]){ a[0], a[1], a[2] }, 3);
}

/* The left cells of a row, lw columns: port, service name, where, side;
 * a folded row's label; or their headings when r is NULL. */
static void ports_left(struct ui *u, int y, int x, int lw,
		       const struct port_cols *c, const struct port_row *r,
		       bool selected)
{
	const struct panel_state *ps = &u->ps[UI_P_PORTS];
	enum theme_elem v = selected ? TH_SELECTED : TH_VALUE;
	enum theme_elem d = selected ? TH_SELECTED : TH_DIM;
	bool server = r && r->kind == PK_LOCAL && r->p->server;
	char n[24];

	if (!r) {
		ui_head(u, y, x, PORT_W - 1, "port", false, ps, OS_PORT,
			&ports_sort);
		if (c->nw)
			ui_text_alt(u, y, x + PORT_W, c->nw - 1, TH_LABEL,
				    (const char *[]){ "service", "name" }, 2);
		ui_text(u, y, x + PORT_W + c->nw, WHERE_W, TH_LABEL, "where");
		if (c->side)
			ui_text(u, y, x + PORT_W + c->nw + WHERE_W, SIDE_W,
				TH_LABEL, "side");
	} else if (r->p == NULL) {
		/* a folded row's label may take the blanks before its count */
		int tw = ui_width(ui_count_fit(n, sizeof(n), r->time_wait,
					       NUM_W - 1));

		ports_fold_label(u, y, x, lw + NUM_W - tw - 2, r, selected ?
				 TH_SELECTED : TH_NORMAL);
	} else {
		snprintf(n, sizeof(n), ":%u", r->port);
		ui_text(u, y, x, PORT_W, v, n);
		if (c->nw)
			ui_text(u, y, x + PORT_W, c->nw - 1, d,
				ui_service(u, r->port));
		x += PORT_W + c->nw;
		ui_text(u, y, x, WHERE_W, d, r->kind == PK_REMOTE ? "remote" :
			"local");
		if (c->side && r->kind == PK_LOCAL)
			ui_text(u, y, x + WHERE_W, SIDE_W, server &&
				!selected ? TH_WARN : v, !server ? "client" :
				ports_server_gone(r->p) ? "server*" : "server");
	}
}

/* Writes the cells of one row (headings when r is NULL). */
static void ports_cells(struct ui *u, int y, int x, const struct port_cols *c,
			const struct port_row *r, uint32_t max_tw,
			bool selected)
{
	const struct snapshot *s = u->snap;
	const struct panel_state *ps = &u->ps[UI_P_PORTS];
	enum theme_elem v = selected ? TH_SELECTED : TH_VALUE;
	enum theme_elem d = selected ? TH_SELECTED : TH_DIM;
	int lw = PORT_W + c->nw + WHERE_W + (c->side ? SIDE_W : 0);
	int cx = x + lw;
	char n[24];

	ports_left(u, y, x, lw, c, r, selected);
	if (r)
		ui_text_right(u, y, cx, NUM_W, v, ui_count_fit(n, sizeof(n),
			      r->time_wait, NUM_W - 1));
	else
		ui_head(u, y, cx, NUM_W, "TIME_WAIT", true, ps, OS_TW,
			&ports_sort);
	cx += NUM_W;
	if (c->rate) {
		if (r)
			ui_text_right(u, y, cx, RATE_W, r->new_per_s > 0 ? v :
				      d, ui_rate(n, sizeof(n),
				      r->new_per_s >= 0, r->new_per_s));
		else
			ui_head(u, y, cx, RATE_W, "new/s", true, ps, OS_RATE,
				&ports_sort);
		cx += RATE_W;
	}
	if (c->share) {
		ui_text_right(u, y, cx, PCT_W, r ? d : TH_LABEL, r ?
			      ui_pct(n, sizeof(n), s->tw.total ? (double)
				     r->time_wait / s->tw.total : 0) :
			      "share");
		cx += PCT_W;
	}
	if (c->total) {
		if (r)
			ui_text_right(u, y, cx, TOT_W, d, r->total_known ?
				      ui_count_fit(n, sizeof(n), r->total,
						   TOT_W - 1) : "-");
		else
			ui_head(u, y, cx, TOT_W, "total", true, ps, OS_TOTAL,
				&ports_sort);
		cx += TOT_W;
	}
	if (r && c->bw && max_tw)
		ui_bar_sel(u, y, cx + 1, c->bw, (double)r->time_wait / max_tw,
			   TH_BAR_TW, selected);
}

/* Headings, then the rows as a scrollable list. */
static void ports_draw(struct ui *u, const struct ui_rect *rc,
		       struct panel_state *ps, bool focused)
{
	struct port_row rows[ROWS_MAX];
	int x = rc->x + 1, w = rc->w - 2, y = rc->y + 1, h = rc->h - 1, n;
	int need_name = 0;
	uint32_t max_tw = 0;
	struct port_cols c;

	if (!u->snap) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	n = ports_build(u, rows);
	if (n == 0) {
		ui_text(u, y, x, w, TH_DIM, "no TCP ports in use");
		return;
	}
	ui_list_view(ps, focused);
	ui_list_clamp(ps, n, h >= 3 ? h - 1 : h);
	for (int i = 0; i < n; i++) {
		max_tw = rows[i].time_wait > max_tw ? rows[i].time_wait :
			 max_tw;
		if (rows[i].p && i >= ps->top && i < ps->top + h) {
			int nl = ui_width(ui_service(u, rows[i].port));

			need_name = nl > need_name ? nl : need_name;
		}
	}
	ports_cols(w, need_name, &c);
	if (h >= 3) {
		ports_cells(u, y++, x, &c, NULL, 0, false);
		h--;
	}
	for (int i = 0; i < h && ps->top + i < n; i++) {
		bool sel = focused && ps->top + i == ps->sel;

		if (sel)
			ui_fill(u, y + i, rc->x, rc->w, TH_SELECTED);
		ports_cells(u, y + i, x, &c, &rows[ps->top + i], max_tw, sel);
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
	.sort = &ports_sort,
};
