/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Screen layout arithmetic of the dashboard: pure, no curses. */
#include <string.h>

#include "ui_layout.h"

/* Preferred heights of the panels stacked in the right column. */
#define TREND_PREF	9
#define EPH_PREF	9
#define KERNEL_PREF	17
#define WIDE_TREND_PREF	12	/* the rest goes to the ephemeral groups */
#define TOP_MAX		32

static int imin(int a, int b)
{
	return a < b ? a : b;
}

static struct ui_rect rect(int y, int x, int h, int w)
{
	struct ui_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	if (r.h == 0 || r.w == 0)
		r.h = r.w = 0;
	return r;
}

/*
 * Stacks n panels in a column of height h at (y, x, w): each gets min,
 * then the rest goes one row at a time to those below their preferred
 * height, and what is still left to the last one.
 */
static void stack(struct ui_layout *l, const int *ids, const int *pref,
		  int n, int y, int x, int h, int w)
{
	int hs[4], extra = h - n * UI_PANEL_MIN, given = 1;

	for (int i = 0; i < n; i++)
		hs[i] = UI_PANEL_MIN;
	while (extra > 0 && given) {
		given = 0;
		for (int i = 0; i < n && extra > 0; i++) {
			if (hs[i] < pref[i]) {
				hs[i]++;
				extra--;
				given = 1;
			}
		}
	}
	hs[n - 1] += extra > 0 ? extra : 0;
	for (int i = 0; i < n; i++) {
		l->panel[ids[i]] = rect(y, x, hs[i], w);
		y += hs[i];
	}
}

/*
 * The left column of the top band: the states, and below them the
 * advisories with the rows the states do not need, or at least their
 * title line (it carries the summary).
 */
static void left_column(struct ui_layout *l, int y, int h, int w)
{
	int adv = h - UI_STATES_PREF;

	if (adv < UI_ADVICE_MIN)
		adv = 1;
	l->panel[UI_P_STATES] = rect(y, 0, h - adv, w);
	l->panel[UI_P_ADVICE] = rect(y + h - adv, 0, adv, w);
}

/* The full layout: a top band of meters over the two lists. */
static void layout_full(struct ui_layout *l)
{
	int body = l->body.h, y = l->body.y, cols = l->cols;
	int top = UI_STATES_ROWS + (body - UI_STATES_ROWS - UI_LISTS_MIN) / 2;
	int half = cols / 2;

	top = imin(top, TOP_MAX);
	if (cols >= UI_WIDE_COLS) {
		static const int ids[] = { UI_P_TREND, UI_P_EPH };
		static const int pref[] = { WIDE_TREND_PREF, EPH_PREF };
		int third = cols / 3;

		left_column(l, y, top, third - 1);
		stack(l, ids, pref, 2, y, third, top, third - 1);
		l->panel[UI_P_KERNEL] = rect(y, 2 * third, top,
					     cols - 2 * third);
	} else {
		static const int ids[] = { UI_P_TREND, UI_P_EPH, UI_P_KERNEL };
		static const int pref[] = { TREND_PREF, EPH_PREF, KERNEL_PREF };

		left_column(l, y, top, half - 1);
		stack(l, ids, pref, 3, y, half, top, cols - half);
	}
	l->panel[UI_P_PEERS] = rect(y + top, 0, body - top, half - 1);
	if (cols >= UI_WIDE_COLS && body - top >= 2 * UI_LISTS_MIN) {
		/* who closes under the ports: both keep their width */
		int ph = (body - top + 1) / 2;

		l->panel[UI_P_PORTS] = rect(y + top, half, ph, cols - half);
		l->panel[UI_P_CLOSERS] = rect(y + top + ph, half,
					      body - top - ph, cols - half);
		return;
	}
	l->panel[UI_P_PORTS] = rect(y + top, half, body - top, cols - half);
}

/* Narrower than UI_WIDE_COLS (or with too few rows to share the ports'
 * column) the closers panel has no place of its own: focused, it takes
 * the ports panel's (the Tab order stays). */
static void closers_in_place(struct ui_layout *l, int focus)
{
	if (focus != UI_P_CLOSERS || l->panel[UI_P_CLOSERS].h > 0)
		return;
	l->panel[UI_P_CLOSERS] = l->panel[UI_P_PORTS];
	memset(&l->panel[UI_P_PORTS], 0, sizeof(l->panel[UI_P_PORTS]));
}

/* The compact layout: a short trend on top of the focused panel. */
static void layout_compact(struct ui_layout *l, int focus)
{
	int trend = focus == UI_P_TREND ? l->body.h : 3;

	l->panel[UI_P_TREND] = rect(l->body.y, 0, trend, l->cols);
	if (focus != UI_P_TREND)
		l->panel[focus] = rect(l->body.y + trend, 0,
				       l->body.h - trend, l->cols);
}

/* Where rectangle r starts and ends along rows (y) or columns (x). */
static int r_start(const struct ui_rect *r, bool rows)
{
	return rows ? r->y : r->x;
}

static int r_end(const struct ui_rect *r, bool rows)
{
	return rows ? r->y + r->h : r->x + r->w;
}

/* Sorts ids[0..n) by where their rectangles start along rows (y) or
 * columns (x), then along the other. */
static void sort_by_start(const struct ui_rect *pr, int *ids, int n,
			  bool rows)
{
	for (int i = 1; i < n; i++) {
		int id = ids[i], j = i;

		while (j > 0) {
			const struct ui_rect *a = &pr[ids[j - 1]], *b = &pr[id];
			int ka = r_start(a, rows), kb = r_start(b, rows);

			if (ka < kb || (ka == kb && r_start(a, !rows) <=
					r_start(b, !rows)))
				break;
			ids[j] = ids[j - 1];
			j--;
		}
		ids[j] = id;
	}
}

/*
 * Puts ids[0..n) in reading order by recursive cuts (an XY cut): along
 * rows, a cut is a line no rectangle crosses, and the bands between the
 * cuts come top to bottom; inside a band the cuts go along columns, left
 * to right, and so on. A set no cut splits either way stays sorted by
 * its starts.
 */
static void cut_order(const struct ui_rect *pr, int *ids, int n, bool rows,
		      bool other_tried)
{
	int i = 0;

	sort_by_start(pr, ids, n, rows);
	while (i < n) {
		int end = r_end(&pr[ids[i]], rows), j = i + 1;

		while (j < n && r_start(&pr[ids[j]], rows) < end) {
			if (r_end(&pr[ids[j]], rows) > end)
				end = r_end(&pr[ids[j]], rows);
			j++;
		}
		if (j - i > 1 && (j - i < n || !other_tried))
			cut_order(pr, ids + i, j - i, !rows, j - i == n);
		i = j;
	}
}

/* The Tab order of a full layout: its shown panels in reading order,
 * then any it does not show. */
static void layout_order(struct ui_layout *l)
{
	int n = 0;

	for (int i = 0; i < UI_NPANELS; i++)
		if (l->panel[i].h > 0)
			l->order[n++] = i;
	cut_order(l->panel, l->order, n, true, false);
	for (int i = 0; i < UI_NPANELS; i++)
		if (l->panel[i].h == 0)
			l->order[n++] = i;
}

void ui_layout_compute(struct ui_layout *l, int rows, int cols, int focus)
{
	memset(l, 0, sizeof(*l));
	l->rows = rows > 0 ? rows : 0;
	l->cols = cols > 0 ? cols : 0;
	if (focus < 0 || focus >= UI_NPANELS)
		focus = UI_P_PEERS;
	if (rows < UI_FULL_ROWS || cols < UI_FULL_COLS) {
		/* Tab goes as it does on the smallest full screen */
		struct ui_layout full;

		ui_layout_compute(&full, rows > UI_FULL_ROWS ? rows :
				  UI_FULL_ROWS, cols > UI_FULL_COLS ? cols :
				  UI_FULL_COLS, focus);
		memcpy(l->order, full.order, sizeof(l->order));
	}
	if (rows < UI_MIN_ROWS || cols < UI_MIN_COLS) {
		l->mode = UI_TOO_SMALL;
		return;
	}
	l->header = rect(0, 0, 1, cols);
	l->status = rect(rows - 1, 0, 1, cols);
	l->body = rect(1, 0, rows - 2, cols);
	if (rows < UI_FULL_ROWS || cols < UI_FULL_COLS) {
		l->mode = UI_COMPACT;
		layout_compact(l, focus);
	} else {
		l->mode = UI_FULL;
		layout_full(l);
		layout_order(l);
		closers_in_place(l, focus);
	}
}

void ui_layout_zoom(struct ui_layout *l, int focus)
{
	if (l->mode == UI_TOO_SMALL || focus < 0 || focus >= UI_NPANELS)
		return;
	memset(l->panel, 0, sizeof(l->panel));
	l->panel[focus] = l->body;
	l->zoom = true;
}

int ui_layout_next(const struct ui_layout *l, int focus, int dir)
{
	int k = 0;

	for (int i = 0; i < UI_NPANELS; i++)
		if (l->order[i] == focus)
			k = i;
	k = ((k + dir) % UI_NPANELS + UI_NPANELS) % UI_NPANELS;
	return l->order[k];
}

int ui_layout_panel_at(const struct ui_layout *l, int y, int x)
{
	const struct ui_rect cell = { y, x, 1, 1 };

	for (int i = 0; i < UI_NPANELS; i++)
		if (ui_rect_overlap(&l->panel[i], &cell))
			return i;
	return -1;
}

bool ui_rect_overlap(const struct ui_rect *a, const struct ui_rect *b)
{
	if (a->h == 0 || a->w == 0 || b->h == 0 || b->w == 0)
		return false;
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	       a->y < b->y + b->h && b->y < a->y + a->h;
}
