/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_filter, root part: in a network namespace of its own, a known mix
 * of loopback sockets; for each expression the kernel's bytecode dumps
 * must return exactly the sockets user-space evaluation picks out of an
 * unfiltered dump, and both must equal the count the mix implies. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/diag.h"
#include "twtop/filter.h"
#include "twtop/tcpstate.h"

#include "test_filter.h"

#define ALL_STATES (((1u << TS_MAX) - 1) & ~1u)
#define MAXFD 64

struct fds {
	int fd[MAXFD];
	int n;
};

static int keep(struct fds *f, int fd)
{
	assert_true(fd >= 0);
	assert_true(f->n < MAXFD);
	f->fd[f->n++] = fd;
	return fd;
}

static void settle(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Fills a sockaddr for addr:port. */
static socklen_t sa_make(int family, const char *addr, uint16_t port,
			 struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		assert_int_equal(inet_pton(AF_INET, addr, &a->sin_addr), 1);
		return sizeof(*a);
	}
	{
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		assert_int_equal(inet_pton(AF_INET6, addr, &a->sin6_addr), 1);
		return sizeof(*a);
	}
}

static int listener(int family, const char *addr, uint16_t port,
		    int v6only)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_make(family, addr, port, &ss);
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
			   sizeof(v6only));
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 64), 0);
	return fd;
}

/* Connects to addr:port and accepts on lfd; returns both ends. */
static void pair(int lfd, int family, const char *addr, uint16_t port,
		 int *cfd, int *sfd)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_make(family, addr, port, &ss);

	*cfd = socket(family, SOCK_STREAM, 0);
	assert_true(*cfd >= 0);
	assert_int_equal(connect(*cfd, (struct sockaddr *)&ss, len), 0);
	*sfd = accept(lfd, NULL, NULL);
	assert_true(*sfd >= 0);
}

/* n connections, first closed by the client (client-side TIME_WAIT) or
 * the server (server-side TIME_WAIT). */
static void closed_pairs(int lfd, int family, const char *addr,
			 uint16_t port, int n, int client_first)
{
	for (int i = 0; i < n; i++) {
		int c, s;

		pair(lfd, family, addr, port, &c, &s);
		close(client_first ? c : s);
		settle();
		close(client_first ? s : c);
	}
}

/* Brings lo up in this namespace. */
static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0)
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return rc;
}

static void write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

/*
 * The mix (ports are this test's; ephemeral ports are above 32767):
 *  listeners 0.0.0.0:8080, dual-stack [::]:9090, v6only [::1]:7070
 *  5 TIME_WAIT 127.0.0.1:eph -> 127.0.0.1:8080 (client closed first)
 *  3 TIME_WAIT 127.0.0.2:8080 <- client (server closed first)
 *  4 ESTABLISHED pairs 127.0.0.1 -> 127.0.0.3:9090, server end IPv4-mapped
 *  2 TIME_WAIT [::1]:eph -> [::1]:7070
 *  2 ESTABLISHED pairs [::1] -> [::1]:9090
 */
static void build_mix(struct fds *f)
{
	int l4 = keep(f, listener(AF_INET, "0.0.0.0", 8080, 0));
	int ld = keep(f, listener(AF_INET6, "::", 9090, 0));
	int l6 = keep(f, listener(AF_INET6, "::1", 7070, 1));

	closed_pairs(l4, AF_INET, "127.0.0.1", 8080, 5, 1);
	closed_pairs(l4, AF_INET, "127.0.0.2", 8080, 3, 0);
	closed_pairs(l6, AF_INET6, "::1", 7070, 2, 1);
	for (int i = 0; i < 4; i++) {
		int c, s;

		pair(ld, AF_INET, "127.0.0.3", 9090, &c, &s);
		keep(f, c);
		keep(f, s);
	}
	for (int i = 0; i < 2; i++) {
		int c, s;

		pair(ld, AF_INET6, "::1", 9090, &c, &s);
		keep(f, c);
		keep(f, s);
	}
	settle();
}

struct count {
	const struct filter *f;	/* user-space check, or NULL */
	int family;
	unsigned int n;
};

static void count_cb(const struct diag_sock *s, void *arg)
{
	struct count *c = arg;

	if (c->f == NULL || filter_match_family(c->f, s, c->family))
		c->n++;
}

/* Sockets of both families in states, through bytecode and/or the
 * user-space check. */
static unsigned int dump_count(struct diag *d, uint32_t states,
			       const void *bc, size_t bclen,
			       const struct filter *check)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct count c = { .f = check };

	for (int i = 0; i < 2; i++) {
		struct diag_result r;

		c.family = fams[i];
		if (diag_dump(d, fams[i], states, bc, bclen, count_cb, &c,
			      &r) != 0)
			fail_msg("dump failed: %s", strerror(r.error));
	}
	return c.n;
}

/* The expression's count by the kernel's passes. */
static unsigned int kernel_count(struct diag *d, const struct filter *f)
{
	unsigned int n = 0;

	for (size_t i = 0; i < filter_npasses(f); i++) {
		const struct filter_pass *p = filter_pass(f, i);

		n += dump_count(d, p->states, p->bytecode, p->bclen,
				filter_needs_match(f) ? f : NULL);
	}
	return n;
}

static const struct {
	const char *expr;
	int want;	/* -1: only kernel == user space */
} cases[] = {
	{ "dport = :8080", 5 },
	{ "sport = :8080", 1 + 3 },
	{ "dst 127.0.0.3", 4 },
	{ "dst 127.0.0.3:9090", 4 },
	/* the mapped server ends of the dual-stack listener */
	{ "src 127.0.0.3", 4 },
	{ "src [::ffff:127.0.0.3]", 4 },
	{ "src [::ffff:0.0.0.0/96]", 4 },
	{ "dst 0.0.0.0/0", 1 + 5 + 3 + 4 + 4 },
	{ "dst ::/0", 1 + 1 + 4 + 2 + 4 },
	{ "dst [::1]", 2 + 2 + 2 },
	{ "src ::1 and not sport = 9090", 1 + 2 + 2 },
	{ "dport = :9090 or dport = :7070", 4 + 2 + 2 },
	{ "sport > :9000 and sport < 9999", 1 + 4 + 2 },
	{ "sport != 9090", 2 + 5 + 3 + 2 + 4 + 2 },
	{ "state time-wait", 5 + 3 + 2 },
	{ "state time-wait or dport = 9090", 5 + 3 + 2 + 4 + 2 },
	{ "not state listening and not state time-wait", 8 + 4 },
	{ "( sport > :40000 or dport = 9090 ) and state time-wait", -1 },
	{ "src 127.0.0.0/8 and not dport = 8080", -1 },
	{ "(state established and dport = 9090) or (state syn-sent and "
	  "dport = 2) or (state time-wait and sport = 8080) or (state "
	  "close-wait and dport = 4) or (state listening and sport = 7070)",
	  4 + 2 + 3 + 1 },
};

/* Random expressions over terms that split the mix in different ways:
 * every one must give the kernel and user space the same count. */
static const char *const terms[] = {
	"dport = 8080", "sport = :8080", "dport != 9090", "sport > 9000",
	"sport < 8081", "dport >= 7070", "dport <= 9090", "src 127.0.0.3",
	"src [::ffff:127.0.0.3]", "dst [::1]", "dst ::/0", "dst 0.0.0.0/0",
	"src 127.0.0.0/8:9090", "state time-wait", "state established",
	"state listening", "state bucket", "dst *:7070", "sport = *",
};

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* Writes a random expression of at most depth levels to buf. */
static void gen(char *buf, size_t len, uint32_t *seed, int depth)
{
	static const struct { const char *pre, *mid, *post; } forms[] = {
		{ "not ", NULL, "" }, { "( ", " and ", " )" },
		{ "( ", " or ", " )" }, { "", " ", "" }, { "", " or ", "" },
		{ "! ( ", " || ", " )" }, { "", " && ", "" },
	};
	char a[400] = "", b[400] = "";
	unsigned int k;

	if (depth == 0 || rnd(seed) % 3 == 0) {
		snprintf(buf, len, "%s",
			 terms[rnd(seed) % (sizeof(terms) / sizeof(terms[0]))]);
		return;
	}
	k = rnd(seed) % (sizeof(forms) / sizeof(forms[0]));
	gen(a, sizeof(a), seed, depth - 1);
	if (forms[k].mid != NULL)
		gen(b, sizeof(b), seed, depth - 1);
	snprintf(buf, len, "%s%s%s%s%s", forms[k].pre, a,
		 forms[k].mid ? forms[k].mid : "", b, forms[k].post);
}

static void random_cases(struct diag *d)
{
	uint32_t seed = 20261121;

	for (int i = 0; i < 300; i++) {
		char expr[FILTER_EXPR_MAX], err[256];
		struct filter *f;
		unsigned int k, u;

		gen(expr, sizeof(expr), &seed, 4);
		f = filter_compile(expr, err, sizeof(err));
		if (f == NULL)
			fail_msg("%s: %s", expr, err);
		k = kernel_count(d, f);
		u = dump_count(d, ALL_STATES, NULL, 0, f);
		if (k != u)
			fail_msg("'%s': kernel %u, user space %u", expr, k, u);
		filter_free(f);
	}
}

void test_live_kernel(void **state)
{
	struct fds fds = { .n = 0 };
	struct diag *d;

	(void)state;
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0 || lo_up() < 0) {
		print_message("skipped: needs root for a network namespace\n");
		skip();
	}
	write_sysctl("/proc/sys/net/ipv4/tcp_tw_reuse", "0");
	build_mix(&fds);
	d = diag_open();
	assert_non_null(d);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256];
		struct filter *f = filter_compile(cases[i].expr, err,
						  sizeof(err));
		unsigned int k, u;

		if (f == NULL)
			fail_msg("%s: %s", cases[i].expr, err);
		k = kernel_count(d, f);
		u = dump_count(d, ALL_STATES, NULL, 0, f);
		if (k != u || (cases[i].want >= 0 &&
			       u != (unsigned int)cases[i].want))
			fail_msg("'%s': kernel %u, user space %u, want %d",
				 cases[i].expr, k, u, cases[i].want);
		filter_free(f);
	}
	random_cases(d);
	diag_close(d);
	for (int i = 0; i < fds.n; i++)
		close(fds.fd[i]);
}
