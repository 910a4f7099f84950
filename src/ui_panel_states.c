/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: every TCP state with its count and a proportional bar. */
#include <stdio.h>

#include "twtop/tcpstate.h"
#include "ui_priv.h"

#define NAME_W 12

static void states_title(const struct ui *u, char *buf, size_t len)
{
	char n[16];

	if (u->snap)
		snprintf(buf, len, "TCP states (%s sockets)",
			 ui_count(n, sizeof(n), u->snap->sockets));
	else
		snprintf(buf, len, "TCP states");
}

/* One state row: name, count, share, bar. */
static void states_row(struct ui *u, int y, int x, int w, unsigned int st)
{
	const struct snapshot *s = u->snap;
	uint32_t c = s->states[st];
	double frac = s->sockets ? (double)c / s->sockets : 0;
	enum theme_elem bar = st == TS_TIME_WAIT ? TH_BAR_TW : TH_BAR;
	char n[16];
	int col = NAME_W + 1 + 8;

	ui_text(u, y, x + 1, NAME_W, st == TS_TIME_WAIT ? TH_BAR_TW : TH_LABEL,
		tcpstate_name(st));
	ui_text_right(u, y, x + 1 + NAME_W, 8, c ? TH_VALUE : TH_DIM,
		      ui_count_fit(n, sizeof(n), c, 7));
	if (w - col >= 12) {
		ui_text_right(u, y, x + col + 1, 5, TH_DIM,
			      ui_pct(n, sizeof(n), frac));
		col += 6;
	}
	if (w - col - 3 > 0)
		ui_bar(u, y, x + col + 2, w - col - 3, frac, bar);
}

/* Who closes first: TIME_WAIT on the server and the client side, as
 * the sampler decided them (remembered listeners, or inferred while it
 * has no 60 s of memory). */
static void states_sides(struct ui *u, int y, int x, int w)
{
	const struct snapshot *s = u->snap;
	char a[3][96];

	if (s->tw.server_inferred)
		snprintf(a[0], sizeof(a[0]), "TIME_WAIT server side %u "
			 "(%u inferred), client side %u", s->tw.server_side,
			 s->tw.server_inferred, s->tw.client_side);
	else
		snprintf(a[0], sizeof(a[0]), "TIME_WAIT server side %u, "
			 "client side %u", s->tw.server_side,
			 s->tw.client_side);
	snprintf(a[1], sizeof(a[1]), "TIME_WAIT server %u (%u inferred), "
		 "client %u", s->tw.server_side, s->tw.server_inferred,
		 s->tw.client_side);
	snprintf(a[2], sizeof(a[2]), "TIME_WAIT server %u, client %u",
		 s->tw.server_side, s->tw.client_side);
	ui_text_alt(u, y, x, w, TH_NORMAL, (const char *[]){ a[0],
		    s->tw.server_inferred ? a[1] : a[2], a[2] }, 3);
}

/* Extra lines under the states when there is room: TIME_WAIT side and
 * age distribution, the dump cost. */
static void states_extra(struct ui *u, int y, int x, int w, int h)
{
	const struct snapshot *s = u->snap;
	double ages[SNAP_AGE_BUCKETS], max = 0;
	char row[SNAP_AGE_BUCKETS * 4 + 1];
	int line = 0;

	if (line < h)
		states_sides(u, y + line++, x + 1, w - 2);
	if (line < h) {
		for (int i = 0; i < SNAP_AGE_BUCKETS; i++) {
			ages[i] = s->tw.age[i];
			if (ages[i] > max)
				max = ages[i];
		}
		spark_row(ages, SNAP_AGE_BUCKETS, max, 1, 0, SNAP_AGE_BUCKETS,
			  u->glyphs, row, sizeof(row));
		ui_text(u, y + line, x + 1, w - 2, TH_LABEL, "TIME_WAIT age 0s");
		ui_text(u, y + line, x + 18, SNAP_AGE_BUCKETS, TH_SPARK, row);
		ui_text(u, y + line++, x + 19 + SNAP_AGE_BUCKETS, w - 31,
			TH_LABEL, "60s");
	}
	if (line < h)
		ui_textf(u, y + line++, x + 1, w - 2, TH_DIM,
			 "dump %.1f ms, sample #%llu", s->dump_ms,
			 (unsigned long long)s->seq);
}

/* The eleven states, then the extra lines when there is room. Short of
 * rows (80x24), the server/client split still shows on the last line,
 * "who closes first" being the question of the screen: states without
 * a count give way, the last first (TIME_WAIT and ESTABLISHED never). */
static void states_draw(struct ui *u, const struct ui_rect *r,
			struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	int y = r->y + 1, h = r->h - 1, shown = 0, drop;
	bool split = h >= 4 && h < TCPSTATE_SHOWN + 2;
	bool skip[TCPSTATE_SHOWN] = { false };

	(void)ps;
	(void)focused;
	if (!s) {
		ui_text(u, y, r->x + 1, r->w - 2, TH_DIM,
			"waiting for the first sample");
		return;
	}
	drop = TCPSTATE_SHOWN - (h - split);
	for (int i = TCPSTATE_SHOWN - 1; i >= 0 && drop > 0; i--) {
		unsigned int st = tcpstate_order[i];

		if (s->states[st] == 0 && st != TS_TIME_WAIT &&
		    st != TS_ESTABLISHED) {
			skip[i] = true;
			drop--;
		}
	}
	for (int i = 0; i < TCPSTATE_SHOWN && shown < h - split; i++)
		if (!skip[i])
			states_row(u, y + shown++, r->x, r->w,
				   tcpstate_order[i]);
	if (split)
		states_sides(u, y + h - 1, r->x + 1, r->w - 2);
	else if (h - shown >= 2)
		states_extra(u, y + shown + 1, r->x, r->w, h - shown - 1);
}

const struct panel_ops ui_panel_states = {
	.title = states_title,
	.draw = states_draw,
};
