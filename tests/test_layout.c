/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/ui_layout.c: the dashboard's screen arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../src/ui_layout.h"

/* Every shown panel lies inside the body and no two overlap. */
static void check_sane(const struct ui_layout *l)
{
	for (int i = 0; i < UI_NPANELS; i++) {
		const struct ui_rect *r = &l->panel[i];

		if (r->h == 0)
			continue;
		assert_true(r->w > 0);
		assert_true(r->y >= l->body.y);
		assert_true(r->y + r->h <= l->body.y + l->body.h);
		assert_true(r->x >= 0);
		assert_true(r->x + r->w <= l->cols);
		for (int j = i + 1; j < UI_NPANELS; j++)
			assert_false(ui_rect_overlap(r, &l->panel[j]));
	}
	assert_int_equal(l->header.y, 0);
	assert_int_equal(l->status.y, l->rows - 1);
	assert_int_equal(l->body.y, 1);
	assert_int_equal(l->body.h, l->rows - 2);
}

/* Cells covered by the panels. */
static long covered(const struct ui_layout *l)
{
	long n = 0;

	for (int i = 0; i < UI_NPANELS; i++)
		n += (long)l->panel[i].h * l->panel[i].w;
	return n;
}

static void test_80x24(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 24, 80, UI_P_PEERS);
	assert_int_equal(l.mode, UI_FULL);
	check_sane(&l);
	for (int i = 0; i < UI_NPANELS; i++)
		if (i != UI_P_ADVICE && i != UI_P_CLOSERS)
			assert_true(l.panel[i].h >= UI_PANEL_MIN);
	assert_int_equal(l.panel[UI_P_CLOSERS].h, 0);	/* focused only */
	/* all eleven states fit, the lists keep their minimum */
	assert_int_equal(l.panel[UI_P_STATES].h, UI_STATES_ROWS);
	/* the advisories keep their summary line under the states */
	assert_int_equal(l.panel[UI_P_ADVICE].h, 1);
	assert_int_equal(l.panel[UI_P_ADVICE].y,
			 l.panel[UI_P_STATES].y + l.panel[UI_P_STATES].h);
	assert_int_equal(l.panel[UI_P_ADVICE].y + 1, l.panel[UI_P_PEERS].y);
	assert_true(l.panel[UI_P_PEERS].h >= UI_LISTS_MIN);
	assert_int_equal(l.panel[UI_P_PEERS].h, l.panel[UI_P_PORTS].h);
	/* two columns: peers left, ports right, with a gutter */
	assert_int_equal(l.panel[UI_P_PEERS].x, 0);
	assert_int_equal(l.panel[UI_P_PORTS].x, 40);
	assert_int_equal(l.panel[UI_P_PEERS].w, 39);
	assert_int_equal(l.panel[UI_P_PORTS].w, 40);
	/* the right column stacks trend, ephemeral, kernel to the band end */
	assert_int_equal(l.panel[UI_P_TREND].y, 1);
	assert_int_equal(l.panel[UI_P_EPH].y,
			 l.panel[UI_P_TREND].y + l.panel[UI_P_TREND].h);
	assert_int_equal(l.panel[UI_P_KERNEL].y + l.panel[UI_P_KERNEL].h,
			 l.panel[UI_P_PEERS].y);
	/* nothing is left unused in the body but the gutter column */
	assert_int_equal(covered(&l), 22L * 80 - 22);
}

static void test_100x30(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 30, 100, UI_P_PEERS);
	assert_int_equal(l.mode, UI_FULL);
	check_sane(&l);
	assert_int_equal(l.panel[UI_P_STATES].h, 15);
	assert_int_equal(l.panel[UI_P_ADVICE].h, 1);
	assert_int_equal(l.panel[UI_P_PEERS].h, 12);
	assert_int_equal(l.panel[UI_P_TREND].h + l.panel[UI_P_EPH].h +
			 l.panel[UI_P_KERNEL].h, 16);
}

/* At 120x40 the states get their extra lines and the advisories the
 * rest of the left column. */
static void test_120x40(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 40, 120, UI_P_PEERS);
	check_sane(&l);
	assert_int_equal(l.panel[UI_P_STATES].h, UI_STATES_PREF);
	assert_int_equal(l.panel[UI_P_ADVICE].h, 5);
	assert_int_equal(l.panel[UI_P_ADVICE].x, 0);
	assert_int_equal(l.panel[UI_P_ADVICE].w, 59);
	assert_int_equal(l.panel[UI_P_ADVICE].y + l.panel[UI_P_ADVICE].h,
			 l.panel[UI_P_PEERS].y);
}

/* More rows and columns show more: the lists grow, wide screens put
 * the kernel panel in a third column. */
static void test_growth(void **state)
{
	struct ui_layout a, b, c;

	(void)state;
	ui_layout_compute(&a, 24, 80, UI_P_PEERS);
	ui_layout_compute(&b, 50, 120, UI_P_PEERS);
	ui_layout_compute(&c, 60, 200, UI_P_PEERS);
	check_sane(&b);
	check_sane(&c);
	assert_true(b.panel[UI_P_PEERS].h > a.panel[UI_P_PEERS].h);
	assert_true(b.panel[UI_P_PEERS].w > a.panel[UI_P_PEERS].w);
	assert_true(b.panel[UI_P_TREND].h > a.panel[UI_P_TREND].h);
	assert_true(c.panel[UI_P_KERNEL].y == 1);
	assert_true(c.panel[UI_P_KERNEL].x > c.panel[UI_P_TREND].x);
	assert_true(c.panel[UI_P_KERNEL].h > b.panel[UI_P_KERNEL].h);
	for (int rows = 24; rows < 200; rows += 7)
		for (int cols = 80; cols < 400; cols += 33) {
			ui_layout_compute(&b, rows, cols, UI_P_PORTS);
			assert_int_equal(b.mode, UI_FULL);
			check_sane(&b);
			assert_true(b.panel[UI_P_STATES].h >= UI_STATES_ROWS);
			assert_true(b.panel[UI_P_PEERS].h >= UI_LISTS_MIN);
		}
}

/* Below 80x24: the trend on top and the focused panel under it. */
static void test_compact(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 14, 50, UI_P_PEERS);
	assert_int_equal(l.mode, UI_COMPACT);
	check_sane(&l);
	assert_int_equal(l.panel[UI_P_TREND].h, 3);
	assert_int_equal(l.panel[UI_P_PEERS].y, 4);
	assert_int_equal(l.panel[UI_P_PEERS].h, 9);
	assert_int_equal(l.panel[UI_P_PEERS].w, 50);
	assert_int_equal(l.panel[UI_P_PORTS].h, 0);
	assert_int_equal(l.panel[UI_P_STATES].h, 0);

	ui_layout_compute(&l, 24, 79, UI_P_KERNEL);
	assert_int_equal(l.mode, UI_COMPACT);
	assert_int_equal(l.panel[UI_P_KERNEL].h, 19);
	assert_int_equal(l.panel[UI_P_PEERS].h, 0);

	ui_layout_compute(&l, 14, 50, UI_P_TREND);
	assert_int_equal(l.panel[UI_P_TREND].h, 12);
	check_sane(&l);
}

static void test_too_small(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 5, 20, UI_P_PEERS);
	assert_int_equal(l.mode, UI_TOO_SMALL);
	for (int i = 0; i < UI_NPANELS; i++)
		assert_int_equal(l.panel[i].h, 0);
	ui_layout_compute(&l, UI_MIN_ROWS, UI_MIN_COLS - 1, UI_P_PEERS);
	assert_int_equal(l.mode, UI_TOO_SMALL);
	ui_layout_compute(&l, UI_MIN_ROWS, UI_MIN_COLS, UI_P_PEERS);
	assert_int_equal(l.mode, UI_COMPACT);
	check_sane(&l);
	ui_layout_compute(&l, 0, 0, 99);	/* nonsense in, no crash */
	assert_int_equal(l.mode, UI_TOO_SMALL);
}

static void test_overlap(void **state)
{
	struct ui_rect a = { 0, 0, 2, 2 }, b = { 1, 1, 2, 2 };
	struct ui_rect c = { 0, 2, 2, 2 }, hidden = { 0, 0, 0, 0 };

	(void)state;
	assert_true(ui_rect_overlap(&a, &b));
	assert_false(ui_rect_overlap(&a, &c));	/* touching edges */
	assert_false(ui_rect_overlap(&a, &hidden));
}

/* Screen order: the top band's left column top to bottom, then its
 * other columns, then the lists left to right. */
static const int screen_order[UI_NPANELS] = {
	UI_P_STATES, UI_P_ADVICE, UI_P_TREND, UI_P_EPH, UI_P_KERNEL,
	UI_P_PEERS, UI_P_PORTS, UI_P_CLOSERS,
};

/* True when panel a must come before b in screen order: a above b in
 * the same columns, or a left of b in the same rows. */
static bool reads_before(const struct ui_rect *a, const struct ui_rect *b)
{
	bool same_cols = a->x < b->x + b->w && b->x < a->x + a->w;
	bool same_rows = a->y < b->y + b->h && b->y < a->y + a->h;

	return (same_cols && a->y + a->h <= b->y) ||
	       (same_rows && a->x + a->w <= b->x);
}

/* Tab follows the screen at the sizes the issue names, and at every
 * size the order is a permutation in which no panel comes after one
 * that reads after it (the enum order put the ephemeral groups after
 * the trend and the peers before the kernel panel). */
static void test_tab_order(void **state)
{
	static const int sizes[][2] = {
		{ 24, 80 }, { 40, 120 }, { 50, 150 }, { 60, 200 }, { 30, 100 },
	};
	struct ui_layout l;

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		ui_layout_compute(&l, sizes[k][0], sizes[k][1], UI_P_PEERS);
		for (int i = 0; i < UI_NPANELS; i++)
			assert_int_equal(l.order[i], screen_order[i]);
	}
	for (int rows = 24; rows < 120; rows += 5)
		for (int cols = 80; cols < 300; cols += 11) {
			bool seen[UI_NPANELS] = { false };

			ui_layout_compute(&l, rows, cols, UI_P_PEERS);
			for (int i = 0; i < UI_NPANELS; i++) {
				assert_false(seen[l.order[i]]);
				seen[l.order[i]] = true;
				for (int j = i + 1; j < UI_NPANELS; j++)
					assert_false(reads_before(
						&l.panel[l.order[j]],
						&l.panel[l.order[i]]));
			}
		}
	/* the compact layout and a too small screen Tab the same way */
	ui_layout_compute(&l, 14, 50, UI_P_KERNEL);
	for (int i = 0; i < UI_NPANELS; i++)
		assert_int_equal(l.order[i], screen_order[i]);
	ui_layout_compute(&l, 5, 20, UI_P_KERNEL);
	for (int i = 0; i < UI_NPANELS; i++)
		assert_int_equal(l.order[i], screen_order[i]);
}

/* Who closes: under the ports from UI_WIDE_COLS (when both keep the
 * lists' minimum); otherwise in the ports panel's place while focused;
 * the Tab order the same. */
static void test_closers_place(void **state)
{
	static const int sizes[][2] = {
		{ 24, 80 }, { 40, 120 }, { 30, 149 }, { 30, 150 },
	};
	struct ui_layout l, f;

	(void)state;
	ui_layout_compute(&l, 50, 150, UI_P_PEERS);
	check_sane(&l);
	assert_int_equal(l.panel[UI_P_CLOSERS].x, l.panel[UI_P_PORTS].x);
	assert_int_equal(l.panel[UI_P_CLOSERS].w, l.panel[UI_P_PORTS].w);
	assert_int_equal(l.panel[UI_P_CLOSERS].y,
			 l.panel[UI_P_PORTS].y + l.panel[UI_P_PORTS].h);
	assert_int_equal(l.panel[UI_P_CLOSERS].y + l.panel[UI_P_CLOSERS].h,
			 l.panel[UI_P_PEERS].y + l.panel[UI_P_PEERS].h);
	assert_true(l.panel[UI_P_PORTS].h >= UI_LISTS_MIN);
	assert_true(l.panel[UI_P_CLOSERS].h >= UI_LISTS_MIN);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		ui_layout_compute(&l, sizes[k][0], sizes[k][1], UI_P_PORTS);
		ui_layout_compute(&f, sizes[k][0], sizes[k][1], UI_P_CLOSERS);
		check_sane(&f);
		assert_int_equal(l.panel[UI_P_CLOSERS].h, 0);
		assert_int_equal(f.panel[UI_P_PORTS].h, 0);
		assert_memory_equal(&f.panel[UI_P_CLOSERS],
				    &l.panel[UI_P_PORTS],
				    sizeof(struct ui_rect));
		assert_memory_equal(f.order, l.order, sizeof(l.order));
		assert_int_equal(ui_layout_next(&f, UI_P_CLOSERS, -1),
				 UI_P_PORTS);
	}
}

/* Tab and Shift-Tab step through the order and wrap. */
static void test_next(void **state)
{
	struct ui_layout l;
	int p = UI_P_PEERS;

	(void)state;
	ui_layout_compute(&l, 40, 120, UI_P_PEERS);
	assert_int_equal(ui_layout_next(&l, UI_P_PEERS, 1), UI_P_PORTS);
	assert_int_equal(ui_layout_next(&l, UI_P_PORTS, 1), UI_P_CLOSERS);
	assert_int_equal(ui_layout_next(&l, UI_P_CLOSERS, 1), UI_P_STATES);
	assert_int_equal(ui_layout_next(&l, UI_P_STATES, -1), UI_P_CLOSERS);
	assert_int_equal(ui_layout_next(&l, UI_P_ADVICE, 1), UI_P_TREND);
	for (int i = 0; i < UI_NPANELS; i++)
		p = ui_layout_next(&l, p, 1);
	assert_int_equal(p, UI_P_PEERS);
}

/* z: the focused panel gets the body, the others nothing; the order
 * stays. */
static void test_zoom(void **state)
{
	static const int sizes[][2] = {
		{ 24, 80 }, { 40, 120 }, { 50, 150 }, { 60, 200 }, { 14, 50 },
	};
	struct ui_layout l;

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		for (int f = 0; f < UI_NPANELS; f++) {
			ui_layout_compute(&l, sizes[k][0], sizes[k][1], f);
			ui_layout_zoom(&l, f);
			assert_true(l.zoom);
			check_sane(&l);
			assert_int_equal(l.panel[f].y, 1);
			assert_int_equal(l.panel[f].h, sizes[k][0] - 2);
			assert_int_equal(l.panel[f].w, sizes[k][1]);
			assert_int_equal(covered(&l),
					 (long)(sizes[k][0] - 2) * sizes[k][1]);
			assert_int_equal(l.order[0], UI_P_STATES);
		}
	ui_layout_compute(&l, 5, 20, UI_P_PEERS);	/* too small: a note */
	ui_layout_zoom(&l, UI_P_PEERS);
	assert_false(l.zoom);
	assert_int_equal(l.panel[UI_P_PEERS].h, 0);
}

/* The mouse: each cell of the body belongs to the panel drawn there;
 * the header, status line and gutter to none. */
static void test_panel_at(void **state)
{
	struct ui_layout l;

	(void)state;
	ui_layout_compute(&l, 40, 120, UI_P_PEERS);
	assert_int_equal(ui_layout_panel_at(&l, 0, 5), -1);
	assert_int_equal(ui_layout_panel_at(&l, 39, 5), -1);
	assert_int_equal(ui_layout_panel_at(&l, 1, 0), UI_P_STATES);
	assert_int_equal(ui_layout_panel_at(&l, 1, 60), UI_P_TREND);
	assert_int_equal(ui_layout_panel_at(&l, 39 - 1, 119), UI_P_PORTS);
	assert_int_equal(ui_layout_panel_at(&l, l.panel[UI_P_PEERS].y, 59),
			 -1);	/* the gutter between peers and ports */
	for (int y = 1; y < 39; y++)
		for (int x = 0; x < 120; x++) {
			int p = ui_layout_panel_at(&l, y, x);
			const struct ui_rect *r;

			if (p < 0)
				continue;
			r = &l.panel[p];
			assert_true(y >= r->y && y < r->y + r->h);
			assert_true(x >= r->x && x < r->x + r->w);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_80x24),
		cmocka_unit_test(test_100x30),
		cmocka_unit_test(test_120x40),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_tab_order),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_closers_place),
		cmocka_unit_test(test_zoom),
		cmocka_unit_test(test_panel_at),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
