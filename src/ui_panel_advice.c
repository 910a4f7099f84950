/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the advice engine's advisories (twtop/advice.h), most severe
 * first. Every advisory shows its first line; the selected one shows
 * whole as far as the panel allows and scrolls by line (Up and Down read
 * on into the next advisory); Enter adds its evidence numbers. */
#include <stdio.h>
#include <string.h>

#include "twtop/advice.h"
#include "ui_priv.h"

#define LEVEL_W		7	/* "alarm↕ " */
#define SEL_LINES_MAX	(80 + SNAP_ADV_EVIDENCE)
#define FULL_MAX	(sizeof(((struct snap_advisory *)0)->text) + 64)

/* One line of the selected advisory: part of its text or one of its
 * evidence numbers. */
struct adv_line {
	int ev;			/* evidence index, or -1 for text */
	int off, len;		/* the text's bytes on this line */
};

/*
 * What the panel shows: items in order, one per line; advisory k < sel
 * is item k (its first line), the selected advisory's lines off to
 * off + win - 1 are items sel to sel + win - 1, and advisory k > sel
 * is item k + win - 1. Lines first to first + h - 1 of them are shown.
 */
struct adv_view {
	int n, sel;		/* advisories, the selected one */
	int lines, text;	/* its lines, of which text */
	int win, off;		/* lines shown, the first of them */
	int items, first, h;
	char full[FULL_MAX];	/* its "id: text" */
	struct adv_line l[SEL_LINES_MAX];
};

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

/* "Advisories: 3 (1 alarm, 2 info)": the count, and how many of each
 * level there is, even on a title-only panel. */
static void advice_title(const struct ui *u, char *buf, size_t len)
{
	static const int order[] = { ADV_ALARM, ADV_WARN, ADV_INFO };
	const struct snapshot *s = u->snap;
	unsigned int n[3] = { 0 };
	size_t k;

	if (!s) {
		snprintf(buf, len, "Advisories");
		return;
	}
	if (s->n_advisories == 0) {
		snprintf(buf, len, "Advisories: none");
		return;
	}
	for (uint32_t i = 0; i < s->n_advisories; i++)
		if (s->advisories[i].level >= 0 && s->advisories[i].level <= 2)
			n[s->advisories[i].level]++;
	snprintf(buf, len, "Advisories: %u (", s->n_advisories);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		k = strlen(buf);
		if (n[order[i]] && k < len)
			snprintf(buf + k, len - k, "%s%u %s",
				 buf[k - 1] == '(' ? "" : ", ", n[order[i]],
				 advice_level_name(order[i]));
	}
	k = strlen(buf);
	if (k < len)
		snprintf(buf + k, len - k, ")");
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

/* Splits text into lines of at most w bytes at spaces (inside a word
 * only when it is longer than a line, never inside a character). */
static int wrap(const char *text, int w, struct adv_line *out, int max)
{
	int len = (int)strlen(text), off = 0, n = 0;

	if (w < 8)
		w = 8;
	while (off < len && n < max) {
		int cut = len - off;

		if (cut > w) {
			cut = w;
			while (cut > w / 2 && text[off + cut] != ' ')
				cut--;
			if (text[off + cut] != ' ')
				cut = w;
			while (cut > 1 && (text[off + cut] & 0xc0) == 0x80)
				cut--;
		}
		out[n++] = (struct adv_line){ -1, off, cut };
		off += cut;
		while (off < len && text[off] == ' ')
			off++;
	}
	return n;
}

/* A new advisory selected (a key, a click, a new sample): its text
 * from the top, its evidence closed. */
static void advice_sync(struct ui *u, struct panel_state *ps)
{
	int n = advice_rows(u);

	if (ps->sel >= n)
		ps->sel = n - 1;
	if (ps->sel < 0)
		ps->sel = 0;
	if (u->adv_sel != ps->sel) {
		u->adv_sel = ps->sel;
		ps->top = 0;
		u->adv_open = false;
	}
}

/* Arranges the panel r (see struct adv_view); needs advisories. */
static void advice_view(const struct ui *u, const struct ui_rect *r,
			const struct panel_state *ps, struct adv_view *v)
{
	const struct snapshot *s = u->snap;
	const struct snap_advisory *a;
	int maxoff;

	v->n = (int)s->n_advisories;
	v->sel = ps->sel < 0 ? 0 : ps->sel >= v->n ? v->n - 1 : ps->sel;
	v->h = r->h - 1;
	a = &s->advisories[v->sel];
	v->text = wrap(adv_full(a, v->full, sizeof(v->full)),
		       r->w - 2 - LEVEL_W, v->l, SEL_LINES_MAX);
	v->lines = v->text;
	for (uint32_t e = 0; u->adv_open && e < a->n_evidence &&
	     v->lines < SEL_LINES_MAX; e++)
		v->l[v->lines++] = (struct adv_line){ (int)e, 0, 0 };
	/* the others keep a line each while the selected one has two */
	v->win = v->h - (v->n - 1);
	if (v->win < 2)
		v->win = 2;
	if (v->win > v->h)
		v->win = v->h;
	if (v->win > v->lines)
		v->win = v->lines;
	if (v->win < 1)
		v->win = 1;
	maxoff = v->lines - v->win;
	v->off = ps->top < 0 ? 0 : ps->top > maxoff ? maxoff : ps->top;
	v->items = v->n - 1 + v->win;
	v->first = v->items - v->h < v->sel ? v->items - v->h : v->sel;
	if (v->first < 0)
		v->first = 0;
}

/* The advisory behind item t, and in *line the selected advisory's
 * line (-1 for another advisory's first line). */
static int item_adv(const struct adv_view *v, int t, int *line)
{
	*line = -1;
	if (t < v->sel)
		return t;
	if (t < v->sel + v->win) {
		*line = v->off + t - v->sel;
		return v->sel;
	}
	return t - v->win + 1;
}

/* s cut to w columns, ending in an ellipsis when cut (columns counted
 * as characters: the texts are plain). */
static const char *one_line(const struct ui *u, const char *s, int w,
			    char *buf, size_t len)
{
	const char *ell = u->utf8 ? "\u2026" : "~";
	size_t i = 0, cut = 0;
	int cols = 0;

	for (; s[i]; i++) {
		if ((s[i] & 0xc0) == 0x80)
			continue;
		if (cols == w - 1)
			cut = i;
		if (++cols > w)
			break;
	}
	if (!s[i] || w < 2) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	while (cut > 0 && s[cut - 1] == ' ')
		cut--;
	snprintf(buf, len, "%.*s%s", (int)cut, s, ell);
	return buf;
}

/* The level column of the selected advisory's item t: its level on the
 * first line shown, an arrow where more lines are hidden. */
static void sel_level(struct ui *u, const struct adv_view *v,
		      const struct snap_advisory *a, int t, int y, int x,
		      bool selected)
{
	bool up = t == v->sel && v->off > 0;
	bool down = t == v->sel + v->win - 1 && v->off + v->win < v->lines;
	const char *arrow = up && down ? (u->utf8 ? "\u2195" : "|") :
			    up ? (u->utf8 ? "\u2191" : "^") :
			    down ? (u->utf8 ? "\u2193" : "v") : NULL;

	if (t == v->sel)
		ui_text(u, y, x, LEVEL_W - 2, selected ? TH_SELECTED :
			level_elem(a->level), advice_level_name(a->level));
	if (arrow)
		ui_text(u, y, x + LEVEL_W - 2, 1, selected ? TH_SELECTED :
			TH_KEY, arrow);
}

/* Draws item t of the view at row y. */
static void advice_item(struct ui *u, const struct adv_view *v, int t,
			int y, int x, int w, bool focused)
{
	int line, k = item_adv(v, t, &line);
	const struct snap_advisory *a = &u->snap->advisories[k];
	bool selected = focused && k == v->sel;
	enum theme_elem e = selected ? TH_SELECTED : TH_NORMAL;
	char buf[FULL_MAX], full[FULL_MAX];

	if (line < 0) {
		ui_text(u, y, x, LEVEL_W - 2, level_elem(a->level),
			advice_level_name(a->level));
		ui_text(u, y, x + LEVEL_W, w - LEVEL_W, TH_NORMAL,
			one_line(u, adv_full(a, full, sizeof(full)),
				 w - LEVEL_W, buf, sizeof(buf)));
		return;
	}
	if (v->l[line].ev >= 0) {
		const struct snap_evidence *ev = &a->evidence[v->l[line].ev];

		sel_level(u, v, a, t, y, x, false);
		ui_textf(u, y, x + LEVEL_W + 2, w - LEVEL_W - 2, TH_VALUE,
			 "%s = %g", ev->key, ev->value);
		return;
	}
	if (selected)
		ui_fill(u, y, x, w, TH_SELECTED);
	sel_level(u, v, a, t, y, x, selected);
	snprintf(buf, sizeof(buf), "%.*s", v->l[line].len,
		 v->full + v->l[line].off);
	ui_text(u, y, x + LEVEL_W, w - LEVEL_W, e, buf);
}

/* The advisories: each one's first line, the selected one's lines from
 * ps->top as far as the panel allows. */
static void advice_draw(struct ui *u, const struct ui_rect *r,
			struct panel_state *ps, bool focused)
{
	struct adv_view v;
	int x = r->x + 1, w = r->w - 2;

	if (!u->snap) {
		ui_text(u, r->y + 1, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	if (advice_rows(u) == 0) {
		ui_text(u, r->y + 1, x, w, TH_DIM, "no advice for this sample");
		return;
	}
	advice_sync(u, ps);
	advice_view(u, r, ps, &v);
	ps->top = v.off;
	ps->page = v.win;
	for (int i = 0; i < v.h && v.first + i < v.items; i++)
		advice_item(u, &v, v.first + i, r->y + 1 + i, x, w, focused);
}

/* The advisory at screen line y (a click). */
static int advice_row_at(const struct ui *u, const struct ui_rect *r,
			 const struct panel_state *ps, int y)
{
	struct adv_view v;
	int t = y - r->y - 1, line;

	if (advice_rows(u) == 0 || t < 0)
		return -1;
	advice_view(u, r, u->adv_sel == ps->sel ? ps : &(struct panel_state){
		    .sel = ps->sel }, &v);
	t += v.first;
	return t < v.items && t - v.first < v.h ? item_adv(&v, t, &line) : -1;
}

/* Selects advisory k (from its first line). */
static void advice_select(struct ui *u, struct panel_state *ps, int k)
{
	if (k < 0 || k >= advice_rows(u))
		return;
	ps->sel = k;
	advice_sync(u, ps);
}

/* Up and Down scroll the selected advisory by line, then step to the
 * next one; PgUp and PgDn by a panel; Home and End: the first and last
 * advisory; Enter shows or hides the evidence numbers (scrolled to). */
static bool advice_key(struct ui *u, struct panel_state *ps, int key)
{
	struct adv_view v;
	int page, more;

	if (advice_rows(u) == 0)
		return false;
	advice_sync(u, ps);
	advice_view(u, &u->lay.panel[UI_P_ADVICE], ps, &v);
	page = v.win > 2 ? v.win - 1 : 1;
	more = v.lines - v.win - v.off;
	switch (key) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		u->adv_open = !u->adv_open;
		advice_view(u, &u->lay.panel[UI_P_ADVICE], ps, &v);
		ps->top = u->adv_open ? v.text : 0;
		break;
	case KEY_UP:
	case KEY_PPAGE:
		if (v.off > 0)
			ps->top = v.off - (key == KEY_UP ? 1 : page);
		else
			advice_select(u, ps, v.sel - 1);
		break;
	case KEY_DOWN:
	case KEY_NPAGE:
		if (more > 0)
			ps->top = v.off + (key == KEY_DOWN ? 1 : page < more ?
					   page : more);
		else
			advice_select(u, ps, v.sel + 1);
		break;
	case KEY_HOME:
		advice_select(u, ps, 0);
		break;
	case KEY_END:
		advice_select(u, ps, advice_rows(u) - 1);
		break;
	default:
		return false;
	}
	if (ps->top < 0)
		ps->top = 0;
	return true;
}

const struct panel_ops ui_panel_advice = {
	.title = advice_title,
	.draw = advice_draw,
	.key = advice_key,
	.rows = advice_rows,
	.title_elem = advice_title_elem,
	.row_at = advice_row_at,
};
