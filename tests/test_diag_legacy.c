/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the one-walk TCPDIAG_GETSOCK dump (diag_legacy.c): the
 * request it builds, a hand-built reply through diag_parse, and one live
 * dump of this host's listeners in both families. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/diag.h"
#include "twtop/diag_legacy.h"
#include "twtop/tcpstate.h"

#define SEQ 7
#define PID 4242

struct msgbuf {
	unsigned char b[4096];
	size_t len;
};

struct seen {
	struct diag_sock s[64];
	unsigned int n;
};

static void collect(const struct diag_sock *s, void *arg)
{
	struct seen *v = arg;

	if (v->n < 64)
		v->s[v->n] = *s;
	v->n++;
}

static struct nlmsghdr *put_hdr(struct msgbuf *m, uint16_t type,
				size_t payload)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->b + m->len);

	memset(h, 0, NLMSG_SPACE(payload));
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_MULTI;
	h->nlmsg_seq = SEQ;
	h->nlmsg_pid = PID;
	m->len += NLMSG_SPACE(payload);
	return h;
}

/* One inet_diag_msg as the compat dump sends it: nlmsg_type is the
 * request's, TCPDIAG_GETSOCK. */
static void put_sock(struct msgbuf *m, int family, const char *src,
		     uint16_t sport, const char *dst, uint16_t dport,
		     uint8_t state)
{
	struct nlmsghdr *h = put_hdr(m, TCPDIAG_GETSOCK,
				     sizeof(struct inet_diag_msg));
	struct inet_diag_msg *d = NLMSG_DATA(h);

	d->idiag_family = (uint8_t)family;
	d->idiag_state = state;
	d->idiag_timer = state == TS_TIME_WAIT ? 3 : 0;
	d->idiag_expires = state == TS_TIME_WAIT ? 41000 : 0;
	d->idiag_uid = state == TS_TIME_WAIT ? 0 : 1000;
	d->idiag_inode = state == TS_TIME_WAIT ? 0 : 31337;
	d->id.idiag_sport = htons(sport);
	d->id.idiag_dport = htons(dport);
	inet_pton(family, src, d->id.idiag_src);
	inet_pton(family, dst, d->id.idiag_dst);
}

static void test_request_bytes(void **state)
{
	static const uint8_t bc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned char buf[256];
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const struct inet_diag_req *r = NLMSG_DATA(h);
	const struct nlattr *a;
	size_t len;

	(void)state;
	len = diag_legacy_request(buf, sizeof(buf), 99, 0x1234, NULL, 0);
	assert_int_equal(len, NLMSG_LENGTH(sizeof(struct inet_diag_req)));
	assert_int_equal(h->nlmsg_len, len);
	assert_int_equal(h->nlmsg_type, TCPDIAG_GETSOCK);
	assert_int_equal(h->nlmsg_type, 18);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(h->nlmsg_seq, 99);
	assert_int_equal(r->idiag_states, 0x1234);
	assert_int_equal(r->idiag_ext, 0);
	assert_int_equal(r->id.idiag_sport, 0);
	assert_int_equal(r->id.idiag_dport, 0);

	/* a bytecode filter follows the request as INET_DIAG_REQ_BYTECODE */
	len = diag_legacy_request(buf, sizeof(buf), 100, 1u << TS_TIME_WAIT,
				  bc, sizeof(bc));
	assert_int_equal(len, NLMSG_LENGTH(sizeof(struct inet_diag_req)) +
			      NLA_HDRLEN + sizeof(bc));
	a = (const struct nlattr *)(buf +
				    NLMSG_SPACE(sizeof(struct inet_diag_req)));
	assert_int_equal(a->nla_type, INET_DIAG_REQ_BYTECODE);
	assert_int_equal(a->nla_len, NLA_HDRLEN + sizeof(bc));
	assert_memory_equal((const uint8_t *)a + NLA_HDRLEN, bc, sizeof(bc));

	/* too small a buffer: nothing */
	assert_int_equal(diag_legacy_request(buf, 20, 1, 1, NULL, 0), 0);
	assert_int_equal(diag_legacy_request(buf, sizeof(buf), 1, 1, bc, 240),
			 0);
}

/* The compat dump answers with messages of its request's type; before
 * diag_parse knew TCPDIAG_GETSOCK they were skipped as unknown. */
static void test_reply_both_families(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct diag_parse_info info = { 0 };
	struct seen v = { .n = 0 };
	char buf[ADDR_STRLEN];

	(void)state;
	put_sock(&m, AF_INET, "127.0.0.1", 8080, "0.0.0.0", 0, TS_LISTEN);
	put_sock(&m, AF_INET6, "::1", 9090, "::", 0, TS_LISTEN);
	put_sock(&m, AF_INET, "127.0.0.1", 40001, "127.0.0.2", 8080,
		 TS_TIME_WAIT);
	put_sock(&m, AF_INET6, "::ffff:10.0.0.1", 443, "::ffff:10.0.0.2",
		 50000, TS_ESTABLISHED);
	put_sock(&m, AF_INET6, "fe80::1", 40002, "fe80::2", 22, TS_FIN_WAIT2);
	*(int *)NLMSG_DATA(put_hdr(&m, NLMSG_DONE, sizeof(int))) = 0;

	assert_int_equal(diag_parse(m.b, m.len, SEQ, PID, collect, &v, &info),
			 DIAG_DONE);
	assert_int_equal(info.count, 5);
	assert_int_equal(v.n, 5);
	assert_int_equal(v.s[0].local.family, AF_INET);
	assert_int_equal(v.s[0].state, TS_LISTEN);
	assert_int_equal(v.s[0].lport, 8080);
	assert_int_equal(v.s[1].local.family, AF_INET6);
	assert_string_equal(addr_format(&v.s[1].local, buf, sizeof(buf)),
			    "::1");
	assert_int_equal(v.s[2].state, TS_TIME_WAIT);
	assert_int_equal(v.s[2].timer, 3);
	assert_int_equal(v.s[2].expires, 41000);
	assert_int_equal(v.s[2].rport, 8080);
	/* an IPv4-mapped socket folds to IPv4, as from SOCK_DIAG_BY_FAMILY */
	assert_int_equal(v.s[3].local.family, AF_INET);
	assert_string_equal(addr_format(&v.s[3].remote, buf, sizeof(buf)),
			    "10.0.0.2");
	assert_int_equal(v.s[3].uid, 1000);
	assert_int_equal(v.s[3].inode, 31337);
	assert_int_equal(v.s[4].local.family, AF_INET6);
	assert_int_equal(v.s[4].state, TS_FIN_WAIT2);
	for (unsigned int i = 0; i < v.n; i++)
		assert_int_equal(v.s[i].bound_by_bind, 0);
}

/* Listens on loopback in family fam; the port, or 0. */
static uint16_t listen_on(int fam, int *fd)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)fam };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl = fam == AF_INET ? sizeof(*sin) : sizeof(*sin6);

	*fd = socket(fam, SOCK_STREAM, 0);
	if (*fd < 0)
		return 0;
	if (fam == AF_INET)
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		sin6->sin6_addr = in6addr_loopback;
	if (bind(*fd, (struct sockaddr *)&ss, sl) < 0 || listen(*fd, 4) < 0 ||
	    getsockname(*fd, (struct sockaddr *)&ss, &sl) < 0)
		return 0;
	return ntohs(fam == AF_INET ? sin->sin_port : sin6->sin6_port);
}

/* One live walk returns listeners of both families (no privilege needed
 * to dump); a host without IPv6 loopback only checks IPv4. */
static void test_live_one_walk(void **state)
{
	struct diag_result res;
	struct diag *l;
	struct seen *v = calloc(1, sizeof(*v));
	int fd4, fd6, found4 = 0, found6 = 0;
	uint16_t p4 = listen_on(AF_INET, &fd4), p6 = listen_on(AF_INET6, &fd6);

	(void)state;
	assert_non_null(v);
	assert_int_not_equal(p4, 0);
	l = diag_open();
	assert_non_null(l);
	assert_int_equal(diag_dump_all(l, 1u << TS_LISTEN, NULL, 0, collect,
					  v, &res), 0);
	assert_true(diag_one_walk(l));
	assert_int_equal(res.count, v->n);
	for (unsigned int i = 0; i < v->n && i < 64; i++) {
		assert_int_equal(v->s[i].state, TS_LISTEN);
		found4 |= v->s[i].local.family == AF_INET &&
			  v->s[i].lport == p4;
		found6 |= v->s[i].local.family == AF_INET6 &&
			  v->s[i].lport == p6;
	}
	assert_true(found4 || v->n > 64);
	assert_true(found6 || p6 == 0 || v->n > 64);
	/* nothing asked, nothing walked: an empty answer, not an error */
	v->n = 0;
	assert_int_equal(diag_dump_all(l, 0, NULL, 0, collect, v, &res), 0);
	assert_int_equal(v->n, 0);
	diag_close(l);
	close(fd4);
	if (fd6 >= 0)
		close(fd6);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_bytes),
		cmocka_unit_test(test_reply_both_families),
		cmocka_unit_test(test_live_one_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
