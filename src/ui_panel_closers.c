// SPDX-License-Identifier: GPL-2.0-or-later
/* Panel: who closes first. Per process (or container): the TIME_WAIT it
 * closed first and holds, server and client side, its active and
 * passive closes per second and failed connect() per second; below,
 * the failed connect() calls by errno and destination. All from
 * s->closers (twtop/closers.h); without BPF, one line says why. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "twtop/closers.h"
#include "ui_priv.h"

#define NAME_MIN 12	/* "nginx[12345]" */
#define NAME_MID 24	/* before the sides and pas/s */
#define NAME_W_MAX 40
#define TW_W	10	/* " TIME_WAIT" */
#define SIDE_W	7	/* " server", " client" */
#define RATE_W	7	/* " act/s" */

/* Sort columns: the snapshot's order is by TIME_WAIT, then closes/s. */
enum { CS_TW, CS_ACT, CS_PAS, CS_ERR, CS_SRV, CS_CLI, CS_NAME, CS_N };
static const char *const sort_names[CS_N] = {
	"TIME_WAIT", "act/s", "pas/s", "err/s", "server", "client", "process"
};
static const bool sort_asc[CS_N] = {
	false, false, false, false, false, false, true
};
static const struct ui_sort_cols closers_sort = {
	CS_N, sort_names, sort_asc
};

/* Which columns fit: the name, TIME_WAIT, then the rest by worth. */
struct cl_cols {
	int nw;
	bool act, err, side, pas;
};

/* Gives the name column up to want columns of *rest. */
static void grow(int *nw, int want, int *rest)
{
	int add = want - *nw;

	if (add > *rest)
		add = *rest;
	if (add > 0) {
		*nw += add;
		*rest -= add;
	}
}

/* Fits the columns into w: name 12, TIME_WAIT, act/s, err/s, the name
 * up to 24, server and client, pas/s, then the name to its longest. */
static void closers_cols(int w, int name_need, struct cl_cols *c)
{
	int rest = w - NAME_MIN - TW_W;

	memset(c, 0, sizeof(*c));
	c->nw = NAME_MIN;
	if (name_need > NAME_W_MAX)
		name_need = NAME_W_MAX;
	if ((c->act = rest >= RATE_W))
		rest -= RATE_W;
	if ((c->err = rest >= RATE_W))
		rest -= RATE_W;
	grow(&c->nw, name_need < NAME_MID ? name_need : NAME_MID, &rest);
	if ((c->side = rest >= 2 * SIDE_W))
		rest -= 2 * SIDE_W;
	if ((c->pas = rest >= RATE_W))
		rest -= RATE_W;
	grow(&c->nw, name_need, &rest);
}

static int closers_rows(const struct ui *u)
{
	const struct snapshot *s = u->snap;

	if (!s || !s->closers.present)
		return 0;
	return ui_list_top(u, (int)MIN_U32(s->closers.n, SNAP_CLOSERS_MAX));
}

static void closers_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	char by[64];

	ui_sort_title(u, UI_P_CLOSERS, by, sizeof(by));
	if (s && s->closers.present && s->closers.total >
	    (uint32_t)closers_rows(u))
		snprintf(buf, len, "Who closes (%d of %u%s)", closers_rows(u),
			 s->closers.total, by);
	else if (by[0])
		snprintf(buf, len, "Who closes (%s)", by + 2);
	else
		snprintf(buf, len, "Who closes");
}

static int cmp_d(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* "comm[pid]", and the container or unit when it has one. */
static const char *closer_name(const struct snap_closer *c, char *buf,
			       size_t len)
{
	if (c->container[0])
		snprintf(buf, len, "%s[%u] %s", c->comm, c->pid, c->container);
	else
		snprintf(buf, len, "%s[%u]", c->comm, c->pid);
	return buf;
}

static int closers_cmp(const void *ctx, int a, int b, int k)
{
	const struct snap_closer *p = &((const struct snapshot *)ctx)
					->closers.v[a];
	const struct snap_closer *q = &((const struct snapshot *)ctx)
					->closers.v[b];
	char x[96], y[96];

	switch (k) {
	case CS_ACT:
		return cmp_d(p->active_per_s, q->active_per_s);
	case CS_PAS:
		return cmp_d(p->passive_per_s, q->passive_per_s);
	case CS_ERR:
		return cmp_d(p->connect_errors_per_s, q->connect_errors_per_s);
	case CS_SRV:
		return cmp_d(p->server_side, q->server_side);
	case CS_CLI:
		return cmp_d(p->client_side, q->client_side);
	case CS_NAME:
		return strcmp(closer_name(p, x, sizeof(x)),
			      closer_name(q, y, sizeof(y)));
	default:
		return cmp_d(p->time_wait, q->time_wait);
	}
}

static int closers_order(const struct ui *u, int *idx)
{
	const struct panel_state *ps = &u->ps[UI_P_CLOSERS];
	int tmp[SNAP_CLOSERS_MAX], n = closers_rows(u);

	ui_sort_rows(idx, tmp, n, &closers_sort, ps->sort, ps->sort_inv,
		     closers_cmp, u->snap);
	return n;
}

/* A right-aligned rate cell, or its heading when c is NULL. */
static int rate_cell(struct ui *u, int y, int x, const struct snap_closer *c,
		     double v, int k, const char *head, bool sel)
{
	char n[16];

	if (c == NULL) {
		ui_head(u, y, x, RATE_W, head, true, &u->ps[UI_P_CLOSERS], k,
			&closers_sort);
		return RATE_W;
	}
	ui_text_right(u, y, x, RATE_W, sel ? TH_SELECTED : v > 0 ? TH_VALUE :
		      TH_DIM, ui_rate_fit(n, sizeof(n), v >= 0, v, RATE_W - 1));
	return RATE_W;
}

/* A right-aligned count cell, or its heading when c is NULL. */
static int count_cell(struct ui *u, int y, int x, int w,
		      const struct snap_closer *c, uint32_t v, int k,
		      const char *head, bool sel)
{
	char n[16];

	if (c == NULL) {
		ui_head(u, y, x, w, head, true, &u->ps[UI_P_CLOSERS], k,
			&closers_sort);
		return w;
	}
	ui_text_right(u, y, x, w, sel ? TH_SELECTED : v ? TH_VALUE : TH_DIM,
		      ui_count_fit(n, sizeof(n), v, w - 1));
	return w;
}

/* The name in w columns: with the container, without, the command
 * alone, or the command cut. */
static void closer_name_cell(struct ui *u, int y, int x, int w,
			     const struct snap_closer *c, bool sel)
{
	char full[96], pid[40], cut[64];
	const char *alt[4] = { full, pid, c->comm, cut };

	closer_name(c, full, sizeof(full));
	snprintf(pid, sizeof(pid), "%s[%u]", c->comm, c->pid);
	ui_elide(c->comm, w, u->utf8, cut, sizeof(cut));
	ui_text_alt(u, y, x, w, sel ? TH_SELECTED : TH_NORMAL, alt, 4);
}

/* One process row (headings when c is NULL). */
static void closers_cells(struct ui *u, int y, int x,
			  const struct cl_cols *k,
			  const struct snap_closer *c, bool sel)
{
	int cx = x + k->nw;

	if (c == NULL)
		ui_head(u, y, x, k->nw - 1, "process", false,
			&u->ps[UI_P_CLOSERS], CS_NAME, &closers_sort);
	else
		closer_name_cell(u, y, x, k->nw - 1, c, sel);
	cx += count_cell(u, y, cx, TW_W, c, c ? c->time_wait : 0, CS_TW,
			 "TIME_WAIT", sel);
	if (k->side) {
		cx += count_cell(u, y, cx, SIDE_W, c, c ? c->server_side : 0,
				 CS_SRV, "server", sel);
		cx += count_cell(u, y, cx, SIDE_W, c, c ? c->client_side : 0,
				 CS_CLI, "client", sel);
	}
	if (k->act)
		cx += rate_cell(u, y, cx, c, c ? c->active_per_s : 0, CS_ACT,
				"act/s", sel);
	if (k->pas)
		cx += rate_cell(u, y, cx, c, c ? c->passive_per_s : 0, CS_PAS,
				"pas/s", sel);
	if (k->err)
		rate_cell(u, y, cx, c, c ? c->connect_errors_per_s : 0, CS_ERR,
			  "err/s", sel);
}

/* The line above the list: what was joined and what was not, in the
 * longest form that fits. */
static void closers_summary(struct ui *u, int y, int x, int w)
{
	const struct snap_closers *c = &u->snap->closers;
	char a[160], b[96], d[64];
	const char *alt[3] = { a, b, d };

	snprintf(a, sizeof(a), "%u TIME_WAIT named, %u from before twtop; "
		 "%llu closes, %llu connect() errors in %.0f s",
		 c->attributed, c->unknown,
		 (unsigned long long)(c->active_closes + c->passive_closes),
		 (unsigned long long)c->connect_errors, c->since_s);
	snprintf(b, sizeof(b), "%u named, %u before twtop, %llu connect() "
		 "errors", c->attributed, c->unknown,
		 (unsigned long long)c->connect_errors);
	snprintf(d, sizeof(d), "%u named, %u before twtop", c->attributed,
		 c->unknown);
	ui_text_alt(u, y, x, w, TH_DIM, alt, 3);
}

/* Failed connect() rows (n of total) in h lines from y: a heading, then
 * errno, count, rate, and who and where to (the part that gives way).
 * Returns the lines used. */
int ui_connerr_rows(struct ui *u, int y, int x, int w, int h,
		    const struct snap_connerr *v, uint32_t n, uint32_t total)
{
	int used = 0;

	if (n == 0 || h < 2)
		return 0;
	ui_textf(u, y + used++, x, w, TH_LABEL, "failed connect() (%u)     "
		 "count  err/s", total);
	for (uint32_t i = 0; i < n && used < h; i++, used++) {
		const struct snap_connerr *e = &v[i];
		char err[32], dst[ADDR_STRLEN + 16], cnt[16], rate[16];
		char line[160], mid[96], dl[ADDR_STRLEN + 24];
		const char *alt[3] = { line, mid, dl };
		int cx = x, ly = y + used;

		cx += ui_text(u, ly, cx, 14, e->err == EADDRNOTAVAIL ?
			      TH_WARN : TH_NORMAL, closers_errno_name(e->err,
			      err, sizeof(err)));
		cx = x + 14;
		ui_text_right(u, ly, cx, 7, TH_VALUE,
			      ui_count_fit(cnt, sizeof(cnt), e->count, 6));
		cx += 7;
		ui_text_right(u, ly, cx, 7, e->per_s > 0 ? TH_WARN : TH_DIM,
			      ui_rate_fit(rate, sizeof(rate), e->per_s >= 0,
					  e->per_s, 6));
		cx += 8;
		if (cx >= x + w)
			continue;
		ui_addr_port_fit(&e->remote, e->remote_port, ADDR_STRLEN + 8,
				 u->utf8, dst, sizeof(dst));
		snprintf(line, sizeof(line), "%s[%u] %s %s", e->comm, e->pid,
			 ui_arrow(u), dst);
		snprintf(mid, sizeof(mid), "%s %s %s", e->comm, ui_arrow(u),
			 dst);
		snprintf(dl, sizeof(dl), "%s %s", ui_arrow(u), dst);
		ui_text_alt(u, ly, cx, x + w - cx, TH_NORMAL, alt, 3);
	}
	return used;
}

/* The failed connect() rows in the lines left. */
static void closers_errors(struct ui *u, int y, int x, int w, int h)
{
	const struct snap_closers *c = &u->snap->closers;

	ui_connerr_rows(u, y, x, w, h, c->errors,
			MIN_U32(c->n_errors, SNAP_CONNERR_MAX),
			c->errors_total);
}

/* The summary, headings, the processes as a list, then the failed
 * connect() calls in what is left (at most a third while processes
 * need the room). */
static void closers_draw(struct ui *u, const struct ui_rect *r,
			 struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int idx[SNAP_CLOSERS_MAX], rows, need = 0, list, errs;
	struct cl_cols k;

	if (!s) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	if (!s->closers.present) {
		ui_text_words(u, y, x, w, TH_DIM, s->closers.why[0] ?
			      s->closers.why : "who closes: not sampled");
		return;
	}
	rows = closers_order(u, idx);
	if (h >= 4) {
		closers_summary(u, y++, x, w);
		h--;
	}
	if (rows == 0) {
		ui_text(u, y, x, w, TH_DIM, "none holds TIME_WAIT it closed "
			"or closed just now");
		closers_errors(u, y + 1, x, w, h - 1);
		return;
	}
	for (int i = 0; i < rows; i++) {
		char name[96];
		int nw = ui_cols(closer_name(&s->closers.v[i], name,
					     sizeof(name))) + 1;

		need = nw > need ? nw : need;
	}
	closers_cols(w, need, &k);
	if (h >= 3) {
		closers_cells(u, y++, x, &k, NULL, false);
		h--;
	}
	errs = s->closers.n_errors ? (int)MIN_U32(s->closers.n_errors, 5) + 1
				    : 0;
	list = rows + errs <= h ? rows : h - errs > h * 2 / 3 ?
	       h - errs : h * 2 / 3;
	if (list < 1)
		list = 1;
	ui_list_view(ps, focused);
	ui_list_clamp(ps, rows, list);
	ui_list_placed(ps, y, 1);
	for (int i = 0; i < list && ps->top + i < rows; i++) {
		bool sel = focused && ps->top + i == ps->sel;

		if (sel)
			ui_fill(u, y + i, r->x, r->w, TH_SELECTED);
		closers_cells(u, y + i, x, &k,
			      &s->closers.v[idx[ps->top + i]], sel);
	}
	y += list < rows ? list : rows;
	h -= list < rows ? list : rows;
	closers_errors(u, y, x, w, h);
}

static bool closers_row_id(const struct ui *u, int row,
			   struct focus_req *id)
{
	int idx[SNAP_CLOSERS_MAX], n;

	if (!u->snap || !u->snap->closers.present)
		return false;
	n = closers_order(u, idx);
	if (row < 0 || row >= n)
		return false;
	memset(id, 0, sizeof(*id));
	id->kind = FOCUS_PROC;
	id->pid = u->snap->closers.v[idx[row]].pid;
	return true;
}

static bool closers_key(struct ui *u, struct panel_state *ps, int key)
{
	return ui_list_key(ps, key, closers_rows(u));
}

const struct panel_ops ui_panel_closers = {
	.title = closers_title,
	.draw = closers_draw,
	.key = closers_key,
	.rows = closers_rows,
	.row_id = closers_row_id,
	.sort = &closers_sort,
};
