/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for diag_parse on hand-built netlink messages. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/diag.h"
#include "twtop/tcpstate.h"

#define SEQ 42
#define PID 777

struct msgbuf {
	unsigned char b[8192];
	size_t len;
};

struct seen {
	struct diag_sock s[16];
	unsigned int n;
};

static void collect(const struct diag_sock *s, void *arg)
{
	struct seen *v = arg;

	if (v->n < 16)
		v->s[v->n] = *s;
	v->n++;
}

static struct nlmsghdr *put_hdr(struct msgbuf *m, uint16_t type,
				uint16_t flags, size_t payload)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->b + m->len);

	memset(h, 0, NLMSG_SPACE(payload));
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = SEQ;
	h->nlmsg_pid = PID;
	m->len += NLMSG_SPACE(payload);
	return h;
}

/* Appends one inet_diag_msg for src:sport -> dst:dport. */
static void put_sock(struct msgbuf *m, int family, const char *src,
		     uint16_t sport, const char *dst, uint16_t dport,
		     uint8_t state, uint32_t expires, uint16_t flags)
{
	struct nlmsghdr *h = put_hdr(m, SOCK_DIAG_BY_FAMILY,
				     NLM_F_MULTI | flags,
				     sizeof(struct inet_diag_msg));
	struct inet_diag_msg *d = NLMSG_DATA(h);

	d->idiag_family = (uint8_t)family;
	d->idiag_state = state;
	d->idiag_timer = state == TS_TIME_WAIT ? 3 : 0;
	d->idiag_expires = expires;
	d->id.idiag_sport = htons(sport);
	d->id.idiag_dport = htons(dport);
	inet_pton(family, src, d->id.idiag_src);
	inet_pton(family, dst, d->id.idiag_dst);
}

static void put_done(struct msgbuf *m)
{
	int *v = NLMSG_DATA(put_hdr(m, NLMSG_DONE, NLM_F_MULTI, sizeof(int)));

	*v = 0;
}

static void put_error(struct msgbuf *m, int err)
{
	struct nlmsgerr *e = NLMSG_DATA(put_hdr(m, NLMSG_ERROR, 0,
						sizeof(struct nlmsgerr)));

	e->error = -err;
}

static enum diag_status run(struct msgbuf *m, struct seen *v,
			    struct diag_parse_info *info)
{
	memset(v, 0, sizeof(*v));
	memset(info, 0, sizeof(*info));
	return diag_parse(m->b, m->len, SEQ, PID, collect, v, info);
}

static void test_ipv4_decoded(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;
	char buf[ADDR_STRLEN];

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 40000, "127.0.0.2", 8080,
		 TS_TIME_WAIT, 59000, 0);
	put_sock(&m, AF_INET, "10.1.2.3", 22, "10.9.8.7", 51515,
		 TS_ESTABLISHED, 0, 0);
	assert_int_equal(run(&m, &v, &info), DIAG_MORE);
	assert_int_equal(v.n, 2);
	assert_int_equal(info.count, 2);
	assert_int_equal(v.s[0].local.family, AF_INET);
	assert_string_equal(addr_format(&v.s[0].local, buf, sizeof(buf)),
			    "127.0.0.1");
	assert_string_equal(addr_format(&v.s[0].remote, buf, sizeof(buf)),
			    "127.0.0.2");
	assert_int_equal(v.s[0].lport, 40000);
	assert_int_equal(v.s[0].rport, 8080);
	assert_int_equal(v.s[0].state, TS_TIME_WAIT);
	assert_int_equal(v.s[0].timer, 3);
	assert_int_equal(v.s[0].expires, 59000);
	assert_int_equal(v.s[1].lport, 22);
	assert_int_equal(v.s[1].state, TS_ESTABLISHED);
}

static void test_done_stops(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.1", 2, TS_LISTEN, 0, 0);
	put_done(&m);
	/* anything after DONE is not parsed */
	put_sock(&m, AF_INET, "127.0.0.1", 3, "127.0.0.1", 4, TS_LISTEN, 0, 0);
	assert_int_equal(run(&m, &v, &info), DIAG_DONE);
	assert_int_equal(v.n, 1);
}

static void test_mapped_folded(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;
	char buf[ADDR_STRLEN];

	(void)state;
	put_sock(&m, AF_INET6, "::ffff:127.0.0.5", 8080, "::ffff:127.0.0.9",
		 33333, TS_TIME_WAIT, 1000, 0);
	put_sock(&m, AF_INET6, "::1", 8080, "fe80::1", 33334,
		 TS_ESTABLISHED, 0, 0);
	assert_int_equal(run(&m, &v, &info), DIAG_MORE);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.s[0].local.family, AF_INET);
	assert_int_equal(v.s[0].remote.family, AF_INET);
	assert_string_equal(addr_format(&v.s[0].remote, buf, sizeof(buf)),
			    "127.0.0.9");
	/* folded addresses compare equal to plain IPv4 ones */
	{
		struct tw_addr plain;

		assert_int_equal(addr_parse("127.0.0.9", &plain), 0);
		assert_true(addr_equal(&plain, &v.s[0].remote));
	}
	assert_int_equal(v.s[1].local.family, AF_INET6);
	assert_string_equal(addr_format(&v.s[1].remote, buf, sizeof(buf)),
			    "fe80::1");
}

/* FIN_WAIT_2 timewait minisockets carry their substate and the
 * TIME_WAIT timer (KERNEL-FACTS): both reach the callback as sent. */
static void test_fin_wait2_substate(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;
	char buf[ADDR_STRLEN];

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 40001, "127.0.0.2", 80,
		 TS_FIN_WAIT2, 30000, 0);
	((struct inet_diag_msg *)NLMSG_DATA((struct nlmsghdr *)m.b))
		->idiag_timer = 3;
	assert_int_equal(run(&m, &v, &info), DIAG_MORE);
	assert_int_equal(v.n, 1);
	assert_int_equal(info.count, 1);
	assert_int_equal(info.interrupted, 0);
	assert_int_equal(v.s[0].state, TS_FIN_WAIT2);
	assert_int_equal(v.s[0].timer, 3);
	assert_int_equal(v.s[0].expires, 30000);
	assert_int_equal(v.s[0].lport, 40001);
	assert_int_equal(v.s[0].rport, 80);
	assert_string_equal(addr_format(&v.s[0].local, buf, sizeof(buf)),
			    "127.0.0.1");
	assert_string_equal(addr_format(&v.s[0].remote, buf, sizeof(buf)),
			    "127.0.0.2");
}

static void test_error_message(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_error(&m, ENOENT);
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(info.error, ENOENT);
	assert_int_equal(v.n, 0);
}

/* error is untrusted: INT_MIN (found by fuzz_diag: its negation
 * overflows) and positive values are protocol errors, not errnos. */
static void test_odd_error_values(void **state)
{
	static const int odd[] = { INT_MIN, -4096, 1, INT_MAX };
	struct msgbuf m;
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		m.len = 0;
		put_error(&m, 0);
		((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)m.b))->error =
			odd[i];
		assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
		assert_int_equal(info.error, EPROTO);
	}
	m.len = 0;
	put_error(&m, 4095);
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(info.error, 4095);
}

static void test_short_error_message(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_hdr(&m, NLMSG_ERROR, 0, 2);		/* too short for nlmsgerr */
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(info.error, EBADMSG);
}

static void test_truncated_buffer(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.2", 2,
		 TS_ESTABLISHED, 0, 0);
	put_sock(&m, AF_INET, "127.0.0.1", 3, "127.0.0.2", 4,
		 TS_ESTABLISHED, 0, 0);
	m.len -= 10;		/* cut the second message short */
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(info.error, EBADMSG);
	assert_int_equal(v.n, 1);
}

/* An nlmsg_len of 2^31 or more is refused before the message is used
 * (libmnl's mnl_nlmsg_ok takes it as a negative int and walks on). */
static void test_huge_nlmsg_len(void **state)
{
	static const uint32_t lens[] = { 0x80000000u, 0xfffffff0u };

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct msgbuf m = { .len = 0 };
		struct diag_parse_info info;
		struct seen v;

		put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.2", 2,
			 TS_ESTABLISHED, 0, 0);
		put_done(&m);
		((struct nlmsghdr *)m.b)->nlmsg_len = lens[i];
		assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
		assert_int_equal(info.error, EBADMSG);
		assert_int_equal(v.n, 0);
	}
}

static void test_short_payload(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_hdr(&m, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, 8);
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(info.error, EBADMSG);
	assert_int_equal(v.n, 0);
}

static void test_bad_family(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.2", 2,
		 TS_ESTABLISHED, 0, 0);
	((struct inet_diag_msg *)NLMSG_DATA((struct nlmsghdr *)m.b))
		->idiag_family = 99;
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(v.n, 0);
}

static void test_dump_intr_flag(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.2", 2,
		 TS_ESTABLISHED, 0, 0);
	put_sock(&m, AF_INET, "127.0.0.1", 3, "127.0.0.2", 4,
		 TS_ESTABLISHED, 0, NLM_F_DUMP_INTR);
	put_done(&m);
	/* parsing goes on to DONE; the caller redoes the pass */
	assert_int_equal(run(&m, &v, &info), DIAG_DONE);
	assert_int_equal(info.interrupted, 1);
	assert_int_equal(v.n, 2);
}

static void test_wrong_seq(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.2", 2,
		 TS_ESTABLISHED, 0, 0);
	((struct nlmsghdr *)m.b)->nlmsg_seq = SEQ + 1;
	assert_int_equal(run(&m, &v, &info), DIAG_ERROR);
	assert_int_equal(info.error, EPROTO);
}

static void test_empty_and_noop(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info;
	struct seen v;

	(void)state;
	assert_int_equal(run(&m, &v, &info), DIAG_MORE);
	put_hdr(&m, NLMSG_NOOP, 0, 0);
	put_sock(&m, AF_INET, "127.0.0.1", 1, "127.0.0.2", 2,
		 TS_SYN_SENT, 0, 0);
	assert_int_equal(run(&m, &v, &info), DIAG_MORE);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.s[0].state, TS_SYN_SENT);
}

/* Sockets on one local port among a whole dump. */
struct port_hits {
	uint16_t port;
	unsigned int n;		/* every socket dumped */
	unsigned int hits;	/* on port */
	unsigned int listening;	/* of hits: LISTEN on 127.0.0.1 */
};

static void find_port(const struct diag_sock *s, void *arg)
{
	struct port_hits *h = arg;
	char buf[ADDR_STRLEN];

	h->n++;
	if (s->lport != h->port)
		return;
	h->hits++;
	h->listening += s->state == TS_LISTEN &&
			strcmp(addr_format(&s->local, buf, sizeof(buf)),
			       "127.0.0.1") == 0;
}

/* A live dump of states into h, redone (as the sampler does) when the
 * kernel says it was interrupted; the result of the last. */
static int live_dump(struct diag *d, uint32_t states, struct port_hits *h,
		     struct diag_result *res)
{
	uint16_t port = h->port;
	int rc = 1;

	for (int i = 0; i < 3 && rc == 1; i++) {
		memset(h, 0, sizeof(*h));
		h->port = port;
		rc = diag_dump(d, AF_INET, states, NULL, 0, find_port, h, res);
	}
	return rc;
}

/* A real dump in this process's namespace sees our own listener, once,
 * and a dump of other states does not. */
static void test_live_dump_sees_listener(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	struct diag_result res;
	struct diag *d;
	struct port_hits h = { .n = 0 };
	int fd;

	(void)state;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	d = diag_open();
	assert_non_null(d);
	h.port = ntohs(sin.sin_port);
	assert_int_equal(live_dump(d, 1u << TS_LISTEN, &h, &res), 0);
	assert_int_equal(res.error, 0);
	assert_int_equal(res.count, h.n);
	assert_int_equal(h.hits, 1);
	assert_int_equal(h.listening, 1);
	/* the state mask reaches the kernel: no listener among these */
	assert_int_equal(live_dump(d, (1u << TS_ESTABLISHED) |
				   (1u << TS_TIME_WAIT), &h, &res), 0);
	assert_int_equal(res.count, h.n);
	assert_int_equal(h.hits, 0);
	diag_close(d);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_decoded),
		cmocka_unit_test(test_done_stops),
		cmocka_unit_test(test_mapped_folded),
		cmocka_unit_test(test_fin_wait2_substate),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_odd_error_values),
		cmocka_unit_test(test_short_error_message),
		cmocka_unit_test(test_truncated_buffer),
		cmocka_unit_test(test_huge_nlmsg_len),
		cmocka_unit_test(test_short_payload),
		cmocka_unit_test(test_bad_family),
		cmocka_unit_test(test_dump_intr_flag),
		cmocka_unit_test(test_wrong_seq),
		cmocka_unit_test(test_empty_and_noop),
		cmocka_unit_test(test_live_dump_sees_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
