/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the replay's reading of JSON (jansson, src/replay.c) and its
 * names (src/replay_pool.c): the limits on one record, syntax errors
 * with their place and made printable, JSON Lines layouts, numbers, and
 * a stream of many distinct names opened in linear time. */
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

#include "twtop/replay.h"
#include "twtop/snapshot.h"
#include "../src/replay_priv.h"

/* The members that make a record twtop's. */
#define HEAD "\"twtop_version\": \"x\", \"format\": 2, " \
	     "\"time\": \"2026-11-21T10:00:00Z\""

/* A growing string. */
struct buf {
	char *s;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3)))
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		assert_true(k >= 0);
		if ((size_t)k < b->cap - b->n)
			break;
		b->cap = (b->cap + (size_t)k + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	b->n += (size_t)k;
}

/* n copies of s. */
static void put_n(struct buf *b, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (b->n + len * n + 1 > b->cap) {
		b->cap = b->n + len * n + 1;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	for (size_t i = 0; i < n; i++, b->n += len)
		memcpy(b->s + b->n, s, len);
	b->s[b->n] = '\0';
}

/* Opens len bytes of text named "t.json", which must work. */
static struct replay *open_ok(const char *text, size_t len)
{
	char err[512] = "";
	struct replay *r = replay_open_text("t.json", text, len, err,
					    sizeof(err));

	if (!r)
		fail_msg("replay_open_text: %s", err);
	return r;
}

/* Opening must fail with a message that contains want and no raw
 * control byte. */
static void open_fails(const char *text, size_t len, const char *want)
{
	char err[512] = "";
	struct replay *r = replay_open_text("t.json", text, len, err,
					    sizeof(err));

	if (r) {
		replay_free(r);
		fail_msg("opened, wanted \"%s\"", want);
	}
	for (const char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			fail_msg("raw control 0x%02x in \"%s\"",
				 (unsigned char)*p, err);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void open_fails_str(const char *text, const char *want)
{
	open_fails(text, strlen(text), want);
}

/* A record whose unknown member "x" is v nested arrays, empty inside. */
static void put_nested(struct buf *b, size_t levels)
{
	put(b, "{" HEAD ", \"x\": ");
	put_n(b, "[", levels);
	put_n(b, "]", levels);
	put(b, "}\n");
}

/* Nesting: 16 levels open, 17 do not, nor do 3000 (past jansson's own
 * bound of 2048, which would otherwise speak first). */
static void test_depth(void **state)
{
	struct buf b = { 0 };

	(void)state;
	put_nested(&b, 15);	/* the record is level 1 */
	replay_free(open_ok(b.s, b.n));
	b.n = 0;
	put_nested(&b, 16);
	open_fails(b.s, b.n, "t.json:1: expected at most 16 levels of "
		   "nesting");
	b.n = 0;
	put_nested(&b, 3000);
	open_fails(b.s, b.n, "expected at most 16 levels of nesting");
	free(b.s);
}

/* At most 1 Mi values in one record. */
static void test_values(void **state)
{
	/* the record, its three members, "x" and its entries */
	size_t n = ((size_t)1 << 20) - 5;
	struct buf b = { 0 };

	(void)state;
	put(&b, "\n{" HEAD ", \"x\": [0");
	put_n(&b, ",0", n - 1);
	put(&b, "]}\n");
	replay_free(open_ok(b.s, b.n));
	b.n -= 3;
	put(&b, ",0]}\n");
	open_fails(b.s, b.n, "t.json:2: expected at most 1048576 values");
	free(b.s);
}

/* At most 16 MiB of text in one record: a long string inside fits, a
 * longer one is refused as too long, not as truncated. */
static void test_record_bytes(void **state)
{
	size_t max = (size_t)16 << 20;
	struct buf b = { 0 }, two = { 0 };

	(void)state;
	put(&b, "{" HEAD ", \"x\": \"");
	put_n(&b, "a", max - b.n - 2);
	put(&b, "\"}");
	assert_int_equal(b.n, max);
	replay_free(open_ok(b.s, b.n));
	b.n -= 2;
	put(&b, "a\"}");
	open_fails(b.s, b.n, "expected a value of at most 16777216 bytes");
	/* the same behind a good record: not "the last record is cut short" */
	put(&two, "{" HEAD "}\n");
	put_n(&two, b.s, 1);
	open_fails(two.s, two.n, "t.json:2:");
	open_fails(two.s, two.n, "expected a value of at most 16777216 "
		   "bytes");
	free(two.s);
	free(b.s);
}

/* Few values that jansson would make hundreds of megabytes of (an
 * empty object costs it some 200 bytes): refused before they are. */
static void test_record_memory(void **state)
{
	struct buf b = { 0 };

	(void)state;
	put(&b, "{" HEAD ", \"x\": [{}");
	put_n(&b, ",{}", 900000);
	put(&b, "]}\n");
	assert_true(b.n < ((size_t)3 << 20));
	open_fails(b.s, b.n, "t.json:1:");
	open_fails(b.s, b.n, "the record needs more than 128 MiB to read");
	free(b.s);
}

/* Syntax errors say line and column, counted from the file's start
 * whatever record they are in, and quote the file only made printable. */
static void test_syntax(void **state)
{
	static const char nul[] = "{" HEAD "}\n\n{" HEAD "}\0\0";
	static const char nul_in[] = "{" HEAD ", \"x\": [1,\0]}\n";

	(void)state;
	open_fails_str("{" HEAD "}\n{" HEAD ", \"format\": 2}\n",
		       "t.json:2:");
	open_fails_str("{" HEAD "}\n{" HEAD ", \"format\": 2}\n",
		       "duplicate object key near '\"format\"'");
	open_fails_str("{" HEAD "}\n  {" HEAD ", \"x\": [1 2]}\n",
		       "t.json:2:79: ']' expected near '2'");
	open_fails_str("{" HEAD ",\n \"x\": {\"a\":\n 1,}}",
		       "t.json:3:4: string or '}' expected near '}'");
	open_fails_str("{" HEAD ", \"x\": \x1b[2J}",
		       "t.json:1:74: invalid token near '\\x1b'");
	open_fails_str("{" HEAD ", \"x\": \xe2\x80\xae}",
		       "invalid token near '\\u202e'");
	open_fails_str("{" HEAD ", \"\xe2\x80\xae\x1b]0;x\x07\": 1}",
		       "control character 0x1b near '\"\\u202e'");
	open_fails_str("{" HEAD ", \"x\": \"\xff\"}",
		       "unable to decode byte 0xff");
	open_fails_str("{" HEAD ", \"x\": \"\xed\xa0\x80\"}",
		       "unable to decode byte 0xed");
	open_fails_str("{" HEAD ", \"x\": \"\\ud800x\"}",
		       "invalid Unicode '\\uD800'");
	open_fails_str("{" HEAD ", \"x\": \"\\u0000\"}",
		       "\\u0000 is not allowed");
	open_fails_str("{" HEAD ", \"x\": 1e999}",
		       "real number overflow near '1e999'");
	/* beyond json_int_t: a "seq" twtop will not reach */
	open_fails_str("{" HEAD ", \"seq\": 18446744073709551615}",
		       "too big integer near '18446744073709551615'");
	open_fails_str("{" HEAD "} x", "t.json:1:69: '[' or '{' expected "
		       "near 'x'");
	/* a NUL is not the end of the text, nor a record cut short */
	open_fails(nul, sizeof(nul) - 1, "t.json:3:");
	open_fails(nul, sizeof(nul) - 1, "a NUL byte: not JSON text");
	open_fails(nul_in, sizeof(nul_in) - 1, "t.json:1:");
	open_fails(nul_in, sizeof(nul_in) - 1, "a NUL byte: not JSON text");
}

/* Records in any layout: compact lines, blank lines, a pretty record
 * over several lines, two records on one line; each starts on its line
 * and an error in a later one names that line. */
static void test_layout(void **state)
{
	static const char text[] =
		"{" HEAD ", \"seq\": 1}\n"
		"\n"
		"  {\n"
		"    \"twtop_version\": \"x\",\n"
		"    \"format\": 2, \"seq\": 2,\n"
		"    \"time\": \"2026-11-21T10:00:01Z\"\n"
		"  }\n"
		"{" HEAD ", \"seq\": 3} {" HEAD ", \"seq\": 4}\n"
		"\r\n\t{" HEAD ", \"seq\": 5}";
	struct replay *r = open_ok(text, strlen(text));
	static const uint32_t line[] = { 1, 3, 8, 8, 10 };
	struct snapshot *s;
	char err[256], *bad;

	(void)state;
	assert_int_equal(replay_count(r), 5);
	for (size_t k = 0; k < 5; k++) {
		assert_int_equal(replay_line(r, k), line[k]);
		s = replay_record(r, k, NULL, err, sizeof(err));
		assert_non_null(s);
		assert_int_equal(s->seq, k + 1);
		snap_unref(s);
	}
	replay_free(r);
	bad = strdup(text);
	assert_non_null(bad);
	*strstr(bad, "\"seq\": 5") = '[';
	open_fails_str(bad, "t.json:10:");
	strcpy(bad, text);
	*strstr(bad, "\"seq\": 2") = ' ';
	open_fails_str(bad, "t.json:5:");
	strcpy(bad, text);
	memcpy(strstr(bad, "\"seq\": 4"), "\"seq\":-4", 8);
	open_fails_str(bad, "t.json:8: seq: expected an integer from 0 to "
		       "9223372036854775807");
	free(bad);
}

/* Numbers come back as the writer had them: the ends of long long,
 * tiny and huge doubles, integers where a double goes; in a locale
 * whose decimal point is a comma too. */
static void test_numbers(void **state)
{
	static const char text[] =
		"{" HEAD ", \"counters\": {\"a\": -9223372036854775808,"
		" \"b\": 9223372036854775807, \"c\": -0},"
		" \"rates\": {\"x\": 1e-320, \"y\": 1.7976931348623157e308,"
		" \"z\": 7095255200.1239998, \"w\": 2, \"v\": 0.1},"
		" \"sample\": {\"dump_ms\": 1.5}}";
	static const char *const loc[] = { "C", "de_DE.UTF-8",
					   "fr_FR.UTF-8" };

	(void)state;
	for (size_t i = 0; i < sizeof(loc) / sizeof(loc[0]); i++) {
		struct replay *r;
		struct snapshot *s;
		char err[256];

		if (!setlocale(LC_NUMERIC, loc[i]))
			continue;
		r = open_ok(text, strlen(text));
		s = replay_record(r, 0, NULL, err, sizeof(err));
		assert_non_null(s);
		assert_true(snap_counter(s, "a")->value == INT64_MIN);
		assert_true(snap_counter(s, "b")->value == INT64_MAX);
		assert_true(snap_counter(s, "c")->value == 0);
		assert_true(snap_rate(s, "x")->per_s > 0 &&
			    snap_rate(s, "x")->per_s < 1e-300);
		assert_true(snap_rate(s, "y")->per_s ==
			    1.7976931348623157e308);
		assert_true(snap_rate(s, "z")->per_s == 7095255200.1239998);
		assert_true(snap_rate(s, "w")->per_s == 2);
		assert_true(snap_rate(s, "v")->per_s == 0.1);
		assert_true(s->dump_ms == 1.5);
		snap_unref(s);
		replay_free(r);
	}
	setlocale(LC_NUMERIC, "C");
}

/* Strings: every escape, surrogate pairs, UTF-8 as it is. */
static void test_strings(void **state)
{
	static const char text[] =
		"{" HEAD ", \"host\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\","
		" \"kernel\": \"\\u00e9\\u20AC\\ud83d\\ude00\","
		" \"netns\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}";
	struct replay *r = open_ok(text, strlen(text));
	struct snapshot *s;
	char err[256];

	(void)state;
	s = replay_record(r, 0, NULL, err, sizeof(err));
	assert_non_null(s);
	assert_string_equal(s->host, "a\"b\\c/d\b\f\n\r\t");
	assert_string_equal(s->kernel, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_string_equal(s->netns, s->kernel);
	snap_unref(s);
	replay_free(r);
}

/* SipHash-2-4, the reference vectors (key 00..0f, message 00..len-1). */
static void test_hash(void **state)
{
	static const uint64_t key[2] = { 0x0706050403020100ULL,
					 0x0f0e0d0c0b0a0908ULL };
	unsigned char msg[16];

	(void)state;
	for (int i = 0; i < 16; i++)
		msg[i] = (unsigned char)i;
	assert_true(replay_hash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	assert_true(replay_hash(key, msg, 1) == 0x74f839c593dc67fdULL);
	assert_true(replay_hash(key, msg, 3) == 0x85676696d7fb7e2dULL);
	assert_true(replay_hash(key, msg, 8) == 0x93f5f5799a932462ULL);
	assert_true(replay_hash(key, msg, 15) == 0xa129ca6149be45e5ULL);
}

/* The pool keeps one copy of each name, found again in a few probes. */
static void test_pool(void **state)
{
	struct replay_pool p = { 0 };
	char name[32];
	const char *first[1000];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		first[i] = replay_intern(&p, name);
		assert_string_equal(first[i], name);
		assert_ptr_not_equal(first[i], name);
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		assert_ptr_equal(replay_intern(&p, name), first[i]);
	}
	assert_ptr_not_equal(replay_intern(&p, ""), NULL);
	assert_ptr_equal(replay_intern(&p, ""), replay_intern(&p, ""));
	assert_int_equal(p.n, 1001);
	assert_true(p.lookups == 2003);
	assert_true(p.probes <= 4 * p.lookups);
	replay_pool_free(&p);
	assert_int_equal(p.n, 0);
}

#define KEYS_PER_REC 280	/* 16 sysctls, 8 rates, 16 x 16 evidence */

/* Record k of the distinct-names stream: every name is "k<k>_<i>". */
static void put_names_record(struct buf *b, unsigned int k)
{
	unsigned int i = 0;

	put(b, "{" HEAD ", \"sysctl\": {");
	for (int j = 0; j < 16; j++, i++)
		put(b, "%s\"k%u_%u\": %u", j ? ", " : "", k, i, i);
	put(b, "}, \"rates\": {");
	for (int j = 0; j < 8; j++, i++)
		put(b, "%s\"k%u_%u\": %u.5", j ? ", " : "", k, i, i);
	put(b, "}, \"advisories\": [");
	for (int a = 0; a < 16; a++) {
		put(b, "%s{\"id\": \"a\", \"level\": \"info\", \"evidence\": {",
		    a ? ", " : "");
		for (int j = 0; j < 16; j++, i++)
			put(b, "%s\"k%u_%u\": %u", j ? ", " : "", k, i, i);
		put(b, "}}");
	}
	put(b, "]}\n");
}

/* A stream of 200,000 distinct names (issue 10, item 3: interning them
 * took 182 s for 3 MB) opens with every name right and the pool looked
 * at a few slots per name, not a share of all of them. */
static void test_many_names(void **state)
{
	unsigned int nrec = 200000 / KEYS_PER_REC + 1;
	const struct replay_pool *p;
	struct buf b = { 0 };
	struct replay *r;
	struct snapshot *s;
	char err[256], want[32];
	const char *id = NULL;

	(void)state;
	for (unsigned int k = 0; k < nrec; k++)
		put_names_record(&b, k);
	r = open_ok(b.s, b.n);
	assert_int_equal(replay_count(r), nrec);
	p = replay_names(r);
	assert_true(p->n == (size_t)nrec * KEYS_PER_REC + 1);	/* and "a" */
	assert_true(p->n >= 200000);
	assert_true(p->probes <= 4 * p->lookups);
	for (unsigned int k = 0; k < nrec; k += nrec / 7) {
		s = replay_record(r, k, NULL, err, sizeof(err));
		assert_non_null(s);
		assert_int_equal(s->n_sysctls, 16);
		snprintf(want, sizeof(want), "k%u_%u", k, 15);
		assert_string_equal(s->sysctls[15].name, want);
		assert_int_equal(s->sysctls[15].num, 15);
		assert_int_equal(s->n_rates, 8);
		snprintf(want, sizeof(want), "k%u_%u", k, 16);
		assert_string_equal(s->rates[0].name, want);
		assert_true(s->rates[0].per_s == 16.5);
		assert_int_equal(s->n_advisories, 16);
		snprintf(want, sizeof(want), "k%u_%u", k, 279);
		assert_string_equal(s->advisories[15].evidence[15].key, want);
		assert_true(s->advisories[15].evidence[15].value == 279);
		/* one copy of a name however many records carry it */
		if (id)
			assert_ptr_equal(s->advisories[0].id, id);
		id = s->advisories[0].id;
		snap_unref(s);
	}
	/* showing records looks names up again without adding any */
	assert_true(p->n == (size_t)nrec * KEYS_PER_REC + 1);
	replay_free(r);
	free(b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_record_bytes),
		cmocka_unit_test(test_record_memory),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_many_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
