/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Keys of the dashboard and the actions behind them. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "twtop/snapfile.h"
#include "ui_priv.h"

/* The panels in drawing order (see enum ui_panel_id); Tab follows
 * the screen (ui_layout_next). */
static const struct panel_ops *const panels[UI_NPANELS] = {
	[UI_P_STATES] = &ui_panel_states,
	[UI_P_ADVICE] = &ui_panel_advice,
	[UI_P_TREND] = &ui_panel_trend,
	[UI_P_EPH] = &ui_panel_eph,
	[UI_P_PEERS] = &ui_panel_peers,
	[UI_P_PORTS] = &ui_panel_ports,
	[UI_P_KERNEL] = &ui_panel_kernel,
	[UI_P_CLOSERS] = &ui_panel_closers,
};

/* Interval steps for + and -, in seconds. */
static const double steps[] = {
	0.1, 0.2, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300, 600,
	1800, 3600,
};
#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

const struct panel_ops *ui_panel(int id)
{
	return panels[id];
}

/* Writes the current snapshot to the snapshot directory. A replayed
 * record is written whole: its lists are already as long as the file's. */
void ui_save_snapshot(struct ui *u)
{
	struct json_opts jo = {
		.top = u->replay ? SNAP_TOP_MAX : u->opt->top,
		.pretty = true, .history = true,
		.version = PACKAGE_VERSION, .extra = ui_markers_json,
		.extra_arg = &u->markers,
	};
	char dir[PATH_MAX], path[PATH_MAX + 64], err[PATH_MAX + 128];
	const char *d = u->opt->snapshot_dir;

	if (!u->snap) {
		ui_message(u, true, "no sample yet: snapshot not saved");
		return;
	}
	if (!d[0])
		d = getcwd(dir, sizeof(dir)) ? dir : ".";
	if (snapfile_write(d, u->snap, &jo, time(NULL), path, sizeof(path),
			   err, sizeof(err)) < 0)
		ui_message(u, true, "snapshot not saved: %s", err);
	else
		ui_message(u, false, "snapshot saved to %s", path);
}

/* + and -: the next interval step up or down. */
static void ui_step_interval(struct ui *u, int dir)
{
	double cur = u->interval, next = cur;

	if (dir > 0) {
		for (size_t i = 0; i < N_STEPS; i++)
			if (steps[i] > cur + 1e-9) {
				next = steps[i];
				break;
			}
	} else {
		for (size_t i = N_STEPS; i-- > 0;)
			if (steps[i] < cur - 1e-9) {
				next = steps[i];
				break;
			}
	}
	if (next == cur) {
		ui_message(u, false, "interval stays %gs (%s)", cur,
			   dir > 0 ? "longest" : "shortest");
		return;
	}
	u->interval = next;
	if (u->sp)
		sampler_set_interval(u->sp, next);
	else if (u->allns)
		ui_allns_interval(u, next);
	ui_message(u, false, "interval %gs", next);
}

/* t: loads the next theme of the theme directories. */
static void ui_next_theme(struct ui *u)
{
	struct theme t;
	char err[PATH_MAX + 160];
	const char *name;

	if (u->color_off) {
		ui_message(u, false, "colours are off (NO_COLOR or a terminal "
			   "without colours): theme stays mono");
		return;
	}
	if (u->n_themes == 0) {
		ui_message(u, true, "no theme files found");
		return;
	}
	u->theme_idx = (u->theme_idx + 1) % (int)u->n_themes;
	name = u->themes[u->theme_idx];
	if (theme_load(&t, name, err, sizeof(err)) < 0) {
		ui_message(u, true, "theme not changed: %s", err);
		return;
	}
	u->theme = t;
	ui_colors_apply(u);
	ui_message(u, false, "theme %s", name);
}

/* Moves focus by dir panels in screen order (Tab, Shift-Tab). */
static void ui_move_focus(struct ui *u, int dir)
{
	if (u->lay.order[0] == u->lay.order[1])	/* not drawn yet */
		ui_layout_compute(&u->lay, LINES, COLS, u->focus);
	u->focus = ui_layout_next(&u->lay, u->focus, dir);
}

/* z, e: the focused panel alone on the screen, or back. */
static void ui_toggle_zoom(struct ui *u)
{
	u->zoom = !u->zoom;
	if (u->zoom)
		ui_message(u, false, "zoom: z or Esc back, Tab the next panel");
	else
		u->msg[0] = '\0';
}

/* Remembers the identity of panel p's selected row. */
static void ui_sel_keep(struct ui *u, int p)
{
	struct panel_state *ps = &u->ps[p];

	if (panels[p]->row_id)
		ps->has_id = panels[p]->row_id(u, ps->sel, &ps->id);
}

/* A key for the focused panel. */
static void ui_panel_key(struct ui *u, int key)
{
	const struct panel_ops *ops = panels[u->focus];

	if (ops->key && ops->key(u, &u->ps[u->focus], key))
		ui_sel_keep(u, u->focus);
}

/* Enter: drill into the focused panel's selected row. */
static void ui_enter(struct ui *u)
{
	const struct panel_ops *ops = panels[u->focus];
	struct focus_req id;

	if (!ops->row_id || !ops->rows || ops->rows(u) == 0) {
		ui_message(u, false, "Enter drills into a peer or port: Tab to "
			   "the peers or ports panel");
		return;
	}
	if (ops->row_id(u, u->ps[u->focus].sel, &id))
		ui_drill_open(u, &id);
}

/* Keys that work the same in every view; true when handled. */
static bool ui_global_key(struct ui *u, int key)
{
	switch (key) {
	case 'q':
	case 'Q':
	case KEY_F(10):
		u->quit = true;
		return true;
	case 'h':
	case '?':
	case KEY_F(1):
		u->help = true;
		return true;
	case 's':
		ui_save_snapshot(u);
		return true;
	case 'p':
	case ' ':
		u->paused = !u->paused;
		sampler_set_paused(u->sp, u->paused);
		ui_message(u, false, u->paused ? "paused" : "resumed");
		return true;
	case '+':
	case '=':
		ui_step_interval(u, 1);
		return true;
	case '-':
	case '_':
		ui_step_interval(u, -1);
		return true;
	case 't':
		ui_next_theme(u);
		return true;
	case '/':
		ui_prompt_open(u);
		return true;
	case 'm':
		ui_marker_drop(u);
		return true;
	case 'r':
		sampler_reset_history(u->sp);
		ui_message(u, false, "trend reset");
		return true;
	default:
		return false;
	}
}

/* Dispatches one key. */
void ui_key(struct ui *u, int key)
{
	const struct panel_ops *ops;

	if (key == KEY_RESIZE)
		return;
	if (key == KEY_MOUSE) {
		ui_mouse(u);
		return;
	}
	if (u->prompt) {
		ui_prompt_key(u, key);
		return;
	}
	if (u->help) {
		u->help = false;
		if (key == 'q' || key == KEY_F(10))
			u->quit = true;
		return;
	}
	if (u->allns && ui_allns_key(u, key))
		return;
	if (u->replay && ui_replay_key(u, key))
		return;
	if (ui_global_key(u, key))
		return;
	if (u->view == UI_VIEW_DRILL) {
		ui_drill_key(u, key);
		return;
	}
	/* F6, '<', '>', 'I': the focused list's sort column (ui_sort.c) */
	if (ui_sort_key(u, key))
		return;
	ops = panels[u->focus];
	if (key == '\t') {
		ui_move_focus(u, 1);
	} else if (key == KEY_BTAB) {
		ui_move_focus(u, -1);
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		/* a panel without drill-down may use Enter itself */
		if (ops->row_id || !ops->key ||
		    !ops->key(u, &u->ps[u->focus], key))
			ui_enter(u);
	} else if (key == 'z' || key == 'e' ||
		   (key == UI_KEY_ESC && u->zoom)) {
		ui_toggle_zoom(u);
	} else if (key == UI_KEY_ESC) {
		u->msg[0] = '\0';
	} else {
		ui_panel_key(u, key);
	}
}

/* Lines one wheel step scrolls. */
#define WHEEL_LINES 3

/* A mouse event (KEY_MOUSE): button 1 on a list's heading sorts by the
 * column clicked; elsewhere it focuses the panel under the pointer and
 * selects the row there; the wheel focuses it and scrolls
 * it (in the drill-down, the socket list). */
void ui_mouse(struct ui *u)
{
	MEVENT ev;
	int p, row, key = 0;

	if (getmouse(&ev) != OK || u->prompt)
		return;
	if (ev.bstate & BUTTON4_PRESSED)
		key = KEY_UP;
#ifdef BUTTON5_PRESSED
	else if (ev.bstate & BUTTON5_PRESSED)
		key = KEY_DOWN;
#endif
	else if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (u->help) {		/* a click closes it, as a key does */
		u->help = key != 0;
		return;
	}
	if (u->view == UI_VIEW_MAIN) {
		p = ui_layout_panel_at(&u->lay, ev.y, ev.x);
		if (p < 0)
			return;
		if (!key && ui_sort_click(u, p, ev.y, ev.x))
			return;
		u->focus = p;
		if (!key) {
			row = ui_list_row_at(u, p, ev.y);
			if (row >= 0) {
				u->ps[p].sel = row;
				ui_sel_keep(u, p);
			}
			return;
		}
	}
	for (int i = 0; key && i < WHEEL_LINES; i++)
		ui_key(u, key);
}
