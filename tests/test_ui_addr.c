/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the dashboard's addresses in their columns (src/ui_addr.c):
 * elided in the middle keeping the distinguishing tail, never wider
 * than the column, IPv6 bracketed beside a port. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../src/ui_priv.h"

#define V6 "fd00:1111:2222:3333:4444:5555:6666:"

static struct tw_addr A(const char *s)
{
	struct tw_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static void test_elide(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(ui_elide("127.0.0.1", 9, true, b, sizeof(b)),
			    "127.0.0.1");
	assert_string_equal(ui_elide("127.0.0.1", 20, true, b, sizeof(b)),
			    "127.0.0.1");
	/* the tail is three times the head: where the groups differ */
	assert_string_equal(ui_elide(V6 "7771", 19, true, b, sizeof(b)),
			    "fd00\u20265555:6666:7771");
	assert_int_equal(ui_cols(b), 19);
	assert_string_equal(ui_elide(V6 "7771", 19, false, b, sizeof(b)),
			    "fd00~5555:6666:7771");
	assert_string_equal(ui_elide(V6 "7771", 1, true, b, sizeof(b)),
			    "\u2026");
	assert_string_equal(ui_elide(V6 "7771", 0, true, b, sizeof(b)), "");
	assert_string_equal(ui_elide(V6 "7771", -3, true, b, sizeof(b)), "");
}

/* Addresses that differ only in their last digit stay apart at every
 * width from 6 columns, and never exceed their width. */
static void test_distinct(void **state)
{
	char a[64], b[64];

	(void)state;
	for (int w = 6; w <= 45; w++) {
		ui_elide(V6 "7771", w, true, a, sizeof(a));
		ui_elide(V6 "7772", w, true, b, sizeof(b));
		assert_true(ui_cols(a) <= w);
		assert_string_not_equal(a, b);
	}
}

static void test_addr_port(void **state)
{
	struct tw_addr v6 = A(V6 "7771"), lo6 = A("::1"), v4 = A("10.0.0.1");
	char b[96];

	(void)state;
	assert_string_equal(ui_addr_port_fit(&lo6, 8444, 40, true, b,
					     sizeof(b)), "[::1]:8444");
	assert_string_equal(ui_addr_port_fit(&v4, 80, 40, true, b,
					     sizeof(b)), "10.0.0.1:80");
	assert_string_equal(ui_addr_port_fit(&v6, 8444, 60, true, b,
					     sizeof(b)), "[" V6 "7771]:8444");
	/* the port and the brackets whole, the address elided */
	assert_string_equal(ui_addr_port_fit(&v6, 8444, 24, true, b,
					     sizeof(b)),
			    "[fd00\u202655:6666:7771]:8444");
	assert_int_equal(ui_cols(b), 24);
}

static void test_group(void **state)
{
	struct tw_addr l = A(V6 "1"), r = A(V6 "7771"), l4 = A("127.0.0.1"),
		       r4 = A("127.0.0.21");
	char b[128], c[128];

	(void)state;
	assert_string_equal(ui_group_fit(&l4, &r4, 8080, 80, true, b,
					 sizeof(b)),
			    "127.0.0.1\u2192127.0.0.21:8080");
	assert_string_equal(ui_group_fit(&l4, &r4, 8080, 80, false, b,
					 sizeof(b)),
			    "127.0.0.1->127.0.0.21:8080");
	assert_string_equal(ui_group_fit(&l, &r, 8444, 200, true, b,
					 sizeof(b)),
			    V6 "1\u2192[" V6 "7771]:8444");
	/* narrow: the remote keeps two thirds and its tail */
	for (int w = 20; w <= 90; w++) {
		struct tw_addr r2 = A(V6 "7772");

		ui_group_fit(&l, &r, 8444, w, true, b, sizeof(b));
		ui_group_fit(&l, &r2, 8444, w, true, c, sizeof(c));
		assert_true(ui_cols(b) <= w);
		assert_string_not_equal(b, c);
		assert_non_null(strstr(b, "1]:8444"));
	}
	assert_string_equal(ui_group_fit(&l, &r, 8444, 36, true, b,
					 sizeof(b)),
			    "fd\u20266666:1\u2192[fd00\u20265555:6666:7771]:8444");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elide),
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_addr_port),
		cmocka_unit_test(test_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
