/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Selection in the dashboard's lists and status line messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "twtop/addr.h"
#include "ui_priv.h"

double ui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Moves the selection for a navigation key; false for other keys. */
bool ui_list_key(struct panel_state *ps, int key, int rows)
{
	int page = ps->page > 1 ? ps->page - 1 : 1;

	switch (key) {
	case KEY_UP:
		ps->sel--;
		break;
	case KEY_DOWN:
		ps->sel++;
		break;
	case KEY_PPAGE:
		ps->sel -= page;
		break;
	case KEY_NPAGE:
		ps->sel += page;
		break;
	case KEY_HOME:
		ps->sel = 0;
		break;
	case KEY_END:
		ps->sel = rows - 1;
		break;
	default:
		return false;
	}
	if (ps->sel >= rows)
		ps->sel = rows - 1;
	if (ps->sel < 0)
		ps->sel = 0;
	return true;
}

/* Keeps the selection inside rows and the first row shown such that
 * the selection is visible among `visible` rows. */
void ui_list_clamp(struct panel_state *ps, int rows, int visible)
{
	if (visible < 1)
		visible = 1;
	ps->page = visible;
	if (ps->sel >= rows)
		ps->sel = rows - 1;
	if (ps->sel < 0)
		ps->sel = 0;
	if (ps->sel < ps->top)
		ps->top = ps->sel;
	if (ps->sel >= ps->top + visible)
		ps->top = ps->sel - visible + 1;
	if (ps->top > rows - visible)
		ps->top = rows - visible;
	if (ps->top < 0)
		ps->top = 0;
}

/* Records where a list's rows went: row ps->top at screen line y, each
 * row `lines` lines tall (for the mouse; call after ui_list_clamp when
 * the rows are not the panel's last lines, one each). */
void ui_list_placed(struct panel_state *ps, int y, int lines)
{
	ps->row_y = y;
	ps->row_lines = lines;
}

/* The row of panel `panel` drawn at screen line y, or -1. */
int ui_list_row_at(const struct ui *u, int panel, int y)
{
	const struct panel_ops *ops = ui_panel(panel);
	const struct ui_rect *r = &u->lay.panel[panel];
	const struct panel_state *ps = &u->ps[panel];
	int y0 = ps->row_y, lines = ps->row_lines, k;

	if (!ops->rows || r->h == 0 || y <= r->y || y >= r->y + r->h)
		return -1;
	if (ops->row_at)
		return ops->row_at(u, r, ps, y);
	if (lines <= 0) {
		lines = 1;
		y0 = r->y + r->h - ps->page;
	}
	if (y < y0)
		return -1;
	k = (y - y0) / lines;
	if (k >= ps->page || ps->top + k >= ops->rows(u))
		return -1;
	return ps->top + k;
}

/* After a new snapshot: finds the selected row again by its identity
 * (rows move as counts change), then remembers the identity. */
void ui_list_sync(struct ui *u, int panel)
{
	const struct panel_ops *ops = ui_panel(panel);
	struct panel_state *ps = &u->ps[panel];
	struct focus_req id;
	int rows;

	if (!ops->rows || !ops->row_id || !u->snap)
		return;
	rows = ops->rows(u);
	if (ps->has_id) {
		for (int i = 0; i < rows; i++) {
			if (ops->row_id(u, i, &id) && focus_req_equal(&id, &ps->id)) {
				ps->sel = i;
				break;
			}
		}
	}
	if (ps->sel >= rows)
		ps->sel = rows - 1;
	if (ps->sel < 0)
		ps->sel = 0;
	ps->has_id = rows > 0 && ops->row_id(u, ps->sel, &ps->id);
}

/* Shows a message in the status line for a while. */
void ui_message(struct ui *u, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_error = error;
	u->msg_until = ui_now() + (error ? 2 * UI_MSG_SECONDS :
				   UI_MSG_SECONDS);
}
