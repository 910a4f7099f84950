/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: TIME_WAIT over the last samples as a sparkline, with
 * ESTABLISHED beside it on wide screens. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define EST_MIN_WIDTH 64	/* panel width that also shows ESTABLISHED */

/* The title; when narrow, the frame drops its last items first, so the
 * markers come before the interval (the header shows that too). */
static void trend_title(const struct ui *u, char *buf, size_t len)
{
	int k = snprintf(buf, len, "TIME_WAIT trend (%u samples",
			 u->snap ? u->snap->n_hist : 0);

	if (k < 0 || (size_t)k >= len)
		return;
	if (u->markers.n)
		k += snprintf(buf + k, len - (size_t)k, ", markers m1-m%u",
			      u->markers.n);
	if (k < 0 || (size_t)k >= len)
		return;
	snprintf(buf + k, len - (size_t)k, ", every %gs)", u->interval);
}

struct series {
	double v[SNAP_HIST_MAX];
	size_t n;
	double min, max;
};

/* The last `width` history values of TIME_WAIT (est false) or
 * ESTABLISHED, with their min and max. */
static void trend_series(const struct snapshot *s, bool est, int width,
			 struct series *out)
{
	uint32_t first = s->n_hist > (uint32_t)width ? s->n_hist - width : 0;

	out->n = 0;
	out->min = out->max = 0;
	for (uint32_t i = first; i < s->n_hist; i++) {
		double v = est ? s->hist[i].established : s->hist[i].time_wait;

		if (out->n == 0 || v < out->min)
			out->min = v;
		if (v > out->max)
			out->max = v;
		out->v[out->n++] = v;
	}
}

/* Draws one sparkline of rows lines at (y, x), width w. */
static void trend_spark(struct ui *u, const struct series *sr, int y, int x,
			int w, int rows, enum theme_elem e)
{
	char buf[4 * 512 + 1];

	if (w > 512)
		w = 512;
	for (int row = 0; row < rows; row++) {
		if (spark_row(sr->v, sr->n, sr->max, (unsigned int)rows,
			      (unsigned int)(rows - 1 - row), (unsigned int)w,
			      u->glyphs, buf, sizeof(buf)))
			ui_text(u, y + row, x, w, e, buf);
	}
}

/* A tick on the sparkline's top row at each marker's sample among the
 * last w samples (the sparkline is right-aligned). */
static void trend_markers(struct ui *u, int y, int x, int w)
{
	const struct snapshot *s = u->snap;
	int first = s->n_hist > (uint32_t)w ? (int)s->n_hist - w : 0;

	for (unsigned int i = 0; i < u->markers.n; i++) {
		int idx = ui_markers_hist_index(s, u->markers.m[i].t);

		/* the sparkline ends at the right edge */
		if (idx >= first)
			ui_text(u, y, x + w - ((int)s->n_hist - idx), 1, TH_WARN,
				u->utf8 ? "\u25bc" : "v");
	}
}

/* The numbers under the TIME_WAIT sparkline. new/s is TcpExtTW's rate,
 * or under --filter the filtered sockets' rate from their ages ("est."
 * on the first sample: the last second or two of ages). */
static void trend_tw_stats(struct ui *u, const struct series *sr, int y,
			   int x, int w)
{
	const struct snapshot *s = u->snap;
	bool ages = s->tw.rate_source && strcmp(s->tw.rate_source, "ages") == 0;
	const char *how = !ages ? "" : s->tw.rate_estimated ? " (ages, est.)" :
			  " (ages)";
	char now[16], mn[16], mx[16], rate[16], a[4][128];

	ui_count(now, sizeof(now), s->tw.total);
	ui_count(mn, sizeof(mn), (unsigned long long)sr->min);
	ui_count(mx, sizeof(mx), (unsigned long long)sr->max);
	ui_rate(rate, sizeof(rate), s->tw.rate_valid, s->tw.new_per_s);
	snprintf(a[0], sizeof(a[0]), "now %s  min %s  max %s  new/s %s%s",
		 now, mn, mx, rate, how);
	snprintf(a[1], sizeof(a[1]), "now %s  max %s  new/s %s%s", now, mx,
		 rate, how);
	snprintf(a[2], sizeof(a[2]), "now %s  new/s %s%s", now, rate,
		 ages && s->tw.rate_estimated ? " est." : "");
	snprintf(a[3], sizeof(a[3]), "now %s", now);
	ui_text_alt(u, y, x, w, TH_VALUE, (const char *[]){ a[0], a[1], a[2],
		    a[3] }, 4);
}

/* TIME_WAIT sparkline and numbers; ESTABLISHED beside them when wide. */
static void trend_draw(struct ui *u, const struct ui_rect *r,
		       struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	struct series tw, est;
	int rows = r->h - 2, x = r->x + 1, w = r->w - 2, tw_w = w, est_w = 0;
	char a[16], b[16];

	(void)ps;
	(void)focused;
	if (!s) {
		ui_text(u, r->y + 1, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	if (r->w >= EST_MIN_WIDTH && rows >= 1) {
		est_w = w / 3;
		tw_w = w - est_w - 2;
	}
	if (rows < 1) {
		rows = 0;
		tw_w = w;
	}
	trend_series(s, false, tw_w, &tw);
	trend_spark(u, &tw, r->y + 1, x, tw_w, rows, TH_SPARK);
	if (rows >= 1)
		trend_markers(u, r->y + 1, x, tw_w);
	if (r->h >= 2)
		trend_tw_stats(u, &tw, r->y + 1 + rows, x, tw_w);
	if (est_w > 0) {
		int ex = x + tw_w + 2;
		char e[3][64];

		trend_series(s, true, est_w, &est);
		trend_spark(u, &est, r->y + 1, ex, est_w, rows, TH_SPARK_EST);
		ui_count(a, sizeof(a), s->states[TS_ESTABLISHED]);
		ui_count(b, sizeof(b), (unsigned long long)est.max);
		snprintf(e[0], sizeof(e[0]), "ESTABLISHED now %s  max %s", a,
			 b);
		snprintf(e[1], sizeof(e[1]), "ESTAB now %s  max %s", a, b);
		snprintf(e[2], sizeof(e[2]), "ESTAB %s", a);
		ui_text_alt(u, r->y + 1 + rows, ex, est_w, TH_VALUE,
			    (const char *[]){ e[0], e[1], e[2] }, 3);
	}
}

const struct panel_ops ui_panel_trend = {
	.title = trend_title,
	.draw = trend_draw,
};
