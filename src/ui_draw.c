/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drawing helpers of the dashboard: colours, clipped text, bars. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "twtop/addr.h"
#include "twtop/advice.h"
#include "twtop/printable.h"
#include "ui_priv.h"

/* Bytes of a text's escaped copy: more than a screen line can show */
#define UI_TEXT_MAX 2048

/* Maps a theme colour onto what the terminal has; bright colours on an
 * 8-colour terminal become bold, other unknown ones the default. */
static short ui_map_color(short c, bool have_default, attr_t *extra)
{
	if (c < 0)
		return have_default ? -1 : -2;
	if (c < COLORS)
		return c;
	if (c >= 8 && c < 16) {
		*extra |= A_BOLD;
		return (short)(c - 8);
	}
	return have_default ? -1 : -2;
}

/* curses attributes for theme attribute bits. */
static attr_t ui_theme_attrs(unsigned int bits)
{
	attr_t a = A_NORMAL;

	if (bits & THEME_BOLD)
		a |= A_BOLD;
	if (bits & THEME_DIM)
		a |= A_DIM;
	if (bits & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (bits & THEME_REVERSE)
		a |= A_REVERSE;
	if (bits & THEME_STANDOUT)
		a |= A_STANDOUT;
#ifdef A_ITALIC
	if (bits & THEME_ITALIC)
		a |= A_ITALIC;
#endif
	return a;
}

/* Turns u->theme into colour pairs and attributes (u->attr), and each
 * element on the selected row's background (u->sel_attr: a bar keeps
 * the highlight behind it). */
void ui_colors_apply(struct ui *u)
{
	bool have_default = u->color && use_default_colors() == OK;
	const struct theme_style *sel = &u->theme.st[TH_SELECTED];

	for (int i = 0; i < TH_COUNT; i++) {
		const struct theme_style *st = &u->theme.st[i];
		attr_t a = ui_theme_attrs(st->attrs), b;
		int sp = TH_COUNT + 1 + i;

		b = a | ui_theme_attrs(sel->attrs);
		if (u->color && !u->color_off && i + 1 < COLOR_PAIRS) {
			short fg = ui_map_color(st->fg, have_default, &a);
			short bg = ui_map_color(st->bg, have_default, &a);
			attr_t extra = 0;
			short sbg = ui_map_color(sel->bg, have_default, &extra);

			/* without default colours, -2 means white on black */
			fg = fg == -2 ? COLOR_WHITE : fg;
			init_pair((short)(i + 1), fg, bg == -2 ? COLOR_BLACK : bg);
			b = a | COLOR_PAIR(i + 1);
			if (sp < COLOR_PAIRS) {
				init_pair((short)sp, fg, sbg == -2 ? COLOR_BLACK :
					  sbg);
				b = a | COLOR_PAIR(sp);
			}
			a |= COLOR_PAIR(i + 1);
		}
		u->attr[i] = a;
		u->sel_attr[i] = b;
	}
	bkgdset(u->attr[TH_NORMAL] | ' ');
}

attr_t ui_attr(const struct ui *u, enum theme_elem e)
{
	return u->attr[e];
}

/* Display width of a UTF-8 string as ui_text() shows it: escaped by
 * printable_str() (unprintable characters count 1). */
int ui_width(const char *s)
{
	char esc[UI_TEXT_MAX];
	mbstate_t ms;
	int w = 0;

	s = printable_str(esc, sizeof(esc), s);
	memset(&ms, 0, sizeof(ms));
	while (*s) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, strlen(s), &ms);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ms, 0, sizeof(ms));
			n = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += cw;
		s += n;
	}
	return w;
}

/* The mark of text cut for width: an ellipsis, '~' in ASCII. */
const char *ui_ellipsis(const struct ui *u)
{
	return u->utf8 ? "\u2026" : "~";
}

/* Characters of a number, and what may follow its digits (a unit). */
static bool ui_numch(wchar_t c)
{
	return (c >= L'0' && c <= L'9') || c == L'.' || c == L',';
}

static bool ui_unitch(wchar_t c)
{
	return c != L'\0' && wcschr(L"%kMGTPEs", c) != NULL;
}

/* Where to cut the n wide characters of buf (widths cw) to leave room
 * in w columns for the ellipsis (ew columns): never inside a number,
 * which is shown whole or not at all. */
static int ui_cut(const wchar_t *buf, const int *cw, int n, int w, int ew)
{
	int used = 0, k = 0;

	while (k < n && used + cw[k] <= w - ew)
		used += cw[k++];
	if (k > 0 && k < n && ui_numch(buf[k - 1]) &&
	    (ui_numch(buf[k]) || ui_unitch(buf[k])))
		while (k > 0 && ui_numch(buf[k - 1]))
			k--;
	return k;
}

/* Draws s at (y, x) clipped to w columns in element e; returns the
 * columns drawn. Every text on the screen passes here, much of it from
 * files or the network (marker labels, filters, replayed names): it is
 * escaped first (printable_str), so no control, bidi override or
 * zero-width character reaches the terminal; what the locale still
 * cannot show becomes '?'. A text cut for width ends in an ellipsis
 * ('~' in ASCII), never in part of a number; trailing blanks are not
 * text. */
int ui_text(const struct ui *u, int y, int x, int w, enum theme_elem e,
	    const char *s)
{
	char esc[UI_TEXT_MAX];
	wchar_t buf[512];
	int cw[512];
	mbstate_t ms;
	int used = 0, n = 0, ink = 0, inkw = 0;

	if (w <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	s = printable_str(esc, sizeof(esc), s);
	memset(&ms, 0, sizeof(ms));
	while (*s && n < (int)(sizeof(buf) / sizeof(buf[0])) - 2) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, strlen(s), &ms);
		int c;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&ms, 0, sizeof(ms));
			wc = L'?';
			k = 1;
		}
		c = wcwidth(wc);
		if (c < 0) {
			wc = L'?';
			c = 1;
		}
		buf[n] = wc;
		cw[n++] = c;
		used += c;
		if (wc != L' ') {
			ink = n;
			inkw = used;
		}
		s += k;
	}
	if (used > w && inkw <= w) {
		/* only blanks go: no mark */
		n = ink;
		used = inkw;
	} else if (used > w) {
		wchar_t ew = u->utf8 && wcwidth(L'\u2026') == 1 ? L'\u2026' :
			     L'~';

		n = ui_cut(buf, cw, n, w, 1);
		used = 0;
		for (int i = 0; i < n; i++)
			used += cw[i];
		buf[n++] = ew;
		used++;
	}
	buf[n] = L'\0';
	attrset(ui_attr(u, e));
	mvaddnwstr(y, x, buf, n);
	attrset(ui_attr(u, TH_NORMAL));
	return used;
}

int ui_textf(const struct ui *u, int y, int x, int w, enum theme_elem e,
	     const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_text(u, y, x, w, e, buf);
}

/* Draws s right-aligned in the w columns starting at x. */
int ui_text_right(const struct ui *u, int y, int x, int w,
		  enum theme_elem e, const char *s)
{
	int sw = ui_width(s);

	if (sw > w)
		return ui_text(u, y, x, w, e, s);
	return ui_text(u, y, x + w - sw, sw, e, s);
}

/* True for characters a clipped phrase should not end on. */
static bool ui_dangling(char c)
{
	return c == ' ' || c == ',' || c == ';' || c == ':' || c == '(' ||
	       c == '=' || c == '+' || c == '-';
}

/* Draws s in w columns, cut after its last whole word that fits with
 * an ellipsis (the ellipsis alone when no word fits); returns the
 * columns drawn. */
int ui_text_words(const struct ui *u, int y, int x, int w,
		  enum theme_elem e, const char *s)
{
	char buf[1024];
	size_t n, best = 0;
	const char *el = ui_ellipsis(u);

	if (w <= 0)
		return 0;
	if (ui_width(s) <= w)
		return ui_text(u, y, x, w, e, s);
	n = strlen(s);
	if (n >= sizeof(buf) - 8)
		n = sizeof(buf) - 8;
	memcpy(buf, s, n);
	for (size_t i = 1; i <= n; i++) {
		size_t end = i;
		char keep;

		if (i < n && s[i] != ' ')
			continue;
		while (end > 0 && ui_dangling(buf[end - 1]))
			end--;
		if (end == 0)
			continue;
		keep = buf[end];
		buf[end] = '\0';
		if (ui_width(buf) > w - 1) {
			buf[end] = keep;
			break;
		}
		buf[end] = keep;
		best = end;
	}
	snprintf(buf + best, sizeof(buf) - best, "%s", el);
	return ui_text(u, y, x, w, e, buf);
}

/* Draws the first of the n texts alt[] that fits w columns whole, else
 * the last one clipped at a word; returns the columns drawn. */
int ui_text_alt(const struct ui *u, int y, int x, int w, enum theme_elem e,
		const char *const *alt, int n)
{
	for (int i = 0; i < n; i++)
		if (alt[i] != NULL && ui_width(alt[i]) <= w)
			return ui_text(u, y, x, w, e, alt[i]);
	return n > 0 && alt[n - 1] ? ui_text_words(u, y, x, w, e, alt[n - 1]) :
	       0;
}

/* Paints w blank cells in element e. */
void ui_fill(const struct ui *u, int y, int x, int w, enum theme_elem e)
{
	if (w <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(ui_attr(u, e));
	mvhline(y, x, ' ', w);
	attrset(ui_attr(u, TH_NORMAL));
}

/* A proportional bar of frac over w columns; on a selected row it
 * keeps the row's highlight behind it. */
void ui_bar_sel(const struct ui *u, int y, int x, int w, double frac,
		enum theme_elem e, bool selected)
{
	char buf[4 * 256 + 1];
	int n;

	if (w <= 0)
		return;
	if (w > 256)
		w = 256;
	spark_hbar(frac, (unsigned int)w, u->glyphs, buf, sizeof(buf));
	n = ui_text(u, y, x, w, e, buf);
	if (selected && n > 0)	/* the same glyphs on the row's highlight */
		mvchgat(y, x, n, u->sel_attr[e] & ~A_COLOR,
			(short)PAIR_NUMBER(u->sel_attr[e]), NULL);
}

void ui_bar(const struct ui *u, int y, int x, int w, double frac,
	    enum theme_elem e)
{
	ui_bar_sel(u, y, x, w, frac, e, false);
}

/* The colour of a group's forecast: alarm when it fills, warning when
 * it settles past half (connect() slows there), else dim. */
enum theme_elem ui_forecast_elem(const struct snap_group *g)
{
	return g->fc.fills ? TH_ALARM : g->fc.may_fill ||
	       g->fc.steady_share >= ADV_WARN_SHARE ? TH_WARN : TH_DIM;
}

/* A group's forecast in at most w columns, the longest form that fits
 * ("steady at 31%", "steady 31%", "~31%": ui_forecast_form), in buf;
 * NULL when it has none or none fits. */
const char *ui_forecast_text(const struct snap_group *g, int w, char *buf,
			     size_t len)
{
	for (int k = 0; k < UI_FC_FORMS; k++)
		if (ui_forecast_form(g, k, buf, len) && ui_width(buf) <= w)
			return buf;
	return NULL;
}

/* The element of a gauge: ok, warning from 50 %, alarm from 90 %
 * (connect() slows down past half the range, KERNEL-FACTS.md). */
enum theme_elem ui_gauge_elem(double frac)
{
	if (frac >= 0.9)
		return TH_ALARM;
	if (frac >= 0.5)
		return TH_WARN;
	return TH_OK;
}

/* A gauge: a bar on a dotted track, coloured by ui_gauge_elem(); on
 * a selected row on the row's highlight. */
void ui_gauge_sel(const struct ui *u, int y, int x, int w, double frac,
		  bool selected)
{
	char track[4 * 256 + 1] = "";
	size_t off = 0;

	if (w <= 0)
		return;
	if (w > 256)
		w = 256;
	for (int i = 0; i < w; i++) {
		const char *g = u->utf8 ? "\u00b7" : ".";

		memcpy(track + off, g, strlen(g));
		off += strlen(g);
	}
	track[off] = '\0';
	ui_text(u, y, x, w, selected ? TH_SELECTED : TH_DIM, track);
	ui_bar_sel(u, y, x, w, frac, ui_gauge_elem(frac), selected);
}

/* The title line of a panel. */
void ui_panel_frame(struct ui *u, const struct ui_rect *r, const char *title,
		    bool focused)
{
	ui_panel_frame_elem(u, r, title, focused ? TH_TITLE_FOCUS : TH_TITLE);
}

/* A panel's title line in colour e. A title too long loses the last
 * items of its "(a, b, c)" part one by one, then that part, then words. */
void ui_panel_frame_elem(struct ui *u, const struct ui_rect *r,
			 const char *title, enum theme_elem e)
{
	char t[512];
	char *paren, *comma;
	size_t n;

	ui_fill(u, r->y, r->x, r->w, e);
	snprintf(t, sizeof(t), " %s", title);
	paren = strstr(t, " (");
	n = strlen(t);
	while (ui_width(t) > r->w && paren != NULL && n > 0 &&
	       t[n - 1] == ')') {
		comma = strrchr(paren, ',');
		if (comma == NULL) {
			*paren = '\0';
			break;
		}
		comma[0] = ')';
		comma[1] = '\0';
		n = strlen(t);
	}
	ui_text_words(u, r->y, r->x, r->w, e, t);
}

const char *ui_addr(const struct tw_addr *a, char *buf, size_t len)
{
	return addr_format(a, buf, len);
}

const char *ui_arrow(const struct ui *u)
{
	return u->utf8 ? "\u2192" : "->";
}

/* A column heading in w columns (right-aligned or not); when the list
 * is sorted by its column k (ps->sort), the heading carries the sort
 * direction's mark, as htop's does. Returns the columns drawn. */
int ui_head(const struct ui *u, int y, int x, int w, const char *label,
	    bool right, const struct panel_state *ps, int k,
	    const struct ui_sort_cols *cols)
{
	char buf[64];

	if (ps != NULL && cols != NULL && ps->sort == k && w > ui_width(label)) {
		const char *g = ui_sort_glyph(u->utf8,
					      ui_sort_desc(cols, k,
							   ps->sort_inv));

		snprintf(buf, sizeof(buf), right ? "%2$s%1$s" : "%s%s", label,
			 g);
		label = buf;
	}
	return right ? ui_text_right(u, y, x, w, TH_LABEL, label) :
	       ui_text(u, y, x, w, TH_LABEL, label);
}

/* ", sorted by new/s▼" for a title when the panel's list is sorted other than
 * as sampled, else "". */
const char *ui_sort_title(const struct ui *u, int panel, char *buf,
			  size_t len)
{
	const struct panel_state *ps = &u->ps[panel];
	const struct ui_sort_cols *c = ui_panel_sort(u, panel);

	buf[0] = '\0';
	if (c != NULL && (ps->sort > 0 || ps->sort_inv) && ps->sort < c->n)
		snprintf(buf, len, ", sorted by %s%s", c->names[ps->sort],
			 ui_sort_glyph(u->utf8, ui_sort_desc(c, ps->sort,
							     ps->sort_inv)));
	return buf;
}

/* The service /etc/services names for a TCP port ("" for none), asked
 * of getservbyport once per port and kept in u->svc. */
const char *ui_service(struct ui *u, uint16_t port)
{
	unsigned int h = (port * 40503u) % UI_SVC_SLOTS;
	struct ui_svc *slot = NULL;
	struct servent *se;

	for (unsigned int i = 0; i < 8; i++) {
		struct ui_svc *c = &u->svc[(h + i) % UI_SVC_SLOTS];

		if (c->used && c->port == port)
			return c->name;
		if (!c->used) {
			slot = c;
			break;
		}
	}
	if (slot == NULL)	/* a full run: its first slot goes */
		slot = &u->svc[h];
	se = getservbyport(htons(port), "tcp");
	slot->used = true;
	slot->port = port;
	snprintf(slot->name, sizeof(slot->name), "%s", se && se->s_name ?
		 se->s_name : "");
	return slot->name;
}

/* The rows a list shows of the snapshot's: at most --top when given. */
int ui_list_top(const struct ui *u, int rows)
{
	if (u->opt && u->opt->top_set && rows > (int)u->opt->top)
		return (int)u->opt->top;
	return rows;
}
