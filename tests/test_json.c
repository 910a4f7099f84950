/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for the JSON writer and the snapshot schema. Output is checked
 * byte for byte where the format is fixed, and whole documents are parsed
 * by Python's json module (strict: no NaN, no duplicate keys, UTF-8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twtop/json.h"
#include "twtop/snapshot.h"

extern char **environ;

/* Parses argv[1] strictly, then evaluates each further argument with the
 * document bound to d; exits 1 naming the first that is false. */
static const char py_script[] =
	"import json,sys\n"
	"def bad(c): raise ValueError('non-finite number ' + c)\n"
	"def pairs(kv):\n"
	"    keys = [k for k, _ in kv]\n"
	"    if len(keys) != len(set(keys)): raise ValueError('duplicate key')\n"
	"    return dict(kv)\n"
	"d = json.load(open(sys.argv[1], encoding='utf-8'),\n"
	"              parse_constant=bad, object_pairs_hook=pairs)\n"
	"for e in sys.argv[2:]:\n"
	"    if not eval(e):\n"
	"        print('python check failed: ' + e, file=sys.stderr)\n"
	"        sys.exit(1)\n";

/* Runs python3 on a file with checks (NULL-terminated); returns its exit
 * status, or -1 when python3 cannot be run. */
static int py_run(const char *path, const char *const *checks)
{
	const char *argv[256] = { "python3", "-c", py_script, path };
	int n = 4, status;
	pid_t pid;

	while (checks != NULL && *checks != NULL && n < 255)
		argv[n++] = *checks++;
	/* every check runs: none is cut off silently */
	assert_true(checks == NULL || *checks == NULL);
	argv[n] = NULL;
	if (posix_spawnp(&pid, "python3", NULL, NULL, (char *const *)argv,
			 environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	/* posix_spawnp may report a missing program as exit 127. */
	return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

/* Set when python3 could not check a file: main then exits 77 (SKIP),
 * once the C checks have passed, rather than pass what went unchecked. */
static bool py_missing;

/* Asserts the file is valid JSON satisfying the checks; a machine without
 * python3 skips only this assertion, and the binary then says SKIP. */
static void py_check(const char *path, const char *const *checks)
{
	int rc = py_run(path, checks);

	if (rc < 0) {
		py_missing = true;
		return;
	}
	assert_int_equal(rc, 0);
}

/* Reads a whole file into a NUL-terminated string. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Writes s to a fresh temporary file; returns its text, path in path. */
static char *emit(const struct snapshot *s, const struct json_opts *o,
		  char *path, size_t len)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	FILE *f;
	int fd;

	snprintf(path, len, "%s/test_json.XXXXXX", dir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(json_snapshot(f, s, o), 0);
	assert_int_equal(fclose(f), 0);
	return slurp(path);
}

/* Runs a writer sequence into memory and returns the text. */
struct memout {
	char *buf;
	size_t len;
	FILE *f;
	struct jw w;
};

static void mem_open(struct memout *m, bool pretty)
{
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	jw_init(&m->w, m->f, pretty);
}

static char *mem_close(struct memout *m)
{
	assert_int_equal(fclose(m->f), 0);
	return m->buf;
}

/* Writes one string value and returns the quoted text. */
static char *quoted(const char *s)
{
	struct memout m;

	mem_open(&m, false);
	jw_str(&m.w, s);
	return mem_close(&m);
}

/* Writes one double and returns the text. */
static char *number(double v)
{
	struct memout m;

	mem_open(&m, false);
	jw_double(&m.w, v);
	return mem_close(&m);
}

static void assert_quoted(const char *in, const char *want)
{
	char *got = quoted(in);

	assert_string_equal(got, want);
	free(got);
}

static void assert_number(double v, const char *want)
{
	char *got = number(v);

	assert_string_equal(got, want);
	free(got);
}

/* The nested document both layout tests write. */
static void write_nested(struct jw *w)
{
	jw_obj_begin(w);
	jw_key(w, "a");
	jw_int(w, 1);
	jw_key(w, "b");
	jw_arr_begin(w);
	jw_uint(w, 2);
	jw_bool(w, true);
	jw_obj_begin(w);
	jw_key(w, "c");
	jw_null(w);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "d");
	jw_obj_begin(w);
	jw_obj_end(w);
	jw_key(w, "e");
	jw_arr_begin(w);
	jw_arr_end(w);
	jw_key(w, "f");
	jw_str(w, NULL);
	jw_obj_end(w);
}

static void test_writer_compact(void **state)
{
	struct memout m;
	char *out;

	(void)state;
	mem_open(&m, false);
	write_nested(&m.w);
	out = mem_close(&m);
	assert_string_equal(out,
		"{\"a\":1,\"b\":[2,true,{\"c\":null}],\"d\":{},\"e\":[],"
		"\"f\":null}");
	free(out);
}

static void test_writer_pretty(void **state)
{
	struct memout m;
	char *out;

	(void)state;
	mem_open(&m, true);
	write_nested(&m.w);
	out = mem_close(&m);
	assert_string_equal(out,
		"{\n"
		"  \"a\": 1,\n"
		"  \"b\": [\n"
		"    2,\n"
		"    true,\n"
		"    {\n"
		"      \"c\": null\n"
		"    }\n"
		"  ],\n"
		"  \"d\": {},\n"
		"  \"e\": [],\n"
		"  \"f\": null\n"
		"}");
	free(out);
}

static void test_escape(void **state)
{
	(void)state;
	assert_quoted("", "\"\"");
	assert_quoted("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	assert_quoted("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	assert_quoted("\x01\x1f", "\"\\u0001\\u001f\"");
	assert_quoted("del\x7f", "\"del\x7f\"");
	/* Valid UTF-8: 2, 3 and 4 byte forms pass through untouched. */
	assert_quoted("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		      "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	assert_quoted("\xef\xbf\xbf\xf4\x8f\xbf\xbf",
		      "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_quoted("a\xff" "b", "\"a\\ufffdb\"");
	assert_quoted("\x80", "\"\\ufffd\"");
	/* Overlong encodings of '/' and NUL. */
	assert_quoted("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	assert_quoted("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	/* A UTF-16 surrogate, and a code point past U+10FFFF. */
	assert_quoted("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_quoted("\xf4\x90\x80\x80",
		      "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* Truncated sequences: at the end, and before an ASCII byte. */
	assert_quoted("x\xe2\x82", "\"x\\ufffd\\ufffd\"");
	assert_quoted("\xe2\x82" "A\xc3", "\"\\ufffd\\ufffdA\\ufffd\"");
	/* An invalid byte before a quote still lets the quote be escaped. */
	assert_quoted("\xfe\"", "\"\\ufffd\\\"\"");
}

static void test_numbers(void **state)
{
	struct memout m;
	char *out;
	const double samples[] = {
		1.0 / 3, 2.0 / 3, 0.1 + 0.2, 1795255200.123, 5e-324,
		1.7976931348623157e308, -123456.789e-10,
	};

	(void)state;
	assert_number(NAN, "null");
	assert_number(INFINITY, "null");
	assert_number(-INFINITY, "null");
	assert_number(0.0, "0");
	assert_number(0.1, "0.1");
	assert_number(-2.5, "-2.5");
	assert_number(49.5, "49.5");
	assert_number(1.0 / 3, "0.3333333333333333");
	assert_number(0.1 + 0.2, "0.30000000000000004");
	assert_number(1e300, "1e+300");
	assert_number(1795255200.123, "1795255200.123");
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		out = number(samples[i]);
		assert_true(strtod(out, NULL) == samples[i]);
		free(out);
	}

	mem_open(&m, false);
	jw_arr_begin(&m.w);
	jw_int(&m.w, LLONG_MIN);
	jw_uint(&m.w, ULLONG_MAX);
	jw_int(&m.w, -1);
	jw_double(&m.w, NAN);
	jw_arr_end(&m.w);
	out = mem_close(&m);
	assert_string_equal(out, "[-9223372036854775808,"
			    "18446744073709551615,-1,null]");
	free(out);
}

/* A UI calls setlocale(LC_ALL, ""): a comma decimal separator must not
 * leak into JSON. Skipped where no such locale is installed. */
static void test_numbers_locale(void **state)
{
	static const char *const names[] = {
		"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
	};
	bool found = false;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]) != NULL) {
			found = true;
			break;
		}
	if (!found) {
		/* the reason for the console (tests/run_test.sh) */
		printf("SKIP: %s: no comma-decimal locale (de_DE.UTF-8, "
		       "fr_FR.UTF-8) installed; Debian: locales-all\n",
		       __func__);
		skip();
	}
	assert_number(0.5, "0.5");
	assert_number(-1234.25, "-1234.25");
	assert_number(1.0 / 3, "0.3333333333333333");
	setlocale(LC_NUMERIC, "C");
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
		       bool numeric, long long num, const char *text)
{
	struct snap_sysctl *c = &s->sysctls[s->n_sysctls++];

	c->name = name;
	c->present = present;
	c->numeric = numeric;
	c->num = num;
	snprintf(c->text, sizeof(c->text), "%s", text);
}

static void set_port(struct snap_port *p, uint16_t port, bool listening,
		     uint32_t tw, uint32_t total)
{
	p->port = port;
	p->listening = listening;
	p->server = listening;
	p->time_wait = tw;
	p->total = total;
	p->new_per_s = -1;
}

/* A group as the sampler and advice_derive leave it: json.c only
 * formats these, so each is set to a value it could get wrong. */
static void set_group(struct snap_group *g, const char *local,
		      const char *remote, uint16_t rport, uint32_t used,
		      uint32_t free, uint32_t reusable, uint32_t tw)
{
	set_addr(&g->local, local);
	set_addr(&g->remote, remote);
	g->remote_port = rport;
	g->used = used;
	g->free = free;
	g->reusable = reusable;
	g->available = free + reusable;
	g->time_wait = tw;
	g->new_per_s = -1;
	g->fc.full_in_s = -1;
}

/* The forecast advice_derive would store: text, and where it settles. */
static void set_forecast(struct snap_group *g, double capacity,
			 double hold_s, double steady_share, double full_in_s,
			 const char *text)
{
	struct snap_forecast *fc = &g->fc;

	fc->known = true;
	fc->reuse = g->reuse;
	fc->capacity = capacity;
	fc->share = g->used / capacity;
	fc->pressure = 1 - g->available / capacity;
	fc->rate_in = g->new_per_s > 0 ? g->new_per_s : 0;
	fc->hold_s = hold_s;
	fc->steady_share = steady_share;
	fc->steady_used = steady_share * capacity;
	fc->fills = full_in_s >= 0;
	fc->full_in_s = full_in_s;
	snprintf(fc->text, sizeof(fc->text), "%s", text);
}

/* Peers, ports and ephemeral groups: more than top = 2 of each. */
static void fill_tops(struct snapshot *s)
{
	set_addr(&s->peers[0].addr, "10.0.0.1");
	s->peers[0].states[TS_TIME_WAIT] = 2000;
	s->peers[0].states[TS_ESTABLISHED] = 20;
	s->peers[0].time_wait = 2000;
	s->peers[0].total = 2020;
	s->peers[0].new_per_s = 33.25;
	set_addr(&s->peers[1].addr, "2001:db8::1");
	s->peers[1].states[TS_TIME_WAIT] = 5;
	s->peers[1].time_wait = 5;
	s->peers[1].total = 5;
	s->peers[1].new_per_s = -1;	/* unknown: null */
	set_addr(&s->peers[2].addr, "192.168.1.2");
	s->peers[2].states[TS_ESTABLISHED] = 1;
	s->peers[2].total = 1;
	s->n_peers = 3;
	s->peers_total = 17;

	set_port(&s->lports[0], 80, true, 1000, 1010);
	s->lports[0].new_per_s = 16.5;
	/* a listener that closed within 60 s: still the server side */
	set_port(&s->lports[1], 40000, false, 1, 1);
	s->lports[1].server = true;
	s->lports[1].new_per_s = 0;
	set_port(&s->lports[2], 40001, false, 0, 1);
	s->n_lports = 3;
	set_port(&s->rports[0], 443, false, 2000, 2020);
	s->rports[0].new_per_s = 49.5;
	s->n_rports = 1;

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
	s->eph.tw_reuse = 2;
	s->eph.timestamps = true;
	s->eph.reuse_delay_ms = 1500;
	s->eph.ports_in_use = 2100;
	s->eph.groups_total = 3;
	s->eph.n_groups = 3;
	/* loopback-free but tcp_tw_reuse 1-like: 20 of its TIME_WAIT are
	 * past the delay; 30 ports free; 50 available of 2130 */
	set_group(&s->eph.groups[0], "10.0.0.9", "10.0.0.1", 443, 2100, 30,
		  20, 2000);
	s->eph.groups[0].reuse = true;
	s->eph.groups[0].tw_young = 10;
	s->eph.groups[0].tw_expiring = 40;
	memcpy(s->eph.groups[0].tw_exp,
	       (uint32_t[SNAP_EXP_BANDS]){ 40, 300, 400, 500, 600, 160 },
	       sizeof(s->eph.groups[0].tw_exp));
	s->eph.groups[0].new_per_s = 2500;
	set_forecast(&s->eph.groups[0], 2130, 1.5, 1.8075, 12.75,
		     "full in 12 s");
	s->eph.groups[0].fc.rate_in = 2400;	/* the last 10 s */
	s->eph.groups[0].fc.sure_in = 2300;
	/* empty: no capacity, nothing known */
	set_group(&s->eph.groups[1], "2001:db8::2", "2001:db8::1", 8080, 0,
		  0, 0, 0);
	s->eph.groups[1].stopped = true;
	set_group(&s->eph.groups[2], "10.0.0.9", "10.0.0.3", 80, 1, 28209,
		  0, 1);
	s->eph.groups[2].new_per_s = 0;
	set_forecast(&s->eph.groups[2], 28210, 60, 0.25, -1,
		     "steady at 25 %");
}

/* Sysctls, counters, rates and sockstat, with absent and NaN values. */
static void fill_kernel(struct snapshot *s)
{
	set_sysctl(s, "net.ipv4.tcp_tw_reuse", true, true, 2, "2");
	set_sysctl(s, "net.ipv4.tcp_tw_recycle", false, false, 0, "");
	set_sysctl(s, "net.ipv4.ip_local_port_range", true, false, 0,
		   "32768\t60999");
	set_sysctl(s, "net.ipv4.tcp_max_tw_buckets", true, true, 262144,
		   "262144");

	s->counters_present = true;
	snprintf(s->counters[0].name, sizeof(s->counters[0].name), "TcpExtTW");
	s->counters[0].value = 123456789012LL;
	snprintf(s->counters[1].name, sizeof(s->counters[1].name),
		 "TcpExtTCPTimeWaitOverflow");
	s->counters[1].value = 0;
	s->n_counters = 2;

	s->rates[0] = (struct snap_rate){ "TcpExtTW", true, 49.5 };
	s->rates[1] = (struct snap_rate){ "TcpExtTWRecycled", false, 3.0 };
	s->rates[2] = (struct snap_rate){ "TcpExtTCPTimeWaitOverflow", true,
					  NAN };
	s->n_rates = 3;

	s->sockstat.present = true;
	s->sockstat.inuse = 50;
	s->sockstat.orphan = 1;
	s->sockstat.tw = 3001;
	s->sockstat.alloc = 60;
	s->sockstat.mem = 12;
}

/* A drill-down on an IPv6 peer with two sockets. */
static void fill_focus(struct snapshot *s)
{
	struct snap_focus *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->req.kind = FOCUS_PEER;
	set_addr(&f->req.addr, "2001:db8::1");
	f->states[TS_TIME_WAIT] = 5;
	f->states[TS_ESTABLISHED] = 1;
	f->total = 6;
	f->tw_client = 5;
	f->age[1] = 5;
	f->tw_young = 5;
	f->fetched = 7;
	f->dump_ms = 0.5;
	snprintf(f->expr, sizeof(f->expr), "dst [2001:db8::1]");
	f->new_per_s = 24.75;
	f->groups_total = 3;
	f->n_groups = 1;
	set_group(&f->groups[0], "2001:db8::2", "2001:db8::1", 443, 6, 4, 0,
		  5);
	f->groups[0].tw_young = 5;
	f->groups[0].tw_exp[5] = 5;
	f->groups[0].new_per_s = 24.75;
	set_forecast(&f->groups[0], 10, 60, 148.6, 0.25, "full in under 1 s");
	set_port(&f->lports[0], 40001, false, 1, 1);
	f->n_lports = 1;
	set_port(&f->rports[0], 443, false, 5, 6);
	f->n_rports = 1;
	set_addr(&f->socks[0].local, "2001:db8::2");
	set_addr(&f->socks[0].remote, "2001:db8::1");
	f->socks[0].lport = 40001;
	f->socks[0].rport = 443;
	f->socks[0].state = TS_TIME_WAIT;
	f->socks[0].timer = 3;
	f->socks[0].expires = 59000;
	f->socks[1] = f->socks[0];
	f->socks[1].state = TS_ESTABLISHED;
	f->socks[1].timer = 0;
	f->socks[1].expires = 0;
	f->n_socks = 2;
	s->focus = f;
}

/* A snapshot with every section filled, including awkward values. */
static struct snapshot *full_snapshot(void)
{
	struct snapshot *s = snap_new();

	s->seq = 42;
	s->when.tv_sec = 1795255200;	/* 2026-11-21T10:00:00Z */
	s->when.tv_nsec = 123999999;
	s->dump_ms = 1.25;
	s->backend = "bpf";
	s->pass_ms = 2.5;
	s->sockets_age_s = 3.5;
	s->full_every_s = 8;
	s->cpu_budget = 5;
	snprintf(s->host, sizeof(s->host), "we\"b\\1\nx\x01y");
	snprintf(s->kernel, sizeof(s->kernel), "6.18.0-1-amd64");
	snprintf(s->netns, sizeof(s->netns), "ns1");
	snprintf(s->filter, sizeof(s->filter), "dport = :443 and dst \"x\"");
	s->partial = true;
	s->states[TS_ESTABLISHED] = 120;
	s->states[TS_TIME_WAIT] = 3000;
	s->states[TS_LISTEN] = 4;
	s->states[TS_NEW_SYN_RECV] = 7;
	s->states[TS_BOUND_INACTIVE] = 4;
	s->sockets = 3131;
	s->tw.total = 3000;
	s->tw.server_side = 1000;
	s->tw.server_inferred = 250;
	s->tw.client_side = 2000;
	s->tw.eph_held = 1900;
	s->tw.rate_valid = true;
	s->tw.new_per_s = 49.5;
	s->tw.rate_source = "ages";
	s->tw.ages_per_s = 47.25;
	s->tw.window_s = 1.5;
	s->tw.rate_estimated = true;
	s->tw.age[0] = 10;
	s->tw.age[11] = 300;
	fill_tops(s);
	fill_kernel(s);
	fill_focus(s);
	s->hist[0] = (struct snap_hist){ 1795255198.5, 2900, 110, -1 };
	s->hist[1] = (struct snap_hist){ 1795255199.5, 2950, 115, 50.25 };
	s->n_hist = 2;
	return s;
}

static void test_snapshot_full(void **state)
{
	static const char *const checks[] = {
		"d['twtop_version'] == '0.1.0' and d['format'] == 2",
		"d['time'] == '2026-11-21T10:00:00.123Z'",
		"abs(d['unix_time'] - 1795255200.124) < 1e-6",
		"d['host'] == 'we\"b\\\\1\\nx\\x01y'",
		"d['kernel'] == '6.18.0-1-amd64' and d['netns'] == 'ns1'",
		"d['filter'] == 'dport = :443 and dst \"x\"'",
		"d['seq'] == 42",
		"d['sample'] == {'dump_ms': 1.25, 'pass_ms': 2.5, 'backend': 'bpf',"
		" 'sockets_age_s': 3.5, 'full_pass_every_s': 8,"
		" 'cpu_budget_pct': 5, 'partial': True, 'dump_failed': False,"
		" 'error': None}",
		"d['sockets'] == 3131 and d['bound_inactive'] == 4",
		"list(d).index('bound_inactive') == list(d).index('sockets') + 1",
		"'BOUND_INACTIVE' not in d['states']",
		"list(d['states']) == ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV',"
		" 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT',"
		" 'LAST_ACK', 'LISTEN', 'CLOSING']",
		"d['states']['TIME_WAIT'] == 3000 and d['states']['LISTEN'] == 4",
		"d['time_wait']['total'] == 3000",
		"d['time_wait']['server_side'] == 1000",
		"d['time_wait']['client_side'] == 2000",
		"d['time_wait']['new_per_s'] == 49.5",
		"list(d['time_wait']) == ['total', 'server_side',"
		" 'server_inferred', 'client_side', 'eph_held', 'new_per_s',"
		" 'rate_source', 'ages_per_s', 'window_s', 'rate_estimated',"
		" 'age_histogram']",
		"d['time_wait']['server_inferred'] == 250",
		"d['time_wait']['eph_held'] == 1900",
		"d['time_wait']['rate_source'] == 'ages'",
		"d['time_wait']['ages_per_s'] == 47.25",
		"d['time_wait']['window_s'] == 1.5",
		"d['time_wait']['rate_estimated'] is True",
		"[(b['from_s'], b['to_s']) for b in d['time_wait']"
		"['age_histogram']] == [(5*i, 5*i+5) for i in range(12)]",
		"[b['count'] for b in d['time_wait']['age_histogram']] =="
		" [10] + [0]*10 + [300]",
		"len(d['top_peers']) == 2 and d['peers_total'] == 17",
		"d['top_peers'][0] == {'addr': '10.0.0.1', 'family': 4,"
		" 'time_wait': 2000, 'total': 2020, 'new_per_s': 33.25,"
		" 'states': {'ESTABLISHED': 20, 'TIME_WAIT': 2000}}",
		"d['top_peers'][1]['new_per_s'] is None",
		"d['top_peers'][1]['addr'] == '2001:db8::1'",
		"d['top_peers'][1]['family'] == 6",
		"d['top_peers'][1]['states'] == {'TIME_WAIT': 5}",
		/* the side follows "server": 40000 stopped listening */
		"d['top_local_ports'] == [{'port': 80, 'time_wait': 1000,"
		" 'total': 1010, 'new_per_s': 16.5, 'listening': True,"
		" 'server': True, 'side': 'server'},"
		" {'port': 40000, 'time_wait': 1, 'total': 1, 'new_per_s': 0,"
		" 'listening': False, 'server': True, 'side': 'server'}]",
		"d['top_remote_ports'] == [{'port': 443, 'time_wait': 2000,"
		" 'total': 2020, 'new_per_s': 49.5, 'server': False,"
		" 'side': 'client'}]",
		"{k: v for k, v in d['ephemeral'].items() if k != 'groups'} =="
		" {'low': 32768, 'high': 60999, 'size': 28232, 'reserved': 10,"
		" 'holes': 9, 'holes_listen': 3, 'holes_bound': 1,"
		" 'holes_closed': 3, 'holes_bind': 2,"
		" 'holes_source': 'bind-table',"
		" 'ports_in_use': 2100, 'tw_reuse': 2, 'timestamps': True,"
		" 'reuse_delay_ms': 1500, 'groups_total': 3}",
		"list(d['ephemeral'])[-2:] == ['groups_total', 'groups']",
		"len(d['ephemeral']['groups']) == 2",
		"d['ephemeral']['groups'][0]['local'] == '10.0.0.9'",
		"d['ephemeral']['groups'][0]['remote'] == '10.0.0.1'",
		"d['ephemeral']['groups'][0]['remote_port'] == 443",
		"list(d['ephemeral']['groups'][0]) == ['local', 'remote',"
		" 'remote_port', 'used', 'free', 'reusable', 'available',"
		" 'reuse', 'time_wait', 'capacity', 'share', 'pressure',"
		" 'tw_young', 'tw_expiring', 'tw_expiring_bands', 'new_per_s',"
		" 'stopped', 'forecast_per_s', 'sure_per_s', 'hold_s',"
		" 'steady_share',"
		" 'full_in_s', 'forecast', 'connect_failures',"
		" 'connect_failures_per_s']",
		"d['ephemeral']['groups'][0]['used'] == 2100",
		/* available is free + reusable, as stored */
		"d['ephemeral']['groups'][0]['free'] == 30",
		"d['ephemeral']['groups'][0]['reusable'] == 20",
		"d['ephemeral']['groups'][0]['available'] == 50",
		"d['ephemeral']['groups'][0]['reuse'] is True",
		"d['ephemeral']['groups'][0]['time_wait'] == 2000",
		"d['ephemeral']['groups'][0]['capacity'] == 2130",
		"abs(d['ephemeral']['groups'][0]['share'] - 2100/2130) < 1e-15",
		"abs(d['ephemeral']['groups'][0]['pressure'] - (1 - 50/2130))"
		" < 1e-15",
		"d['ephemeral']['groups'][0]['tw_young'] == 10",
		"d['ephemeral']['groups'][0]['tw_expiring'] == 40",
		"d['ephemeral']['groups'][0]['tw_expiring_bands'] =="
		" [40, 300, 400, 500, 600, 160]",
		"d['ephemeral']['groups'][0]['new_per_s'] == 2500",
		"d['ephemeral']['groups'][0]['stopped'] is False",
		"d['ephemeral']['groups'][1]['stopped'] is True",
		"d['ephemeral']['groups'][0]['forecast_per_s'] == 2400",
		"d['ephemeral']['groups'][0]['sure_per_s'] == 2300",
		"d['ephemeral']['groups'][1]['forecast_per_s'] is None",
		"d['ephemeral']['groups'][0]['hold_s'] == 1.5",
		"d['ephemeral']['groups'][0]['steady_share'] == 1.8075",
		"d['ephemeral']['groups'][0]['full_in_s'] == 12.75",
		"d['ephemeral']['groups'][0]['forecast'] == 'full in 12 s'",
		/* nothing known: null, not 0 or NaN */
		"d['ephemeral']['groups'][1]['remote'] == '2001:db8::1'",
		"d['ephemeral']['groups'][1]['capacity'] == 0",
		"d['ephemeral']['groups'][1]['share'] is None",
		"d['ephemeral']['groups'][1]['pressure'] is None",
		"d['ephemeral']['groups'][1]['new_per_s'] is None",
		"d['ephemeral']['groups'][1]['steady_share'] is None",
		"d['ephemeral']['groups'][1]['full_in_s'] is None",
		"d['ephemeral']['groups'][1]['forecast'] is None",
		"d['ephemeral']['groups'][1]['reuse'] is False",
		"d['ephemeral']['groups'][1]['tw_expiring_bands'] == [0] * 6",
		"d['sysctl'] == {'net.ipv4.tcp_tw_reuse': 2,"
		" 'net.ipv4.tcp_tw_recycle': None,"
		" 'net.ipv4.ip_local_port_range': '32768\\t60999',"
		" 'net.ipv4.tcp_max_tw_buckets': 262144}",
		"d['counters'] == {'TcpExtTW': 123456789012,"
		" 'TcpExtTCPTimeWaitOverflow': 0}",
		"d['rates'] == {'TcpExtTW': 49.5, 'TcpExtTWRecycled': None,"
		" 'TcpExtTCPTimeWaitOverflow': None}",
		"d['sockstat'] == {'inuse': 50, 'orphan': 1, 'tw': 3001,"
		" 'alloc': 60, 'mem': 12}",
		/* nf_conntrack not loaded: null, never 0 */
		"d['conntrack'] == {'count': None, 'max': None}",
		"list(d).index('conntrack') == list(d).index('rates') + 1",
		"d['folded_ports'] == {'ephemeral_local': {'ports': 0,"
		" 'time_wait': 0, 'total': 0, 'new_per_s': 0},"
		" 'clients_inbound': {'ports': 0, 'time_wait': 0, 'total': 0,"
		" 'new_per_s': 0}}",
		"list(d).index('folded_ports') =="
		" list(d).index('top_remote_ports') + 1",
		"d['focus']['kind'] == 'peer'",
		"d['focus']['addr'] == '2001:db8::1' and 'port' not in d['focus']",
		"d['focus']['states']['TIME_WAIT'] == 5",
		"len(d['focus']['states']) == 11",
		"d['focus']['total'] == 6",
		"d['focus']['tw_young'] == 5 and d['focus']['new_per_s'] == 24.75",
		"d['focus']['partial'] is False",
		"d['focus']['kernel_filter'] == 'dst [2001:db8::1]'",
		"d['focus']['fetched'] == 7 and d['focus']['dump_ms'] == 0.5",
		"d['focus']['groups_total'] == 3 and len(d['focus']['groups']) == 1",
		"d['focus']['groups'][0]['remote'] == '2001:db8::1'",
		"d['focus']['groups'][0]['used'] == 6",
		"d['focus']['groups'][0]['free'] == 4",
		"d['focus']['groups'][0]['reusable'] == 0",
		"d['focus']['groups'][0]['available'] == 4",
		"d['focus']['groups'][0]['capacity'] == 10",
		"abs(d['focus']['groups'][0]['pressure'] - 0.6) < 1e-15",
		"d['focus']['groups'][0]['new_per_s'] == 24.75",
		"d['focus']['groups'][0]['hold_s'] == 60",
		"d['focus']['groups'][0]['tw_expiring_bands'] =="
		" [0, 0, 0, 0, 0, 5]",
		"d['focus']['groups'][0]['full_in_s'] == 0.25",
		"d['focus']['groups'][0]['forecast'] == 'full in under 1 s'",
		"d['focus']['time_wait_server'] == 0",
		"d['focus']['time_wait_client'] == 5",
		"d['focus']['age_histogram'][1]['count'] == 5",
		"d['focus']['local_ports'][0]['side'] == 'client'",
		"d['focus']['local_ports'][0]['server'] is False",
		"d['focus']['local_ports'][0]['new_per_s'] is None",
		"d['focus']['remote_ports'] == [{'port': 443, 'time_wait': 5,"
		" 'total': 6, 'new_per_s': None, 'server': False,"
		" 'side': 'client'}]",
		"d['focus']['sockets'][0] == {'local': '2001:db8::2',"
		" 'lport': 40001, 'remote': '2001:db8::1', 'rport': 443,"
		" 'state': 'TIME_WAIT', 'timer': 3, 'expires_ms': 59000}",
		"d['focus']['sockets'][1]['state'] == 'ESTABLISHED'",
		"len(d['focus']['sockets']) == 2",
		"d['history'] == [{'t': 1795255198.5, 'time_wait': 2900,"
		" 'established': 110, 'new_tw_per_s': None},"
		" {'t': 1795255199.5, 'time_wait': 2950, 'established': 115,"
		" 'new_tw_per_s': 50.25}]",
		"list(d)[:3] == ['twtop_version', 'format', 'time']",
		"list(d)[-2:] == ['focus', 'history']",
		NULL,
	};
	struct json_opts o = { .top = 2, .pretty = false, .history = true,
			       .version = "0.1.0" };
	struct snapshot *s = full_snapshot();
	char path[256], *out;

	(void)state;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, checks);
	/* Compact: one line, terminated by one newline. */
	assert_non_null(strchr(out, '\n'));
	assert_int_equal(strchr(out, '\n') - out, (long)strlen(out) - 1);
	assert_non_null(strstr(out, "\"host\":\"we\\\"b\\\\1\\nx\\u0001y\","));
	assert_non_null(strstr(out, "\"net.ipv4.tcp_tw_recycle\":null"));
	assert_non_null(strstr(out,
		"\"net.ipv4.ip_local_port_range\":\"32768\\t60999\""));
	assert_non_null(strstr(out, "\"TcpExtTWRecycled\":null"));
	assert_non_null(strstr(out, "\"addr\":\"2001:db8::1\",\"family\":6"));
	assert_null(strstr(out, "192.168.1.2"));
	assert_null(strstr(out, "40001,\"time_wait\":0"));
	assert_null(strstr(out, "NEW_SYN_RECV"));
	assert_null(strstr(out, "nan"));
	assert_null(strstr(out, "NaN"));
	free(out);
	unlink(path);
	snap_unref(s);
}

static void test_snapshot_pretty(void **state)
{
	static const char *const checks[] = {
		"d['top_peers'][0]['addr'] == '10.0.0.1'",
		"len(d['top_peers']) == 3",
		"'history' not in d",
		NULL,
	};
	struct json_opts o = { .top = 10, .pretty = true, .version = "x" };
	struct snapshot *s = full_snapshot();
	char path[256], *out;

	(void)state;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, checks);
	assert_true(strncmp(out, "{\n  \"twtop_version\": \"x\",\n"
			    "  \"format\": 2,\n", 40) == 0);
	assert_non_null(strstr(out, "\n  \"sample\": {\n    \"dump_ms\": 1.25,"));
	assert_non_null(strstr(out, "\n      \"family\": 4,\n"));
	assert_string_equal(out + strlen(out) - 3, "\n}\n");
	free(out);
	unlink(path);
	snap_unref(s);
}

/* A zeroed snapshot: everything optional is null or left out. */
static void test_snapshot_empty(void **state)
{
	static const char *const checks[] = {
		"d['netns'] is None and d['host'] == '' and d['seq'] == 0",
		"d['filter'] is None",
		"d['twtop_version'] is None",
		"d['time'] == '1970-01-01T00:00:00.000Z' and d['unix_time'] == 0",
		"d['sample']['error'] is None",
		"d['time_wait']['new_per_s'] is None",
		"d['bound_inactive'] == 0",
		"d['time_wait']['rate_source'] is None",
		"d['time_wait']['window_s'] is None",
		"d['time_wait']['rate_estimated'] is False",
		"all(v == 0 for v in d['states'].values())",
		"d['top_peers'] == [] and d['top_local_ports'] == []",
		"d['ephemeral'] is None and d['counters'] is None",
		"d['sockstat'] is None",
		"d['sysctl'] == {} and d['rates'] == {}",
		"'focus' not in d and 'history' not in d",
		"d['advisories'] == []",
		NULL,
	};
	struct json_opts o = { .top = 10 };
	struct snapshot *s = snap_new();
	char path[256], *out;

	(void)state;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, checks);
	assert_non_null(strstr(out, "\"ephemeral\":null,"));
	assert_non_null(strstr(out, "\"sockstat\":null,\"advisories\":[]}\n"));
	free(out);
	unlink(path);

	/* An error string and an empty history array. */
	snprintf(s->error, sizeof(s->error), "netlink: Operation not permitted");
	s->dump_failed = true;
	o.history = true;
	o.pretty = true;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"d['sample']['error'] == 'netlink: Operation not permitted'",
		"d['sample']['dump_failed'] is True and d['history'] == []",
		NULL });
	assert_non_null(strstr(out, "\"history\": []\n}\n"));
	free(out);
	unlink(path);
	snap_unref(s);
}

/* top = 0 prints empty lists; a top beyond the kept entries prints all. */
static void test_snapshot_top(void **state)
{
	struct json_opts o = { .top = 0 };
	struct snapshot *s = full_snapshot();
	char path[256], *out;

	(void)state;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"d['top_peers'] == [] and d['top_remote_ports'] == []",
		"d['ephemeral']['groups'] == []",
		"len(d['focus']['sockets']) == 2",
		NULL });
	free(out);
	unlink(path);

	o.top = 100000;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"len(d['top_peers']) == 3 and len(d['top_local_ports']) == 3",
		"len(d['ephemeral']['groups']) == 3",
		"d['ephemeral']['groups'][2]['forecast'] == 'steady at 25 %'",
		"d['ephemeral']['groups'][2]['steady_share'] == 0.25",
		"d['ephemeral']['groups'][2]['full_in_s'] is None",
		"d['ephemeral']['groups'][2]['new_per_s'] == 0",
		"d['ephemeral']['groups'][2]['available'] == 28209",
		NULL });
	assert_non_null(strstr(out, "192.168.1.2"));
	free(out);
	unlink(path);
	snap_unref(s);
}

/* What the sampler could not know is null: an absent tcp_tw_reuse, no
 * range to find holes in, rates without ages; a forecast that does not
 * fill has no full_in_s even if the number is set. */
static void test_snapshot_unknown(void **state)
{
	static const char *const checks[] = {
		"d['ephemeral']['tw_reuse'] is None",
		"d['ephemeral']['holes_source'] is None",
		"d['ephemeral']['timestamps'] is False",
		"d['time_wait']['ages_per_s'] is None",
		"d['time_wait']['rate_source'] is None",
		"d['time_wait']['new_per_s'] is None",
		"d['top_peers'][0]['new_per_s'] is None",
		"d['ephemeral']['groups'][0]['full_in_s'] is None",
		"d['ephemeral']['groups'][0]['forecast'] == 'steady at 90 %'",
		"d['ephemeral']['groups'][0]['new_per_s'] is None",
		NULL,
	};
	struct json_opts o = { .top = 10 };
	struct snapshot *s = full_snapshot();
	struct snap_group *g = &s->eph.groups[0];
	char path[256], *out;

	(void)state;
	s->eph.tw_reuse = -1;
	s->eph.timestamps = false;
	s->eph.holes_source = NULL;
	s->tw.ages_per_s = -1;
	s->tw.rate_source = NULL;
	s->tw.rate_valid = false;
	s->peers[0].new_per_s = -0.5;
	g->new_per_s = -1;
	g->fc.fills = false;
	g->fc.full_in_s = 3;
	snprintf(g->fc.text, sizeof(g->fc.text), "steady at 90 %%");
	out = emit(s, &o, path, sizeof(path));
	py_check(path, checks);
	assert_non_null(strstr(out, "\"tw_reuse\":null,"));
	free(out);
	unlink(path);
	snap_unref(s);
}

/* Local and remote port focus write "port" instead of "addr". */
static void test_snapshot_focus_port(void **state)
{
	struct json_opts o = { .top = 5 };
	struct snapshot *s = full_snapshot();
	char path[256], *out;

	(void)state;
	s->focus->req.kind = FOCUS_RPORT;
	s->focus->req.port = 443;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"d['focus']['kind'] == 'remote_port'",
		"d['focus']['port'] == 443 and 'addr' not in d['focus']",
		NULL });
	assert_non_null(strstr(out, "\"focus\":{\"kind\":\"remote_port\","
				    "\"port\":443,"));
	free(out);
	unlink(path);

	s->focus->req.kind = FOCUS_LPORT;
	s->focus->req.port = 80;
	out = emit(s, &o, path, sizeof(path));
	assert_non_null(strstr(out, "\"kind\":\"local_port\",\"port\":80,"));
	free(out);
	unlink(path);
	snap_unref(s);
}

/* A process focus writes "pid", who closed first and its process
 * members between "groups" and "sockets"; a peer focus has "closers"
 * only, null without BPF. */
static void test_snapshot_focus_process(void **state)
{
	struct json_opts o = { .top = 5 };
	struct snapshot *s = full_snapshot();
	struct snap_focus *f = s->focus;
	char path[256], *out;

	(void)state;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"d['focus']['closers'] is None",
		"list(d['focus'])[-2:] == ['closers', 'sockets']",
		NULL });
	free(out);
	unlink(path);

	f->req.kind = FOCUS_PROC;
	f->req.pid = 4242;
	f->closers.present = true;
	f->closers.attributed = 4;
	f->closers.unknown = 1;
	f->closers.total = 3;
	f->closers.n = 1;
	f->closers.v[0].pid = 4242;
	snprintf(f->closers.v[0].comm, sizeof(f->closers.v[0].comm),
		 "a\tb\x7f");
	f->closers.v[0].time_wait = 4;
	f->closers.v[0].client_side = 4;
	f->proc_found = true;
	f->proc.pid = 4242;
	snprintf(f->proc.comm, sizeof(f->proc.comm), "nginx");
	f->proc.time_wait = 4;
	f->proc.active_per_s = -1;
	f->dests_total = 2;
	f->n_dests = 2;
	f->dests[0].remote = f->req.addr;
	f->dests[0].port = 443;
	f->dests[0].time_wait = 3;
	f->dests[1].remote = f->req.addr;
	f->dests[1].port = 8080;
	f->dests[1].server = true;
	f->dests[1].time_wait = 1;
	f->errors_total = 1;
	f->n_errors = 1;
	f->errors[0].pid = 4242;
	f->errors[0].err = EADDRNOTAVAIL;
	f->errors[0].count = 7;
	f->errors[0].remote = f->req.addr;
	f->errors[0].remote_port = 443;
	s->closers.present = true;	/* the top-level lists, to compare */
	s->closers.n = s->closers.total = 1;
	s->closers.v[0] = f->proc;
	s->closers.n_errors = s->closers.errors_total = 1;
	s->closers.errors[0] = f->errors[0];
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"d['focus']['kind'] == 'process' and d['focus']['pid'] == 4242",
		"'addr' not in d['focus'] and 'port' not in d['focus']",
		"list(d['focus'])[-7:] == ['closers', 'process',"
		" 'destinations_total', 'destinations', 'connect_errors_total',"
		" 'connect_errors', 'sockets']",
		"d['focus']['closers'] == {'attributed': 4, 'unknown': 1,"
		" 'processes_total': 3, 'processes': [{'pid': 4242,"
		" 'comm': 'a\\tb\\x7f', 'container': None, 'time_wait': 4,"
		" 'server_side': 0, 'client_side': 4}]}",
		"list(d['focus']['process']) == list(d['closers'][0])",
		"d['focus']['process']['comm'] == 'nginx'",
		"d['focus']['process']['active_per_s'] is None",
		"d['focus']['process']['top_destination'] is None",
		"d['focus']['destinations_total'] == 2",
		"d['focus']['destinations'] == [{'remote': '2001:db8::1',"
		" 'port': 443, 'side': 'client', 'time_wait': 3},"
		" {'remote': '2001:db8::1', 'port': 8080, 'side': 'server',"
		" 'time_wait': 1}]",
		"d['focus']['connect_errors_total'] == 1",
		"list(d['focus']['connect_errors'][0]) =="
		" list(d['connect_errors'][0])",
		"d['focus']['connect_errors'][0]['errno'] == 'EADDRNOTAVAIL'",
		"d['focus']['connect_errors'][0]['per_s'] == 0",
		NULL });
	free(out);
	unlink(path);

	f->proc_found = false;
	f->closers.present = false;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, (const char *const[]){
		"d['focus']['process'] is None",
		"d['focus']['closers'] is None",
		NULL });
	free(out);
	unlink(path);
	snap_unref(s);
}

/* "advisories" follows "sockstat": id, level name, evidence numbers and
 * the text, escaped; a non-finite evidence value is null. */
static void test_snapshot_advisories(void **state)
{
	static const char *const checks[] = {
		"list(d).index('advisories') == list(d).index('sockstat') + 1",
		"len(d['advisories']) == 3",
		"d['advisories'][0] == {'id': 'tw-bucket-overflow',"
		" 'level': 'alarm', 'evidence': {'overflow_per_s': 2.5,"
		" 'tcp_max_tw_buckets': 262144}, 'text': 'Raise \"it\".'}",
		"d['advisories'][1]['level'] == 'warn'",
		"d['advisories'][1]['evidence'] == {'share': None}",
		"d['advisories'][2] == {'id': 'fin-timeout-not-tw',"
		" 'level': 'info', 'evidence': {}, 'text': ''}",
		NULL,
	};
	struct json_opts o = { .top = 10 };
	struct snapshot *s = full_snapshot();
	struct snap_advisory *a = s->advisories;
	char path[256], *out;

	(void)state;
	a[0].id = "tw-bucket-overflow";
	a[0].level = 2;
	a[0].n_evidence = 2;
	a[0].evidence[0] = (struct snap_evidence){ "overflow_per_s", 2.5 };
	a[0].evidence[1] = (struct snap_evidence){ "tcp_max_tw_buckets",
						   262144 };
	snprintf(a[0].text, sizeof(a[0].text), "Raise \"it\".");
	a[1].id = "port-group-pressure";
	a[1].level = 1;
	a[1].n_evidence = 1;
	a[1].evidence[0] = (struct snap_evidence){ "share", NAN };
	a[2].id = "fin-timeout-not-tw";
	a[2].level = 0;
	s->n_advisories = 3;
	out = emit(s, &o, path, sizeof(path));
	py_check(path, checks);
	assert_non_null(strstr(out, "\"advisories\":[{\"id\":"
				    "\"tw-bucket-overflow\",\"level\":\"alarm\","
				    "\"evidence\":{\"overflow_per_s\":2.5,"
				    "\"tcp_max_tw_buckets\":262144},"
				    "\"text\":\"Raise \\\"it\\\".\"}"));
	assert_non_null(strstr(out, "\"evidence\":{},\"text\":\"\"}]"));
	free(out);
	unlink(path);
	snap_unref(s);
}

/* A full disk is reported, not ignored. */
static void test_snapshot_write_error(void **state)
{
	struct json_opts o = { .top = 10 };
	struct snapshot *s = full_snapshot();
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL) {
		snap_unref(s);
		skip();
	}
	assert_int_equal(json_snapshot(f, s, &o), -1);
	fclose(f);
	snap_unref(s);
}

/* json_opts.extra adds members at the end of the object, once. */
static void extra_members(struct jw *w, const struct snapshot *s,
			  const void *arg)
{
	jw_key(w, "extra_seq");
	jw_uint(w, s->seq);
	jw_key(w, "extra_arg");
	jw_str(w, arg);
}

static void test_snapshot_extra(void **state)
{
	struct json_opts o = { .top = 1, .extra = extra_members,
			       .extra_arg = "hello" };
	struct snapshot *s = snap_new();
	char path[256], *out;
	const char *tail = ",\"extra_seq\":77,\"extra_arg\":\"hello\"}\n";

	(void)state;
	s->seq = 77;
	out = emit(s, &o, path, sizeof(path));
	assert_true(strlen(out) > strlen(tail));
	assert_string_equal(out + strlen(out) - strlen(tail), tail);
	free(out);
	unlink(path);
	o.extra = NULL;
	out = emit(s, &o, path, sizeof(path));
	assert_null(strstr(out, "extra_seq"));
	free(out);
	unlink(path);
	snap_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_compact),
		cmocka_unit_test(test_writer_pretty),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_locale),
		cmocka_unit_test(test_snapshot_full),
		cmocka_unit_test(test_snapshot_pretty),
		cmocka_unit_test(test_snapshot_empty),
		cmocka_unit_test(test_snapshot_top),
		cmocka_unit_test(test_snapshot_unknown),
		cmocka_unit_test(test_snapshot_focus_port),
		cmocka_unit_test(test_snapshot_focus_process),
		cmocka_unit_test(test_snapshot_advisories),
		cmocka_unit_test(test_snapshot_write_error),
		cmocka_unit_test(test_snapshot_extra),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	if (failed == 0 && py_missing) {
		printf("SKIP: python3 not installed: the JSON output was not "
		       "parsed by python3\n");
		return 77;
	}
	return failed;
}
