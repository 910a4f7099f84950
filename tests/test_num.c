/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the dashboard's number formats (src/ui_num.c): exact while
 * the digits fit, then a compact form, never wider than its column. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ui_priv.h"

static void test_count(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(ui_count(b, sizeof(b), 0), "0");
	assert_string_equal(ui_count(b, sizeof(b), 9999), "9999");
	assert_string_equal(ui_count(b, sizeof(b), 10000), "10000");
	assert_string_equal(ui_count(b, sizeof(b), 999999), "999999");
	assert_string_equal(ui_count(b, sizeof(b), 1000000), "1000000");
	assert_string_equal(ui_count(b, sizeof(b), 9999999), "9999999");
	assert_string_equal(ui_count(b, sizeof(b), 12345678), "12.3M");
	/* was "4295.0M": two of them side by side read 4295.04295.0M */
	assert_string_equal(ui_count(b, sizeof(b), 4294967295ULL), "4.3G");
}

static void test_count_fit(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(ui_count_fit(b, sizeof(b), 9999, 4), "9999");
	assert_string_equal(ui_count_fit(b, sizeof(b), 10000, 4), "10k");
	assert_string_equal(ui_count_fit(b, sizeof(b), 10000, 5), "10000");
	assert_string_equal(ui_count_fit(b, sizeof(b), 995584, 6), "995584");
	assert_string_equal(ui_count_fit(b, sizeof(b), 1995584, 6), "2.0M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 995584, 5), "996k");
	assert_string_equal(ui_count_fit(b, sizeof(b), 999999, 6), "999999");
	assert_string_equal(ui_count_fit(b, sizeof(b), 999999, 5), "1.0M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 999999, 4), "1.0M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 1000000, 6), "1.0M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 1234567, 6), "1.2M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 12345678, 6), "12.3M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 12345678, 4), "12M");
	assert_string_equal(ui_count_fit(b, sizeof(b), 4294967295ULL, 6),
			    "4.3G");
	assert_string_equal(ui_count_fit(b, sizeof(b), 999950, 5), "1.0M");
}

/* Whatever the count, from 4 columns on the form fits and is either
 * the exact digits or digits, at most one '.', and one unit letter. */
static void test_width_bound(void **state)
{
	static const unsigned long long v[] = {
		0, 9, 999, 1000, 9999, 10000, 99999, 99950, 100000, 999499,
		999500, 999949, 999950, 999999, 1000000, 9999999, 10000000,
		12345678, 99999999, 999999999, 4294967295ULL,
		999999999999ULL, 18446744073709551615ULL,
	};
	char b[32];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (int w = 4; w <= 10; w++) {
			size_t n;

			ui_count_fit(b, sizeof(b), v[i], w);
			n = strlen(b);
			if ((int)n > w)
				fail_msg("%llu in %d columns: \"%s\"", v[i], w,
					 b);
			if (strspn(b, "0123456789") == n)
				assert_int_equal(strtoull(b, NULL, 10), v[i]);
			else
				assert_non_null(strchr("kMGTPE", b[n - 1]));
		}
	}
}

static void test_rate(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(ui_rate(b, sizeof(b), false, 3), "-");
	assert_string_equal(ui_rate(b, sizeof(b), true, 0), "0");
	assert_string_equal(ui_rate(b, sizeof(b), true, 2.25), "2.2");
	assert_string_equal(ui_rate(b, sizeof(b), true, 49.5), "50");
	assert_string_equal(ui_rate(b, sizeof(b), true, 99999), "99999");
	assert_string_equal(ui_rate(b, sizeof(b), true, 123456), "123k");
	assert_string_equal(ui_rate(b, sizeof(b), true, 4294967295.0),
			    "4.3G");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_count_fit),
		cmocka_unit_test(test_width_bound),
		cmocka_unit_test(test_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
