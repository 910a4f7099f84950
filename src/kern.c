/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readers for /proc/sys and /proc/net, below a root directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "twtop/kern.h"

/* netstat is ~5 KiB on 6.18; leave room for kernels to come. */
#define COUNTER_FILE_MAX (64 * 1024)
#define SYSCTL_FILE_MAX 4096
#define SOCKSTAT_FILE_MAX 4096

const char *const kern_sysctl_names[] = {
	"net.ipv4.tcp_tw_reuse",
	"net.ipv4.tcp_tw_reuse_delay",
	"net.ipv4.tcp_tw_recycle",
	"net.ipv4.tcp_max_tw_buckets",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_timestamps",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_syncookies",
	"net.core.somaxconn",
	"net.ipv4.tcp_rfc1337",
	"net.ipv4.tcp_max_syn_backlog",
};
const unsigned int kern_sysctl_count =
	sizeof(kern_sysctl_names) / sizeof(kern_sysctl_names[0]);

_Static_assert(sizeof(kern_sysctl_names) / sizeof(kern_sysctl_names[0]) <=
	       SNAP_SYSCTL_MAX, "SNAP_SYSCTL_MAX too small");

/* ROOT/proc/sys and ROOT/proc/thread-self/net, root NULL meaning "". */
void kern_paths_init(struct kern_paths *p, const char *root)
{
	if (root == NULL)
		root = "";
	snprintf(p->sys, sizeof(p->sys), "%s/proc/sys", root);
	snprintf(p->net, sizeof(p->net), "%s/proc/thread-self/net", root);
}

/* open/read/close into a caller's buffer: no allocation per sample. */
long kern_read_file(const char *path, char *buf, size_t len)
{
	size_t off = 0;
	int fd, saved;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (off < len - 1) {
		ssize_t r = read(fd, buf + off, len - 1 - off);

		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		off += (size_t)r;
	}
	close(fd);
	buf[off] = '\0';
	return (long)off;
}

/* Joins dir and rel into out; -1 with ENAMETOOLONG if it does not fit. */
static int path_join(char *out, size_t len, const char *dir, const char *rel)
{
	int r = snprintf(out, len, "%s/%s", dir, rel);

	if (r < 0 || (size_t)r >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses exactly len bytes as an optionally negative decimal integer. */
static int parse_ll(const char *s, size_t len, long long *out)
{
	unsigned long long v = 0, lim = (unsigned long long)LLONG_MAX;
	bool neg = false;
	size_t i = 0;

	if (len > 0 && s[0] == '-') {
		neg = true;
		lim += 1;
		i = 1;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == lim ? LLONG_MIN : -(long long)v;
	else
		*out = (long long)v;
	return 0;
}

/* "net.ipv4.x" -> SYS/net/ipv4/x, trimmed; ENOENT is "absent", not -1. */
int kern_sysctl_read(const struct kern_paths *p, const char *name,
		     struct snap_sysctl *out)
{
	char rel[128], path[PATH_MAX], buf[SYSCTL_FILE_MAX];
	size_t i, len, n = strlen(name);
	long r;

	out->name = name;
	out->present = false;
	out->numeric = false;
	out->num = 0;
	out->text[0] = '\0';
	if (n >= sizeof(rel)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (i = 0; i <= n; i++)
		rel[i] = name[i] == '.' ? '/' : name[i];
	if (path_join(path, sizeof(path), p->sys, rel) < 0)
		return -1;
	r = kern_read_file(path, buf, sizeof(buf));
	if (r < 0)
		return errno == ENOENT ? 0 : -1;

	/* An absent file is "removed/not yet added", never 0: the caller
	 * sees present = false (KERNEL-FACTS.md, tcp_tw_recycle). */
	len = (size_t)r;
	while (len > 0 && is_blank(buf[len - 1]))
		buf[--len] = '\0';
	out->present = true;
	out->numeric = parse_ll(buf, len, &out->num) == 0;
	if (!out->numeric)
		out->num = 0;
	if (len >= sizeof(out->text))
		len = sizeof(out->text) - 1;
	memcpy(out->text, buf, len);
	out->text[len] = '\0';
	return 0;
}

/* Reads every sysctl of kern_sysctl_names into s->sysctls, in order. */
void kern_read_sysctls(const struct kern_paths *p, struct snapshot *s)
{
	unsigned int i;

	for (i = 0; i < kern_sysctl_count && i < SNAP_SYSCTL_MAX; i++) {
		struct snap_sysctl *sc = &s->sysctls[i];

		/* present = false with a text means "unreadable", which is
		 * not the same as "absent from this kernel". */
		if (kern_sysctl_read(p, kern_sysctl_names[i], sc) < 0)
			snprintf(sc->text, sizeof(sc->text), "error: %s",
				 strerror(errno));
	}
	s->n_sysctls = i;
}

/* End of the line starting at p (its '\n' or the final NUL). */
static const char *line_end(const char *p)
{
	const char *e = strchr(p, '\n');

	return e != NULL ? e : p + strlen(p);
}

/* True when the line at p starts with exactly "want:". */
static bool line_has_prefix(const char *p, const char *want, size_t wlen)
{
	return strncmp(p, want, wlen) == 0 && p[wlen] == ':';
}

/* Next whitespace-separated token in [*p, end); NULL when none is left. */
static const char *token_next(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *t;

	while (s < end && is_blank(*s))
		s++;
	if (s >= end)
		return NULL;
	t = s;
	while (t < end && !is_blank(*t))
		t++;
	*len = (size_t)(t - s);
	*p = t;
	return s;
}

/* Walks one header/values pair in lockstep, appending Prefix+Name. */
static int counters_pair(const char *hdr, const char *hdr_end,
			 const char *val, const char *val_end,
			 const char *want, struct snap_counter *out,
			 uint32_t max, uint32_t *n)
{
	size_t wlen = strlen(want);

	hdr += wlen + 1;
	val += wlen + 1;
	for (;;) {
		size_t hlen = 0, vlen = 0;
		const char *h = token_next(&hdr, hdr_end, &hlen);
		const char *v = token_next(&val, val_end, &vlen);
		long long x;

		if (h == NULL && v == NULL)
			return 0;
		if (h == NULL || v == NULL)
			return -1;
		if (parse_ll(v, vlen, &x) < 0)
			return -1;
		if (*n >= max)
			continue;
		snprintf(out[*n].name, sizeof(out[*n].name), "%s%.*s", want,
			 (int)hlen, h);
		out[*n].value = x;
		(*n)++;
	}
}

/* Finds every "want:" header line and parses it with its values line. */
int kern_parse_counters(const char *text, const char *want,
			struct snap_counter *out, uint32_t max, uint32_t *n)
{
	size_t wlen = strlen(want);
	uint32_t start = *n;
	const char *p = text;

	while (*p != '\0') {
		const char *end = line_end(p), *val, *val_end;

		if (!line_has_prefix(p, want, wlen)) {
			p = *end != '\0' ? end + 1 : end;
			continue;
		}
		/* The header line is followed by its values line. */
		val = *end != '\0' ? end + 1 : end;
		if (!line_has_prefix(val, want, wlen))
			goto bad;
		val_end = line_end(val);
		if (counters_pair(p, end, val, val_end, want, out, max, n) < 0)
			goto bad;
		p = *val_end != '\0' ? val_end + 1 : val_end;
	}
	return 0;
bad:
	*n = start;
	errno = EINVAL;
	return -1;
}

/* Reads Tcp (snmp) and TcpExt (netstat) below p->net into s. */
void kern_read_counters(const struct kern_paths *p, struct snapshot *s)
{
	/* snmp first: its Tcp line is short and must always fit, while a
	 * future TcpExt could outgrow SNAP_COUNTERS_MAX. */
	static const struct {
		const char *file, *prefix;
	} src[] = { { "snmp", "Tcp" }, { "netstat", "TcpExt" } };
	char path[PATH_MAX], buf[COUNTER_FILE_MAX];
	uint32_t n = 0;
	bool any = false;

	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		if (path_join(path, sizeof(path), p->net, src[i].file) < 0)
			continue;
		if (kern_read_file(path, buf, sizeof(buf)) < 0)
			continue;
		any = true;
		/* A malformed file drops its own counters only. */
		(void)kern_parse_counters(buf, src[i].prefix, s->counters,
					  SNAP_COUNTERS_MAX, &n);
	}
	s->n_counters = n;
	s->counters_present = any;
}

/* One conntrack file as a count: absent or not one integer from 0 on
 * leaves present false (an unreadable file is no count either). */
static void conntrack_one(const struct kern_paths *p, const char *name,
			  bool *present, long long *v)
{
	struct snap_sysctl sc;

	*present = false;
	*v = 0;
	if (kern_sysctl_read(p, name, &sc) < 0 || !sc.present ||
	    !sc.numeric || sc.num < 0)
		return;
	*present = true;
	*v = sc.num;
}

/* The files exist only where nf_conntrack is loaded (built in, or the
 * module); both are read as the sampler's namespace sees them, the count
 * being its own entries. */
void kern_read_conntrack(const struct kern_paths *p, struct snapshot *s)
{
	conntrack_one(p, "net.netfilter.nf_conntrack_count",
		      &s->conntrack.count_present, &s->conntrack.count);
	conntrack_one(p, "net.netfilter.nf_conntrack_max",
		      &s->conntrack.max_present, &s->conntrack.max);
}

/* Fills vals (inuse, orphan, tw, alloc, mem) from the "TCP:" line. */
static int sockstat_line(const char *p, const char *end, long long vals[5])
{
	static const char *const keys[5] = {
		"inuse", "orphan", "tw", "alloc", "mem"
	};
	unsigned int seen = 0;

	p += 4;
	for (;;) {
		size_t klen = 0, vlen = 0;
		const char *k = token_next(&p, end, &klen);
		const char *v;
		int i;

		if (k == NULL)
			break;
		v = token_next(&p, end, &vlen);
		if (v == NULL)
			return -1;
		for (i = 0; i < 5; i++)
			if (strlen(keys[i]) == klen &&
			    memcmp(keys[i], k, klen) == 0)
				break;
		if (i == 5)
			continue;	/* a key a newer kernel added */
		if (parse_ll(v, vlen, &vals[i]) < 0)
			return -1;
		seen |= 1u << i;
	}
	return seen == 0x1f ? 0 : -1;
}

/* Parses the first line that starts with "TCP:" into s->sockstat. */
int kern_parse_sockstat(const char *text, struct snapshot *s)
{
	const char *p = text;
	long long v[5];

	s->sockstat.present = false;
	while (*p != '\0') {
		const char *end = line_end(p);

		/* "TCP:" exactly: sockstat6 has a "TCP6:" line. */
		if (strncmp(p, "TCP:", 4) == 0) {
			if (sockstat_line(p, end, v) < 0)
				break;
			s->sockstat.inuse = v[0];
			s->sockstat.orphan = v[1];
			s->sockstat.tw = v[2];
			s->sockstat.alloc = v[3];
			s->sockstat.mem = v[4];
			s->sockstat.present = true;
			return 0;
		}
		p = *end != '\0' ? end + 1 : end;
	}
	errno = EINVAL;
	return -1;
}

/* Reads p->net/sockstat; present stays false on any failure. */
void kern_read_sockstat(const struct kern_paths *p, struct snapshot *s)
{
	char path[PATH_MAX], buf[SOCKSTAT_FILE_MAX];

	s->sockstat.present = false;
	if (path_join(path, sizeof(path), p->net, "sockstat") < 0)
		return;
	if (kern_read_file(path, buf, sizeof(buf)) < 0)
		return;
	(void)kern_parse_sockstat(buf, s);
}

/* Reads a decimal port (0..65535) at *pp and advances past it. */
static int scan_port(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint32_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint32_t)(*p - '0');
		if (v > 65535)
			return -1;
		p++;
	}
	*pp = p;
	*out = v;
	return 0;
}

static const char *skip_blank(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* "LOW<blank>HIGH", both inclusive, 0 < LOW <= HIGH <= 65535. */
int kern_parse_port_range(const char *text, uint32_t *low, uint32_t *high)
{
	const char *p = skip_blank(text);
	uint32_t lo, hi;

	if (scan_port(&p, &lo) < 0 || (*p != ' ' && *p != '\t'))
		goto bad;
	p = skip_blank(p);
	if (scan_port(&p, &hi) < 0 || *skip_blank(p) != '\0')
		goto bad;
	if (lo == 0 || lo > hi)
		goto bad;
	*low = lo;
	*high = hi;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Validates the list and, when bitmap is not NULL, marks its ports. */
static int reserved_walk(const char *text, uint8_t *bitmap)
{
	const char *p = skip_blank(text);

	if (*p == '\0')
		return 0;
	for (;;) {
		uint32_t a, b;

		if (scan_port(&p, &a) < 0)
			return -1;
		b = a;
		if (*p == '-') {
			p++;
			if (scan_port(&p, &b) < 0 || b < a)
				return -1;
		}
		for (uint32_t port = a; bitmap != NULL && port <= b; port++)
			bitmap[port >> 3] |= (uint8_t)(1u << (port & 7));
		if (*p == ',') {
			p++;
			continue;
		}
		return *skip_blank(p) == '\0' ? 0 : -1;
	}
}

/* "N,N-M,..." or empty, into a 65536-bit map. */
int kern_parse_reserved_ports(const char *text, uint8_t *bitmap)
{
	/* Validate first so a malformed list leaves the bitmap untouched. */
	if (reserved_walk(text, NULL) < 0) {
		errno = EINVAL;
		return -1;
	}
	return reserved_walk(text, bitmap);
}
