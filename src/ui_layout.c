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
	l->panel[UI_P_PORTS] = rect(y + top, half, body - top, cols - half);
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

void ui_layout_compute(struct ui_layout *l, int rows, int cols, int focus)
{
	memset(l, 0, sizeof(*l));
	l->rows = rows > 0 ? rows : 0;
	l->cols = cols > 0 ? cols : 0;
	if (focus < 0 || focus >= UI_NPANELS)
		focus = UI_P_PEERS;
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
	}
}

bool ui_rect_overlap(const struct ui_rect *a, const struct ui_rect *b)
{
	if (a->h == 0 || a->w == 0 || b->h == 0 || b->w == 0)
		return false;
	return a->x < b->x + b->w && b->x < a->x + a->w &&
	       a->y < b->y + b->h && b->y < a->y + a->h;
}
