/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the advice engine's advisories (twtop/advice.h), most severe
 * first, wrapped; Enter shows the selected one's evidence numbers. */
#include <stdio.h>
#include <string.h>

#include "twtop/advice.h"
#include "ui_priv.h"

#define LEVEL_W		7	/* "alarm  " */
#define LINES_MAX	(SNAP_ADV_MAX * (64 + SNAP_ADV_EVIDENCE))

/* One screen line of the panel: part of an advisory's text or one of
 * its evidence numbers. */
struct adv_line {
	int adv;		/* advisory index */
	int ev;			/* evidence index, or -1 for text */
	int off, len;		/* the text's bytes on this line */
};

#define FULL_MAX	(sizeof(((struct snap_advisory *)0)->text) + 64)

/* "id: text", what the panel wraps. */
static const char *adv_full(const struct snap_advisory *a, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s: %s", a->id, a->text);
	return buf;
}

static enum theme_elem level_elem(int level)
{
	return level >= ADV_ALARM ? TH_ALARM : level >= ADV_WARN ? TH_WARN :
	       TH_LABEL;
}

/* "Advisories: 2 (1 alarm, 1 warn)", the summary even a title-only
 * panel shows. */
static void advice_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;
	unsigned int n[3] = { 0 };
	int k;

	if (!s) {
		snprintf(buf, len, "Advisories");
		return;
	}
	for (uint32_t i = 0; i < s->n_advisories; i++)
		if (s->advisories[i].level >= 0 && s->advisories[i].level <= 2)
			n[s->advisories[i].level]++;
	if (s->n_advisories == 0) {
		snprintf(buf, len, "Advisories: none");
		return;
	}
	k = snprintf(buf, len, "Advisories: %u", s->n_advisories);
	if (k > 0 && (size_t)k < len && (n[ADV_ALARM] || n[ADV_WARN]))
		snprintf(buf + k, len - (size_t)k, " (%u alarm, %u warn)",
			 n[ADV_ALARM], n[ADV_WARN]);
}

/* The title in the worst level's colour when that is warn or alarm. */
static enum theme_elem advice_title_elem(const struct ui *u)
{
	int worst = u->snap ? advice_worst(u->snap) : -1;

	return worst >= ADV_WARN ? level_elem(worst) : TH_TITLE;
}

static int advice_rows(const struct ui *u)
{
	return u->snap ? (int)u->snap->n_advisories : 0;
}

/* Splits text into lines of at most w bytes at spaces, appending them
 * to out from *n on. */
static void wrap(const char *text, int adv, int w, struct adv_line *out,
		 int *n)
{
	int len = (int)strlen(text), off = 0;

	if (w < 8)
		w = 8;
	while (off < len && *n < LINES_MAX) {
		int cut = len - off;

		if (cut > w) {
			cut = w;
			while (cut > w / 2 && text[off + cut] != ' ')
				cut--;
			if (text[off + cut] != ' ')
				cut = w;
		}
		out[(*n)++] = (struct adv_line){ adv, -1, off, cut };
		off += cut;
		while (off < len && text[off] == ' ')
			off++;
	}
}

/* All lines of the panel for text width w; the selected advisory gets
 * its evidence lines when opened. first[i] is advisory i's first line. */
static int advice_lines(const struct ui *u, int sel, int w,
			struct adv_line *out, int *first)
{
	const struct snapshot *s = u->snap;
	int n = 0;

	for (uint32_t i = 0; i < s->n_advisories && n < LINES_MAX; i++) {
		const struct snap_advisory *a = &s->advisories[i];
		char full[FULL_MAX];

		first[i] = n;
		wrap(adv_full(a, full, sizeof(full)), (int)i, w, out, &n);
		if (!u->adv_open || (int)i != sel)
			continue;
		for (uint32_t e = 0; e < a->n_evidence && n < LINES_MAX; e++)
			out[n++] = (struct adv_line){ (int)i, (int)e, 0, 0 };
	}
	first[s->n_advisories] = n;
	return n;
}

/* Draws line l of the panel at row y. */
static void advice_line(struct ui *u, const struct adv_line *l, int y,
			int x, int w, bool selected)
{
	const struct snap_advisory *a = &u->snap->advisories[l->adv];
	char buf[FULL_MAX], full[FULL_MAX];

	if (selected)
		ui_fill(u, y, x, w, TH_SELECTED);
	if (l->ev >= 0) {
		ui_textf(u, y, x + LEVEL_W + 2, w - LEVEL_W - 2, TH_VALUE,
			 "%s = %g", a->evidence[l->ev].key,
			 a->evidence[l->ev].value);
		return;
	}
	if (l->off == 0) {
		ui_text(u, y, x, LEVEL_W, selected ? TH_SELECTED :
			level_elem(a->level), advice_level_name(a->level));
	}
	snprintf(buf, sizeof(buf), "%.*s", l->len,
		 adv_full(a, full, sizeof(full)) + l->off);
	ui_text(u, y, x + LEVEL_W, w - LEVEL_W, selected ? TH_SELECTED :
		TH_NORMAL, buf);
}

/* The wrapped advisories from ps->top (a line index); the selected
 * advisory is kept in view and highlighted when focused. */
static void advice_draw(struct ui *u, const struct ui_rect *r,
			struct panel_state *ps, bool focused)
{
	static struct adv_line lines[LINES_MAX];
	int first[SNAP_ADV_MAX + 1], x = r->x + 1, w = r->w - 2, h = r->h - 1;
	int n, rows = advice_rows(u), a, b;

	if (!u->snap) {
		ui_text(u, r->y + 1, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	if (rows == 0) {
		ui_text(u, r->y + 1, x, w, TH_DIM, "no advice for this sample");
		return;
	}
	if (ps->sel >= rows)
		ps->sel = rows - 1;
	if (ps->sel < 0)
		ps->sel = 0;
	ps->page = h;
	n = advice_lines(u, ps->sel, w - LEVEL_W, lines, first);
	a = first[ps->sel];
	b = first[ps->sel + 1] - 1;
	/* an opened advisory too long for the panel shows its end: the
	 * evidence numbers */
	if (b - a >= h)
		ps->top = u->adv_open ? b - h + 1 : a;
	else if (a < ps->top)
		ps->top = a;
	else if (b >= ps->top + h)
		ps->top = b - h + 1;
	if (ps->top > n - h)
		ps->top = n - h > 0 ? n - h : 0;
	for (int i = 0; i < h && ps->top + i < n; i++) {
		const struct adv_line *l = &lines[ps->top + i];

		advice_line(u, l, r->y + 1 + i, x, w,
			    focused && l->adv == ps->sel && l->ev < 0);
	}
}

/* Up/Down move by advisory; Enter shows or hides its evidence. */
static bool advice_key(struct ui *u, struct panel_state *ps, int key)
{
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		if (advice_rows(u) == 0)
			return false;
		u->adv_open = !u->adv_open;
		return true;
	}
	if (key == KEY_UP || key == KEY_DOWN)
		u->adv_open = false;
	return ui_list_key(ps, key, advice_rows(u));
}

const struct panel_ops ui_panel_advice = {
	.title = advice_title,
	.draw = advice_draw,
	.key = advice_key,
	.rows = advice_rows,
	.title_elem = advice_title_elem,
};
