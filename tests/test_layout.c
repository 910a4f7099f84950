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
		if (i != UI_P_ADVICE)
			assert_true(l.panel[i].h >= UI_PANEL_MIN);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
