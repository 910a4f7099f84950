/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sorting the dashboard's lists, as htop does: F6 or '>' and '<' pick
 * the focused list's sort column, 'I' inverts it. A view of the
 * snapshot's rows: the snapshot keeps its own order (worst first). */
#include <string.h>
#include <sys/socket.h>

#include "twtop/addr.h"
#include "ui_priv.h"

/* Whether column k of cols runs descending, inverted or not. */
bool ui_sort_desc(const struct ui_sort_cols *cols, int k, bool inv)
{
	bool desc = k > 0 && k < cols->n ? !cols->asc[k] : true;

	return desc != inv;
}

/* The glyph that marks a sort column: its direction. */
const char *ui_sort_glyph(bool utf8, bool desc)
{
	return utf8 ? (desc ? "\u25bc" : "\u25b2") : (desc ? "v" : "^");
}

/* Numbers in ascending order, for the ui_sort_cmp of each list: < 0
 * when a comes first, 0 when equal, > 0 when b does. */
int ui_cmp_num(double a, double b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/* Addresses in ascending order: IPv4 before IPv6, then by their bytes
 * (network order: numeric order). */
int ui_cmp_addr(const struct tw_addr *a, const struct tw_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->bytes, b->bytes, addr_len(a));
}

/*
 * Puts the rows 0..n-1 in idx in the order of column k of cols, cmp
 * comparing two rows by it (ascending); column 0 is the rows' own order.
 * Stable (a merge sort): rows equal in k keep their own order, whatever
 * the direction. tmp holds n ints.
 */
void ui_sort_rows(int *idx, int *tmp, int n, const struct ui_sort_cols *cols,
		  int k, bool inv, ui_sort_cmp cmp, const void *ctx)
{
	bool desc = ui_sort_desc(cols, k, inv);

	for (int i = 0; i < n; i++)
		idx[i] = i;
	if (k <= 0 || k >= cols->n || cmp == NULL) {
		if (inv)	/* the own order, reversed */
			for (int i = 0; i < n; i++)
				idx[i] = n - 1 - i;
		return;
	}
	for (int width = 1; width < n; width *= 2) {
		for (int lo = 0; lo < n; lo += 2 * width) {
			int mid = lo + width < n ? lo + width : n;
			int hi = lo + 2 * width < n ? lo + 2 * width : n;
			int a = lo, b = mid, o = lo;

			while (a < mid && b < hi) {
				int c = cmp(ctx, idx[b], idx[a], k);

				/* take b first only when strictly before a */
				if (desc ? c > 0 : c < 0)
					tmp[o++] = idx[b++];
				else
					tmp[o++] = idx[a++];
			}
			while (a < mid)
				tmp[o++] = idx[a++];
			while (b < hi)
				tmp[o++] = idx[b++];
		}
		memcpy(idx, tmp, (size_t)n * sizeof(*idx));
	}
}

const struct ui_sort_cols *ui_panel_sort(const struct ui *u, int panel)
{
	const struct panel_ops *ops = ui_panel(panel);

	return ops->sort_now ? ops->sort_now(u) : ops->sort;
}

/* F6 or '>' (the next column), '<' (the previous one), 'I' (invert) on
 * the focused list; true when used. The selected row stays selected. */
bool ui_sort_key(struct ui *u, int key)
{
	struct panel_state *ps = &u->ps[u->focus];
	const struct ui_sort_cols *c = ui_panel_sort(u, u->focus);

	if (key != KEY_F(6) && key != '<' && key != '>' && key != 'I')
		return false;
	if (c == NULL || u->view != UI_VIEW_MAIN) {
		ui_message(u, false, "sorting: Tab to the peers, ports or "
			   "ephemeral groups");
		return true;
	}
	if (key == 'I')
		ps->sort_inv = !ps->sort_inv;
	else
		ps->sort = (ps->sort + (key == '<' ? c->n - 1 : 1)) % c->n;
	ui_list_sync(u, u->focus);
	ui_message(u, false, "sorted by %s, %s", c->names[ps->sort],
		   ui_sort_desc(c, ps->sort, ps->sort_inv) ? "descending" :
		   "ascending");
	return true;
}

/* Whether the word at cells [i, i + n) of line is whole: not part of a
 * longer word (letters, digits, '_', '/'). */
static bool whole_word(const char *line, int len, int i, int n)
{
	static const char *const word = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/";

	return (i == 0 || !strchr(word, line[i - 1]) || line[i - 1] == '\0') &&
	       (i + n >= len || !strchr(word, line[i + n]) ||
		line[i + n] == '\0');
}

bool ui_sort_click(struct ui *u, int panel, int y, int x)
{
	const struct ui_rect *r = &u->lay.panel[panel];
	struct panel_state *ps = &u->ps[panel];
	const struct ui_sort_cols *c = ui_panel_sort(u, panel);
	int head = ps->row_lines > 0 ? ps->row_y - 1 : r->y + r->h - ps->page - 1;
	char line[512];
	int len;

	if (c == NULL || u->view != UI_VIEW_MAIN || y != head || y <= r->y)
		return false;
	/* the heading as drawn: its ASCII cells (the sort glyph is not) */
	len = r->w < (int)sizeof(line) - 1 ? r->w : (int)sizeof(line) - 1;
	for (int i = 0; i < len; i++) {
		chtype ch = mvinch(y, r->x + i) & A_CHARTEXT;

		line[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : ' ';
	}
	line[len] = '\0';
	for (int k = 0; k < c->n; k++) {
		int n = (int)strlen(c->names[k]);

		for (const char *p = line; (p = strstr(p, c->names[k])) != NULL;
		     p++) {
			int i = (int)(p - line);

			if (!whole_word(line, len, i, n) || x < r->x + i - 1 ||
			    x >= r->x + i + n)
				continue;
			if (ps->sort == k)
				ps->sort_inv = !ps->sort_inv;
			else
				ps->sort = k;
			u->focus = panel;
			ui_list_sync(u, panel);
			ui_message(u, false, "sorted by %s, %s", c->names[k],
				   ui_sort_desc(c, k, ps->sort_inv) ?
				   "descending" : "ascending");
			return true;
		}
	}
	return false;
}

/* An unfocused list shows its rows from the top, worst first, on every
 * sample: the selection is the focused list's alone, so a row picked
 * before Tab moved on does not keep an idle row on screen. */
void ui_list_view(struct panel_state *ps, bool focused)
{
	if (focused)
		return;
	ps->sel = 0;
	ps->top = 0;
	ps->has_id = false;
}
