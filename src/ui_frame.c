/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dashboard's frame: header, panels or drill-down, status line. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "twtop/replay.h"
#include "ui_priv.h"

/* Writes a header segment at *x and advances it: whole, or not at all
 * when it does not fit (then later, shorter ones may). */
static void head_seg(struct ui *u, int *x, enum theme_elem e,
		     const char *s)
{
	int w = u->lay.cols - *x;

	if (w <= 0 || ui_width(s) > w)
		return;
	*x += ui_text(u, 0, *x, w, e, s);
}

/* A header segment that may be cut, after a whole word (a filter, an
 * error). */
static void head_seg_words(struct ui *u, int *x, enum theme_elem e,
			   const char *s)
{
	int w = u->lay.cols - *x;

	if (w > 0)
		*x += ui_text_words(u, 0, *x, w, e, s);
}

/* The replay marker: file, the record's own time and host, which
 * record of how many. */
static void draw_replay_mark(struct ui *u, int *x)
{
	const struct snapshot *s = u->snap;
	const char *file = strrchr(u->opt->replay, '/');
	char buf[PATH_MAX + 256], when[32] = "?";
	struct tm tm;

	file = file && file[1] ? file + 1 : u->opt->replay;
	if (localtime_r(&s->when.tv_sec, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), " REPLAY %s  %s  %s%s%s  [%zu/%zu] ", file,
		 when, s->host, s->netns[0] ? "/" : "", s->netns, u->rec + 1,
		 replay_count(u->replay));
	if (*x + ui_width(buf) > u->lay.cols)	/* narrow: what moves */
		snprintf(buf, sizeof(buf), " REPLAY [%zu/%zu] %s ",
			 u->rec + 1, replay_count(u->replay), when);
	head_seg(u, x, TH_ALARM, buf);
	snprintf(buf, sizeof(buf), " Linux %s ", s->kernel);
	head_seg(u, x, TH_HEADER, buf);
}

/* Host, kernel, namespace, interval, clock, paused, sample problems. */
static void draw_header(struct ui *u)
{
	const struct snapshot *s = u->snap;
	char buf[640], clock[16];
	time_t now = time(NULL);
	struct tm tm;
	int x = 0;

	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	ui_fill(u, 0, 0, u->lay.cols, TH_HEADER);
	head_seg(u, &x, TH_HEADER, " twtop ");
	if (u->replay && s) {
		draw_replay_mark(u, &x);
	} else {
		if (u->view == UI_VIEW_ALLNS)
			head_seg(u, &x, TH_HEADER,
				 ui_allns_head(u, buf, sizeof(buf)));
		if (s) {
			snprintf(buf, sizeof(buf), " %s ", s->host);
			head_seg(u, &x, TH_HEADER, buf);
			snprintf(buf, sizeof(buf), " Linux %s ", s->kernel);
			head_seg(u, &x, TH_HEADER, buf);
			snprintf(buf, sizeof(buf), " netns %s ",
				 s->netns[0] ? s->netns : "(own)");
			head_seg(u, &x, TH_HEADER, buf);
			if (s->backend) {
				snprintf(buf, sizeof(buf), " %s ", s->backend);
				head_seg(u, &x, TH_HEADER, buf);
			}
		}
		snprintf(buf, sizeof(buf), " every %gs ", u->interval);
		head_seg(u, &x, TH_HEADER, buf);
		/* the CPU budget spaces out full passes (sampler.c) */
		if (s && s->full_every_s > 0) {
			snprintf(buf, sizeof(buf), " full pass every %.0f s, "
				 "%g %% budget ", s->full_every_s, s->cpu_budget);
			head_seg(u, &x, TH_WARN, buf);
		}
		snprintf(buf, sizeof(buf), " %s ", clock);
		head_seg(u, &x, TH_HEADER, buf);
	}
	if (u->paused)
		head_seg(u, &x, TH_WARN, " PAUSED ");
	if (s && s->filter[0]) {
		snprintf(buf, sizeof(buf), " filter: %s ", s->filter);
		head_seg_words(u, &x, TH_WARN, buf);
	}
	if (!s) {
		if (u->view != UI_VIEW_ALLNS)
			head_seg(u, &x, TH_HEADER, "  sampling...");
	} else if (s->dump_failed || s->partial || s->error[0]) {
		snprintf(buf, sizeof(buf), " %s%s ",
			 s->partial ? "partial sample: " : "", s->error);
		head_seg_words(u, &x, TH_ERROR, buf);
	}
}

/* Key hints: a key in TH_KEY, then what it does. */
static void draw_hints(struct ui *u, int y)
{
	static const char *const main_hints[][2] = {
		{ "F1", "Help" }, { "Tab", "Panel" }, { "Enter", "Drill" },
		{ "z", "Zoom" }, { "/", "Filter" }, { "m", "Mark" },
		{ "s", "Save" }, { "p", "Pause" }, { "+-", "Interval" },
		{ "t", "Theme" }, { "r", "Reset" }, { "q", "Quit" },
	};
	static const char *const drill_hints[][2] = {
		{ "Esc", "Back" }, { "Up/Dn", "Scroll" }, { "s", "Save" },
		{ "p", "Pause" }, { "F1", "Help" }, { "q", "Quit" },
	};
	static const char *const replay_hints[][2] = {
		{ "F1", "Help" }, { "Left/Right", "Record" },
		{ "</>", "First/Last" }, { "Tab", "Panel" },
		{ "Enter", "Drill" }, { "z", "Zoom" }, { "s", "Save" },
		{ "t", "Theme" }, { "q", "Quit" },
	};
	static const char *const replay_drill_hints[][2] = {
		{ "Esc", "Back" }, { "Up/Dn", "Scroll" }, { "s", "Save" },
		{ "F1", "Help" }, { "q", "Quit" },
	};
#define HINTS(a) a, sizeof(a) / sizeof(a[0])
	const struct { const char *const (*h)[2]; size_t n; } sets[2][2] = {
		{ { HINTS(main_hints) }, { HINTS(drill_hints) } },
		{ { HINTS(replay_hints) }, { HINTS(replay_drill_hints) } },
	};
	static const char *const allns_hints[][2] = {
		{ "Enter", "Open" }, { "Up/Dn", "Select" }, { "p", "Pause" },
		{ "+-", "Interval" }, { "t", "Theme" }, { "F1", "Help" },
		{ "q", "Quit" },
	};
	static const char *const allns_main_hints[][2] = {
		{ "Esc", "All netns" }, { "F1", "Help" }, { "Tab", "Panel" },
		{ "Enter", "Drill" }, { "z", "Zoom" }, { "/", "Filter" },
		{ "s", "Save" }, { "p", "Pause" }, { "+-", "Interval" },
		{ "q", "Quit" },
	};
#undef HINTS
	const char *const (*h)[2] =
		sets[u->replay != NULL][u->view == UI_VIEW_DRILL].h;
	size_t n = sets[u->replay != NULL][u->view == UI_VIEW_DRILL].n;
	int x = 0;

	if (u->allns && u->view != UI_VIEW_DRILL) {
		bool list = u->view == UI_VIEW_ALLNS;

		h = list ? allns_hints : allns_main_hints;
		n = list ? sizeof(allns_hints) / sizeof(allns_hints[0]) :
		    sizeof(allns_main_hints) / sizeof(allns_main_hints[0]);
	}

	for (size_t i = 0; i < n && x < u->lay.cols; i++) {
		const char *label = h[i][1];

		if (strcmp(h[i][0], "p") == 0 && u->paused)
			label = "Resume";
		if (strcmp(h[i][0], "z") == 0 && u->zoom)
			label = "Unzoom";
		/* a hint shows whole or not at all */
		if (x + ui_width(h[i][0]) + 1 + ui_width(label) > u->lay.cols)
			break;
		x += ui_text(u, y, x, u->lay.cols - x, TH_KEY, h[i][0]);
		x += ui_textf(u, y, x, u->lay.cols - x, TH_STATUS, " %s  ",
			      label);
	}
}

/* The status line: a live message, else the key hints. */
static void draw_status(struct ui *u)
{
	int y = u->lay.status.y;

	ui_fill(u, y, 0, u->lay.cols, TH_STATUS);
	if (u->prompt) {
		ui_prompt_draw(u, y);
		return;
	}
	if (u->msg[0] && ui_now() < u->msg_until) {
		ui_text(u, y, 0, u->lay.cols, u->msg_error ? TH_ERROR :
			TH_MESSAGE, u->msg);
		return;
	}
	u->msg[0] = '\0';
	draw_hints(u, y);
}

/* The note shown when even the compact layout does not fit. */
static void draw_too_small(struct ui *u)
{
	char buf[96];
	int w, y = LINES / 2;

	snprintf(buf, sizeof(buf), "terminal too small (%dx%d): need %dx%d",
		 COLS, LINES, UI_MIN_COLS, UI_MIN_ROWS);
	w = ui_width(buf);
	if (w > COLS) {
		snprintf(buf, sizeof(buf), "too small");
		w = ui_width(buf);
	}
	ui_text(u, y, w < COLS ? (COLS - w) / 2 : 0, COLS, TH_WARN, buf);
}

/* All panels the layout shows. */
static void draw_panels(struct ui *u)
{
	for (int i = 0; i < UI_NPANELS; i++) {
		const struct panel_ops *ops = ui_panel(i);
		const struct ui_rect *r = &u->lay.panel[i];
		char title[160];

		if (r->h == 0)
			continue;
		u->ps[i].row_lines = 0;		/* ui_list_placed may set it */
		ops->title(u, title, sizeof(title));
		if (ops->title_elem && i != u->focus)
			ui_panel_frame_elem(u, r, title, ops->title_elem(u));
		else
			ui_panel_frame(u, r, title, i == u->focus);
		if (r->h > 1)
			ops->draw(u, r, &u->ps[i], i == u->focus);
	}
}

/* Redraws the whole screen; curses sends only what changed. */
void ui_draw_screen(struct ui *u)
{
	ui_layout_compute(&u->lay, LINES, COLS, u->focus);
	if (u->zoom && u->view == UI_VIEW_MAIN)
		ui_layout_zoom(&u->lay, u->focus);
	erase();
	if (u->lay.mode == UI_TOO_SMALL) {
		draw_too_small(u);
	} else {
		draw_header(u);
		if (u->view == UI_VIEW_DRILL)
			ui_drill_draw(u, &u->lay.body);
		else if (u->view == UI_VIEW_ALLNS)
			ui_allns_draw(u, &u->lay.body);
		else
			draw_panels(u);
		draw_status(u);
		if (u->help)
			ui_help_draw(u);
	}
	wnoutrefresh(stdscr);
	doupdate();
}
