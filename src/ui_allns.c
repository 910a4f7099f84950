// SPDX-License-Identifier: GPL-2.0-or-later
/* --all-netns in the dashboard: the list of namespaces, worst first, from
 * the allns runner; Enter opens the normal dashboard of one (a sampler
 * made inside it, as --netns does), Esc comes back. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/advice.h"
#include "twtop/allns_cli.h"
#include "ui_priv.h"

#define UI_ALLNS_TOP 50		/* top lists of an opened namespace */

struct ui_allns {
	struct allns *a;
	struct allns_table *t;		/* the table shown (a reference) */
	struct panel_state ps;		/* selection among its shown rows */
	uint64_t sel_ino;		/* the selected row's namespace */
	bool list_paused;		/* the runner's pause, kept while a
					 * namespace is open */
	char opened[64];		/* the namespace open, "" none */
};

/* The runner's notify callback: wakes the UI thread. */
static void allns_wake(void *arg)
{
	const struct ui *u = arg;
	char b = 'a';

	if (write(u->wake_fd, &b, 1) < 0) {
		/* a full pipe: a wake-up is pending anyway */
	}
}

int ui_allns_open(struct ui *u, char *err, size_t errlen)
{
	struct ui_allns *ua = calloc(1, sizeof(*ua));

	if (ua == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ua->a = allns_from_options(u->opt, true, true, err, errlen);
	if (ua->a == NULL) {
		free(ua);
		return -1;
	}
	u->allns = ua;
	u->view = UI_VIEW_ALLNS;
	return 0;
}

int ui_allns_start(struct ui *u)
{
	return allns_start(u->allns->a, allns_wake, u);
}

void ui_allns_stop(struct ui *u)
{
	if (u->allns)
		allns_stop(u->allns->a);
}

void ui_allns_close(struct ui *u)
{
	struct ui_allns *ua = u->allns;

	if (ua == NULL)
		return;
	allns_free(ua->a);
	allns_table_unref(ua->t);
	free(ua);
	u->allns = NULL;
}

/* Rows selectable: those before the idle ones. */
static int allns_rows(const struct ui_allns *ua)
{
	return ua->t ? (int)(ua->t->n - ua->t->n_idle) : 0;
}

void ui_allns_take(struct ui *u)
{
	struct ui_allns *ua = u->allns;
	struct allns_table *t = allns_current(ua->a);
	char err[PATH_MAX + 160];

	if (allns_prom_error(ua->a, err, sizeof(err)))
		ui_message(u, true, "--prometheus: %s", err);
	if (t == NULL || t == ua->t) {
		allns_table_unref(t);
		return;
	}
	allns_table_unref(ua->t);
	ua->t = t;
	/* rows move as namespaces get better or worse: keep the selected
	 * namespace selected */
	for (int i = 0; i < allns_rows(ua); i++)
		if (t->rows[i].ino == ua->sel_ino)
			ua->ps.sel = i;
	if (ua->ps.sel >= allns_rows(ua))
		ua->ps.sel = allns_rows(ua) - 1;
	if (ua->ps.sel < 0)
		ua->ps.sel = 0;
	if (allns_rows(ua) > 0)
		ua->sel_ino = t->rows[ua->ps.sel].ino;
}

void ui_allns_interval(struct ui *u, double seconds)
{
	allns_set_interval(u->allns->a, seconds);
}

const char *ui_allns_head(const struct ui *u, char *buf, size_t len)
{
	const struct allns_table *t = u->allns->t;

	if (t == NULL)
		snprintf(buf, len, " all network namespaces: first pass... ");
	else
		snprintf(buf, len, " %s  Linux %s  all network namespaces: "
			 "%u ", t->host, t->kernel, t->found);
	return buf;
}

/* --- opening one namespace ---------------------------------------------- */

/* What the opener thread needs and gives back. */
struct opener {
	struct ui *u;
	const struct allns_row *r;
	const char *label;		/* outlives the sampler */
	struct sampler *sp;
	char err[PATH_MAX + 256];
};

/* Notify callback of the opened namespace's sampler. */
static void ns_wake(void *arg)
{
	allns_wake(arg);
}

/*
 * In a thread of its own: enters the namespace (sampler_new with its
 * path), checks it is still the one listed, and starts the sampling
 * thread, which is created in that namespace and stays there. The UI
 * thread never leaves its own.
 */
static void *opener_thread(void *arg)
{
	struct opener *op = arg;
	const struct options *o = op->u->opt;
	struct sampler_config c = {
		.root = o->root[0] ? o->root : NULL,
		.top = o->top > UI_ALLNS_TOP ? o->top : UI_ALLNS_TOP,
		.interval = op->u->interval,
		.netns_path = op->r->own ? NULL : op->r->path,
		.netns_label = op->label,
		.backend = (enum sampler_backend)o->backend,
	};
	struct stat st;

	op->sp = sampler_new(&c, op->err, sizeof(op->err));
	if (op->sp == NULL)
		return NULL;
	if (stat("/proc/thread-self/ns/net", &st) < 0 ||
	    (uint64_t)st.st_ino != op->r->ino ||
	    (uint64_t)st.st_dev != op->r->dev) {
		snprintf(op->err, sizeof(op->err), "%s is gone (%s names "
			 "another namespace now)", op->r->name, op->r->path);
	} else if (sampler_start(op->sp, ns_wake, op->u) < 0) {
		snprintf(op->err, sizeof(op->err), "cannot start the sampler: "
			 "%s", strerror(errno));
	} else {
		return NULL;
	}
	sampler_free(op->sp);
	op->sp = NULL;
	return NULL;
}

/* Enter: the normal dashboard of the selected namespace. */
static void allns_enter(struct ui *u)
{
	struct ui_allns *ua = u->allns;
	struct opener op = { .u = u };
	pthread_t th;
	int rc;

	if (allns_rows(ua) == 0)
		return;
	op.r = &ua->t->rows[ua->ps.sel];
	if (op.r->error[0]) {
		ui_message(u, true, "%s: %s", op.r->name, op.r->error);
		return;
	}
	/* the sampler names its samples from it for as long as it runs,
	 * while the row's table is replaced at the next pass */
	snprintf(ua->opened, sizeof(ua->opened), "%s", op.r->name);
	op.label = ua->opened;
	rc = pthread_create(&th, NULL, opener_thread, &op);
	if (rc != 0) {
		ui_message(u, true, "cannot open %s: %s", op.r->name,
			   strerror(rc));
		return;
	}
	pthread_join(th, NULL);
	if (op.sp == NULL) {
		ui_message(u, true, "%s", op.err);
		ua->opened[0] = '\0';
		return;
	}
	u->sp = op.sp;
	u->view = UI_VIEW_MAIN;
	u->focus = UI_P_PEERS;
	u->zoom = false;
	memset(u->ps, 0, sizeof(u->ps));
	ua->list_paused = u->paused;
	u->paused = false;
	ui_message(u, false, "netns %s: Esc returns to all namespaces",
		   ua->opened);
}

/* Esc from the opened namespace: its sampler goes, the list is back. */
static void allns_leave(struct ui *u)
{
	struct ui_allns *ua = u->allns;

	sampler_stop(u->sp);
	sampler_free(u->sp);
	u->sp = NULL;
	snap_unref(u->snap);
	u->snap = NULL;
	u->view = UI_VIEW_ALLNS;
	u->zoom = false;
	u->paused = ua->list_paused;
	allns_set_interval(ua->a, u->interval);
	ua->opened[0] = '\0';
	u->msg[0] = '\0';
}

bool ui_allns_key(struct ui *u, int key)
{
	struct ui_allns *ua = u->allns;

	if (u->view == UI_VIEW_MAIN) {
		if (key != UI_KEY_ESC || u->zoom)
			return false;
		allns_leave(u);
		return true;
	}
	if (u->view != UI_VIEW_ALLNS)
		return false;
	switch (key) {
	case 'q': case 'Q': case KEY_F(10): case 'h': case '?': case KEY_F(1):
	case 't': case '+': case '=': case '-': case '_':
		return false;		/* as everywhere (ui_global_key) */
	case '\n': case '\r': case KEY_ENTER:
		allns_enter(u);
		return true;
	case 'p': case ' ':
		u->paused = !u->paused;
		allns_set_paused(ua->a, u->paused);
		ui_message(u, false, u->paused ? "paused" : "resumed");
		return true;
	case UI_KEY_ESC:
		u->msg[0] = '\0';
		return true;
	default:
		break;
	}
	if (ui_list_key(&ua->ps, key, allns_rows(ua))) {
		if (allns_rows(ua) > 0)
			ua->sel_ino = ua->t->rows[ua->ps.sel].ino;
	} else if (key == 's' || key == '/' || key == 'm' || key == 'r' ||
		   key == '\t' || key == KEY_BTAB || key == 'z') {
		ui_message(u, false, "Enter opens the selected namespace; "
			   "this key works there");
	}
	return true;
}

/* --- drawing ------------------------------------------------------------ */

/* The list's columns, in screen order; those of highest `drop` go first
 * when the screen is narrow. NAME and GROUP take what is left. */
enum { C_NAME, C_KIND, C_SOCK, C_TW, C_SRV, C_CLI, C_RATE, C_GROUP,
       C_USED, C_FC, C_ADV, C_AGE, C_N };
static const struct {
	const char *head;
	int w, drop;
	bool right;
} cols[C_N] = {
	[C_NAME] = { "namespace", 16, 0, false },
	[C_KIND] = { "kind", 11, 6, false },
	[C_SOCK] = { "sockets", 8, 4, true },
	[C_TW] = { "TIME_WAIT", 10, 0, true },
	[C_SRV] = { "server", 7, 5, true },
	[C_CLI] = { "client", 7, 5, true },
	[C_RATE] = { "new/s", 7, 2, true },
	[C_GROUP] = { "worst group", 26, 3, false },
	[C_USED] = { "used", 5, 3, true },
	[C_FC] = { "forecast", 15, 1, false },
	[C_ADV] = { "alrm/wrn", 9, 4, true },
	[C_AGE] = { "age", 5, 2, true },
};
#define NAME_MAX_W 28

/* Widths of the columns shown in w columns (0: left out). */
static void fit_cols(int w, int *cw)
{
	int sum = 0, rest;

	for (int k = 0; k < C_N; k++) {
		cw[k] = cols[k].w;
		sum += cw[k];
	}
	for (int level = 6; sum > w && level > 0; level--)
		for (int k = C_N - 1; k >= 0 && sum > w; k--)
			if (cols[k].drop == level && cw[k]) {
				sum -= cw[k];
				cw[k] = 0;
			}
	rest = w - sum;
	if (rest > 0) {
		int add = NAME_MAX_W - cw[C_NAME];

		add = add < rest ? add : rest;
		cw[C_NAME] += add;
		rest -= add;
	}
	if (rest > 0 && cw[C_GROUP])
		cw[C_GROUP] += rest;
}

/* The text of cell k of row r into buf, and its colour. */
static enum theme_elem cell(const struct ui *u, const struct allns_row *r,
			    int k, int w, char *buf, size_t len)
{
	const struct snap_forecast *fc = &r->worst.fc;
	bool fcv = r->has_group && fc->known;
	char a[ADDR_STRLEN + 16];

	buf[0] = '\0';
	switch (k) {
	case C_NAME:
		snprintf(buf, len, "%s", r->name);
		return TH_NORMAL;
	case C_KIND:
		snprintf(buf, len, "%s", netns_kind_name(r->kind));
		return TH_DIM;
	case C_SOCK:
		ui_count_fit(buf, len, r->sockets, w - 1);
		return TH_VALUE;
	case C_TW:
		ui_count_fit(buf, len, r->tw_total, w - 1);
		return r->tw_total ? TH_VALUE : TH_DIM;
	case C_SRV:
		ui_count_fit(buf, len, r->tw_server, w - 1);
		return TH_DIM;
	case C_CLI:
		ui_count_fit(buf, len, r->tw_client, w - 1);
		return TH_DIM;
	case C_RATE:
		ui_rate_fit(buf, len, r->rate_valid, r->new_per_s, w - 1);
		return TH_VALUE;
	case C_GROUP:
		if (!r->has_group)
			return TH_DIM;
		snprintf(buf, len, "%s", ui_group_fit(&r->worst.local,
			 &r->worst.remote, r->worst.remote_port, w - 1,
			 u->utf8, a, sizeof(a)));
		return TH_NORMAL;
	case C_USED:
		if (!fcv)
			return TH_DIM;
		ui_pct(buf, len, fc->share);
		return ui_gauge_elem(fc->pressure);
	case C_FC:
		if (!fcv || !ui_forecast_text(&r->worst, w - 1, buf, len))
			return TH_DIM;
		return ui_forecast_elem(&r->worst);
	case C_ADV:
		snprintf(buf, len, "%u/%u", r->adv[ADV_ALARM],
			 r->adv[ADV_WARN]);
		return r->adv[ADV_ALARM] ? TH_ALARM : r->adv[ADV_WARN] ?
		       TH_WARN : TH_DIM;
	default:
		snprintf(buf, len, "%.0fs", floor(r->age_s));
		return r->age_s >= 2 * u->interval ? TH_WARN : TH_DIM;
	}
}

/* One row (headings when r is NULL) at line y from x. */
static void draw_row(struct ui *u, int y, int x, const int *cw,
		     const struct allns_row *r, bool sel)
{
	char buf[128];

	for (int k = 0; k < C_N; k++) {
		enum theme_elem e;

		if (cw[k] == 0)
			continue;
		if (r == NULL) {
			e = TH_LABEL;
			snprintf(buf, sizeof(buf), "%s", cols[k].head);
		} else if (!r->sampled && k > C_KIND) {
			/* one message across the counts */
			ui_text(u, y, x, u->lay.cols - x, sel ? TH_SELECTED :
				r->error[0] ? TH_ERROR : TH_DIM, r->error[0] ?
				r->error : "waiting for its first sample");
			return;
		} else {
			e = cell(u, r, k, cw[k], buf, sizeof(buf));
		}
		if (sel)
			e = TH_SELECTED;
		if (cols[k].right)
			ui_text_right(u, y, x, cw[k] - 1, e, buf);
		else
			ui_text(u, y, x, cw[k] - 1, e, buf);
		x += cw[k];
	}
}

/* Under the list: the selected namespace's processes, path and inode. */
static void draw_detail(struct ui *u, int y, int x, int w,
			const struct allns_row *r)
{
	char buf[512];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "%s  inode %llu  %s",
			     r->name, (unsigned long long)r->ino,
			     r->path[0] ? r->path : "");
	for (uint32_t i = 0; i < r->n_pids && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d %s",
				      i ? ", " : "  processes: ",
				      (int)r->pids[i], r->comms[i]);
	if (r->n_procs > r->n_pids && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " (+%u)",
			 r->n_procs - r->n_pids);
	ui_text(u, y, x, w, TH_DIM, buf);
}

/* The idle namespaces on one line. */
static void draw_idle(struct ui *u, int y, int x, int w,
		      const struct allns_table *t)
{
	char buf[512];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%u idle namespace%s "
				    "(nothing open): ", t->n_idle,
				    t->n_idle == 1 ? "" : "s");

	for (size_t i = t->n - t->n_idle; i < t->n && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
				      i > t->n - t->n_idle ? ", " : "",
				      t->rows[i].name);
	ui_text(u, y, x, w, TH_DIM, buf);
}

void ui_allns_draw(struct ui *u, const struct ui_rect *r)
{
	struct ui_allns *ua = u->allns;
	const struct allns_table *t = ua->t;
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int cw[C_N], rows = allns_rows(ua);
	char title[256];

	if (t == NULL) {
		ui_panel_frame(u, r, "All network namespaces", true);
		ui_text(u, y, x, w, TH_DIM, "waiting for the first pass");
		return;
	}
	snprintf(title, sizeof(title), "All network namespaces: %u "
		 "(%u idle, pass %.0f ms, %s%s%s)", t->found, t->n_idle,
		 t->pass_ms, t->backend ? t->backend : "-",
		 t->sampled < t->n ? ", some rows older: budget" : "",
		 u->paused ? ", paused" : "");
	ui_panel_frame(u, r, title, true);
	fit_cols(w, cw);
	if (h >= 2) {
		draw_row(u, y++, x, cw, NULL, false);
		h--;
	}
	/* the idle line and the selection's detail line at the bottom */
	if (t->n_idle && h >= 3) {
		draw_idle(u, y + h - 1, x, w, t);
		h--;
	}
	if (rows > 0 && h >= 3) {
		draw_detail(u, y + h - 1, x, w, &t->rows[ua->ps.sel]);
		h--;
	}
	if (rows == 0) {
		ui_text(u, y, x, w, TH_DIM, "no namespace with anything open");
		return;
	}
	ui_list_clamp(&ua->ps, rows, h);
	for (int i = 0; i < h && ua->ps.top + i < rows; i++) {
		bool sel = ua->ps.top + i == ua->ps.sel;

		if (sel)
			ui_fill(u, y + i, r->x, r->w, TH_SELECTED);
		draw_row(u, y + i, x, cw, &t->rows[ua->ps.top + i], sel);
	}
}
