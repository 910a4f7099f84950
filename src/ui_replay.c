/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --replay in the dashboard: the records of a file stand in for the
 * sampler. Read only: keys that would change sampling say so. */
#include <stdio.h>
#include <string.h>

#include "twtop/replay.h"
#include "ui_priv.h"

#define REPLAY_STICKY_S 3600.0	/* a load warning stays until replaced */

int ui_replay_open(struct ui *u, char *err, size_t errlen)
{
	u->replay = replay_open(u->opt->replay, err, errlen);
	if (!u->replay)
		return -1;
	ui_replay_show(u, 0);
	if (!u->snap) {
		snprintf(err, errlen, "%s", u->msg);
		replay_free(u->replay);
		u->replay = NULL;
		return -1;
	}
	if (replay_warning(u->replay)[0]) {
		ui_message(u, true, "%s", replay_warning(u->replay));
		u->msg_until = ui_now() + REPLAY_STICKY_S;
	}
	return 0;
}

void ui_replay_close(struct ui *u)
{
	snap_unref(u->snap);	/* its names point into the replay */
	u->snap = NULL;
	replay_free(u->replay);
	u->replay = NULL;
}

void ui_replay_show(struct ui *u, size_t k)
{
	struct ui_markers ms;
	struct snapshot *s;
	char err[PATH_MAX + 256];
	double iv;

	s = replay_record(u->replay, k, &ms, err, sizeof(err));
	if (!s) {
		ui_message(u, true, "%s", err);
		return;
	}
	snap_unref(u->snap);
	u->snap = s;
	u->rec = k;
	u->markers = ms;
	iv = replay_interval(s);
	if (iv > 0)
		u->interval = iv;
	for (int i = 0; i < UI_NPANELS; i++)
		ui_list_sync(u, i);
}

/* Left, Right, '<', '>': another record. */
static void replay_step(struct ui *u, int key)
{
	size_t n = replay_count(u->replay), k = u->rec;

	if (key == KEY_LEFT || key == '<') {
		if (k == 0) {
			ui_message(u, false, "replay: the first record");
			return;
		}
		k = key == '<' ? 0 : k - 1;
	} else {
		if (k + 1 >= n) {
			ui_message(u, false, "replay: the last record");
			return;
		}
		k = key == '>' ? n - 1 : k + 1;
	}
	ui_replay_show(u, k);
}

/* Enter on a peer or port: the drill-down the record was saved with,
 * when it is this row's; the live socket list cannot be had. */
static void replay_drill(struct ui *u)
{
	const struct panel_ops *ops = ui_panel(u->focus);
	const struct snap_focus *f = u->snap ? u->snap->focus : NULL;
	struct focus_req id;
	char a[ADDR_STRLEN + 32];

	if (!ops->rows || !ops->rows(u) ||
	    !ops->row_id(u, u->ps[u->focus].sel, &id)) {
		ui_message(u, false, "Enter drills into a peer, port or "
			   "process: Tab to their panel");
		return;
	}
	if (f && focus_req_equal(&f->req, &id)) {
		u->drill = id;
		u->view = UI_VIEW_DRILL;
		memset(&u->drill_ps, 0, sizeof(u->drill_ps));
		return;
	}
	if (!f) {
		ui_message(u, false, "replay: no socket list in this record "
			   "(a snapshot saved in a drill-down has one)");
		return;
	}
	ui_message(u, false, "replay: this record has the drill-down of "
		   "%s only", ui_drill_what(&f->req, a, sizeof(a)));
}

bool ui_replay_key(struct ui *u, int key)
{
	const struct panel_ops *ops = ui_panel(u->focus);

	switch (key) {
	case 'p': case ' ': case '+': case '=': case '-': case '_':
	case '/': case 'm': case 'r':
		ui_message(u, false, "replay: read only");
		return true;
	default:
		break;
	}
	if (u->view == UI_VIEW_DRILL) {
		/* back without ui_drill_close: there is no sampler to tell */
		if (key != UI_KEY_ESC && key != KEY_LEFT && key != KEY_BACKSPACE)
			return false;
		u->view = UI_VIEW_MAIN;
		return true;
	}
	if (key == KEY_LEFT || key == KEY_RIGHT || key == '<' || key == '>') {
		replay_step(u, key);
		return true;
	}
	if ((key == '\n' || key == '\r' || key == KEY_ENTER) && ops->row_id) {
		replay_drill(u);
		return true;
	}
	return false;
}
