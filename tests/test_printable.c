/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for printable_escape(): every class of hidden character comes
 * out escaped, valid UTF-8 stays, and a cut never splits an escape. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "twtop/printable.h"

/* Escapes s (len bytes) into a roomy buffer and compares with want. */
static void check(const char *s, size_t len, const char *want)
{
	char buf[256];

	assert_string_equal(printable_escape(buf, sizeof(buf), s, len), want);
}

#define CHECK(lit, want) check(lit, sizeof(lit) - 1, want)

static void test_ascii_kept(void **state)
{
	(void)state;
	CHECK("counters.time_wait 42 'a b' \"q\" ~",
	      "counters.time_wait 42 'a b' \"q\" ~");
	CHECK("", "");
}

static void test_c0_and_del(void **state)
{
	(void)state;
	CHECK("\x1b]0;PWNED\x07\x1b[2J", "\\x1b]0;PWNED\\x07\\x1b[2J");
	CHECK("a\tb\nc\rd", "a\\x09b\\x0ac\\x0dd");
	CHECK("x\x7fy", "x\\x7fy");
	check("a\0b", 3, "a\\x00b");
}

static void test_c1(void **state)
{
	(void)state;
	/* U+009B is CSI on terminals that take 8-bit controls */
	CHECK("\xc2\x9b" "2J", "\\u009b2J");
	CHECK("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	CHECK("\xc2\xa0", "\xc2\xa0");	/* U+00A0 is printable */
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	CHECK("\xff", "\\xff");
	CHECK("a\xc3(", "a\\xc3(");		/* cut sequence */
	CHECK("\xc0\xaf", "\\xc0\\xaf");		/* overlong '/' */
	CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80");	/* surrogate */
	CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
	CHECK("\xe2\x82", "\\xe2\\x82");		/* ends early */
}

static void test_bidi(void **state)
{
	(void)state;
	CHECK("\xe2\x80\xaa\xe2\x80\xae", "\\u202a\\u202e");
	CHECK("evil\xe2\x80\xaetxt.exe", "evil\\u202etxt.exe");
	CHECK("\xe2\x81\xa6\xe2\x81\xa9", "\\u2066\\u2069");
	CHECK("\xd8\x9c", "\\u061c");
}

static void test_zero_width(void **state)
{
	(void)state;
	CHECK("a\xe2\x80\x8b" "b", "a\\u200bb");
	CHECK("\xe2\x80\x8f", "\\u200f");
	CHECK("\xe2\x81\xa0", "\\u2060");
	CHECK("\xef\xbb\xbfx", "\\ufeffx");
}

static void test_multibyte_kept(void **state)
{
	(void)state;
	CHECK("caf\xc3\xa9 \xe2\x86\x92 \xe2\x96\x88 \xf0\x9f\x98\x80",
	      "caf\xc3\xa9 \xe2\x86\x92 \xe2\x96\x88 \xf0\x9f\x98\x80");
}

static void test_truncation(void **state)
{
	char buf[8];

	(void)state;
	/* "ab" + "\x1b" needs 6 bytes + NUL: fits 8 */
	assert_string_equal(printable_str(buf, sizeof(buf), "ab\x1b"),
			    "ab\\x1b");
	/* the escape of the third byte would end past the buffer */
	assert_string_equal(printable_str(buf, 6, "ab\x1b"), "ab");
	assert_string_equal(printable_str(buf, 7, "abc\xe2\x80\xae"), "abc");
	/* a multibyte character is not split either */
	assert_string_equal(printable_str(buf, 5, "abc\xc3\xa9"), "abc");
	assert_string_equal(printable_str(buf, 6, "abc\xc3\xa9"),
			    "abc\xc3\xa9");
	assert_string_equal(printable_str(buf, 1, "abc"), "");
	buf[0] = 'x';
	printable_str(buf, 0, "abc");
	assert_int_equal(buf[0], 'x');
}

static void test_idempotent(void **state)
{
	static const char in[] = "\x1b[2J\xe2\x80\xae\xff\xc2\x9b ok \xc3\xa9";
	char once[128], twice[128];

	(void)state;
	printable_str(once, sizeof(once), in);
	printable_str(twice, sizeof(twice), once);
	assert_string_equal(once, twice);
	for (const char *p = once; *p; p++)
		assert_true((unsigned char)*p >= 0x20 &&
			    (unsigned char)*p != 0x7f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_kept),
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_c1),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_zero_width),
		cmocka_unit_test(test_multibyte_kept),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_idempotent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
