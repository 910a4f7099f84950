/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: TIME_WAIT over the last samples as a sparkline with a scale on
 * the left and a time axis under it (each sample's own time, so a
 * changed interval does not relabel old samples), ESTABLISHED beside it
 * on wide screens. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define EST_MIN_WIDTH	64	/* panel width that also shows ESTABLISHED */
#define GUTTER_MIN_W	20	/* sparkline width that affords a scale */
#define SCALE_W		5	/* the scale's figures: ui_count_fit */
#define TICK_GAP	10	/* columns wanted between time labels */
#define AXIS_MAX	512

/* Where the parts of the panel go. */
struct trend_geom {
	int x, w;		/* the text area */
	int rows;		/* sparkline rows */
	bool axis;		/* a time axis row under them */
	int gutter;		/* scale columns left of the sparkline */
	int tw_x, tw_w;		/* the TIME_WAIT sparkline */
	int est_x, est_w;	/* ESTABLISHED's, est_w 0: none */
	uint32_t drawn;		/* TIME_WAIT samples shown */
};

/* The largest TIME_WAIT count of the history: the scale's widest
 * figure. */
static uint32_t hist_max(const struct snapshot *s)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < s->n_hist; i++)
		if (s->hist[i].time_wait > m)
			m = s->hist[i].time_wait;
	return m;
}

/* Lays out panel r: sparkline rows over an axis row over the numbers;
 * the scale when the sparkline keeps GUTTER_MIN_W columns. */
static void trend_geom(const struct ui *u, const struct ui_rect *r,
		       struct trend_geom *g)
{
	const struct snapshot *s = u->snap;
	int body = r->h - 1;
	char buf[16];

	memset(g, 0, sizeof(*g));
	g->x = r->x + 1;
	g->w = r->w - 2;
	g->axis = body >= 4;
	g->rows = body - 1 - g->axis;
	if (g->rows < 0)
		g->rows = 0;
	g->tw_w = g->w;
	if (r->w >= EST_MIN_WIDTH && g->rows >= 1) {
		g->est_w = g->w / 3;
		g->tw_w = g->w - g->est_w - 2;
		g->est_x = g->x + g->tw_w + 2;
	}
	if (s && g->rows >= 2) {
		g->gutter = (int)strlen(ui_count_fit(buf, sizeof(buf),
						     hist_max(s), SCALE_W)) + 1;
		if (g->tw_w - g->gutter < GUTTER_MIN_W)
			g->gutter = 0;
	}
	g->tw_x = g->x + g->gutter;
	g->tw_w -= g->gutter;
	if (g->tw_w < 0)
		g->tw_w = 0;
	if (s)
		g->drawn = s->n_hist < (uint32_t)g->tw_w ? s->n_hist :
			   (uint32_t)g->tw_w;
}

/* "TIME_WAIT trend (58 samples, every 1s)", or "(38 of 42 samples"
 * when the panel shows fewer than kept; when narrow, the frame drops
 * the last items first, so the markers come before the interval (the
 * header shows that too). */
static void trend_title(const struct ui *u, char *buf, size_t len)
{
	struct trend_geom g;
	int k;

	trend_geom(u, &u->lay.panel[UI_P_TREND], &g);
	if (u->snap && g.drawn < u->snap->n_hist)
		k = snprintf(buf, len, "TIME_WAIT trend (%u of %u samples",
			     g.drawn, u->snap->n_hist);
	else
		k = snprintf(buf, len, "TIME_WAIT trend (%u samples",
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

/* The scale left of the sparkline: its top (the largest value drawn)
 * and 0, against a vertical line. */
static void trend_scale(struct ui *u, const struct trend_geom *g, int y,
			double max)
{
	char buf[16];
	int lw = g->gutter - 1;

	for (int row = 0; row < g->rows; row++) {
		bool tick = row == 0 || row == g->rows - 1;

		ui_text(u, y + row, g->x + lw, 1, TH_DIM, tick ?
			(u->utf8 ? "\u2524" : "+") : (u->utf8 ? "\u2502" : "|"));
	}
	ui_text_right(u, y, g->x, lw, TH_DIM, ui_count_fit(buf, sizeof(buf),
		      (unsigned long long)max, SCALE_W));
	ui_text_right(u, y + g->rows - 1, g->x, lw, TH_DIM, "0");
	if (g->axis)
		ui_text(u, y + g->rows, g->x + lw, 1, TH_DIM,
			u->utf8 ? "\u2514" : "+");
}

/* An age as a time label: "-45s", "-2m", "-1m30s", "-1h", "-1h05m". */
static void age_label(double secs, char *buf, size_t len)
{
	long t = lround(secs);

	if (t < 60)
		snprintf(buf, len, "-%lds", t);
	else if (t < 3600 && t % 60 == 0)
		snprintf(buf, len, "-%ldm", t / 60);
	else if (t < 3600)
		snprintf(buf, len, "-%ldm%02lds", t / 60, t % 60);
	else if (t % 3600 == 0)
		snprintf(buf, len, "-%ldh", t / 3600);
	else
		snprintf(buf, len, "-%ldh%02ldm", t / 3600, t % 3600 / 60);
}

/* Columns of an axis row taken by labels. */
struct axis {
	int w;
	bool used[AXIS_MAX];
};

/* Puts s at column c of the axis (x its screen column) when the cells
 * c - gap .. c + width + gap are free; true when put. */
static bool axis_put(struct ui *u, struct axis *a, int y, int x, int c,
		     int gap, enum theme_elem e, const char *s)
{
	int n = ui_width(s);

	if (c < 0 || c + n > a->w)
		return false;
	for (int i = c - gap; i < c + n + gap; i++)
		if (i >= 0 && i < a->w && a->used[i])
			return false;
	for (int i = c; i < c + n; i++)
		a->used[i] = true;
	ui_text(u, y, x + c, n, e, s);
	return true;
}

/* The column of the drawn sample closest to `age` seconds before the
 * newest; samples are hist[first..n), drawn right-aligned in w. */
static int age_column(const struct snapshot *s, uint32_t first, int w,
		      double age)
{
	double t = s->hist[s->n_hist - 1].t - age;
	uint32_t best = s->n_hist - 1;

	for (uint32_t i = s->n_hist; i-- > first;) {
		if (fabs(s->hist[i].t - t) < fabs(s->hist[best].t - t))
			best = i;
		if (s->hist[i].t < t)
			break;
	}
	return w - (int)(s->n_hist - best);
}

/* The markers under the TIME_WAIT sparkline: a pointer at each marked
 * sample with its label (the pointer alone when the next one is too
 * close), and at the left edge those older than the samples shown
 * (after 'r', or scrolled out). */
static void axis_markers(struct ui *u, struct axis *a, int y, int x,
			 uint32_t first)
{
	const struct snapshot *s = u->snap;
	unsigned int old = 0;
	char buf[32];

	while (old < u->markers.n &&
	       ui_markers_hist_index(s, u->markers.m[old].t) < (int)first)
		old++;
	if (old) {
		int k = snprintf(buf, sizeof(buf), "%s%s", u->utf8 ?
				 "\u25c2" : "<", u->markers.m[0].label);

		if (old > 1 && k > 0 && (size_t)k < sizeof(buf))
			snprintf(buf + k, sizeof(buf) - (size_t)k, "-%s",
				 u->markers.m[old - 1].label);
		axis_put(u, a, y, x, 0, 0, TH_WARN, buf);
	}
	/* newest first: an older marker close by keeps its pointer */
	for (unsigned int i = u->markers.n; i-- > old;) {
		int c = a->w - (int)(s->n_hist - (uint32_t)ui_markers_hist_index(
				s, u->markers.m[i].t));

		snprintf(buf, sizeof(buf), "%s%s", u->utf8 ? "\u25b2" : "^",
			 u->markers.m[i].label);
		if (!axis_put(u, a, y, x, c, 0, TH_WARN, buf))
			axis_put(u, a, y, x, c, 0, TH_WARN, u->utf8 ?
				 "\u25b2" : "^");
	}
}

/*
 * The time axis under a sparkline of the last `drawn` samples, right-
 * aligned in w columns at (y, x): "now" under the newest, and labels
 * at round ages ("-30s", "-1m") under the sample taken closest to that
 * age, as the samples' own times say.
 */
static void trend_axis(struct ui *u, int y, int x, int w, uint32_t drawn,
		       bool markers)
{
	static const double steps[] = {
		1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
		14400, 28800, 86400,
	};
	const struct snapshot *s = u->snap;
	struct axis a = { .w = w < AXIS_MAX ? w : AXIS_MAX };
	uint32_t first = s->n_hist - drawn;
	double span, step = 0;
	char buf[32];

	if (drawn == 0 || a.w <= 0)
		return;
	if (markers)
		axis_markers(u, &a, y, x, first);
	axis_put(u, &a, y, x, a.w - 3, 1, TH_DIM, "now");
	span = s->hist[s->n_hist - 1].t - s->hist[first].t;
	if (!(span >= 1))
		return;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		step = steps[i];
		if (span / step * TICK_GAP <= (double)drawn)
			break;
	}
	for (double age = step; age <= span + 1e-6; age += step) {
		int c = age_column(s, first, a.w, age);

		age_label(age, buf, sizeof(buf));
		axis_put(u, &a, y, x, c - ui_width(buf) / 2, 1, TH_DIM, buf);
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

/* ESTABLISHED's sparkline, axis and numbers beside TIME_WAIT's. */
static void trend_est(struct ui *u, const struct trend_geom *g, int y)
{
	const struct snapshot *s = u->snap;
	struct series est;
	char a[16], b[16], e[3][64];

	trend_series(s, true, g->est_w, &est);
	trend_spark(u, &est, y, g->est_x, g->est_w, g->rows, TH_SPARK_EST);
	if (g->axis)
		trend_axis(u, y + g->rows, g->est_x, g->est_w,
			   (uint32_t)est.n, false);
	ui_count(a, sizeof(a), s->states[TS_ESTABLISHED]);
	ui_count(b, sizeof(b), (unsigned long long)est.max);
	snprintf(e[0], sizeof(e[0]), "ESTABLISHED now %s  max %s", a, b);
	snprintf(e[1], sizeof(e[1]), "ESTAB now %s  max %s", a, b);
	snprintf(e[2], sizeof(e[2]), "ESTAB %s", a);
	ui_text_alt(u, y + g->rows + g->axis, g->est_x, g->est_w, TH_VALUE,
		    (const char *[]){ e[0], e[1], e[2] }, 3);
}

/* TIME_WAIT sparkline, scale, axis and numbers; ESTABLISHED beside
 * them when wide. */
static void trend_draw(struct ui *u, const struct ui_rect *r,
		       struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	struct trend_geom g;
	struct series tw;
	int y = r->y + 1;

	(void)ps;
	(void)focused;
	if (!s) {
		ui_text(u, y, r->x + 1, r->w - 2, TH_DIM,
			"waiting for the first sample");
		return;
	}
	trend_geom(u, r, &g);
	trend_series(s, false, g.tw_w, &tw);
	trend_spark(u, &tw, y, g.tw_x, g.tw_w, g.rows, TH_SPARK);
	if (g.gutter)
		trend_scale(u, &g, y, tw.max);
	if (g.axis)
		trend_axis(u, y + g.rows, g.tw_x, g.tw_w, g.drawn, true);
	if (r->h >= 2)
		trend_tw_stats(u, &tw, y + g.rows + g.axis, g.x,
			       g.tw_w + g.gutter);
	if (g.est_w > 0)
		trend_est(u, &g, y);
}

const struct panel_ops ui_panel_trend = {
	.title = trend_title,
	.draw = trend_draw,
};
