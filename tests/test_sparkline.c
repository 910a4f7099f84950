/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/sparkline.c: scaling and glyphs of sparklines and bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "twtop/sparkline.h"

#define FULL "\u2588"

static void test_level(void **state)
{
	(void)state;
	assert_int_equal(spark_level(0, 100, 8), 0);
	assert_int_equal(spark_level(50, 100, 8), 4);
	assert_int_equal(spark_level(100, 100, 8), 8);
	assert_int_equal(spark_level(150, 100, 8), 8);	/* clamped */
	assert_int_equal(spark_level(1, 10000, 8), 1);	/* visible */
	assert_int_equal(spark_level(-5, 100, 8), 0);
	assert_int_equal(spark_level(NAN, 100, 8), 0);
	assert_int_equal(spark_level(5, 0, 8), 0);	/* no scale */
	assert_int_equal(spark_level(31, 100, 16), 5);	/* 4.96 rounds */
	assert_int_equal(spark_level(33, 100, 16), 5);	/* 5.28 rounds */
}

static void test_glyph_rows(void **state)
{
	(void)state;
	/* level 11 of a two-row block sparkline: bottom full, top 3/8 */
	assert_string_equal(spark_glyph(SPARK_BLOCK, 11, 0), FULL);
	assert_string_equal(spark_glyph(SPARK_BLOCK, 11, 1), "\u2583");
	assert_string_equal(spark_glyph(SPARK_BLOCK, 5, 1), " ");
	assert_string_equal(spark_glyph(SPARK_ASCII, 4, 0), "#");
	assert_string_equal(spark_glyph(SPARK_ASCII, 6, 1), "-");
	assert_string_equal(spark_glyph(SPARK_ASCII, 1, 0), ".");
}

/* The newest value is at the right; short histories pad on the left;
 * long ones show only the last width values. */
static void test_row(void **state)
{
	const double v[] = { 0, 25, 50, 100 };
	const double many[] = { 100, 100, 0, 0, 50, 100 };
	char out[64];

	(void)state;
	assert_int_equal(spark_row(v, 4, 100, 1, 0, 6, SPARK_BLOCK, out,
				   sizeof(out)), 6);
	assert_string_equal(out, "   \u2582\u2584" FULL);
	assert_int_equal(spark_row(v, 4, 100, 1, 0, 4, SPARK_ASCII, out,
				   sizeof(out)), 4);
	assert_string_equal(out, " .-#");
	assert_int_equal(spark_row(many, 6, 100, 1, 0, 3, SPARK_ASCII, out,
				   sizeof(out)), 3);
	assert_string_equal(out, " -#");
	/* two rows of ASCII: 50 of 100 is level 4 of 8: bottom row full */
	spark_row(v, 4, 100, 2, 0, 4, SPARK_ASCII, out, sizeof(out));
	assert_string_equal(out, " -##");
	spark_row(v, 4, 100, 2, 1, 4, SPARK_ASCII, out, sizeof(out));
	assert_string_equal(out, "   #");
	/* too small a buffer renders nothing rather than a cut glyph */
	assert_int_equal(spark_row(v, 4, 100, 1, 0, 4, SPARK_BLOCK, out, 8),
			 0);
	assert_string_equal(out, "");
}

static void test_hbar(void **state)
{
	char out[128];

	(void)state;
	assert_int_equal(spark_hbar(0.5, 10, SPARK_BLOCK, out, sizeof(out)), 5);
	assert_string_equal(out, FULL FULL FULL FULL FULL);
	/* 0.3 of 5 cells = 12 eighths: one full, one half */
	assert_int_equal(spark_hbar(0.3, 5, SPARK_BLOCK, out, sizeof(out)), 2);
	assert_string_equal(out, FULL "\u258c");
	/* tiny but non-zero stays visible */
	assert_int_equal(spark_hbar(0.0001, 20, SPARK_BLOCK, out,
				    sizeof(out)), 1);
	assert_string_equal(out, "\u258f");
	assert_int_equal(spark_hbar(0.0001, 20, SPARK_ASCII, out,
				    sizeof(out)), 1);
	assert_string_equal(out, "#");
	assert_int_equal(spark_hbar(0, 20, SPARK_BLOCK, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(spark_hbar(2.0, 3, SPARK_ASCII, out, sizeof(out)), 3);
	assert_string_equal(out, "###");
	assert_int_equal(spark_hbar(0.5, 4, SPARK_ASCII, out, sizeof(out)), 2);
	assert_string_equal(out, "##");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_glyph_rows),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_hbar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
