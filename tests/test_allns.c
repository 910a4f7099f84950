// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of --all-netns's rows and output: a sample into a row, the
 * order (worst first), the folding of idle namespaces, the table, JSON
 * and the merged Prometheus text (one group per family, checked by
 * tests/prom_parse.py too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/advice.h"
#include "twtop/allns.h"

/* A sampled row with tw TIME_WAIT (all client side) and sockets. */
static struct allns_row row(const char *name, uint32_t sockets, uint32_t tw)
{
	struct allns_row r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "%s", name);
	r.kind = NETNS_NAMED;
	r.sampled = true;
	r.sockets = sockets;
	r.states[TS_TIME_WAIT] = tw;
	r.states[TS_ESTABLISHED] = sockets - tw;
	r.tw_total = r.tw_client = tw;
	return r;
}

/* Gives r a worst group taken to pressure p, settling at steady. */
static void group(struct allns_row *r, double p, double steady)
{
	r->has_group = true;
	r->worst.remote_port = 80;
	r->worst.fc.known = true;
	r->worst.fc.capacity = 1000;
	r->worst.fc.pressure = p;
	r->worst.fc.share = p;
	r->worst.fc.steady_share = steady;
	snprintf(r->worst.fc.text, sizeof(r->worst.fc.text),
		 "steady at %d %%", (int)(steady * 100));
}

static void fills(struct allns_row *r, double in_s)
{
	group(r, 0.3, 1.2);
	r->worst.fc.fills = true;
	r->worst.fc.full_in_s = in_s;
	snprintf(r->worst.fc.text, sizeof(r->worst.fc.text), "full in %g s",
		 in_s);
}

/* The order: fills (sooner first), alarm, warn, TIME_WAIT, the rest, the
 * idle last; within a level the group, then TIME_WAIT, then the name. */
static void test_sort_worst_first(void **state)
{
	struct allns_row v[13];
	static const char *const want[13] = {
		"fills-5s", "fills-30s", "taken-95", "alarm-adv", "taken-60",
		"may-fill", "warn-adv", "tw-5000", "tw-10-group", "estab-only",
		"waiting", "no-entry", "idle-a",
	};
	size_t k = 0;

	(void)state;
	v[k] = row("tw-10-group", 12, 10);
	group(&v[k++], 0.01, 0.02);	/* a calm group: TIME_WAIT decides */
	v[k++] = row("tw-5000", 5000, 5000);
	v[k] = row("fills-30s", 300, 290);
	fills(&v[k++], 30);
	v[k] = row("idle-a", 0, 0);
	v[k++].states[TS_ESTABLISHED] = 0;
	v[k] = row("fills-5s", 100, 90);
	fills(&v[k++], 5);
	v[k] = row("taken-95", 950, 950);
	group(&v[k++], 0.95, 0.95);
	v[k] = row("alarm-adv", 20, 20);
	v[k++].adv[ADV_ALARM] = 1;
	v[k] = row("taken-60", 600, 600);
	group(&v[k++], 0.6, 0.6);
	v[k] = row("may-fill", 9000, 100);
	group(&v[k], 0.1, 0.4);
	v[k++].worst.fc.may_fill = true;
	v[k] = row("warn-adv", 50000, 50000);
	v[k++].adv[ADV_WARN] = 2;
	v[k++] = row("estab-only", 7, 0);
	v[k] = row("no-entry", 0, 0);
	v[k].sampled = false;
	snprintf(v[k++].error, sizeof(v[0].error), "cannot enter: EPERM");
	v[k] = row("waiting", 0, 0);
	v[k++].sampled = false;
	assert_int_equal(k, 13);
	allns_rows_sort(v, k);
	for (size_t i = 0; i < k; i++)
		assert_string_equal(v[i].name, want[i]);
	assert_int_equal(allns_rows_shown(v, k), 12);
}

/* Levels at their edges: half and 90 % taken, and steady past half. */
static void test_levels(void **state)
{
	struct allns_row r = row("x", 10, 10);

	(void)state;
	assert_int_equal(allns_row_level(&r), 1);
	group(&r, 0.49, 0.49);
	assert_int_equal(allns_row_level(&r), 1);
	group(&r, 0.5, 0.1);
	assert_int_equal(allns_row_level(&r), 2);
	group(&r, 0.1, 0.5);
	assert_int_equal(allns_row_level(&r), 2);
	group(&r, 0.9, 0.9);
	assert_int_equal(allns_row_level(&r), 3);
	fills(&r, 0);
	assert_int_equal(allns_row_level(&r), 4);
	/* a row with no sample or an error is not in trouble, nor idle */
	r = row("e", 0, 0);
	r.states[TS_ESTABLISHED] = 0;
	assert_true(allns_row_idle(&r));
	r.error[0] = 'x';
	assert_false(allns_row_idle(&r));
	assert_int_equal(allns_row_level(&r), 0);
	r = row("b", 0, 0);
	r.states[TS_ESTABLISHED] = 0;
	r.states[TS_BOUND_INACTIVE] = 1;	/* a bound socket is open */
	assert_false(allns_row_idle(&r));
}

/* Idle rows fold to the end whatever their names; equal rows keep a
 * stable order by name, then inode. */
static void test_fold_idle(void **state)
{
	struct allns_row v[5];

	(void)state;
	v[0] = row("a-idle", 0, 0);
	v[1] = row("b-busy", 3, 0);
	v[2] = row("c-idle", 0, 0);
	v[3] = row("b-busy", 3, 0);
	v[4] = row("d-busy", 3, 1);
	v[0].states[TS_ESTABLISHED] = v[2].states[TS_ESTABLISHED] = 0;
	v[1].ino = 9;
	v[3].ino = 4;
	allns_rows_sort(v, 5);
	assert_string_equal(v[0].name, "d-busy");
	assert_string_equal(v[1].name, "b-busy");
	assert_int_equal(v[1].ino, 4);
	assert_int_equal(v[2].ino, 9);
	assert_string_equal(v[3].name, "a-idle");
	assert_string_equal(v[4].name, "c-idle");
	assert_int_equal(allns_rows_shown(v, 5), 3);
}

/* A snapshot with two groups (the worst first, as advice_derive leaves
 * them), advisories at each level and a rate. */
static struct snapshot *snap(const char *netns, uint32_t tw)
{
	struct snapshot *s = snap_new();

	snprintf(s->netns, sizeof(s->netns), "%s", netns);
	snprintf(s->kernel, sizeof(s->kernel), "6.1");
	s->backend = "netlink";
	s->states[TS_TIME_WAIT] = tw;
	s->states[TS_LISTEN] = 1;
	s->sockets = tw + 1;
	s->tw.total = tw;
	s->tw.server_side = tw / 4;
	s->tw.client_side = tw - tw / 4;
	s->tw.rate_valid = true;
	s->tw.new_per_s = 12.5;
	s->eph.present = true;
	s->eph.n_groups = 2;
	s->eph.groups_total = 2;
	s->eph.groups[0].remote_port = 8080;
	s->eph.groups[0].local.family = AF_INET;
	s->eph.groups[0].remote.family = AF_INET;
	s->eph.groups[0].used = 300;
	s->eph.groups[0].fc.known = true;
	s->eph.groups[0].fc.capacity = 1000;
	s->eph.groups[0].fc.share = 0.3;
	snprintf(s->eph.groups[0].fc.text, sizeof(s->eph.groups[0].fc.text),
		 "steady at 31 %%");
	s->eph.groups[1].remote_port = 9090;
	s->n_advisories = 4;
	s->advisories[0].level = ADV_ALARM;
	s->advisories[0].id = "port-group-pressure";
	s->advisories[1].level = ADV_WARN;
	s->advisories[1].id = "tw-bucket-near-cap";
	s->advisories[2].level = ADV_INFO;
	s->advisories[2].id = "tw-reuse-off";
	s->advisories[3].level = ADV_INFO;
	s->advisories[3].id = "server-side-close";
	return s;
}

static void test_row_fill(void **state)
{
	struct allns_row r;
	struct snapshot *s = snap("ns1", 400);

	(void)state;
	memset(&r, 0, sizeof(r));
	allns_row_fill(&r, s);
	assert_ptr_equal(r.snap, s);
	assert_true(r.sampled);
	assert_int_equal(r.sockets, 401);
	assert_int_equal(r.tw_total, 400);
	assert_int_equal(r.tw_server, 100);
	assert_int_equal(r.tw_client, 300);
	assert_true(r.rate_valid);
	assert_true(r.new_per_s == 12.5);
	assert_true(r.has_group);
	assert_int_equal(r.worst.remote_port, 8080);
	assert_int_equal(r.groups_total, 2);
	assert_int_equal(r.adv[ADV_ALARM], 1);
	assert_int_equal(r.adv[ADV_WARN], 1);
	assert_int_equal(r.adv[ADV_INFO], 2);
	assert_int_equal(allns_row_level(&r), 3);
	assert_string_equal(r.backend, "netlink");
	snap_unref(s);
}

/* A table of two busy namespaces, one that cannot be entered and two
 * idle ones (rows owned by the table). */
static struct allns_table *table(void)
{
	struct allns_table *t = calloc(1, sizeof(*t));
	struct snapshot *a = snap("alpha", 500), *b = snap("beta", 40);

	t->refs = 1;
	t->n = 5;
	t->found = 6;
	t->sampled = 4;
	t->backend = "netlink";
	snprintf(t->host, sizeof(t->host), "h");
	t->rows = calloc(t->n, sizeof(*t->rows));
	snprintf(t->rows[0].name, 64, "alpha");
	t->rows[0].ino = 4026532001;
	t->rows[0].kind = NETNS_NAMED;
	allns_row_fill(&t->rows[0], a);
	snprintf(t->rows[1].name, 64, "beta");
	t->rows[1].kind = NETNS_PROCESS;
	t->rows[1].n_pids = 1;
	t->rows[1].n_procs = 3;
	t->rows[1].pids[0] = 4242;
	snprintf(t->rows[1].comms[0], 16, "sleep");
	allns_row_fill(&t->rows[1], b);
	t->rows[1].age_s = 7.9;
	snprintf(t->rows[2].name, 64, "locked");
	snprintf(t->rows[2].error, 200, "cannot enter /proc/9/ns/net: "
		 "Operation not permitted");
	t->rows[3] = row("idle-1", 0, 0);
	t->rows[3].states[TS_ESTABLISHED] = 0;
	t->rows[4] = row("idle-2", 0, 0);
	t->rows[4].states[TS_ESTABLISHED] = 0;
	allns_rows_sort(t->rows, t->n);
	t->n_idle = (uint32_t)(t->n - allns_rows_shown(t->rows, t->n));
	return t;
}

/* Writes through fn into memory. */
static char *capture(int (*fn)(FILE *, const struct allns_table *,
			       const struct allns_out_opts *),
		     const struct allns_table *t,
		     const struct allns_out_opts *o)
{
	/* on the heap: gcc takes a pointer into a local's buffer for one
	 * to the local itself (-Wdangling-pointer) */
	struct { char *buf; size_t len; } *m = calloc(1, sizeof(*m));
	FILE *f = open_memstream(&m->buf, &m->len);
	char *out;

	assert_non_null(f);
	assert_int_equal(fn(f, t, o), 0);
	fclose(f);
	out = m->buf;
	free(m);
	return out;
}

static int table_fn(FILE *f, const struct allns_table *t,
		    const struct allns_out_opts *o)
{
	(void)o;
	return allns_print_table(f, t);
}

static void test_table_text(void **state)
{
	struct allns_table *t = table();
	char *out = capture(table_fn, t, NULL);
	char *alpha = strstr(out, "\nalpha "), *beta = strstr(out, "\nbeta ");
	char *locked = strstr(out, "\nlocked ");

	(void)state;
	assert_int_equal(t->n_idle, 2);
	assert_non_null(alpha);
	assert_non_null(beta);
	assert_non_null(locked);
	assert_true(alpha < beta && beta < locked);	/* worst first */
	assert_non_null(strstr(alpha, "netns-name"));
	assert_non_null(strstr(alpha, "steady at 31 %"));
	assert_non_null(strstr(alpha, "1/1/2"));
	assert_non_null(strstr(beta, " 7s "));
	assert_non_null(strstr(locked, "Operation not permitted"));
	assert_non_null(strstr(out, "\n2 idle namespaces (nothing open): "
			       "idle-1, idle-2\n"));
	assert_null(strstr(out, "\nidle-1 "));	/* folded, not a row */
	free(out);
	allns_table_unref(t);
}

static void test_json(void **state)
{
	struct allns_table *t = table();
	struct allns_out_opts o = { .pretty = false, .version = "9" };
	char *out = capture(allns_json, t, &o);

	(void)state;
	assert_non_null(strstr(out, "\"idle_namespaces\":2,"));
	assert_non_null(strstr(out, "\"name\":\"alpha\",\"kind\":"
			       "\"netns-name\""));
	assert_non_null(strstr(out, "\"inode\":4026532001,"));
	assert_non_null(strstr(out, "\"processes\":[{\"pid\":4242,"
			       "\"comm\":\"sleep\"}],\"processes_total\":3"));
	assert_non_null(strstr(out, "\"time_wait\":{\"total\":500,"
			       "\"server_side\":125,\"client_side\":375,"
			       "\"new_per_s\":12.5}"));
	assert_non_null(strstr(out, "\"advisories\":{\"alarm\":1,\"warn\":1,"
			       "\"info\":2}"));
	assert_non_null(strstr(out, "\"forecast\":\"steady at 31 %\""));
	assert_non_null(strstr(out, "\"age_s\":7.9"));
	/* no sample: every count null, the reason said */
	assert_non_null(strstr(out, "\"error\":\"cannot enter /proc/9/ns/net: "
			       "Operation not permitted\",\"idle\":false,"
			       "\"sockets\":null,\"states\":null,"
			       "\"bound_inactive\":null,\"time_wait\":null,"
			       "\"worst_group\":null,\"groups_total\":null,"
			       "\"advisories\":null,\"sample\":null,"
			       "\"age_s\":null}"));
	assert_non_null(strstr(out, "\"name\":\"idle-2\""));
	assert_true(out[strlen(out) - 1] == '\n');
	free(out);
	allns_table_unref(t);
}

static int prom_fn(FILE *f, const struct allns_table *t,
		   const struct allns_out_opts *o)
{
	return allns_prom_write(f, t, o);
}

/* How many lines of text start with prefix. */
static int lines_with(const char *text, const char *prefix)
{
	int k = 0;

	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');

		k += strncmp(p, prefix, strlen(prefix)) == 0;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return k;
}

/* Each family once, its samples for every namespace together. */
static void test_prom_merged(void **state)
{
	struct allns_table *t = table();
	struct allns_out_opts o = { .top = 10, .max_netns = 64 };
	char *out = capture(prom_fn, t, &o), path[] = "/tmp/allns.XXXXXX";
	const char *a, *b, *next;
	char cmd[512];
	int fd, rc;

	(void)state;
	assert_int_equal(lines_with(out, "# HELP twtop_info "), 1);
	assert_int_equal(lines_with(out, "# TYPE twtop_info "), 1);
	assert_int_equal(lines_with(out, "twtop_info{netns=\"alpha\""), 1);
	assert_int_equal(lines_with(out, "twtop_info{netns=\"beta\""), 1);
	/* both twtop_info samples before the next family */
	a = strstr(out, "twtop_info{netns=\"alpha\"");
	b = strstr(out, "twtop_info{netns=\"beta\"");
	next = strstr(out, "# HELP twtop_sample_timestamp_seconds");
	assert_true(a && b && next && a < next && b < next);
	assert_int_equal(lines_with(out, "# HELP twtop_sockets "), 1);
	assert_int_equal(lines_with(out, "twtop_sockets{netns=\"beta\","
				    "state=\"time_wait\"} 40"), 1);
	/* the idle rows have no sample; the locked one neither */
	assert_int_equal(lines_with(out, "twtop_info{netns=\"locked\""), 0);
	/* the independent checker of the format, when python3 is there */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
	close(fd);
	snprintf(cmd, sizeof(cmd), "command -v python3 >/dev/null || exit 0; "
		 "python3 %s/tests/prom_parse.py %s", TWTOP_SRCDIR, path);
	rc = system(cmd);
	unlink(path);
	assert_int_equal(WEXITSTATUS(rc), 0);
	free(out);
	/* --max-netns: the worst first */
	o.max_netns = 1;
	out = capture(prom_fn, t, &o);
	assert_int_equal(lines_with(out, "twtop_info{"), 1);
	assert_int_equal(lines_with(out, "twtop_info{netns=\"alpha\""), 1);
	free(out);
	allns_table_unref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_worst_first),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_fold_idle),
		cmocka_unit_test(test_row_fill),
		cmocka_unit_test(test_table_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_prom_merged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
