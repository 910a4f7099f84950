/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the dashboard's number formats (src/ui_num.c): exact while
 * the digits fit, then a compact form, never wider than its column; one
 * rounding for shares; the forecast in its shorter forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
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
	/* "new/s 1.0" beside "new/s 0": a whole rate has no decimal */
	assert_string_equal(ui_rate(b, sizeof(b), true, 1.0), "1");
	assert_string_equal(ui_rate(b, sizeof(b), true, 0.5), "0.5");
	assert_string_equal(ui_rate(b, sizeof(b), true, 9.96), "10");
	assert_string_equal(ui_rate(b, sizeof(b), true, 503), "503");
	assert_string_equal(ui_rate(b, sizeof(b), true, -1), "0");
	/* never wider than its columns */
	assert_string_equal(ui_rate_fit(b, sizeof(b), true, 503, 3), "503");
	assert_string_equal(ui_rate_fit(b, sizeof(b), true, 5030, 3), "5k");
	assert_string_equal(ui_rate_fit(b, sizeof(b), true, 2.5, 2), "3");
}

/* One rounding for every share: down, as the advisories say it. */
static void test_pct(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(ui_pct(b, sizeof(b), 0), "0%");
	assert_string_equal(ui_pct(b, sizeof(b), 0.105), "10%");
	assert_string_equal(ui_pct(b, sizeof(b), 0.499), "49%");
	assert_string_equal(ui_pct(b, sizeof(b), 0.999), "99%");
	assert_string_equal(ui_pct(b, sizeof(b), 1), "100%");
	assert_string_equal(ui_pct(b, sizeof(b), 1.5), "150%");
	assert_string_equal(ui_pct(b, sizeof(b), -0.2), "0%");
	assert_string_equal(ui_pct(b, sizeof(b), NAN), "-");
}

/* A group of capacity 1000 holding used ports, with a forecast. */
static struct snap_group fc_group(uint32_t used, double steady)
{
	struct snap_group g;

	memset(&g, 0, sizeof(g));
	g.used = used;
	g.free = 1000 - used;
	g.fc.known = true;
	g.fc.capacity = 1000;
	g.fc.share = used / 1000.0;
	g.fc.pressure = g.fc.share;
	g.fc.steady_share = steady;
	g.fc.full_in_s = -1;
	return g;
}

static void assert_forms(const struct snap_group *g, const char *a,
			 const char *b, const char *c)
{
	const char *want[UI_FC_FORMS] = { a, b, c };
	char buf[32];

	for (int k = 0; k < UI_FC_FORMS; k++)
		assert_string_equal(ui_forecast_form(g, k, buf, sizeof(buf)),
				    want[k]);
	assert_null(ui_forecast_form(g, UI_FC_FORMS, buf, sizeof(buf)));
}

static void test_forecast(void **state)
{
	struct snap_group g;
	char buf[32];

	(void)state;
	g = fc_group(320, 0.3189);
	assert_forms(&g, "steady at 31%", "steady 31%", "~31%");
	g.fc.fills = true;
	g.fc.full_in_s = 14.7;
	assert_forms(&g, "full in 14s", "full 14s", "14s");
	g.fc.full_in_s = 0.4;
	assert_forms(&g, "full in <1s", "full <1s", "<1s");
	g.fc.full_in_s = 301;
	assert_forms(&g, "full in 5min", "full 5min", "5min");
	g.fc.full_in_s = 0;
	assert_forms(&g, "full now", "full", "full");
	/* connect() to it fails already: that beats any forecast */
	g.fc.failing_per_s = 37;
	assert_forms(&g, "failing now: 37/s", "failing 37/s", "fail");
	g.fc.failing_per_s = 0.5;
	assert_forms(&g, "failing now: 0.5/s", "failing 0.5/s", "fail");
	g.fc.failing_per_s = 0;
	g = fc_group(320, 0.35);
	g.fc.may_fill = true;
	assert_forms(&g, "may fill", "may", "may");
	/* "steady at 0 %" beside 53 % used: it drains */
	g = fc_group(530, 0);
	assert_forms(&g, "draining to 0%", "draining", "drain");
	g = fc_group(40, 0);
	assert_forms(&g, "draining to 0%", "draining", "drain");
	/* a point below what it holds is steady, not draining */
	g = fc_group(320, 0.311);
	assert_forms(&g, "steady at 31%", "steady 31%", "~31%");
	/* an idle group of 5 ESTABLISHED stays where it is */
	g = fc_group(5, 0.005);
	assert_forms(&g, "steady at 0%", "steady 0%", "~0%");
	/* a replayed file without share: used / capacity */
	g = fc_group(530, 0);
	g.fc.share = NAN;
	assert_string_equal(ui_forecast_form(&g, 0, buf, sizeof(buf)),
			    "draining to 0%");
	g.fc.known = false;
	assert_null(ui_forecast_form(&g, 0, buf, sizeof(buf)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_count_fit),
		cmocka_unit_test(test_width_bound),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_pct),
		cmocka_unit_test(test_forecast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
