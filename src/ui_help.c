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
	{ "Tab, Shift-Tab", "focus the next, previous panel on the screen",
	  HELP_BOTH },
	{ "arrows, PgUp/Dn", "move the selection by a row, a page",
	  HELP_BOTH },
	{ "Home, End", "first, last row", HELP_BOTH },
	{ "F6, >, <", "sort the focused list by the next, previous column",
	  HELP_LIVE },
	{ "F6", "sort the focused list by the next column", HELP_REPLAY },
	{ "I", "invert the sort order", HELP_BOTH },
	{ "z, e", "zoom: the focused panel alone; z or Esc: back",
	  HELP_BOTH },
	{ "mouse", "click: focus, select, sort by a heading; wheel: scroll",
	  HELP_BOTH },
	{ "Enter", "drill down into the selected peer, port or process",
	  HELP_LIVE },
	{ "Enter", "replay: the socket list saved with the record",
	  HELP_REPLAY },
	{ "Esc, Backspace", "back from the drill-down (Left too)", HELP_BOTH },
	{ "Up, Down", "on an advisory: read it by line, then the next",
	  HELP_BOTH },
	{ "Enter", "on an advisory: show or hide its evidence numbers",
	  HELP_BOTH },
	{ "c", "on who closes: by process or by container (cgroup)",
	  HELP_BOTH },
	{ "s, SIGUSR1", "save a snapshot (JSON) to the snapshot directory",
	  HELP_BOTH },
	{ "/", "filter (ss syntax: dport = :8080); empty clears", HELP_LIVE },
	{ "m", "drop a marker m1, m2, ... (s saves them, phases)",
	  HELP_LIVE },
	{ "p, Space", "pause or resume sampling", HELP_LIVE },
	{ "+, -", "sample less or more often", HELP_LIVE },
	{ "t", "next colour theme", HELP_BOTH },
	{ "r", "reset the TIME_WAIT trend (markers stay)", HELP_LIVE },
	{ "p + - / m r", "replay: read only, they do nothing", HELP_REPLAY },
};

static const char *const help_facts[] = {
	"TIME_WAIT lasts 60 s on Linux; tcp_fin_timeout does not change it.",
	"Ephemeral ports run out per destination (local IP, remote IP:port).",
	"available = free + reusable: what connect() can still pick, where",
	"  reusable = own TIME_WAIT tcp_tw_reuse hands over after its delay.",
	"Ports: server* = server side, no listener now (closed or inferred).",
};

/* A horizontal edge of the help box, w columns: left corner, line,
 * right corner, in box-drawing characters or ASCII. */
static void help_edge(const struct ui *u, int y, int x, int w, bool top)
{
	char line[4 * 256 + 8];
	size_t off = 0;

	for (int i = 0; i < w && i < 256; i++) {
		const char *g = !u->utf8 ? (i == 0 || i == w - 1 ? "+" : "-") :
				i == 0 ? (top ? "\u250c" : "\u2514") :
				i == w - 1 ? (top ? "\u2510" : "\u2518") : "\u2500";

		memcpy(line + off, g, strlen(g));
		off += strlen(g);
	}
	line[off] = '\0';
	ui_text(u, y, x, w, TH_HELP, line);
}

/* Draws the help box centred over whatever is on screen: a closed
 * frame, every key; the facts below when they all fit. */
void ui_help_draw(struct ui *u)
{
	int skip = u->replay ? HELP_LIVE : HELP_REPLAY, nk = 0;
	int nf = (int)(sizeof(help_facts) / sizeof(help_facts[0]));
	int h, w = 74, y0, x0, y;
	bool facts;
	char dir[THEME_NAME_MAX + 16];

	for (size_t i = 0; i < sizeof(help_keys) / sizeof(help_keys[0]); i++)
		nk += help_keys[i].when != skip;
	facts = nk + nf + 3 <= LINES;
	h = nk + 2 + (facts ? nf + 1 : 0);
	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	if (h < 3 || w < 8)
		return;
	y0 = (LINES - h) / 2;
	x0 = (COLS - w) / 2;
	for (int i = 0; i < h; i++)
		ui_fill(u, y0 + i, x0, w, TH_HELP);
	help_edge(u, y0, x0, w, true);
	help_edge(u, y0 + h - 1, x0, w, false);
	for (int i = 1; i < h - 1; i++) {
		ui_text(u, y0 + i, x0, 1, TH_HELP, u->utf8 ? "\u2502" : "|");
		ui_text(u, y0 + i, x0 + w - 1, 1, TH_HELP,
			u->utf8 ? "\u2502" : "|");
	}
	ui_text(u, y0, x0 + 2, w - 4, TH_TITLE_FOCUS,
		" twtop help: keys (top for TCP teardown) ");
	y = y0 + 1;
	for (size_t i = 0; i < sizeof(help_keys) / sizeof(help_keys[0]) &&
	     y < y0 + h - 1; i++) {
		if (help_keys[i].when == skip)
			continue;
		ui_text(u, y, x0 + 2, 16, TH_KEY, help_keys[i].key);
		ui_text(u, y++, x0 + 19, w - 20, TH_HELP, help_keys[i].what);
	}
	for (int i = 0; facts && i < nf; i++)
		ui_text(u, ++y, x0 + 2, w - 3, TH_DIM, help_facts[i]);
	snprintf(dir, sizeof(dir), " theme %s ", u->theme.name);
	ui_text_right(u, y0 + h - 1, x0, w - 2, TH_DIM, dir);
}
