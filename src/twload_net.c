/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twload_net.c: process and socket setup for twload: file limits, a private
 * network namespace, namespace sysctls, destination lists and listeners.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "twload.h"

/* Raise RLIMIT_NOFILE to the hard limit, and past it to @need if allowed. */
int twload_net_raise_nofile(unsigned long long need, char *err)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, TWL_ERRLEN, "getrlimit(RLIMIT_NOFILE): %s",
			 strerror(errno));
		return -1;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		struct rlimit up = { need, need };

		/* Only root (CAP_SYS_RESOURCE) may raise the hard limit. */
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return 0;
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, TWL_ERRLEN, "setrlimit(RLIMIT_NOFILE): %s",
			 strerror(errno));
		return -1;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		snprintf(err, TWL_ERRLEN,
			 "needs %llu file descriptors (2 per connection in "
			 "flight or held), RLIMIT_NOFILE hard limit is %llu: "
			 "lower -j/--hold",
			 need, (unsigned long long)rl.rlim_max);
		return -1;
	}
	return 0;
}

/* Pin the process to one CPU (TWL_CPU_CURRENT: the one it runs on now).
 * Why: loopback queues each packet to the backlog of the sending CPU. When
 * the thread migrates while softirq work is deferred to ksoftirqd, two
 * backlogs drain in either order, so a connection's segments can arrive out
 * of order; a stale one reaching a TIME_WAIT makes it ACK, the closed peer
 * answers RST, and the RST ends the TIME_WAIT (tcp_rfc1337=0, see
 * KERNEL-FACTS.md). One CPU means one FIFO backlog and exact counts.
 */
int twload_net_pin(int cpu, char *err)
{
	cpu_set_t set;

	if (cpu == TWL_CPU_ANY)
		return 0;
	if (cpu == TWL_CPU_CURRENT) {
		cpu = sched_getcpu();
		if (cpu < 0)
			return 0;	/* unknown: run unpinned */
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		snprintf(err, TWL_ERRLEN, "--cpu %d: sched_setaffinity: %s",
			 cpu, strerror(errno));
		return -1;
	}
	return 0;
}

/* Enter a new network namespace and bring its loopback interface up. */
int twload_net_unshare(char *err)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET) < 0) {
		snprintf(err, TWL_ERRLEN,
			 "--unshare: unshare(CLONE_NEWNET): %s "
			 "(needs root or CAP_SYS_ADMIN)", strerror(errno));
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, TWL_ERRLEN, "--unshare: socket: %s",
			 strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	snprintf(err, TWL_ERRLEN, "--unshare: bringing lo up: %s",
		 strerror(errno));
	close(fd);
	return -1;
}

/* Write one "net.x.y=value" setting to /proc/sys/net/x/y. */
int twload_net_sysctl(const struct twl_sysctl *s, char *err)
{
	char path[256];
	size_t i, len, vlen = strlen(s->value);
	int fd;
	ssize_t n;

	len = (size_t)snprintf(path, sizeof(path), "/proc/sys/%s", s->name);
	if (len >= sizeof(path)) {
		snprintf(err, TWL_ERRLEN, "--sysctl %s: name too long",
			 s->name);
		return -1;
	}
	for (i = strlen("/proc/sys/"); i < len; i++)
		if (path[i] == '.')
			path[i] = '/';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, TWL_ERRLEN, "--sysctl %s: %s", s->name,
			 strerror(errno));
		return -1;
	}
	n = write(fd, s->value, vlen);
	if (n < 0 || (size_t)n != vlen) {
		snprintf(err, TWL_ERRLEN, "--sysctl %s=%s: %s", s->name,
			 s->value, n < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Tell whether @ss is 127.0.0.0/8 or ::1 (IPv4-mapped forms are not). */
bool twload_net_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
	}
	return false;
}

/* Fill @t from address @dst and @port, with a printable name. */
static void target_set(struct twl_target *t,
		       const struct sockaddr_storage *dst, uint16_t port)
{
	char host[INET6_ADDRSTRLEN];

	memset(t, 0, sizeof(*t));
	t->sa = *dst;
	if (dst->ss_family == AF_INET) {
		struct sockaddr_in *sin = (void *)&t->sa;

		sin->sin_port = htons(port);
		t->len = sizeof(*sin);
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(t->name, sizeof(t->name), "%s:%u", host, port);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&t->sa;

		sin6->sin6_port = htons(port);
		t->len = sizeof(*sin6);
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(t->name, sizeof(t->name), "[%s]:%u", host, port);
	}
}

/* Expand --dst x --ports into @out (room for ndst * nports); return count. */
size_t twload_net_targets(const struct twl_opts *o, struct twl_target *out)
{
	size_t d, p, n = 0;

	for (d = 0; d < o->ndst; d++)
		for (p = 0; p < o->nports; p++)
			target_set(&out[n++], &o->dst[d], o->ports[p]);
	return n;
}

/* Open a non-blocking listening socket on @t; return its fd or -1. */
int twload_net_listen(const struct twl_target *t, char *err)
{
	int one = 1, fd;
	const char *what = "socket";

	fd = socket(t->sa.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* Our own server-side TIME_WAITs on this port must not block bind(). */
	what = "setsockopt(SO_REUSEADDR)";
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	what = "setsockopt(IPV6_V6ONLY)";
	if (t->sa.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	what = "bind";
	if (bind(fd, (const struct sockaddr *)&t->sa, t->len) < 0)
		goto fail;
	what = "listen";
	if (listen(fd, 65535) < 0)	/* the kernel caps it at somaxconn */
		goto fail;
	return fd;
fail:
	snprintf(err, TWL_ERRLEN, "listen on %s: %s: %s", t->name, what,
		 strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}
