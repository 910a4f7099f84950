/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the filter language: parse errors, user-space matching
 * on synthetic sockets, bytecode bytes, and (as root, in a namespace of
 * its own) kernel bytecode dumps against user-space evaluation. */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "twtop/filter.h"
#include "twtop/tcpstate.h"

#include "test_filter.h"

#define ALL_STATES (((1u << TS_MAX) - 1) & ~1u)

/* A socket; addresses exactly as diag hands them (mapped ones folded). */
static struct diag_sock sk(const char *l, uint16_t lp, const char *r,
			   uint16_t rp, uint8_t state)
{
	struct diag_sock s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(addr_parse(l, &s.local), 0);
	assert_int_equal(addr_parse(r, &s.remote), 0);
	s.lport = lp;
	s.rport = rp;
	s.state = state;
	return s;
}

static struct filter *compile_ok(const char *expr)
{
	char err[256] = "";
	struct filter *f = filter_compile(expr, err, sizeof(err));

	if (f == NULL)
		fail_msg("'%s' did not compile: %s", expr, err);
	assert_string_equal(filter_expr(f), expr);
	return f;
}

static bool matches(const char *expr, const struct diag_sock *s)
{
	struct filter *f = compile_ok(expr);
	bool m = filter_match(f, s);

	filter_free(f);
	return m;
}

static void expect_error(const char *expr, const char *want)
{
	char err[256] = "";
	struct filter *f = filter_compile(expr, err, sizeof(err));

	if (f != NULL)
		fail_msg("'%s' compiled; wanted '%s'", expr, want);
	assert_string_equal(err, want);
}

static void test_errors(void **state)
{
	char longer[FILTER_EXPR_MAX + 20];

	(void)state;
	expect_error("", "position 1: expected src, dst, sport, dport, "
		     "state, not or (");
	expect_error("  foo", "position 3: expected src, dst, sport, dport, "
		     "state, not or (");
	expect_error("dport = ", "position 9: expected a port, like :443 "
		     "or 443");
	expect_error("dport = :99999", "position 10: expected a port number "
		     "(0-65535) or service name");
	expect_error("sport > *", "position 9: expected a port number "
		     "(0-65535) or service name");
	expect_error("dst 300.1.1.1", "position 5: expected a numeric IPv4 "
		     "or IPv6 address or prefix");
	expect_error("src 10.0.0.0/33", "position 14: expected a prefix "
		     "length from 0 to 32");
	expect_error("src [::1/129]", "position 10: expected a prefix "
		     "length from 0 to 128");
	expect_error("dst 127.0.0.1:70000", "position 15: expected a port "
		     "number (0-65535), a service name or *");
	expect_error("dst [::1", "position 9: expected ]");
	expect_error("dst [::1]x", "position 10: expected : and a port");
	expect_error("dst and", "position 5: expected an address or "
		     "prefix, like 10.0.0.0/8, [::1] or 127.0.0.1:8080");
	expect_error("( dport = 80", "position 13: expected and, or or ) to "
		     "close the ( at position 1");
	expect_error("(dport = 80 or (sport = 1)", "position 27: expected "
		     "and, or or ) to close the ( at position 1");
	expect_error("dport = 80 )", "position 12: expected and, or, a term "
		     "or the end of the filter (there is no ( to close)");
	expect_error("dport = 80 and", "position 15: expected src, dst, "
		     "sport, dport, state, not or (");
	expect_error("dport = 80 and or sport = 1", "position 16: expected "
		     "src, dst, sport, dport, state, not or (");
	expect_error("state bogus", "position 7: expected a TCP state "
		     "name, like time-wait, established or listening");
	expect_error("not", "position 4: expected src, dst, sport, dport, "
		     "state, not or (");
	expect_error("dport = 80 443", "position 12: expected and, or, a "
		     "term or the end of the filter");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	expect_error(longer, "position 501: expected at most 500 characters");
}

/* Every port operator and spelling ss takes, on both sides. */
static void test_ports(void **state)
{
	struct diag_sock s = sk("10.0.0.1", 40000, "10.0.0.2", 443,
				TS_ESTABLISHED);
	struct servent *https = getservbyname("https", "tcp");

	(void)state;
	assert_true(matches("dport = :443", &s));
	assert_true(matches("dport = 443", &s));
	assert_true(matches("dport == 443", &s));
	assert_true(matches("dport eq :443", &s));
	assert_true(matches("dport 443", &s));
	assert_false(matches("dport = 444", &s));
	assert_false(matches("sport = 443", &s));
	assert_true(matches("sport != 443", &s));
	assert_true(matches("sport ne 1", &s));
	assert_false(matches("sport neq 40000", &s));
	assert_true(matches("dport < 444", &s));
	assert_false(matches("dport < 443", &s));
	assert_true(matches("dport lt :444", &s));
	assert_true(matches("dport > 442", &s));
	assert_false(matches("dport gt 443", &s));
	assert_true(matches("dport <= 443", &s));
	assert_false(matches("dport le 442", &s));
	assert_true(matches("dport leq 443", &s));
	assert_true(matches("dport >= 443", &s));
	assert_false(matches("dport ge 444", &s));
	assert_true(matches("dport geq 443", &s));
	assert_true(matches("sport >= :40000", &s));
	assert_false(matches("sport > 40000", &s));
	assert_false(matches("sport > 65535", &s));
	assert_false(matches("sport < 0", &s));
	assert_true(matches("dport = *", &s));
	assert_false(matches("dport != :*", &s));
	if (https != NULL) {
		assert_true(matches("dport = :https", &s));
		assert_false(matches("sport = https", &s));
	}
}

/* Addresses, prefixes, address:port and the IPv6 spellings. */
static void test_hosts(void **state)
{
	struct diag_sock v4 = sk("127.0.0.1", 40000, "127.0.0.2", 8080,
				 TS_TIME_WAIT);
	struct diag_sock v6 = sk("::1", 41000, "fe80::1", 80, TS_ESTABLISHED);

	(void)state;
	assert_true(matches("dst 127.0.0.2", &v4));
	assert_true(matches("dst = 127.0.0.2", &v4));
	assert_false(matches("dst 127.0.0.1", &v4));
	assert_true(matches("dst != 127.0.0.1", &v4));
	assert_true(matches("src 127.0.0.0/8", &v4));
	assert_false(matches("src 10.0.0.0/8", &v4));
	assert_true(matches("src 126.0.0.0/7", &v4));
	assert_false(matches("src 126.0.0.0/8", &v4));
	assert_true(matches("dst 127.0.0.2:8080", &v4));
	assert_false(matches("dst 127.0.0.2:8081", &v4));
	assert_true(matches("dst 127.0.0.0/8:8080", &v4));
	assert_true(matches("dst *:8080", &v4));
	assert_true(matches("dst :8080", &v4));
	assert_false(matches("src :8080", &v4));
	assert_true(matches("dst *", &v4));
	assert_true(matches("dst 0.0.0.0/0", &v4));
	assert_false(matches("dst ::/0", &v4));
	assert_false(matches("dst [::1]", &v4));

	assert_true(matches("src [::1]", &v6));
	assert_true(matches("src ::1", &v6));
	assert_true(matches("src ::1/128", &v6));
	assert_true(matches("src [::1]:41000", &v6));
	assert_false(matches("src [::1]:41001", &v6));
	assert_true(matches("dst fe80::/10", &v6));
	assert_true(matches("dst [fe80::/16]:80", &v6));
	/* As ss: an unbracketed last group that reads as a port is one. */
	assert_true(matches("dst fe80::1:80", &v6));
	assert_false(matches("dst fe80::1:81", &v6));
	assert_true(matches("dst ::/0", &v6));
	assert_false(matches("dst 0.0.0.0/0", &v6));
	assert_false(matches("src 127.0.0.1", &v6));
}

/* IPv4-mapped sockets: diag folds their addresses; the kernel matches
 * them with IPv4 prefixes and with IPv6 prefixes over ::ffff:0:0/96. */
static void test_mapped(void **state)
{
	/* a dual-stack listener's accepted IPv4 peer, from the v6 dump */
	struct diag_sock m = sk("127.0.0.3", 9090, "127.0.0.1", 45000,
				TS_ESTABLISHED);
	struct filter *v4 = compile_ok("src 127.0.0.0/8");
	struct filter *v6 = compile_ok("src [::ffff:127.0.0.3]");
	struct filter *any6 = compile_ok("src ::/0");

	(void)state;
	assert_true(filter_match_family(v4, &m, AF_INET6));
	assert_true(filter_match_family(v4, &m, AF_INET));
	assert_true(filter_match_family(v6, &m, AF_INET6));
	assert_false(filter_match_family(v6, &m, AF_INET));
	assert_true(filter_match_family(any6, &m, AF_INET6));
	assert_false(filter_match_family(any6, &m, AF_INET));
	/* without the family, folded addresses count as IPv4 */
	assert_false(filter_match(v6, &m));
	filter_free(v4);
	filter_free(v6);
	filter_free(any6);
}

/* State terms, the connectives and ss's left-to-right grouping. */
static void test_logic(void **state)
{
	struct diag_sock tw = sk("10.0.0.1", 40000, "10.0.0.2", 443,
				 TS_TIME_WAIT);
	struct diag_sock syn = sk("10.0.0.1", 80, "10.0.0.2", 5000,
				  TS_NEW_SYN_RECV);

	(void)state;
	assert_true(matches("state time-wait", &tw));
	assert_true(matches("state TIME_WAIT", &tw));
	assert_true(matches("state bucket", &tw));
	assert_false(matches("state big", &tw));
	assert_false(matches("state established", &tw));
	assert_true(matches("state != established", &tw));
	assert_true(matches("state syn-recv", &syn));
	assert_true(matches("state connected", &tw));
	assert_false(matches("state listening", &tw));
	assert_true(matches("dport = 443 and state time-wait", &tw));
	assert_true(matches("dport = 443 && sport = 40000", &tw));
	assert_true(matches("dport = 443 & sport = 40000", &tw));
	assert_true(matches("dport = 443 sport = 40000", &tw));
	assert_false(matches("dport = 443 sport = 40001", &tw));
	assert_true(matches("dport = 1 or dport = 443", &tw));
	assert_true(matches("dport = 1 || dport = 443", &tw));
	assert_true(matches("dport = 1 | dport = 443", &tw));
	assert_false(matches("not dport = 443", &tw));
	assert_false(matches("! dport = 443", &tw));
	assert_false(matches("!dport = 443", &tw));
	assert_true(matches("not not dport = 443", &tw));
	assert_true(matches("not (dport = 1 or sport = 1)", &tw));
	assert_true(matches("(dport=443)and(sport=40000)", &tw));
	/* ss: (dport 443 or sport 1) and sport 2, not dport 443 or (...) */
	assert_false(matches("dport = 443 or sport = 1 and sport = 2", &tw));
	assert_true(matches("dport = 443 or (sport = 1 and sport = 2)", &tw));
	/* not binds to one term */
	assert_true(matches("not dport = 1 and sport = 40000", &tw));
	assert_true(matches("SPORT = 40000 AND DPORT = 443", &tw));
}

/* The program of a one-pass filter (bytecode and its length). */
static const uint8_t *one_pass(const struct filter *f, uint32_t states,
			       size_t *len)
{
	const struct filter_pass *p;

	assert_int_equal(filter_npasses(f), 1);
	assert_false(filter_needs_match(f));
	p = filter_pass(f, 0);
	assert_int_equal(p->states, states);
	*len = p->bclen;
	return p->bytecode;
}

static void expect_bc(const char *expr, const uint8_t *want, size_t wlen)
{
	struct filter *f = compile_ok(expr);
	size_t len;
	const uint8_t *bc = one_pass(f, ALL_STATES, &len);

	assert_int_equal(len, wlen);
	assert_memory_equal(bc, want, wlen);
	filter_free(f);
}

#define LE32(v) (uint8_t)((v) & 0xff), (uint8_t)(((v) >> 8) & 0xff), \
	(uint8_t)(((v) >> 16) & 0xff), (uint8_t)(((uint32_t)(v) >> 24) & 0xff)
#define OP(code, yes, no) (code), (yes), (uint8_t)((no) & 0xff), \
	(uint8_t)((no) >> 8)

/* Byte-level programs (x86-64 and other little-endian hosts). */
static void test_bytecode(void **state)
{
	static const uint8_t dport_eq[] = {
		OP(INET_DIAG_BC_D_COND, 12, 16), AF_UNSPEC, 0, 0, 0,
		LE32(8080),
	};
	static const uint8_t sport_ge[] = {
		OP(INET_DIAG_BC_S_GE, 8, 12), OP(0, 0, 1024),
	};
	static const uint8_t sport_gt[] = {	/* > 1023 is >= 1024 */
		OP(INET_DIAG_BC_S_GE, 8, 12), OP(0, 0, 1024),
	};
	static const uint8_t dport_lt[] = {	/* < 1024 is <= 1023 */
		OP(INET_DIAG_BC_D_LE, 8, 12), OP(0, 0, 1023),
	};
	static const uint8_t src_pfx[] = {
		OP(INET_DIAG_BC_S_COND, 16, 20), AF_INET, 8, 0, 0,
		LE32(-1), 10, 0, 0, 0,
	};
	static const uint8_t dst6_port[] = {
		OP(INET_DIAG_BC_D_COND, 28, 32), AF_INET6, 128, 0, 0,
		LE32(443), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	/* a fails: jump past the JMP (success); a holds: JMP to end + 4 */
	static const uint8_t not_dport[] = {
		OP(INET_DIAG_BC_D_COND, 12, 16), AF_UNSPEC, 0, 0, 0, LE32(80),
		OP(INET_DIAG_BC_JMP, 4, 8),
	};
	/* a fails: try b at 16; a holds: JMP to the end (28) */
	static const uint8_t or2[] = {
		OP(INET_DIAG_BC_D_COND, 12, 16), AF_UNSPEC, 0, 0, 0, LE32(1),
		OP(INET_DIAG_BC_JMP, 4, 16),
		OP(INET_DIAG_BC_D_COND, 12, 16), AF_UNSPEC, 0, 0, 0, LE32(2),
	};
	/* both fail to end + 4 */
	static const uint8_t and2[] = {
		OP(INET_DIAG_BC_S_LE, 8, 20), OP(0, 0, 100),
		OP(INET_DIAG_BC_D_GE, 8, 12), OP(0, 0, 200),
	};
	/* not (a or b): a or b holds -> JMP to end + 4; both fail -> end */
	static const uint8_t not_or[] = {
		OP(INET_DIAG_BC_S_GE, 8, 12), OP(0, 0, 5),
		OP(INET_DIAG_BC_JMP, 4, 12),
		OP(INET_DIAG_BC_S_LE, 8, 12), OP(0, 0, 2),
		OP(INET_DIAG_BC_JMP, 4, 8),
	};

	(void)state;
	expect_bc("dport = :8080", dport_eq, sizeof(dport_eq));
	expect_bc("sport >= 1024", sport_ge, sizeof(sport_ge));
	expect_bc("sport > 1023", sport_gt, sizeof(sport_gt));
	expect_bc("dport < 1024", dport_lt, sizeof(dport_lt));
	expect_bc("src 10.0.0.0/8", src_pfx, sizeof(src_pfx));
	expect_bc("dst [::1]:443", dst6_port, sizeof(dst6_port));
	expect_bc("not dport = 80", not_dport, sizeof(not_dport));
	expect_bc("dport = 1 or dport = 2", or2, sizeof(or2));
	expect_bc("sport <= 100 and dport >= 200", and2, sizeof(and2));
	expect_bc("not (sport >= 5 or sport <= 2)", not_or, sizeof(not_or));
}

/* How state terms become state masks and passes. */
static void test_passes(void **state)
{
	const uint32_t tw = 1u << TS_TIME_WAIT, listen = 1u << TS_LISTEN;
	struct filter *f;
	const struct filter_pass *p;
	size_t len;

	(void)state;
	f = compile_ok("state time-wait");
	assert_null(one_pass(f, tw, &len));
	assert_int_equal(len, 0);
	assert_int_equal(filter_state_mask(f), tw);
	filter_free(f);

	f = compile_ok("not state listening");
	assert_null(one_pass(f, ALL_STATES & ~listen, &len));
	filter_free(f);

	f = compile_ok("state syn-recv or state time-wait");
	assert_null(one_pass(f, tw | (1u << TS_SYN_RECV) |
			     (1u << TS_NEW_SYN_RECV), &len));
	filter_free(f);

	f = compile_ok("( sport > :40000 or dport = 9090 ) and state "
		       "time-wait");
	assert_non_null(one_pass(f, tw, &len));
	assert_int_equal(len, 8 + 4 + 12);
	filter_free(f);

	/* TIME_WAIT sockets all match; the others need dport 80 */
	f = compile_ok("dport = 80 or state time-wait");
	assert_int_equal(filter_npasses(f), 2);
	assert_false(filter_needs_match(f));
	assert_int_equal(filter_state_mask(f), ALL_STATES);
	p = filter_pass(f, 0);
	assert_int_equal(p->states, ALL_STATES & ~tw);
	assert_int_equal(p->bclen, 12);
	p = filter_pass(f, 1);
	assert_int_equal(p->states, tw);
	assert_null(p->bytecode);
	assert_null(filter_pass(f, 2));
	filter_free(f);

	f = compile_ok("state established and state time-wait");
	assert_int_equal(filter_npasses(f), 0);
	assert_int_equal(filter_state_mask(f), 0);
	filter_free(f);

	/* five classes with bytecode: more passes than allowed, so one
	 * dump of the five states and user space decides */
	f = compile_ok("(state established and dport = 1) or (state "
		       "syn-sent and dport = 2) or (state time-wait and "
		       "dport = 3) or (state close-wait and dport = 4) or "
		       "(state fin-wait-1 and dport = 5)");
	assert_int_equal(filter_npasses(f), 1);
	assert_true(filter_needs_match(f));
	p = filter_pass(f, 0);
	assert_null(p->bytecode);
	assert_int_equal(p->states, (1u << TS_ESTABLISHED) |
			 (1u << TS_SYN_SENT) | tw | (1u << TS_CLOSE_WAIT) |
			 (1u << TS_FIN_WAIT1));
	filter_free(f);
}

/* filter_dup gives an equal, independent filter. */
static void test_dup(void **state)
{
	struct filter *f = compile_ok("dport = 80 or state time-wait");
	struct filter *c = filter_dup(f);

	(void)state;
	filter_free(f);
	assert_string_equal(filter_expr(c), "dport = 80 or state time-wait");
	assert_int_equal(filter_npasses(c), 2);
	assert_int_equal(filter_pass(c, 0)->bclen, 12);
	filter_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_mapped),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_bytecode),
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_live_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
