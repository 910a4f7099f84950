/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for sorting the dashboard's lists (src/ui_sort.c): a stable
 * view of the rows by a column, each column in its direction, 'I' the
 * other way; keys pick the column and keep the selected row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../src/ui_priv.h"

/* ui_sort_key's company in the dashboard, here stand-ins. */
static struct panel_ops fake_panel;
static int synced;

const struct panel_ops *ui_panel(int id)
{
	(void)id;
	return &fake_panel;
}

void ui_list_sync(struct ui *u, int panel)
{
	(void)u;
	(void)panel;
	synced++;
}

void ui_message(struct ui *u, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof(u->msg), fmt, ap);
	va_end(ap);
	u->msg_error = error;
}

enum { C_OWN, C_RATE, C_NAME, C_N };
static const char *const names[C_N] = { "TIME_WAIT", "new/s", "peer" };
static const bool asc[C_N] = { false, false, true };
static const struct ui_sort_cols cols = { C_N, names, asc };

struct row {
	int rate;
	const char *name;
};

static int cmp(const void *ctx, int a, int b, int k)
{
	const struct row *r = ctx;

	if (k == C_RATE)
		return r[a].rate - r[b].rate;
	return strcmp(r[a].name, r[b].name);
}

/* The rows as the snapshot has them: worst first. */
static const struct row rows[] = {
	{ 5, "d" }, { 150, "b" }, { 0, "a" }, { 150, "c" }, { 5, "e" },
};
#define N ((int)(sizeof(rows) / sizeof(rows[0])))

static void check(int k, bool inv, const int *want)
{
	int idx[N], tmp[N];

	ui_sort_rows(idx, tmp, N, &cols, k, inv, cmp, rows);
	for (int i = 0; i < N; i++)
		assert_int_equal(idx[i], want[i]);
}

static void test_rows(void **state)
{
	(void)state;
	/* column 0: the snapshot's order, or that order reversed */
	check(C_OWN, false, (const int[]){ 0, 1, 2, 3, 4 });
	check(C_OWN, true, (const int[]){ 4, 3, 2, 1, 0 });
	/* a rate runs descending; ties keep the snapshot's order, both
	 * ways (stable) */
	check(C_RATE, false, (const int[]){ 1, 3, 0, 4, 2 });
	check(C_RATE, true, (const int[]){ 2, 0, 4, 1, 3 });
	/* a name runs ascending */
	check(C_NAME, false, (const int[]){ 2, 1, 3, 0, 4 });
	check(C_NAME, true, (const int[]){ 4, 0, 3, 1, 2 });
	assert_true(ui_sort_desc(&cols, C_RATE, false));
	assert_false(ui_sort_desc(&cols, C_NAME, false));
	assert_true(ui_sort_desc(&cols, C_NAME, true));
	assert_string_equal(ui_sort_glyph(true, true), "\u25bc");
	assert_string_equal(ui_sort_glyph(false, false), "^");
}

/* A long list in many runs: the merge keeps every row once. */
static void test_many(void **state)
{
	struct row many[300];
	int idx[300], tmp[300], seen[300] = { 0 };

	(void)state;
	for (int i = 0; i < 300; i++) {
		many[i].rate = (i * 37) % 101;
		many[i].name = "x";
	}
	ui_sort_rows(idx, tmp, 300, &cols, C_RATE, false, cmp, many);
	for (int i = 0; i < 300; i++) {
		seen[idx[i]]++;
		if (i > 0) {
			assert_true(many[idx[i - 1]].rate >= many[idx[i]].rate);
			if (many[idx[i - 1]].rate == many[idx[i]].rate)
				assert_true(idx[i - 1] < idx[i]);
		}
	}
	for (int i = 0; i < 300; i++)
		assert_int_equal(seen[i], 1);
}

static struct tw_addr ip(const char *s)
{
	struct tw_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* The comparisons the panels share: numbers, and addresses IPv4 first,
 * then in numeric order. */
static void test_cmp(void **state)
{
	struct tw_addr a4 = ip("10.0.0.2"), b4 = ip("10.0.0.10");
	struct tw_addr c4 = ip("9.255.255.255"), lo6 = ip("::1");
	struct tw_addr a6 = ip("2001::"), b6 = ip("2001:1::");

	(void)state;
	assert_true(ui_cmp_num(1, 2) < 0);
	assert_true(ui_cmp_num(2, 1) > 0);
	assert_int_equal(ui_cmp_num(0.5, 0.5), 0);
	assert_true(ui_cmp_num(-1, 0) < 0);	/* an unknown rate first */
	assert_true(ui_cmp_num(4294967295.0, 4294967294.0) > 0);
	assert_true(ui_cmp_addr(&a4, &b4) < 0);	/* .2 before .10 */
	assert_true(ui_cmp_addr(&b4, &a4) > 0);
	assert_true(ui_cmp_addr(&c4, &a4) < 0);	/* 9.x before 10.x */
	assert_int_equal(ui_cmp_addr(&a4, &a4), 0);
	assert_true(ui_cmp_addr(&a4, &lo6) < 0);	/* IPv4 first */
	assert_true(ui_cmp_addr(&lo6, &c4) > 0);
	assert_true(ui_cmp_addr(&lo6, &a6) < 0);	/* ::1 before 2001:: */
	assert_true(ui_cmp_addr(&a6, &b6) < 0);
	assert_int_equal(ui_cmp_addr(&b6, &b6), 0);
}

static void test_keys(void **state)
{
	static struct ui u;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.view = UI_VIEW_MAIN;
	fake_panel.sort = &cols;
	assert_false(ui_sort_key(&u, 'x'));
	assert_true(ui_sort_key(&u, KEY_F(6)));
	assert_int_equal(u.ps[0].sort, C_RATE);
	assert_string_equal(u.msg, "sorted by new/s, descending");
	assert_true(ui_sort_key(&u, '>'));
	assert_int_equal(u.ps[0].sort, C_NAME);
	assert_true(ui_sort_key(&u, '>'));
	assert_int_equal(u.ps[0].sort, C_OWN);
	assert_true(ui_sort_key(&u, '<'));
	assert_int_equal(u.ps[0].sort, C_NAME);
	assert_true(ui_sort_key(&u, 'I'));
	assert_true(u.ps[0].sort_inv);
	assert_string_equal(u.msg, "sorted by peer, descending");
	/* the selected row is found again in the new order */
	assert_int_equal(synced, 5);
	/* a panel without columns says where sorting works */
	fake_panel.sort = NULL;
	assert_true(ui_sort_key(&u, KEY_F(6)));
	assert_non_null(strstr(u.msg, "Tab to the peers"));
	/* an unfocused list shows its rows from the top */
	u.ps[1].sel = 7;
	u.ps[1].top = 5;
	u.ps[1].has_id = true;
	ui_list_view(&u.ps[1], true);
	assert_int_equal(u.ps[1].sel, 7);
	ui_list_view(&u.ps[1], false);
	assert_int_equal(u.ps[1].sel, 0);
	assert_int_equal(u.ps[1].top, 0);
	assert_false(u.ps[1].has_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
