/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the Prometheus writer: exact sample lines and values from
 * hand-built snapshots, escaping, the bound on destination-group series,
 * absent data left out, advisory gauges, the format checked in C, by
 * tests/prom_parse.py and by python3-prometheus-client's parser (skipped,
 * exit 77, without it), and the atomic file write with its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "twtop/advice.h"
#include "twtop/prom.h"
#include "twtop/snapshot.h"

/* The label every series of full_snapshot() starts with. */
#define NS1 "{netns=\"ns1\""

extern char **environ;

/* Writes s with prom_write into memory and returns the text. */
static char *emit(const struct snapshot *s, unsigned int top)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(prom_write(f, s, top), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* True when text holds line as a whole line. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void assert_line(const char *text, const char *line)
{
	if (!has_line(text, line))
		fail_msg("missing line: %s\n--- output:\n%s", line, text);
}

static void assert_no_line(const char *text, const char *line)
{
	if (has_line(text, line))
		fail_msg("unexpected line: %s", line);
}

/* Lines that start with prefix (samples of a family, or its comments). */
static int count_prefix(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	int k = 0;

	for (const char *p = text; *p; ) {
		const char *e = strchr(p, '\n');

		if (strncmp(p, prefix, n) == 0)
			k++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return k;
}

/* The value of the sample line starting with prefix (name and labels). */
static double sample_value(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; (p = strstr(p, prefix)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
	fail_msg("no sample %s", prefix);
	return 0;
}

/*
 * Checks the structure in C, independently of the Python parser: each
 * family opens with # HELP then # TYPE, its samples follow contiguously,
 * no family is opened twice, no sample line repeats, _total exactly on
 * counters, no timestamps (a value and nothing after it), no blank line,
 * a newline at the end.
 */
static void check_structure(const char *text)
{
	char fams[128][80], cur[80] = "", type[16] = "";
	size_t nf = 0, len = strlen(text);
	const char *p = text;

	assert_true(len > 0 && text[len - 1] == '\n');
	while (*p) {
		const char *e = strchr(p, '\n');
		char line[1024], name[80];
		size_t n = (size_t)(e - p), k;

		assert_true(n > 0 && n < sizeof(line));
		memcpy(line, p, n);
		line[n] = '\0';
		p = e + 1;
		if (sscanf(line, "# HELP %79s ", name) == 1) {
			for (size_t i = 0; i < nf; i++)
				assert_string_not_equal(fams[i], name);
			assert_true(nf < 128);
			snprintf(fams[nf++], sizeof(fams[0]), "%s", name);
			snprintf(cur, sizeof(cur), "%s", name);
			type[0] = '\0';
			continue;
		}
		if (sscanf(line, "# TYPE %79s %15s", name, type) == 2) {
			assert_string_equal(name, cur);
			k = strlen(name);
			assert_int_equal(strcmp(type, "counter") == 0,
					 k > 6 && strcmp(name + k - 6, "_total")
					 == 0);
			continue;
		}
		/* a sample of the open family, after its TYPE */
		k = strlen(cur);
		assert_true(type[0] != '\0');
		assert_true(k > 0 && strncmp(line, cur, k) == 0 &&
			    (line[k] == '{' || line[k] == ' '));
		/* the value is the last token; exactly one blank before it
		 * outside the labels, so no timestamp */
		assert_non_null(strrchr(line, ' '));
		assert_true(strchr(strrchr(line, '}') ? strrchr(line, '}') :
				   line, ' ') == strrchr(line, ' '));
		/* no repeated series: the same name and labels */
		*strrchr(line, ' ') = '\0';
		for (const char *q = p; (q = strstr(q, line)) != NULL; q++)
			assert_false(q[-1] == '\n' &&
				     q[strlen(line)] == ' ');
	}
}

/* Runs argv with stdin from the file in, if not NULL; its exit status,
 * or -1 when the program cannot be run. */
static int run(const char *const *argv, const char *in)
{
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	if (in != NULL)
		posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
			  environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	assert_true(waitpid(pid, &status, 0) == pid);
	assert_true(WIFEXITED(status));
	/* posix_spawnp may report a missing program as exit 127 */
	return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

/* Why the Python parsers could not check an output, or NULL. The C
 * checks still run; main then exits 77 (SKIP) with the reason rather
 * than pass what was not checked. */
static const char *ext_skipped;

/* Runs the independent parsers on text: tests/prom_client.py --compare
 * (python3-prometheus-client's text_string_to_metric_families, which must
 * read the same families and samples as tests/prom_parse.py), under
 * $PYTHON, python3 or /usr/bin/python3 (Debian installs the module for
 * the latter); prom_parse.py alone where no python3 has the module. And
 * promtool check metrics when $PROMTOOL names it or it is on the PATH. */
static void ext_check(const char *text)
{
	char path[] = "/tmp/test_prom.XXXXXX";
	const char *pythons[] = { getenv("PYTHON"), "python3",
				  "/usr/bin/python3" };
	const char *client[] = { NULL, TWTOP_SRCDIR "/tests/prom_client.py",
				 path, "--prefix", "twtop_", "--compare",
				 NULL };
	const char *py[] = { "python3", TWTOP_SRCDIR "/tests/prom_parse.py",
			     path, "--prefix", "twtop_", NULL };
	const char *pt[] = { getenv("PROMTOOL") ? getenv("PROMTOOL") :
			     "promtool", "check", "metrics", NULL };
	int fd = mkstemp(path), rc = -1;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)),
			 (ssize_t)strlen(text));
	close(fd);
	for (size_t i = 0; i < sizeof(pythons) / sizeof(pythons[0]); i++) {
		if (pythons[i] == NULL)
			continue;
		client[0] = pythons[i];
		rc = run(client, NULL);
		if (rc >= 0 && rc != 77)
			break;
	}
	if (rc == 77 || rc < 0) {
		/* no client module: prom_parse.py still checks it */
		rc = run(py, NULL);
		if (rc >= 0)
			assert_int_equal(rc, 0);
		ext_skipped = rc < 0 ? "python3 not installed" :
			      "no python3 with the prometheus_client module "
			      "(Debian: python3-prometheus-client)";
	} else {
		assert_int_equal(rc, 0);
	}
	rc = run(pt, path);
	if (rc >= 0)
		assert_int_equal(rc, 0);
	unlink(path);
}

/* Both structure checks on one output. */
static void check_format(const char *text)
{
	check_structure(text);
	ext_check(text);
}

static void set_addr(struct tw_addr *a, const char *text)
{
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, text, a->bytes), 1);
	a->family = AF_INET6;
}

static void set_sysctl(struct snapshot *s, const char *name, bool present,
		       bool numeric, long long num)
{
	struct snap_sysctl *c = &s->sysctls[s->n_sysctls++];

	c->name = name;
	c->present = present;
	c->numeric = numeric;
	c->num = num;
	snprintf(c->text, sizeof(c->text), "%lld", num);
}

static void set_counter(struct snapshot *s, const char *name, long long v)
{
	struct snap_counter *c = &s->counters[s->n_counters++];

	snprintf(c->name, sizeof(c->name), "%s", name);
	c->value = v;
	s->counters_present = true;
}

/* A group as the sampler and advice_derive leave it: free + reusable =
 * available, pressure from the forecast (known when there is capacity). */
static void set_group(struct snap_group *g, const char *local,
		      const char *remote, uint16_t port, uint32_t used,
		      uint32_t free, uint32_t reusable, uint32_t tw)
{
	set_addr(&g->local, local);
	set_addr(&g->remote, remote);
	g->remote_port = port;
	g->used = used;
	g->free = free;
	g->reusable = reusable;
	g->available = free + reusable;
	g->time_wait = tw;
	g->new_per_s = -1;
	g->fc.capacity = (double)used + free;
	g->fc.known = g->fc.capacity > 0;
	g->fc.pressure = g->fc.known ? 1 - g->available / g->fc.capacity : 0;
	g->fc.full_in_s = -1;
}

static void add_advisory(struct snapshot *s, const char *id, int level)
{
	struct snap_advisory *a = &s->advisories[s->n_advisories++];

	memset(a, 0, sizeof(*a));
	a->id = id;
	a->level = level;
}

/* Sysctls (one absent, one not numeric), counters (one not exported),
 * sockstat and the ephemeral range with three groups. */
static void fill_kernel(struct snapshot *s)
{
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, true, 1);
	set_sysctl(s, "net.ipv4.tcp_tw_reuse_delay", true, true, 1500);
	set_sysctl(s, "net.ipv4.tcp_tw_recycle", false, false, 0);
	set_sysctl(s, "net.ipv4.tcp_max_tw_buckets", true, true, 262144);
	set_sysctl(s, "net.ipv4.tcp_fin_timeout", true, true, 30);
	set_sysctl(s, "net.ipv4.tcp_timestamps", true, true, 0);
	set_sysctl(s, "net.ipv4.ip_local_port_range", true, false, 0);

	set_counter(s, "TcpActiveOpens", 7000);
	set_counter(s, "TcpCurrEstab", 12);	/* a gauge: not exported */
	set_counter(s, "TcpExtTW", 123456789012LL);
	set_counter(s, "TcpExtTCPTimeWaitOverflow", 0);
	set_counter(s, "TcpExtTWRecycled", 5);

	s->sockstat.present = true;
	s->sockstat.inuse = 50;
	s->sockstat.orphan = 1;
	s->sockstat.tw = 3001;
	s->sockstat.alloc = 60;
	s->sockstat.mem = 12;

	s->eph.present = true;
	s->eph.low = 32768;
	s->eph.high = 60999;
	s->eph.size = 28232;
	s->eph.reserved = 10;
	s->eph.holes = 9;
	s->eph.holes_listen = 3;
	s->eph.holes_bound = 1;
	s->eph.holes_closed = 3;
	s->eph.holes_bind = 2;
	s->eph.holes_source = "bind-table";
	s->eph.ports_in_use = 2100;
	s->eph.groups_total = 3;
	s->eph.n_groups = 3;
	/* 30 free + 20 reusable TIME_WAIT = 50 available of 2130 */
	set_group(&s->eph.groups[0], "10.0.0.9", "10.0.0.1", 443, 2100, 30,
		  20, 2000);
	s->eph.groups[0].new_per_s = 2500;
	set_group(&s->eph.groups[1], "2001:db8::2", "2001:db8::1", 8080, 0,
		  0, 0, 0);
	set_group(&s->eph.groups[2], "10.0.0.9", "10.0.0.3", 80, 1, 28209,
		  0, 1);
	s->eph.groups[2].new_per_s = 0.25;
}

/* A snapshot with every section filled. */
static struct snapshot *full_snapshot(void)
{
	struct snapshot *s = snap_new();

	s->seq = 42;
	s->when.tv_sec = 1795255200;
	s->when.tv_nsec = 123999999;
	s->dump_ms = 1.25;
	s->backend = "bpf";
	s->pass_ms = 2.5;
	snprintf(s->kernel, sizeof(s->kernel), "6.18.0-1-amd64");
	snprintf(s->netns, sizeof(s->netns), "ns1");
	snprintf(s->filter, sizeof(s->filter), "dport = :443 and dst \"x\"");
	s->partial = true;
	s->states[TS_ESTABLISHED] = 120;
	s->states[TS_TIME_WAIT] = 3000;
	s->states[TS_LISTEN] = 4;
	s->states[TS_NEW_SYN_RECV] = 7;	/* not one of the eleven shown */
	s->sockets = 3131;
	s->tw.total = 3000;
	s->tw.server_side = 1000;
	s->tw.server_inferred = 250;
	s->tw.client_side = 2000;
	s->tw.rate_valid = true;
	s->tw.new_per_s = 49.5;
	fill_kernel(s);
	return s;
}

static void test_full(void **state)
{
	struct snapshot *s = full_snapshot();
	char *out = emit(s, 2), want[256];

	(void)state;
	snprintf(want, sizeof(want), "twtop_info" NS1 ",version=\"%s\","
		 "kernel=\"6.18.0-1-amd64\",filter=\"dport = :443 and dst "
		 "\\\"x\\\"\",backend=\"bpf\"} 1", PACKAGE_VERSION);
	assert_line(out, want);
	assert_line(out, "# TYPE twtop_info gauge");
	/* 1795255200.123999999 is the double 1795255200.124 */
	assert_line(out, "twtop_sample_timestamp_seconds" NS1 "} "
		    "1795255200.124");
	assert_line(out, "twtop_sample_duration_seconds" NS1 "} 0.0025");
	assert_line(out, "twtop_sample_dump_duration_seconds" NS1 "} "
		    "0.00125");
	assert_line(out, "twtop_sample_partial" NS1 "} 1");
	assert_line(out, "twtop_sample_dump_failed" NS1 "} 0");

	/* the eleven states, lower case, zeros included */
	assert_int_equal(count_prefix(out, "twtop_sockets{"), 11);
	assert_line(out, "twtop_sockets" NS1 ",state=\"established\"} 120");
	assert_line(out, "twtop_sockets" NS1 ",state=\"time_wait\"} 3000");
	assert_line(out, "twtop_sockets" NS1 ",state=\"listen\"} 4");
	assert_line(out, "twtop_sockets" NS1 ",state=\"syn_recv\"} 0");
	assert_line(out, "twtop_sockets" NS1 ",state=\"closing\"} 0");
	assert_line(out, "twtop_time_wait_sockets" NS1 ",side=\"server\"} "
		    "1000");
	assert_line(out, "twtop_time_wait_sockets" NS1 ",side=\"client\"} "
		    "2000");
	assert_line(out, "twtop_time_wait_new_per_second" NS1 "} 49.5");
	assert_line(out, "twtop_time_wait_server_inferred_sockets" NS1 "} "
		    "250");

	/* counters: exported ones as counters, absent ones left out */
	assert_line(out, "# TYPE twtop_tcp_tw_total counter");
	assert_line(out, "twtop_tcp_tw_total" NS1 "} 123456789012");
	assert_line(out, "twtop_tcp_time_wait_overflow_total" NS1 "} 0");
	assert_line(out, "twtop_tcp_tw_recycled_total" NS1 "} 5");
	assert_line(out, "twtop_tcp_active_opens_total" NS1 "} 7000");
	assert_int_equal(count_prefix(out, "twtop_tcp_tw_killed_total"), 0);
	assert_int_equal(count_prefix(out, "# HELP twtop_tcp_passive_opens"),
			 0);
	assert_null(strstr(out, "curr_estab"));
	assert_null(strstr(out, "CurrEstab"));

	/* sockstat, without mem (pages are not a base unit) */
	assert_line(out, "twtop_sockstat_tcp_tw" NS1 "} 3001");
	assert_line(out, "twtop_sockstat_tcp_inuse" NS1 "} 50");
	assert_line(out, "twtop_sockstat_tcp_orphan" NS1 "} 1");
	assert_line(out, "twtop_sockstat_tcp_alloc" NS1 "} 60");
	assert_int_equal(count_prefix(out, "twtop_sockstat_tcp_mem"), 0);

	/* sysctls: base units, absent ones left out, never 0 */
	assert_line(out, "twtop_sysctl_tcp_tw_reuse" NS1 "} 1");
	assert_line(out, "twtop_sysctl_tcp_tw_reuse_delay_seconds" NS1 "} "
		    "1.5");
	assert_line(out, "twtop_sysctl_tcp_max_tw_buckets" NS1 "} "
		    "262144");
	assert_line(out, "twtop_sysctl_tcp_fin_timeout_seconds" NS1 "} 30");
	assert_line(out, "twtop_sysctl_tcp_timestamps" NS1 "} 0");
	assert_no_line(out, "twtop_sysctl_tcp_tw_recycle" NS1 "} 0");
	assert_int_equal(count_prefix(out, "twtop_sysctl_tcp_tw_recycle"), 0);
	assert_int_equal(count_prefix(out,
				      "# HELP twtop_sysctl_tcp_tw_recycle"), 0);
	assert_int_equal(count_prefix(out, "twtop_sysctl_tcp_rfc1337"), 0);

	/* the ephemeral range */
	assert_line(out, "twtop_ephemeral_port_range_low" NS1 "} 32768");
	assert_line(out, "twtop_ephemeral_port_range_high" NS1 "} 60999");
	assert_line(out, "twtop_ephemeral_ports" NS1 "} 28232");
	assert_line(out, "twtop_ephemeral_ports_reserved" NS1 "} 10");
	assert_line(out, "twtop_ephemeral_ports_bound" NS1 "} 9");
	/* the holes by kind add up to ports_bound */
	assert_line(out, "twtop_ephemeral_port_holes" NS1 ",kind=\"listen\"} "
		    "3");
	assert_line(out, "twtop_ephemeral_port_holes" NS1 ",kind=\"bound\"} "
		    "1");
	assert_line(out, "twtop_ephemeral_port_holes" NS1
		    ",kind=\"closed_listener\"} 3");
	assert_line(out, "twtop_ephemeral_port_holes" NS1 ",kind=\"bind\"} 2");
	assert_int_equal(count_prefix(out, "twtop_ephemeral_port_holes{"), 4);
	assert_line(out, "twtop_ephemeral_ports_in_use" NS1 "} 2100");
	assert_line(out, "twtop_destination_groups" NS1 "} 3");

	check_format(out);
	free(out);
	snap_unref(s);
}

static void test_groups(void **state)
{
	struct snapshot *s = full_snapshot();
	char *out = emit(s, 2);
	const char *g0 = NS1 ",local=\"10.0.0.9\",remote=\"10.0.0.1\","
			 "remote_port=\"443\"}";
	const char *g1 = NS1 ",local=\"2001:db8::2\","
			 "remote=\"2001:db8::1\",remote_port=\"8080\"}";
	char line[256];

	(void)state;
	snprintf(line, sizeof(line), "twtop_destination_ports_used%s 2100", g0);
	assert_line(out, line);
	snprintf(line, sizeof(line), "twtop_destination_ports_free%s 30", g0);
	assert_line(out, line);
	snprintf(line, sizeof(line), "twtop_destination_ports_reusable%s 20",
		 g0);
	assert_line(out, line);
	/* available = free + reusable, as the sampler stored it */
	snprintf(line, sizeof(line),
		 "twtop_destination_ports_available%s 50", g0);
	assert_line(out, line);
	snprintf(line, sizeof(line),
		 "twtop_destination_time_wait_sockets%s 2000", g0);
	assert_line(out, line);
	/* the ratio is the stored pressure, 1 - available / capacity */
	snprintf(line, sizeof(line), "twtop_destination_ports_used_ratio%s",
		 g0);
	assert_true(sample_value(out, line) == 1 - 50.0 / 2130.0);
	snprintf(line, sizeof(line),
		 "twtop_destination_time_wait_new_per_second%s 2500", g0);
	assert_line(out, line);
	snprintf(line, sizeof(line), "twtop_destination_ports_used%s 0", g1);
	assert_line(out, line);
	snprintf(line, sizeof(line), "twtop_destination_ports_available%s 0",
		 g1);
	assert_line(out, line);
	/* 0 / 0: no ratio sample for that group, rather than NaN; no rate
	 * measured: no rate sample */
	snprintf(line, sizeof(line), "twtop_destination_ports_used_ratio%s",
		 g1);
	assert_null(strstr(out, line));
	snprintf(line, sizeof(line),
		 "twtop_destination_time_wait_new_per_second%s", g1);
	assert_null(strstr(out, line));
	assert_int_equal(count_prefix(out,
			 "twtop_destination_time_wait_new_per_second{"), 1);
	assert_null(strstr(out, "NaN"));
	/* --top 2: the third group is cut */
	assert_null(strstr(out, "10.0.0.3"));
	assert_int_equal(count_prefix(out, "twtop_destination_ports_used{"), 2);
	assert_int_equal(count_prefix(out,
				      "twtop_destination_ports_used_ratio{"),
			 1);
	free(out);

	/* the ratio is advice_derive's pressure, not a figure of its own */
	s->eph.groups[0].fc.pressure = 0.96875;
	out = emit(s, 2);
	snprintf(line, sizeof(line), "twtop_destination_ports_used_ratio%s "
		 "0.96875", g0);
	assert_line(out, line);
	/* no rate known for any group: the family is left out */
	s->eph.groups[0].new_per_s = -1;
	free(out);
	out = emit(s, 2);
	assert_int_equal(count_prefix(out, "# HELP twtop_destination_time_"
				      "wait_new_per_second"), 0);
	check_format(out);
	free(out);

	out = emit(s, 0);
	assert_int_equal(count_prefix(out, "twtop_destination_ports"), 0);
	assert_int_equal(count_prefix(out, "# HELP twtop_destination_ports"),
			 0);
	assert_line(out, "twtop_destination_groups" NS1 "} 3");
	check_format(out);
	free(out);
	snap_unref(s);
}

/* The label set stays bounded: at most SNAP_TOP_MAX groups, whatever
 * --top and n_groups say. */
static void test_group_bound(void **state)
{
	struct snapshot *s = full_snapshot();
	char *out;

	(void)state;
	s->eph.n_groups = SNAP_TOP_MAX + 40;	/* more than can be kept */
	s->eph.groups_total = 5000;
	for (unsigned int i = 0; i < SNAP_TOP_MAX; i++) {
		char remote[32];

		snprintf(remote, sizeof(remote), "10.1.%u.%u", i / 250,
			 i % 250 + 1);
		set_group(&s->eph.groups[i], "10.0.0.9", remote, 8080,
			  SNAP_TOP_MAX - i, 100, 0, i);
	}
	out = emit(s, 100000);
	assert_int_equal(count_prefix(out, "twtop_destination_ports_used{"),
			 SNAP_TOP_MAX);
	assert_int_equal(count_prefix(out,
				      "twtop_destination_time_wait_sockets{"),
			 SNAP_TOP_MAX);
	assert_line(out, "twtop_destination_groups" NS1 "} 5000");
	check_format(out);
	free(out);

	out = emit(s, 10);
	assert_int_equal(count_prefix(out,
				      "twtop_destination_ports_available{"),
			 10);
	/* the fullest first: the kept order */
	assert_line(out, "twtop_destination_ports_used" NS1 ","
		    "local=\"10.0.0.9\",remote=\"10.1.0.1\","
		    "remote_port=\"8080\"} 256");
	assert_null(strstr(out, "remote=\"10.1.0.11\""));
	free(out);
	snap_unref(s);
}

static void test_escaping(void **state)
{
	struct snapshot *s = snap_new();
	char *out;

	(void)state;
	/* backslash, double quote, newline; an invalid UTF-8 byte becomes
	 * U+FFFD; valid UTF-8 passes */
	snprintf(s->netns, sizeof(s->netns), "a\"b\\c\nd\xff\xc3\xa9");
	snprintf(s->kernel, sizeof(s->kernel), "k\\n");
	out = emit(s, 10);
	assert_line(out, "twtop_sample_partial{netns=\"a\\\"b\\\\c\\nd"
		    "\xef\xbf\xbd\xc3\xa9\"} 0");
	assert_non_null(strstr(out, ",kernel=\"k\\\\n\","));
	/* no raw newline inside a label: every line is well formed */
	check_format(out);
	free(out);
	snap_unref(s);
}

/* A first sample on a machine with little: no rate, counters, sockstat,
 * sysctls or range. What is absent is left out, never written as 0. */
static void test_absent(void **state)
{
	struct snapshot *s = snap_new();
	char *out;

	(void)state;
	out = emit(s, 10);
	assert_line(out, "twtop_sockets{netns=\"\",state=\"time_wait\"} 0");
	assert_null(strstr(out, "twtop_time_wait_new_per_second"));
	assert_null(strstr(out, "_total"));
	assert_null(strstr(out, "twtop_sysctl_"));
	assert_null(strstr(out, "twtop_sockstat_"));
	assert_null(strstr(out, "twtop_ephemeral_"));
	assert_null(strstr(out, "twtop_destination_"));
	assert_line(out, "twtop_advisories{netns=\"\","
		    "id=\"tw-bucket-overflow\",level=\"alarm\"} 0");
	check_format(out);
	free(out);

	/* an invalid rate is left out even when its number is set */
	s->tw.new_per_s = 12;
	s->tw.rate_valid = false;
	out = emit(s, 10);
	assert_null(strstr(out, "twtop_time_wait_new_per_second"));
	free(out);
	snap_unref(s);
}

/* A failed dump: socket counts are zeros that mean nothing, so they are
 * left out; what came from /proc stays. */
static void test_dump_failed(void **state)
{
	struct snapshot *s = full_snapshot();
	char *out;

	(void)state;
	s->dump_failed = true;
	out = emit(s, 10);
	assert_line(out, "twtop_sample_dump_failed" NS1 "} 1");
	assert_null(strstr(out, "twtop_sockets{"));
	assert_null(strstr(out, "twtop_time_wait_sockets"));
	assert_null(strstr(out, "twtop_ephemeral_ports_in_use"));
	assert_null(strstr(out, "twtop_ephemeral_ports_bound"));
	assert_null(strstr(out, "twtop_ephemeral_port_holes"));
	assert_null(strstr(out, "twtop_time_wait_server_inferred_sockets"));
	assert_null(strstr(out, "twtop_destination_"));
	assert_line(out, "twtop_ephemeral_ports" NS1 "} 28232");
	assert_line(out, "twtop_tcp_tw_total" NS1 "} 123456789012");
	assert_line(out, "twtop_sockstat_tcp_tw" NS1 "} 3001");
	check_format(out);
	free(out);
	snap_unref(s);
}

static void test_advisories(void **state)
{
	struct snapshot *s = full_snapshot();
	char *out;

	(void)state;
	add_advisory(s, "tw-bucket-overflow", ADV_ALARM);
	add_advisory(s, "port-group-pressure", ADV_WARN);
	add_advisory(s, "port-group-pressure", ADV_WARN);
	add_advisory(s, "timestamps-off", ADV_WARN);
	add_advisory(s, "a-new-rule", ADV_INFO);
	out = emit(s, 10);
	assert_line(out, "twtop_advisories" NS1 ",id=\"tw-bucket-overflow\","
		    "level=\"alarm\"} 1");
	assert_line(out, "twtop_advisories" NS1 ",id=\"port-group-pressure\","
		    "level=\"warn\"} 2");
	assert_line(out, "twtop_advisories" NS1 ",id=\"port-group-pressure\","
		    "level=\"alarm\"} 0");
	assert_line(out, "twtop_advisories" NS1 ",id=\"timestamps-off\","
		    "level=\"warn\"} 1");
	assert_line(out, "twtop_advisories" NS1 ",id=\"timestamps-off\","
		    "level=\"info\"} 0");
	assert_line(out, "twtop_advisories" NS1 ",id=\"tw-bucket-near-cap\","
		    "level=\"warn\"} 0");
	/* an id twtop does not know yet still shows while active */
	assert_line(out, "twtop_advisories" NS1 ",id=\"a-new-rule\","
		    "level=\"info\"} 1");
	/* the stable set: every known pair once, plus the new one */
	assert_int_equal(count_prefix(out, "twtop_advisories{"), 13);
	assert_int_equal(count_prefix(out, "# TYPE twtop_advisories gauge"), 1);
	check_format(out);
	free(out);
	snap_unref(s);
}

/* A UI calls setlocale(LC_ALL, ""): a comma decimal separator must not
 * reach the file. Skipped where no such locale is installed. */
static void test_locale(void **state)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
	};
	struct snapshot *s = full_snapshot();
	bool found = false;
	char *out;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]) != NULL) {
			found = true;
			break;
		}
	if (!found) {
		snap_unref(s);
		/* the reason for the console (tests/run_test.sh) */
		printf("SKIP: %s: no comma-decimal locale (de_DE.UTF-8, "
		       "fr_FR.UTF-8) installed; Debian: locales-all\n",
		       __func__);
		skip();
	}
	out = emit(s, 10);
	setlocale(LC_NUMERIC, "C");
	assert_line(out, "twtop_time_wait_new_per_second" NS1 "} 49.5");
	assert_line(out, "twtop_sample_duration_seconds" NS1 "} 0.0025");
	free(out);
	snap_unref(s);
}

/* Reads a whole file; NULL when it cannot be opened. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (f == NULL)
		return NULL;
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Entries of dir other than . and .. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_file(void **state)
{
	struct snapshot *s = full_snapshot();
	char dir[] = "/tmp/test_prom.XXXXXX", path[PATH_MAX];
	char err[PATH_MAX + 64];
	char *want, *got, *old;
	struct stat st1, st2;
	FILE *reader;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	umask(077);	/* the file is 0644 whatever the umask */
	assert_int_equal(prom_write_file(path, s, 2, err, sizeof(err)), 0);
	umask(022);
	want = emit(s, 2);
	got = slurp(path);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(st1.st_mode & 07777, 0644);
	assert_int_equal(dir_entries(dir), 1);	/* no temporary left */

	/* rewriting replaces the file by rename: a reader that opened the
	 * old one still reads it whole, a new reader gets the new one */
	reader = fopen(path, "r");
	assert_non_null(reader);
	s->states[TS_TIME_WAIT] = 4242;
	assert_int_equal(prom_write_file(path, s, 2, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	old = slurp(path);
	assert_non_null(strstr(old, "state=\"time_wait\"} 4242\n"));
	free(old);
	{
		char line[256];
		bool seen_old = false;

		while (fgets(line, sizeof(line), reader))
			seen_old |= strstr(line, "state=\"time_wait\"} 3000\n")
				    != NULL;
		assert_true(seen_old);
	}
	fclose(reader);
	assert_int_equal(dir_entries(dir), 1);

	/* a relative path: the temporary goes beside it, in the cwd */
	{
		char cwd[PATH_MAX];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		assert_int_equal(chdir(dir), 0);
		assert_int_equal(prom_write_file("rel.prom", s, 2, err,
						 sizeof(err)), 0);
		assert_int_equal(chdir(cwd), 0);
		snprintf(path, sizeof(path), "%s/rel.prom", dir);
		assert_int_equal(unlink(path), 0);
	}
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(want);
	free(got);
	snap_unref(s);
}

/* Expects prom_write_file(path) to fail with "path: reason" and to leave
 * dir as it was. */
static void assert_write_fails(const char *path, const char *reason,
			       const char *dir, int entries)
{
	struct snapshot *s = full_snapshot();
	char err[PATH_MAX + 64], want[PATH_MAX + 64];

	memset(err, 0, sizeof(err));
	assert_int_equal(prom_write_file(path, s, 10, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", path, reason);
	assert_string_equal(err, want);
	assert_int_equal(dir_entries(dir), entries);
	snap_unref(s);
}

static void test_write_errors(void **state)
{
	char dir[] = "/tmp/test_prom.XXXXXX", path[PATH_MAX], sub[PATH_MAX];
	char longp[PATH_MAX + 16];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* a missing directory */
	snprintf(path, sizeof(path), "%s/missing/twtop.prom", dir);
	assert_write_fails(path, "No such file or directory", dir, 0);
	/* the target is a directory: refused, no temporary left */
	snprintf(sub, sizeof(sub), "%s/sub.prom", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_write_fails(sub, "not a regular file (a directory); refusing "
			   "to replace it", dir, 1);
	/* a path ending in '/' names no file */
	snprintf(path, sizeof(path), "%s/", dir);
	assert_write_fails(path, "Is a directory", dir, 1);
	/* a regular file where a directory should be */
	snprintf(path, sizeof(path), "%s/plain", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/plain/twtop.prom", dir);
	assert_write_fails(path, "Not a directory", dir, 2);
	/* too long for the temporary name */
	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_write_fails(longp, "File name too long", dir, 2);

	snprintf(path, sizeof(path), "%s/plain", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A target that exists and is not a regular file (FIFO, symbolic link,
 * device) is refused and left as it was: rename() would replace it. */
static void test_write_not_regular(void **state)
{
	char dir[] = "/tmp/test_prom.XXXXXX", path[PATH_MAX], reg[PATH_MAX];
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo.prom", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_write_fails(path, "not a regular file (a FIFO); refusing to "
			   "replace it", dir, 1);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(unlink(path), 0);
	/* a symbolic link, even to a regular file, is not followed */
	snprintf(reg, sizeof(reg), "%s/real", dir);
	f = fopen(reg, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/link.prom", dir);
	assert_int_equal(symlink(reg, path), 0);
	assert_write_fails(path, "not a regular file (a symbolic link); "
			   "refusing to replace it", dir, 2);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(reg), 0);
	/* a device node (root only: mknod); a copy of /dev/null */
	snprintf(path, sizeof(path), "%s/null.prom", dir);
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		assert_write_fails(path, "not a regular file (a character "
				   "device); refusing to replace it", dir, 1);
		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		assert_int_equal(unlink(path), 0);
	} else {
		print_message("mknod: %s: device case skipped\n",
			      strerror(errno));
	}
	assert_int_equal(rmdir(dir), 0);
}

/* A directory the user cannot write: as root, checked in a child that
 * drops to nobody (root writes anywhere); otherwise with chmod. */
static void test_write_unwritable(void **state)
{
	char dir[] = "/tmp/test_prom.XXXXXX", path[PATH_MAX];
	char err[PATH_MAX + 64], want[PATH_MAX + 64];
	struct snapshot *s = full_snapshot();
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0555), 0);
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	snprintf(want, sizeof(want), "%s: Permission denied", path);
	if (geteuid() != 0) {
		assert_int_equal(prom_write_file(path, s, 10, err,
						 sizeof(err)), -1);
		assert_string_equal(err, want);
	} else {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(3);
			if (prom_write_file(path, s, 10, err,
					    sizeof(err)) != -1)
				_exit(1);
			_exit(strcmp(err, want) == 0 ? 0 : 2);
		}
		assert_true(waitpid(pid, &status, 0) == pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 3) {
			print_message("cannot drop to uid 65534: skipped\n");
		} else {
			assert_int_equal(WEXITSTATUS(status), 0);
		}
	}
	assert_int_equal(dir_entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	snap_unref(s);
}

/* A write error (disk full) is reported, not hidden by buffering. */
static void test_write_full_disk(void **state)
{
	struct snapshot *s = full_snapshot();
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL) {
		snap_unref(s);
		skip();
	}
	errno = 0;
	assert_int_equal(prom_write(f, s, 10), -1);
	assert_int_equal(errno, ENOSPC);
	fclose(f);
	snap_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_group_bound),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_dump_failed),
		cmocka_unit_test(test_advisories),
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_write_file),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_write_not_regular),
		cmocka_unit_test(test_write_unwritable),
		cmocka_unit_test(test_write_full_disk),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	if (failed == 0 && ext_skipped != NULL) {
		printf("SKIP: %s: the output was not checked by "
		       "prometheus_client\n", ext_skipped);
		return 77;
	}
	return failed;
}
