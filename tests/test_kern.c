/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/kern.c: fixture trees, edge cases, and the real /proc. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/kern.h"

#define FIXTURES TWTOP_SRCDIR "/tests/fixtures"
#define BITMAP_BYTES (65536 / 8)

static struct snapshot *snap_alloc(void)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

static const struct snap_counter *counter_find(const struct snapshot *s,
					       const char *name, int *index)
{
	for (uint32_t i = 0; i < s->n_counters; i++) {
		if (strcmp(s->counters[i].name, name) == 0) {
			if (index != NULL)
				*index = (int)i;
			return &s->counters[i];
		}
	}
	return NULL;
}

static long long counter_value(const struct snapshot *s, const char *name)
{
	const struct snap_counter *c = counter_find(s, name, NULL);

	if (c == NULL)
		fail_msg("counter %s missing", name);
	return c->value;
}

static const struct snap_sysctl *sysctl_find(const struct snapshot *s,
					     const char *name)
{
	for (uint32_t i = 0; i < s->n_sysctls; i++)
		if (strcmp(s->sysctls[i].name, name) == 0)
			return &s->sysctls[i];
	return NULL;
}

static unsigned bits_set(const uint8_t *bm)
{
	unsigned n = 0;

	for (size_t i = 0; i < BITMAP_BYTES; i++)
		n += (unsigned)__builtin_popcount(bm[i]);
	return n;
}

static int bit_is_set(const uint8_t *bm, unsigned port)
{
	return (bm[port >> 3] >> (port & 7)) & 1;
}

static void test_paths_init(void **state)
{
	struct kern_paths p;

	(void)state;
	kern_paths_init(&p, NULL);
	assert_string_equal(p.sys, "/proc/sys");
	assert_string_equal(p.net, "/proc/thread-self/net");
	kern_paths_init(&p, "");
	assert_string_equal(p.sys, "/proc/sys");
	kern_paths_init(&p, "/x/y");
	assert_string_equal(p.sys, "/x/y/proc/sys");
	assert_string_equal(p.net, "/x/y/proc/thread-self/net");
}

static void test_sysctl_names(void **state)
{
	(void)state;
	assert_int_equal(kern_sysctl_count, 12);
	assert_true(kern_sysctl_count <= SNAP_SYSCTL_MAX);
	assert_string_equal(kern_sysctl_names[0], "net.ipv4.tcp_tw_reuse");
	assert_string_equal(kern_sysctl_names[9], "net.core.somaxconn");
	assert_string_equal(kern_sysctl_names[11],
			    "net.ipv4.tcp_max_syn_backlog");
}

static void test_sysctl_k618(void **state)
{
	struct kern_paths p;
	struct snap_sysctl sc;

	(void)state;
	kern_paths_init(&p, FIXTURES "/k618");

	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.tcp_tw_reuse", &sc), 0);
	assert_true(sc.present);
	assert_true(sc.numeric);
	assert_int_equal(sc.num, 2);
	assert_string_equal(sc.text, "2");

	/* Removed in 4.12: absent, and not reported as 0. */
	sc.num = 77;
	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.tcp_tw_recycle", &sc),
			 0);
	assert_false(sc.present);
	assert_false(sc.numeric);
	assert_string_equal(sc.text, "");
	assert_string_equal(sc.name, "net.ipv4.tcp_tw_recycle");

	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.tcp_tw_reuse_delay",
					  &sc), 0);
	assert_true(sc.present);
	assert_int_equal(sc.num, 1000);

	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.ip_local_port_range",
					  &sc), 0);
	assert_true(sc.present);
	assert_false(sc.numeric);
	assert_string_equal(sc.text, "32768\t60999");

	assert_int_equal(kern_sysctl_read(&p,
					  "net.ipv4.ip_local_reserved_ports",
					  &sc), 0);
	assert_true(sc.present);
	assert_false(sc.numeric);
	assert_string_equal(sc.text, "");

	assert_int_equal(kern_sysctl_read(&p, "net.core.somaxconn", &sc), 0);
	assert_int_equal(sc.num, 4096);
	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.tcp_max_tw_buckets",
					  &sc), 0);
	assert_int_equal(sc.num, 131072);
}

static void test_sysctl_k409(void **state)
{
	struct kern_paths p;
	struct snapshot *s = snap_alloc();
	const struct snap_sysctl *sc;

	(void)state;
	kern_paths_init(&p, FIXTURES "/k409");
	kern_read_sysctls(&p, s);
	assert_int_equal(s->n_sysctls, kern_sysctl_count);
	for (unsigned i = 0; i < kern_sysctl_count; i++)
		assert_ptr_equal(s->sysctls[i].name, kern_sysctl_names[i]);

	/* Present and 0 is a different fact from absent. */
	sc = sysctl_find(s, "net.ipv4.tcp_tw_recycle");
	assert_non_null(sc);
	assert_true(sc->present);
	assert_true(sc->numeric);
	assert_int_equal(sc->num, 0);

	sc = sysctl_find(s, "net.ipv4.tcp_tw_reuse_delay");
	assert_false(sc->present);
	assert_string_equal(sc->text, "");

	sc = sysctl_find(s, "net.ipv4.tcp_tw_reuse");
	assert_true(sc->present);
	assert_int_equal(sc->num, 0);
	sc = sysctl_find(s, "net.ipv4.ip_local_reserved_ports");
	assert_string_equal(sc->text, "8080,9000-9010");
	sc = sysctl_find(s, "net.core.somaxconn");
	assert_int_equal(sc->num, 128);
	free(s);
}

static void test_sysctl_errors(void **state)
{
	struct kern_paths p;
	struct snap_sysctl sc;
	struct snapshot *s = snap_alloc();
	const struct snap_sysctl *f;

	(void)state;
	kern_paths_init(&p, FIXTURES "/malformed");

	/* A directory: a read error, not "absent". */
	errno = 0;
	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.tcp_fin_timeout", &sc),
			 -1);
	assert_int_equal(errno, EISDIR);
	assert_false(sc.present);

	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.tcp_tw_reuse", &sc), 0);
	assert_true(sc.present);
	assert_false(sc.numeric);
	assert_string_equal(sc.text, "2 junk");

	kern_read_sysctls(&p, s);
	f = sysctl_find(s, "net.ipv4.tcp_fin_timeout");
	assert_false(f->present);
	assert_string_equal(f->text, "error: Is a directory");
	f = sysctl_find(s, "net.ipv4.tcp_timestamps");
	assert_false(f->present);
	assert_string_equal(f->text, "");

	/* A whole tree missing: everything absent, nothing an error. */
	kern_paths_init(&p, FIXTURES "/no-such-tree");
	kern_read_sysctls(&p, s);
	for (unsigned i = 0; i < s->n_sysctls; i++) {
		assert_false(s->sysctls[i].present);
		assert_string_equal(s->sysctls[i].text, "");
	}
	free(s);
}

/* Conntrack where nf_conntrack is loaded (k409), where it is not (k618:
 * absent, never 0), and malformed (not a count: absent too). */
static void test_conntrack(void **state)
{
	struct kern_paths p;
	struct snapshot *s = snap_alloc();

	(void)state;
	kern_paths_init(&p, FIXTURES "/k409");
	kern_read_conntrack(&p, s);
	assert_true(s->conntrack.count_present);
	assert_int_equal(s->conntrack.count, 65000);
	assert_true(s->conntrack.max_present);
	assert_int_equal(s->conntrack.max, 65536);

	kern_paths_init(&p, FIXTURES "/k618");
	kern_read_conntrack(&p, s);
	assert_false(s->conntrack.count_present);
	assert_false(s->conntrack.max_present);
	assert_int_equal(s->conntrack.count, 0);

	kern_paths_init(&p, FIXTURES "/malformed");
	kern_read_conntrack(&p, s);
	assert_false(s->conntrack.count_present);
	assert_false(s->conntrack.max_present);
	free(s);
}

static void test_counters_k618(void **state)
{
	struct kern_paths p;
	struct snapshot *s = snap_alloc();

	(void)state;
	kern_paths_init(&p, FIXTURES "/k618");
	kern_read_counters(&p, s);
	assert_true(s->counters_present);
	/* 135 TcpExt columns + 15 Tcp columns; no IpExt, no MPTcpExt. */
	assert_int_equal(s->n_counters, 150);
	assert_int_equal(counter_value(s, "TcpExtTW"), 20);
	assert_int_equal(counter_value(s, "TcpExtTWRecycled"), 0);
	assert_int_equal(counter_value(s, "TcpExtTCPTimeWaitOverflow"), 0);
	assert_int_equal(counter_value(s, "TcpExtTCPPureAcks"), 34);
	assert_int_equal(counter_value(s, "TcpExtTCPDelivered"), 84);
	/* The kernel spells this one "Tcp...": still a TcpExt column. */
	assert_int_equal(counter_value(s, "TcpExtTcpTimeoutRehash"), 2);
	assert_int_equal(counter_value(s, "TcpMaxConn"), -1);
	assert_int_equal(counter_value(s, "TcpActiveOpens"), 22);
	assert_int_equal(counter_value(s, "TcpPassiveOpens"), 11);
	assert_int_equal(counter_value(s, "TcpCurrEstab"), 0);
	assert_null(counter_find(s, "IpExtInOctets", NULL));
	assert_null(counter_find(s, "MPTcpExtMPCurrEstab", NULL));
	assert_null(counter_find(s, "TcpMPCurrEstab", NULL));
	free(s);
}

static void test_counters_k409(void **state)
{
	struct kern_paths p;
	struct snapshot *old = snap_alloc(), *now = snap_alloc();
	int i_old = -1, i_now = -1;

	(void)state;
	kern_paths_init(&p, FIXTURES "/k409");
	kern_read_counters(&p, old);
	assert_true(old->counters_present);
	assert_int_equal(counter_value(old, "TcpExtTW"), 4815162);
	assert_int_equal(counter_value(old, "TcpExtTWRecycled"), 342);
	assert_int_equal(counter_value(old, "TcpExtTWKilled"), 17);
	assert_int_equal(counter_value(old, "TcpExtPAWSPassive"), 0);
	assert_int_equal(counter_value(old, "TcpCurrEstab"), 143);
	assert_int_equal(counter_value(old, "TcpActiveOpens"), 4820011);
	assert_null(counter_find(old, "TcpExtTCPMigrateReqSuccess", NULL));

	/* The same counter sits at another column on 6.18. */
	kern_paths_init(&p, FIXTURES "/k618");
	kern_read_counters(&p, now);
	assert_non_null(counter_find(old, "TcpExtTCPTimeWaitOverflow",
				     &i_old));
	assert_int_equal(old->counters[i_old].value, 90210);
	assert_non_null(counter_find(now, "TcpExtTCPTimeWaitOverflow",
				     &i_now));
	assert_int_not_equal(i_old, i_now);
	free(old);
	free(now);
}

static void test_counters_prefix_exact(void **state)
{
	static const char text[] =
		"TcpExt: TW Foo\nTcpExt: 1 2\n"
		"MPTcpExt: MPCurrEstab\nMPTcpExt: 3\n"
		"Tcpx: A\nTcpx: 4\n"
		"Tcp: MaxConn CurrEstab\nTcp: -1 5\n";
	struct snap_counter c[8];
	uint32_t n = 0;

	(void)state;
	assert_int_equal(kern_parse_counters(text, "Tcp", c, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].name, "TcpMaxConn");
	assert_int_equal(c[0].value, -1);
	assert_string_equal(c[1].name, "TcpCurrEstab");
	assert_int_equal(c[1].value, 5);

	n = 0;
	assert_int_equal(kern_parse_counters(text, "TcpExt", c, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].name, "TcpExtTW");
	assert_int_equal(c[0].value, 1);

	n = 0;
	assert_int_equal(kern_parse_counters(text, "MPTcpExt", c, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].name, "MPTcpExtMPCurrEstab");
	assert_int_equal(c[0].value, 3);

	n = 0;
	assert_int_equal(kern_parse_counters(text, "Udp", c, 8, &n), 0);
	assert_int_equal(n, 0);
}

static void test_counters_column_order(void **state)
{
	static const char a[] =
		"TcpExt: TW TWRecycled TWKilled TCPTimeWaitOverflow\n"
		"TcpExt: 100 7 3 42\n";
	static const char b[] =
		"TcpExt: TCPTimeWaitOverflow TWKilled NewThing TW TWRecycled\n"
		"TcpExt:  42\t3 999 100 7\n";
	static const char *const names[] = {
		"TcpExtTW", "TcpExtTWRecycled", "TcpExtTWKilled",
		"TcpExtTCPTimeWaitOverflow"
	};
	static const long long want[] = { 100, 7, 3, 42 };
	struct snapshot *s = snap_alloc();

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		s->n_counters = 0;
		assert_int_equal(kern_parse_counters(pass ? b : a, "TcpExt",
						     s->counters,
						     SNAP_COUNTERS_MAX,
						     &s->n_counters), 0);
		assert_int_equal(s->n_counters, pass ? 5 : 4);
		for (int i = 0; i < 4; i++)
			assert_int_equal(counter_value(s, names[i]), want[i]);
	}
	assert_int_equal(counter_value(s, "TcpExtNewThing"), 999);
	free(s);
}

static void test_counters_malformed(void **state)
{
	static const char *const bad[] = {
		"TcpExt: A B C\nTcpExt: 1 2\n",		/* missing column */
		"TcpExt: A B\nTcpExt: 1 2 3\n",		/* extra value */
		"TcpExt: A B\nTcpExt: 1 x\n",		/* not a number */
		"TcpExt: A B\nTcpExt: 1 2x\n",		/* trailing junk */
		"TcpExt: A B\nTcpExt: 1 99999999999999999999\n",  /* range */
		"TcpExt: A B\n",			/* no values line */
		"TcpExt: A B\nIpExt: 1 2\n",		/* wrong values line */
		"TcpExt: A\nTcpExt: -\n",		/* lone sign */
	};
	struct snap_counter c[8];
	uint32_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* One counter already there: a failure keeps it and adds
		 * nothing. */
		n = 1;
		strcpy(c[0].name, "Keep");
		c[0].value = 5;
		errno = 0;
		assert_int_equal(kern_parse_counters(bad[i], "TcpExt", c, 8,
						     &n), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(n, 1);
		assert_string_equal(c[0].name, "Keep");
		assert_int_equal(c[0].value, 5);
	}
}

static void test_counters_malformed_files(void **state)
{
	struct kern_paths p;
	struct snapshot *s = snap_alloc();
	struct snap_counter c[8];
	char buf[4096];
	uint32_t n = 0;

	(void)state;
	kern_paths_init(&p, FIXTURES "/malformed");
	assert_true(kern_read_file(FIXTURES
				   "/malformed/proc/thread-self/net/netstat",
				   buf, sizeof(buf)) > 0);
	assert_int_equal(kern_parse_counters(buf, "TcpExt", c, 8, &n), -1);
	assert_int_equal(n, 0);
	/* The good pair of the same file still parses. */
	assert_int_equal(kern_parse_counters(buf, "IpExt", c, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[1].name, "IpExtInOctets");
	assert_int_equal(c[1].value, 1234);

	/* Readable but broken: present, and no invented numbers. */
	s->n_counters = 99;
	kern_read_counters(&p, s);
	assert_true(s->counters_present);
	assert_int_equal(s->n_counters, 0);

	kern_paths_init(&p, FIXTURES "/no-such-tree");
	s->counters_present = true;
	kern_read_counters(&p, s);
	assert_false(s->counters_present);
	assert_int_equal(s->n_counters, 0);
	free(s);
}

static void test_counters_max_and_append(void **state)
{
	static const char text[] = "Tcp: A B C D\nTcp: 1 2 3 4\n";
	struct snap_counter c[4];
	uint32_t n = 0;

	(void)state;
	assert_int_equal(kern_parse_counters(text, "Tcp", c, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(c[2].name, "TcpC");
	assert_int_equal(c[2].value, 3);

	n = 2;
	assert_int_equal(kern_parse_counters(text, "Tcp", c, 4, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(c[1].name, "TcpB");	/* untouched */
	assert_string_equal(c[2].name, "TcpA");
	assert_string_equal(c[3].name, "TcpB");
	assert_int_equal(c[3].value, 2);
}

static void test_sockstat(void **state)
{
	struct snapshot *s = snap_alloc();
	struct kern_paths p;

	(void)state;
	assert_int_equal(kern_parse_sockstat(
		"sockets: used 3\nTCP: inuse 5 orphan 0 tw 9 alloc 7 mem 1\n",
		s), 0);
	assert_true(s->sockstat.present);
	assert_int_equal(s->sockstat.inuse, 5);
	assert_int_equal(s->sockstat.orphan, 0);
	assert_int_equal(s->sockstat.tw, 9);
	assert_int_equal(s->sockstat.alloc, 7);
	assert_int_equal(s->sockstat.mem, 1);

	/* By name, in any order, unknown keys skipped; TCP6 is not TCP. */
	assert_int_equal(kern_parse_sockstat(
		"TCP6: inuse 1 orphan 1 tw 1 alloc 1 mem 1\n"
		"TCP: mem 4 new 8 tw 31000 alloc 6 orphan 2 inuse 11", s), 0);
	assert_int_equal(s->sockstat.tw, 31000);
	assert_int_equal(s->sockstat.inuse, 11);
	assert_int_equal(s->sockstat.orphan, 2);
	assert_int_equal(s->sockstat.mem, 4);

	assert_int_equal(kern_parse_sockstat(
		"TCP6: inuse 1 orphan 0 tw 4 alloc 0 mem 0\n", s), -1);
	assert_false(s->sockstat.present);
	assert_int_equal(kern_parse_sockstat(
		"TCP: inuse 5 orphan 0 alloc 7 mem 1\n", s), -1);
	assert_int_equal(kern_parse_sockstat(
		"TCP: inuse 5 orphan 0 tw x alloc 7 mem 1\n", s), -1);
	assert_int_equal(kern_parse_sockstat("", s), -1);

	kern_paths_init(&p, FIXTURES "/k618");
	kern_read_sockstat(&p, s);
	assert_true(s->sockstat.present);
	assert_int_equal(s->sockstat.tw, 9);
	assert_int_equal(s->sockstat.mem, 289);
	kern_paths_init(&p, FIXTURES "/k409");
	kern_read_sockstat(&p, s);
	assert_int_equal(s->sockstat.tw, 27712);
	kern_paths_init(&p, FIXTURES "/malformed");
	kern_read_sockstat(&p, s);
	assert_false(s->sockstat.present);
	kern_paths_init(&p, FIXTURES "/no-such-tree");
	s->sockstat.present = true;
	kern_read_sockstat(&p, s);
	assert_false(s->sockstat.present);
	free(s);
}

static void test_port_range(void **state)
{
	static const char *const bad[] = {
		"", "32768", "0 100", "100 99", "1 65536", "70000 70001",
		"32768 60999 5", "a b", "-1 5", "32768,60999", "32768-60999",
		"1 2x",
	};
	uint32_t lo = 0, hi = 0;

	(void)state;
	assert_int_equal(kern_parse_port_range("32768 60999", &lo, &hi), 0);
	assert_int_equal(lo, 32768);
	assert_int_equal(hi, 60999);
	assert_int_equal(hi - lo + 1, 28232);
	assert_int_equal(kern_parse_port_range("1024\t65535\n", &lo, &hi), 0);
	assert_int_equal(lo, 1024);
	assert_int_equal(hi, 65535);
	assert_int_equal(kern_parse_port_range("5 5", &lo, &hi), 0);
	assert_int_equal(hi - lo + 1, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lo = hi = 4242;
		if (kern_parse_port_range(bad[i], &lo, &hi) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(lo, 4242);
		assert_int_equal(hi, 4242);
	}
}

static void test_reserved_ports(void **state)
{
	static const char *const bad[] = {
		"70000", "5-3", "1,,2", "1,", ",1", "1-", "-1", "1 2", "x",
		"1-3,x", "65536", "1-70000",
	};
	static uint8_t bm[BITMAP_BYTES];

	(void)state;
	memset(bm, 0, sizeof(bm));
	assert_int_equal(kern_parse_reserved_ports("", bm), 0);
	assert_int_equal(kern_parse_reserved_ports(" \n", bm), 0);
	assert_int_equal(bits_set(bm), 0);

	assert_int_equal(kern_parse_reserved_ports("1-3,5\n", bm), 0);
	assert_int_equal(bits_set(bm), 4);
	assert_true(bit_is_set(bm, 1) && bit_is_set(bm, 3));
	assert_false(bit_is_set(bm, 4));
	assert_true(bit_is_set(bm, 5));

	memset(bm, 0, sizeof(bm));
	assert_int_equal(kern_parse_reserved_ports("8080,9000-9010", bm), 0);
	assert_int_equal(bits_set(bm), 12);
	assert_true(bit_is_set(bm, 9010));
	assert_false(bit_is_set(bm, 9011));

	memset(bm, 0, sizeof(bm));
	assert_int_equal(kern_parse_reserved_ports("0,65535", bm), 0);
	assert_int_equal(bm[0], 0x01);
	assert_int_equal(bm[BITMAP_BYTES - 1], 0x80);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(bm, 0, sizeof(bm));
		if (kern_parse_reserved_ports(bad[i], bm) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(bits_set(bm), 0);	/* untouched */
	}
}

static void test_read_file(void **state)
{
	char buf[6];

	(void)state;
	assert_int_equal(kern_read_file(FIXTURES "/k618/proc/sys/net/ipv4/"
					"ip_local_port_range", buf,
					sizeof(buf)), 5);
	assert_string_equal(buf, "32768");
	errno = 0;
	assert_int_equal(kern_read_file(FIXTURES "/no-such-file", buf,
					sizeof(buf)), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(kern_read_file(FIXTURES "/k618/README", buf, 0), -1);
	assert_int_equal(errno, EINVAL);
}

/* Reads a whole file with stdio, trailing whitespace trimmed. */
static int slurp_trimmed(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n > 0 && strchr(" \t\n", buf[n - 1]) != NULL)
		n--;
	buf[n] = '\0';
	return 0;
}

/* Ground truth: the running kernel, read two different ways. */
static void test_real_proc(void **state)
{
	static const char *const maybe[] = {
		"/proc/sys/net/ipv4/tcp_tw_recycle",
		"/proc/sys/net/ipv4/tcp_tw_reuse_delay",
	};
	struct kern_paths p;
	struct snap_sysctl sc;
	struct snapshot *a = snap_alloc(), *b = snap_alloc();
	char want[256];

	(void)state;
	if (slurp_trimmed("/proc/sys/net/ipv4/ip_local_port_range", want,
			  sizeof(want)) < 0)
		skip();
	kern_paths_init(&p, "");
	assert_int_equal(kern_sysctl_read(&p, "net.ipv4.ip_local_port_range",
					  &sc), 0);
	assert_true(sc.present);
	assert_string_equal(sc.text, want);

	for (size_t i = 0; i < 2; i++) {
		const char *name = i == 0 ? "net.ipv4.tcp_tw_recycle"
					  : "net.ipv4.tcp_tw_reuse_delay";

		assert_int_equal(kern_sysctl_read(&p, name, &sc), 0);
		assert_int_equal(sc.present, access(maybe[i], F_OK) == 0);
	}

	kern_read_counters(&p, a);
	kern_read_counters(&p, b);
	assert_true(a->counters_present);
	assert_true(counter_value(b, "TcpExtTW") >=
		    counter_value(a, "TcpExtTW"));
	assert_true(counter_value(b, "TcpActiveOpens") >=
		    counter_value(a, "TcpActiveOpens"));
	assert_int_equal(counter_value(a, "TcpMaxConn"), -1);

	kern_read_sockstat(&p, a);
	assert_true(a->sockstat.present);
	assert_true(a->sockstat.tw >= 0);

	/* conntrack as the files say, where they exist */
	kern_read_conntrack(&p, a);
	assert_int_equal(a->conntrack.max_present,
			 access("/proc/sys/net/netfilter/nf_conntrack_max",
				F_OK) == 0);
	if (slurp_trimmed("/proc/sys/net/netfilter/nf_conntrack_max", want,
			  sizeof(want)) == 0)
		assert_int_equal(a->conntrack.max, atoll(want));
	assert_int_equal(a->conntrack.count_present,
			 access("/proc/sys/net/netfilter/nf_conntrack_count",
				F_OK) == 0);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_init),
		cmocka_unit_test(test_sysctl_names),
		cmocka_unit_test(test_sysctl_k618),
		cmocka_unit_test(test_sysctl_k409),
		cmocka_unit_test(test_sysctl_errors),
		cmocka_unit_test(test_conntrack),
		cmocka_unit_test(test_counters_k618),
		cmocka_unit_test(test_counters_k409),
		cmocka_unit_test(test_counters_prefix_exact),
		cmocka_unit_test(test_counters_column_order),
		cmocka_unit_test(test_counters_malformed),
		cmocka_unit_test(test_counters_malformed_files),
		cmocka_unit_test(test_counters_max_and_append),
		cmocka_unit_test(test_sockstat),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_reserved_ports),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_real_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
