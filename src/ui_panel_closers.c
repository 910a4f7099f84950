// SPDX-License-Identifier: GPL-2.0-or-later
/* Panel: who closes first. Per process, or ('c') per container: the
 * TIME_WAIT it closed first and holds, server and client side, its
 * active and passive closes per second and failed connect() per second;
 * below, the failed connect() calls by errno and destination. All from
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
#define PROCS_W	7	/* " procs ": apart from TIME_WAIT's sort mark */
#define NAME_BUF SNAP_CGROUP_LEN	/* a name: a process's, a cgroup path */

/* Sort columns: the snapshot's order is by TIME_WAIT, then closes/s;
 * by container, the name is the container's and procs is one more. */
enum { CS_TW, CS_ACT, CS_PAS, CS_ERR, CS_SRV, CS_CLI, CS_NAME, CS_PROCS,
       CS_CG_N, CS_N = CS_PROCS };
static const char *const sort_names[CS_N] = {
	"TIME_WAIT", "act/s", "pas/s", "err/s", "server", "client", "process"
};
static const char *const cg_sort_names[CS_CG_N] = {
	"TIME_WAIT", "act/s", "pas/s", "err/s", "server", "client",
	"container", "procs"
};
static const bool sort_asc[CS_CG_N] = {
	false, false, false, false, false, false, true, false
};
static const struct ui_sort_cols closers_sort = {
	CS_N, sort_names, sort_asc
};
static const struct ui_sort_cols cg_sort = {
	CS_CG_N, cg_sort_names, sort_asc
};

/* Which columns fit: the name, TIME_WAIT, then the rest by worth. */
struct cl_cols {
	int nw;
	bool procs, act, err, side, pas;
};

/* One row as the cells show it: a process's or a container's. */
struct cl_view {
	const struct snap_closer *p;		/* one of the two */
	const struct snap_closer_cgroup *g;
	uint32_t procs, tw, server, client;
	double act, pas, err;
};

/* The sort columns of the mode shown. */
static const struct ui_sort_cols *closers_sort_now(const struct ui *u)
{
	return u->closers_cg ? &cg_sort : &closers_sort;
}

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

/* Fits the columns into w: name 12, TIME_WAIT, (procs,) act/s, err/s,
 * the name up to 24, server and client, pas/s, then the name to its
 * longest. */
static void closers_cols(int w, int name_need, bool procs, struct cl_cols *c)
{
	int rest = w - NAME_MIN - TW_W;

	memset(c, 0, sizeof(*c));
	c->nw = NAME_MIN;
	if (name_need > NAME_W_MAX)
		name_need = NAME_W_MAX;
	if (procs && (c->procs = rest >= PROCS_W))
		rest -= PROCS_W;
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
	if (u->closers_cg)
		return ui_list_top(u, (int)MIN_U32(s->closers.n_cgroups,
						   SNAP_CLOSERS_MAX));
	return ui_list_top(u, (int)MIN_U32(s->closers.n, SNAP_CLOSERS_MAX));
}

static void closers_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	const char *what = u->closers_cg ? "Who closes by container" :
			   "Who closes";
	uint32_t total = !s ? 0 : u->closers_cg ? s->closers.cgroups_total :
			 s->closers.total;
	char by[64];

	ui_sort_title(u, UI_P_CLOSERS, by, sizeof(by));
	if (s && s->closers.present && total > (uint32_t)closers_rows(u))
		snprintf(buf, len, "%s (%d of %u%s)", what, closers_rows(u),
			 total, by);
	else if (by[0])
		snprintf(buf, len, "%s (%s)", what, by + 2);
	else
		snprintf(buf, len, "%s", what);
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

const char *ui_cgroup_name(const struct snap_closer_cgroup *g, char *buf,
			   size_t len)
{
	const char *last = strrchr(g->cgroup, '/');

	if (g->container[0])
		snprintf(buf, len, "%s", g->container);
	else if (last && last[1])
		snprintf(buf, len, "%s", last + 1);
	else if (g->cgroup[0])
		snprintf(buf, len, "%s", g->cgroup);
	else if (g->cgroup_id != 0)
		snprintf(buf, len, "cgroup %llu",
			 (unsigned long long)g->cgroup_id);
	else
		snprintf(buf, len, "(unknown cgroup)");
	return buf;
}

/* Row i of the mode shown, as its cells show it. */
static void closers_view(const struct ui *u, const struct snapshot *s,
			 int i, struct cl_view *v)
{
	memset(v, 0, sizeof(*v));
	if (u->closers_cg) {
		const struct snap_closer_cgroup *g = &s->closers.cgroups[i];

		v->g = g;
		v->procs = g->processes;
		v->tw = g->time_wait;
		v->server = g->server_side;
		v->client = g->client_side;
		v->act = g->active_per_s;
		v->pas = g->passive_per_s;
		v->err = g->connect_errors_per_s;
	} else {
		const struct snap_closer *p = &s->closers.v[i];

		v->p = p;
		v->procs = 1;
		v->tw = p->time_wait;
		v->server = p->server_side;
		v->client = p->client_side;
		v->act = p->active_per_s;
		v->pas = p->passive_per_s;
		v->err = p->connect_errors_per_s;
	}
}

static const char *view_name(const struct cl_view *v, char *buf, size_t len)
{
	return v->g ? ui_cgroup_name(v->g, buf, len) : closer_name(v->p, buf, len);
}

struct cmp_ctx {
	const struct ui *u;
	const struct snapshot *s;
};

static int closers_cmp(const void *ctx, int a, int b, int k)
{
	const struct cmp_ctx *c = ctx;
	struct cl_view p, q;
	char x[NAME_BUF], y[NAME_BUF];

	closers_view(c->u, c->s, a, &p);
	closers_view(c->u, c->s, b, &q);
	switch (k) {
	case CS_ACT:
		return cmp_d(p.act, q.act);
	case CS_PAS:
		return cmp_d(p.pas, q.pas);
	case CS_ERR:
		return cmp_d(p.err, q.err);
	case CS_SRV:
		return cmp_d(p.server, q.server);
	case CS_CLI:
		return cmp_d(p.client, q.client);
	case CS_NAME:
		return strcmp(view_name(&p, x, sizeof(x)),
			      view_name(&q, y, sizeof(y)));
	case CS_PROCS:
		return cmp_d(p.procs, q.procs);
	default:
		return cmp_d(p.tw, q.tw);
	}
}

static int closers_order(const struct ui *u, int *idx)
{
	const struct panel_state *ps = &u->ps[UI_P_CLOSERS];
	const struct cmp_ctx ctx = { u, u->snap };
	int tmp[SNAP_CLOSERS_MAX], n = closers_rows(u);

	ui_sort_rows(idx, tmp, n, closers_sort_now(u), ps->sort, ps->sort_inv,
		     closers_cmp, &ctx);
	return n;
}

/* A right-aligned rate cell, or its heading when c is NULL. */
static int rate_cell(struct ui *u, int y, int x, const struct cl_view *c,
		     double v, int k, const char *head, bool sel)
{
	char n[16];

	if (c == NULL) {
		ui_head(u, y, x, RATE_W, head, true, &u->ps[UI_P_CLOSERS], k,
			closers_sort_now(u));
		return RATE_W;
	}
	ui_text_right(u, y, x, RATE_W, sel ? TH_SELECTED : v > 0 ? TH_VALUE :
		      TH_DIM, ui_rate_fit(n, sizeof(n), v >= 0, v, RATE_W - 1));
	return RATE_W;
}

/* A right-aligned count cell, or its heading when c is NULL. */
static int count_cell(struct ui *u, int y, int x, int w,
		      const struct cl_view *c, uint32_t v, int k,
		      const char *head, bool sel)
{
	char n[16];

	if (c == NULL) {
		ui_head(u, y, x, w, head, true, &u->ps[UI_P_CLOSERS], k,
			closers_sort_now(u));
		return w;
	}
	ui_text_right(u, y, x, w, sel ? TH_SELECTED : v ? TH_VALUE : TH_DIM,
		      ui_count_fit(n, sizeof(n), v, w - 1));
	return w;
}

/* The name in w columns: with the container, without, the command
 * alone, or the command cut; a container's whole or cut. */
static void closer_name_cell(struct ui *u, int y, int x, int w,
			     const struct cl_view *v, bool sel)
{
	const struct snap_closer *c = v->p;
	char full[NAME_BUF], pid[40], cut[64];
	const char *alt[4] = { full, pid, NULL, cut };
	enum theme_elem e = sel ? TH_SELECTED : TH_NORMAL;

	if (v->g) {
		alt[1] = cut;
		ui_elide(ui_cgroup_name(v->g, full, sizeof(full)), w, u->utf8, cut,
			 sizeof(cut));
		ui_text_alt(u, y, x, w, e, alt, 2);
		return;
	}
	closer_name(c, full, sizeof(full));
	snprintf(pid, sizeof(pid), "%s[%u]", c->comm, c->pid);
	alt[2] = c->comm;
	ui_elide(c->comm, w, u->utf8, cut, sizeof(cut));
	ui_text_alt(u, y, x, w, e, alt, 4);
}

/* One row (headings when c is NULL). */
static void closers_cells(struct ui *u, int y, int x,
			  const struct cl_cols *k, const struct cl_view *c,
			  bool sel)
{
	int cx = x + k->nw;

	if (c == NULL)
		ui_head(u, y, x, k->nw - 1, u->closers_cg ? "container" :
			"process", false, &u->ps[UI_P_CLOSERS], CS_NAME,
			closers_sort_now(u));
	else
		closer_name_cell(u, y, x, k->nw - 1, c, sel);
	if (k->procs)
		cx += count_cell(u, y, cx, PROCS_W - 1, c, c ? c->procs : 0,
				 CS_PROCS, "procs", sel) + 1;
	cx += count_cell(u, y, cx, TW_W, c, c ? c->tw : 0, CS_TW,
			 "TIME_WAIT", sel);
	if (k->side) {
		cx += count_cell(u, y, cx, SIDE_W, c, c ? c->server : 0,
				 CS_SRV, "server", sel);
		cx += count_cell(u, y, cx, SIDE_W, c, c ? c->client : 0,
				 CS_CLI, "client", sel);
	}
	if (k->act)
		cx += rate_cell(u, y, cx, c, c ? c->act : 0, CS_ACT, "act/s",
				sel);
	if (k->pas)
		cx += rate_cell(u, y, cx, c, c ? c->pas : 0, CS_PAS, "pas/s",
				sel);
	if (k->err)
		rate_cell(u, y, cx, c, c ? c->err : 0, CS_ERR, "err/s", sel);
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
	struct cl_view v;
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
		char name[NAME_BUF];
		int nw;

		closers_view(u, s, i, &v);
		nw = ui_cols(view_name(&v, name, sizeof(name))) + 1;
		need = nw > need ? nw : need;
	}
	closers_cols(w, need, u->closers_cg, &k);
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
		closers_view(u, s, idx[ps->top + i], &v);
		closers_cells(u, y + i, x, &k, &v, sel);
	}
	y += list < rows ? list : rows;
	h -= list < rows ? list : rows;
	closers_errors(u, y, x, w, h);
}

/* c: by process or by container, the list from its top; a sort column
 * the other mode has not goes back to the sampled order. */
static void closers_toggle(struct ui *u, struct panel_state *ps)
{
	u->closers_cg = !u->closers_cg;
	ps->sel = ps->top = 0;
	ps->has_id = false;
	if (ps->sort >= closers_sort_now(u)->n) {
		ps->sort = 0;
		ps->sort_inv = false;
	}
	ui_message(u, false, u->closers_cg ? "who closes by container: c "
		   "by process" : "who closes by process: c by container");
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
	if (u->closers_cg) {
		id->kind = FOCUS_CGROUP;
		id->cgroup_id = u->snap->closers.cgroups[idx[row]].cgroup_id;
	} else {
		id->kind = FOCUS_PROC;
		id->pid = u->snap->closers.v[idx[row]].pid;
	}
	return true;
}

static bool closers_key(struct ui *u, struct panel_state *ps, int key)
{
	if (key == 'c') {
		closers_toggle(u, ps);
		return true;
	}
	return ui_list_key(ps, key, closers_rows(u));
}

const struct panel_ops ui_panel_closers = {
	.title = closers_title,
	.draw = closers_draw,
	.key = closers_key,
	.rows = closers_rows,
	.row_id = closers_row_id,
	.sort = &closers_sort,
	.sort_now = closers_sort_now,
};
