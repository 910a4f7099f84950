/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The '/' filter prompt on the status line and the 'm' markers. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "twtop/filter.h"
#include "ui_priv.h"

#define PROMPT_LABEL	"filter (Enter: apply, empty: clear, Esc: cancel): "

void ui_prompt_open(struct ui *u)
{
	const char *cur = u->snap ? u->snap->filter : u->opt->filter;

	snprintf(u->input, sizeof(u->input), "%s", cur);
	u->prompt = true;
}

/* Enter: compiles and applies the input; blank clears the filter, a bad
 * expression keeps the old one and says where it went wrong. */
static void prompt_apply(struct ui *u)
{
	char err[160];
	const char *expr = u->input;
	size_t n = strlen(expr);
	struct filter *f;

	while (isspace((unsigned char)*expr))
		expr++;
	while (n > 0 && isspace((unsigned char)u->input[n - 1]))
		u->input[--n] = '\0';
	if (!*expr) {
		sampler_set_filter(u->sp, NULL);
		ui_message(u, false, "filter cleared: counting all sockets");
		return;
	}
	f = filter_compile(expr, err, sizeof(err));
	if (!f) {
		ui_message(u, true, "filter: %s", err);
		return;
	}
	sampler_set_filter(u->sp, f);
	filter_free(f);
	ui_message(u, false, "filter: %s (trend restarts)", expr);
}

/* Removes the last character (a whole UTF-8 sequence) of the input. */
static void prompt_backspace(struct ui *u)
{
	size_t n = strlen(u->input);

	while (n > 0 && ((unsigned char)u->input[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	u->input[n] = '\0';
}

/* A key while the prompt is open: editing, Enter, Esc. */
void ui_prompt_key(struct ui *u, int key)
{
	size_t n = strlen(u->input);

	if (key == UI_KEY_ESC) {
		u->prompt = false;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		u->prompt = false;
		prompt_apply(u);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		prompt_backspace(u);
	} else if (key == 21) {		/* Ctrl-U */
		u->input[0] = '\0';
	} else if (key >= 32 && key < 256 && key != 127 &&
		   n < FILTER_EXPR_MAX && n + 1 < sizeof(u->input)) {
		u->input[n] = (char)key;
		u->input[n + 1] = '\0';
	}
}

/* The prompt in the status line row y: its end stays visible. */
void ui_prompt_draw(struct ui *u, int y)
{
	int x = ui_text(u, y, 0, u->lay.cols, TH_KEY, PROMPT_LABEL);
	int w = u->lay.cols - x - 1;
	const char *in = u->input;
	size_t n = strlen(in);

	if (w < 8) {
		x = ui_text(u, y, 0, u->lay.cols, TH_KEY, "/");
		w = u->lay.cols - x - 1;
	}
	if (w <= 0)
		return;
	if (n > (size_t)w)
		in += n - (size_t)w;
	x += ui_text(u, y, x, w, TH_MESSAGE, in);
	ui_text(u, y, x, 1, TH_SELECTED, " ");
}

/* m: a marker at the sample on screen, announced in the status line. */
void ui_marker_drop(struct ui *u)
{
	const struct ui_marker *m;
	char clock[16];
	time_t t;
	struct tm tm;

	if (!u->snap) {
		ui_message(u, true, "no sample yet: no marker");
		return;
	}
	m = ui_markers_add(&u->markers, u->snap);
	if (!m) {
		ui_message(u, true, "markers full (%d): save a snapshot with s",
			   UI_MARKERS_MAX);
		return;
	}
	t = (time_t)m->t;
	localtime_r(&t, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	ui_message(u, false, "marker %s at %s (TIME_WAIT %u)", m->label,
		   clock, m->time_wait);
}
