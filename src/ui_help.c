/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The help overlay: every key, and the two facts people get wrong. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

/* Which dashboards a help line is for. */
enum { HELP_BOTH, HELP_LIVE, HELP_REPLAY };

static const struct {
	const char *key, *what;
	int when;
} help_keys[] = {
	{ "q, F10", "quit", HELP_BOTH },
	{ "h, ?, F1", "this help (any key closes it)", HELP_BOTH },
	{ "Left, Right", "replay: the previous, next record", HELP_REPLAY },
	{ "<, >", "replay: the first, last record", HELP_REPLAY },
	{ "Tab, Shift-Tab", "move focus between panels", HELP_BOTH },
	{ "arrows, PgUp/Dn", "move the selection by a row, a page",
	  HELP_BOTH },
	{ "Home, End", "first, last row", HELP_BOTH },
	{ "F6, >, <", "sort the focused list by the next, previous column",
	  HELP_LIVE },
	{ "F6", "sort the focused list by the next column", HELP_REPLAY },
	{ "I", "invert the sort order", HELP_BOTH },
	{ "Enter, Esc", "drill down into the selected peer or port, back",
	  HELP_LIVE },
	{ "Enter", "replay: the socket list saved with the record",
	  HELP_REPLAY },
	{ "Esc", "back from the drill-down", HELP_REPLAY },
	{ "Enter", "on an advisory: show or hide its evidence numbers",
	  HELP_BOTH },
	{ "s, SIGUSR1", "save a snapshot (JSON) to the snapshot directory",
	  HELP_BOTH },
	{ "/", "filter (ss syntax: dport = :8080); empty clears", HELP_LIVE },
	{ "m", "drop a marker m1, m2, ... (s saves them, phases)",
	  HELP_LIVE },
	{ "p, Space", "pause or resume sampling", HELP_LIVE },
	{ "+, -", "sample less or more often", HELP_LIVE },
	{ "t", "next colour theme", HELP_BOTH },
	{ "r", "reset the TIME_WAIT trend", HELP_LIVE },
	{ "p + - / m r", "replay: read only, they do nothing", HELP_REPLAY },
};

static const char *const help_facts[] = {
	"TIME_WAIT lasts 60 s on Linux; tcp_fin_timeout does not change it.",
	"Ephemeral ports run out per destination (local IP, remote IP:port).",
	"available = free + reusable: what connect() can still pick, where",
	"  reusable = own TIME_WAIT tcp_tw_reuse hands over after its delay.",
	"Ports: server* = server side, no listener now (closed or inferred).",
};

/* Sides and bottom of the help box (the title line is its top), in
 * box-drawing characters or ASCII. */
static void help_border(struct ui *u, int y0, int x0, int h, int w)
{
	const char *v = u->utf8 ? "\u2502" : "|";
	char bottom[4 * 256 + 8];
	size_t off = 0;

	if (h < 3 || w < 3 || w > 256)
		return;
	for (int i = 1; i < h - 1; i++) {
		ui_text(u, y0 + i, x0, 1, TH_HELP, v);
		ui_text(u, y0 + i, x0 + w - 1, 1, TH_HELP, v);
	}
	for (int i = 0; i < w; i++) {
		const char *g = u->utf8 ? (i == 0 ? "\u2514" : i == w - 1 ?
				"\u2518" : "\u2500") : (i == 0 || i == w - 1 ?
				"+" : "-");

		memcpy(bottom + off, g, strlen(g));
		off += strlen(g);
	}
	bottom[off] = '\0';
	ui_text(u, y0 + h - 1, x0, w, TH_HELP, bottom);
}

/* Draws the help box centred over whatever is on screen. */
void ui_help_draw(struct ui *u)
{
	int skip = u->replay ? HELP_LIVE : HELP_REPLAY, nk = 0;
	int nf = (int)(sizeof(help_facts) / sizeof(help_facts[0]));
	int h, w = 74, y0, x0, y;
	char dir[THEME_NAME_MAX + 16];

	for (size_t i = 0; i < sizeof(help_keys) / sizeof(help_keys[0]); i++)
		nk += help_keys[i].when != skip;
	h = nk + nf + 5;

	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	for (int i = 0; i < h; i++)
		ui_fill(u, y0 + i, x0, w, TH_HELP);
	ui_fill(u, y0, x0, w, TH_TITLE_FOCUS);
	ui_text(u, y0, x0 + 1, w - 2, TH_TITLE_FOCUS,
		"twtop help: keys (top for TCP teardown)");
	y = y0 + 2;
	for (size_t i = 0; i < sizeof(help_keys) / sizeof(help_keys[0]) &&
	     y < y0 + h; i++) {
		if (help_keys[i].when == skip)
			continue;
		ui_text(u, y, x0 + 2, 16, TH_KEY, help_keys[i].key);
		ui_text(u, y++, x0 + 19, w - 20, TH_HELP, help_keys[i].what);
	}
	y++;
	for (int i = 0; i < nf && y < y0 + h; i++, y++)
		ui_text(u, y, x0 + 2, w - 3, TH_DIM, help_facts[i]);
	help_border(u, y0, x0, h, w);
	snprintf(dir, sizeof(dir), " theme %s ", u->theme.name);
	if (y0 + h - 1 > y0)
		ui_text_right(u, y0 + h - 1, x0, w - 2, TH_DIM, dir);
}
