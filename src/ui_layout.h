/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Screen layout arithmetic of the dashboard: pure, no curses. */
#ifndef TWTOP_UI_LAYOUT_H
#define TWTOP_UI_LAYOUT_H

#include <stdbool.h>

/* The panels, in drawing order (Tab follows the screen: ui_layout.order). */
enum ui_panel_id {
	UI_P_STATES,
	UI_P_ADVICE,
	UI_P_TREND,
	UI_P_EPH,
	UI_P_PEERS,
	UI_P_PORTS,
	UI_P_KERNEL,
	UI_P_CLOSERS,		/* under the ports from UI_WIDE_COLS;
				 * narrower, in their place when focused */
	UI_NPANELS
};

#define UI_FULL_COLS	80	/* the full layout from here up */
#define UI_FULL_ROWS	24
#define UI_MIN_COLS	30	/* the compact layout from here up */
#define UI_MIN_ROWS	8
#define UI_WIDE_COLS	150	/* three columns on top from here up */
#define UI_STATES_ROWS	12	/* title + 11 states */
#define UI_STATES_PREF	16	/* and the TIME_WAIT lines under them */
#define UI_ADVICE_MIN	3	/* an advisories list; below: its title only */
#define UI_PANEL_MIN	4	/* smallest height of a stacked panel */
#define UI_LISTS_MIN	8	/* smallest height of the peer/port lists */

struct ui_rect {
	int y, x, h, w;		/* h == 0: not shown */
};

enum ui_layout_mode {
	UI_TOO_SMALL,		/* only a note */
	UI_COMPACT,		/* trend plus the focused panel */
	UI_FULL,		/* every panel */
};

struct ui_layout {
	enum ui_layout_mode mode;
	bool zoom;		/* one panel has the whole body */
	int rows, cols;
	struct ui_rect header, status, body;
	struct ui_rect panel[UI_NPANELS];
	/* Tab order: the panels as the full layout places them, read
	 * top to bottom and left to right (bands, then columns, then the
	 * panels stacked in a column); the same at every size. */
	int order[UI_NPANELS];
};

/* Computes the layout of a rows x cols screen; focus is the focused
 * panel, the one the compact layout shows. */
void ui_layout_compute(struct ui_layout *l, int rows, int cols, int focus);

/* Gives the whole body to panel focus (z): the others are not shown. */
void ui_layout_zoom(struct ui_layout *l, int focus);

/* The panel dir steps (1 Tab, -1 Shift-Tab) from focus in Tab order. */
int ui_layout_next(const struct ui_layout *l, int focus, int dir);

/* The shown panel holding screen cell (y, x), or -1 (header, status
 * line, a gutter). */
int ui_layout_panel_at(const struct ui_layout *l, int y, int x);

/* True when the rectangles share a cell (both shown). */
bool ui_rect_overlap(const struct ui_rect *a, const struct ui_rect *b);

#endif
