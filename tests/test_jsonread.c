/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/jsonread.c: the strict JSON reader. Good documents build
 * the right tree; bad ones fail with "line L, column C: expected X". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/jsonread.h"

/* Parses text (which must be valid) as one document. */
static struct jr_doc *parse_ok(const char *text)
{
	struct jr_error e;
	struct jr_doc *d = jr_parse(text, strlen(text), NULL, &e);

	if (!d)
		fail_msg("\"%s\": line %u, column %u: %s", text, e.line, e.col,
			 e.msg);
	return d;
}

/* Parsing text must fail with "line L, column C: want..." and the given
 * end-of-text flag. */
static void parse_bad(const char *text, size_t len,
		      const struct jr_limits *lim, const char *want,
		      bool eof)
{
	struct jr_error e;
	struct jr_doc *d = jr_parse(text, len, lim, &e);
	char msg[160];

	if (d) {
		jr_free(d);
		fail_msg("\"%s\" parsed", text);
	}
	jr_error_text(&e, msg, sizeof(msg));
	if (strncmp(msg, want, strlen(want)) != 0)
		fail_msg("\"%s\": got \"%s\", want \"%s...\"", text, msg, want);
	assert_int_equal(e.eof, eof);
}

static void bad(const char *text, const char *want, bool eof)
{
	parse_bad(text, strlen(text), NULL, want, eof);
}

static void test_values(void **state)
{
	struct jr_doc *d = parse_ok(" {\"a\": [1, -2, 3.5e2, true, false, "
				    "null, \"x\", {}, []], \"b\": {\"c\": 0}}\n");
	const struct jr_value *r = jr_root(d), *a = jr_get(r, "a");

	(void)state;
	assert_int_equal(r->type, JR_OBJECT);
	assert_int_equal(r->u.obj.n, 2);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->col, 2);
	assert_int_equal(a->type, JR_ARRAY);
	assert_int_equal(a->u.arr.n, 9);
	assert_int_equal(a->col, 8);
	assert_true(a->u.arr.v[0].u.num.fits_u && a->u.arr.v[0].u.num.u == 1);
	assert_true(a->u.arr.v[1].u.num.fits_i && a->u.arr.v[1].u.num.i == -2);
	assert_false(a->u.arr.v[1].u.num.fits_u);
	assert_false(a->u.arr.v[2].u.num.is_int);
	assert_true(a->u.arr.v[2].u.num.d == 350);
	assert_true(a->u.arr.v[3].type == JR_BOOL && a->u.arr.v[3].u.b);
	assert_true(a->u.arr.v[4].type == JR_BOOL && !a->u.arr.v[4].u.b);
	assert_int_equal(a->u.arr.v[5].type, JR_NULL);
	assert_string_equal(a->u.arr.v[6].u.str.s, "x");
	assert_int_equal(a->u.arr.v[7].u.obj.n, 0);
	assert_int_equal(a->u.arr.v[8].u.arr.n, 0);
	assert_int_equal(jr_get(jr_get(r, "b"), "c")->u.num.u, 0);
	assert_null(jr_get(r, "zz"));
	assert_null(jr_get(a, "a"));
	jr_free(d);
}

static void test_numbers(void **state)
{
	struct jr_doc *d = parse_ok("[18446744073709551615, 18446744073709551616,"
				    " -9223372036854775808, 0.1, -0.0, 1e-320,"
				    " 1.7976931348623157e308, 7095255200.1239998]");
	const struct jr_value *v = jr_root(d)->u.arr.v;

	(void)state;
	assert_true(v[0].u.num.fits_u && v[0].u.num.u == UINT64_MAX);
	assert_false(v[0].u.num.fits_i);
	assert_true(v[1].u.num.is_int && !v[1].u.num.fits_u);
	assert_true(v[2].u.num.fits_i && v[2].u.num.i == INT64_MIN);
	assert_true(v[3].u.num.d == 0.1);
	assert_true(v[4].u.num.d == 0 && signbit(v[4].u.num.d));
	assert_true(v[5].u.num.d > 0);
	assert_true(v[6].u.num.d == 1.7976931348623157e308);
	assert_true(v[7].u.num.d == 7095255200.1239998);
	jr_free(d);
	/* a comma locale does not change what '.' means */
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") ||
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
		d = parse_ok("[1.5, 2e-1]");
		assert_true(jr_root(d)->u.arr.v[0].u.num.d == 1.5);
		assert_true(jr_root(d)->u.arr.v[1].u.num.d == 0.2);
		jr_free(d);
		setlocale(LC_NUMERIC, "C");
	}
}

static void test_strings(void **state)
{
	struct jr_doc *d = parse_ok("[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", "
				    "\"\\u00e9\\u20AC\\ud83d\\ude00\", "
				    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", "
				    "\"\"]");
	const struct jr_value *v = jr_root(d)->u.arr.v;

	(void)state;
	assert_string_equal(v[0].u.str.s, "a\"b\\c/d\b\f\n\r\t");
	assert_string_equal(v[1].u.str.s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_int_equal(v[1].u.str.len, 9);
	assert_string_equal(v[2].u.str.s, v[1].u.str.s);
	assert_int_equal(v[3].u.str.len, 0);
	jr_free(d);
}

/* Syntax errors, each with its place and what was expected. */
static void test_errors(void **state)
{
	(void)state;
	bad("", "line 1, column 1: expected a JSON value", true);
	bad("{\"a\": 1,}", "line 1, column 9: expected '\"' (a member name)",
	    false);
	bad("{\"a\" 1}", "line 1, column 6: expected ':'", false);
	bad("[1 2]", "line 1, column 4: expected ',' or ']'", false);
	bad("{\n  \"a\": [1,\n  2}", "line 3, column 4: expected ',' or ']'",
	    false);
	bad("01", "line 1, column 2: expected the end of the text", false);
	bad("[1.]", "line 1, column 4: expected a digit", false);
	bad("[-]", "line 1, column 3: expected a digit", false);
	bad("[.5]", "line 1, column 2: expected a JSON value", false);
	bad("[+1]", "line 1, column 2: expected a JSON value", false);
	bad("[NaN]", "line 1, column 2: expected a JSON value", false);
	bad("[Infinity]", "line 1, column 2: expected a JSON value", false);
	bad("[1e999]", "line 1, column 2: expected a number within", false);
	bad("[tru]", "line 1, column 2: expected a JSON value", false);
	bad("['a']", "line 1, column 2: expected a JSON value", false);
	bad("[\"a\tb\"]", "line 1, column 4: expected \\u0009", false);
	bad("[\"\\x\"]", "line 1, column 4: expected an escape", false);
	bad("[\"\\u12G4\"]", "line 1, column 7: expected a hex digit", false);
	bad("[\"\\udc00\"]", "line 1, column 9: expected a high surrogate",
	    false);
	bad("[\"\\ud800x\"]", "line 1, column 9: expected \\uDC00-\\uDFFF",
	    false);
	bad("[\"\\u0000\"]", "line 1, column 9: expected a character other",
	    false);
	bad("[\"\xff\"]", "line 1, column 3: expected UTF-8 text", false);
	bad("[\"\xc0\xaf\"]", "line 1, column 3: expected UTF-8 text", false);
	bad("[\"\xed\xa0\x80\"]", "line 1, column 3: expected UTF-8", false);
	bad("{} {}", "line 1, column 4: expected the end of the text", false);
	parse_bad("[1,\0]", 5, NULL, "line 1, column 4: expected a JSON value",
		  false);
}

/* Input that ends early says so (eof), wherever it ends. */
static void test_truncated(void **state)
{
	static const char doc[] = "{\"k\": [1, 2.5e3, true, null, "
				  "\"s\\u00e9\\ud83d\\ude00\xc3\xa9\"], "
				  "\"o\": {\"x\": -1}}";
	size_t n = strlen(doc);

	(void)state;
	for (size_t cut = 0; cut < n; cut++) {
		struct jr_error e;
		struct jr_doc *d = jr_parse(doc, cut, NULL, &e);

		if (d)
			fail_msg("cut at %zu parsed", cut);
		if (!e.eof)
			fail_msg("cut at %zu: %s, not at the end", cut, e.msg);
	}
	bad("{\"a\": ", "line 1, column 7: expected a JSON value", true);
	bad("[\"abc", "line 1, column 6: expected '\"'", true);
}

/* Depth, size and node limits. */
static void test_limits(void **state)
{
	struct jr_limits lim = { .max_depth = 3 };
	char deep[200];
	struct jr_doc *d;
	struct jr_error e;

	(void)state;
	parse_bad("[[[[1]]]]", 9, &lim, "line 1, column 4: expected at most 3 "
		  "levels of nesting", false);
	d = jr_parse("[[[1]]]", 7, &lim, &e);
	assert_non_null(d);
	jr_free(d);
	memset(deep, '[', sizeof(deep));
	parse_bad(deep, sizeof(deep), NULL, "line 1, column 65: expected at "
		  "most 64 levels", false);
	lim = (struct jr_limits){ .max_bytes = 8 };
	parse_bad("[1, 2, 3, 4]", 12, &lim, "line 1, column 9: expected a value "
		  "of at most 8 bytes", false);
	lim = (struct jr_limits){ .max_nodes = 3 };
	parse_bad("[1, 2, 3]", 9, &lim, "line 1, column 8: expected at most 3 "
		  "values", false);
}

/* A stream of values (JSON Lines), one jr_parse_next at a time. */
static void test_stream(void **state)
{
	static const char text[] = "{\"a\": 1}\n{\"a\": 2}\n\n  [3]\n{\"a\":";
	size_t len = strlen(text);
	struct jr_pos pos;
	struct jr_error e;
	struct jr_doc *d;
	int n = 0;

	(void)state;
	jr_pos_init(&pos);
	while (jr_skip_space(text, len, &pos)) {
		uint32_t line = pos.line;

		d = jr_parse_next(text, len, &pos, NULL, &e);
		if (!d)
			break;
		assert_int_equal(jr_root(d)->line, line);
		n++;
		jr_free(d);
	}
	assert_int_equal(n, 3);
	assert_true(e.eof);
	assert_int_equal(e.line, 5);
	assert_int_equal(e.col, 6);
	assert_int_equal(pos.line, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
