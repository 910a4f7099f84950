// SPDX-License-Identifier: GPL-2.0-or-later
/* Who closes through JSON and back: json_closers writes what
 * replay_closers reads, the same again when written once more; without
 * BPF the members are null and the reason comes back. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "twtop/json.h"
#include "twtop/replay.h"

static char *emit(const struct snapshot *s)
{
	struct json_opts o = { .top = 10, .pretty = true,
			       .version = "test" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(json_snapshot(f, s, &o), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The snapshot text describes, read back by the replay. */
static struct snapshot *read_back(const char *text, char *err, size_t len)
{
	struct replay *r = replay_open_text("t.json", text, strlen(text), err,
					    len);
	struct snapshot *s;

	if (r == NULL)
		return NULL;
	s = replay_record(r, 0, NULL, err, len);
	replay_free(r);
	return s;
}

static struct snapshot *sample(void)
{
	struct snapshot *s = snap_new();
	struct snap_closers *c = &s->closers;
	struct snap_group *g = &s->eph.groups[0];

	s->when.tv_sec = 1700000000;
	c->present = true;
	c->attributed = 120;
	c->unknown = 7;
	c->total = 2;
	c->n = 2;
	c->v[0].pid = 4242;
	snprintf(c->v[0].comm, sizeof(c->v[0].comm), "nginx");
	snprintf(c->v[0].cgroup, sizeof(c->v[0].cgroup),
		 "/system.slice/nginx.service");
	snprintf(c->v[0].container, sizeof(c->v[0].container),
		 "nginx.service");
	c->v[0].cgroup_id = 8123;
	c->v[0].time_wait = 100;
	c->v[0].server_side = 100;
	c->v[0].active_closes = 5000;
	c->v[0].passive_closes = 3;
	c->v[0].active_per_s = 37.5;
	c->v[0].passive_per_s = -1;		/* unknown: null */
	c->v[0].destinations = 9;
	c->v[0].top_remote.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::7", c->v[0].top_remote.bytes);
	c->v[0].top_remote_port = 50123;
	c->v[0].top_remote_tw = 12;
	c->v[1].pid = 77;
	snprintf(c->v[1].comm, sizeof(c->v[1].comm), "curl \"x\"");
	c->v[1].time_wait = 20;
	c->v[1].client_side = 20;
	c->v[1].connect_errors = 250;
	c->v[1].connect_errors_per_s = 12.25;
	c->cgroups_total = 3;		/* one cut */
	c->n_cgroups = 2;
	c->cgroups[0].cgroup_id = 8123;
	snprintf(c->cgroups[0].cgroup, sizeof(c->cgroups[0].cgroup),
		 "/system.slice/nginx.service");
	snprintf(c->cgroups[0].container, sizeof(c->cgroups[0].container),
		 "nginx.service");
	c->cgroups[0].processes = 3;
	c->cgroups[0].time_wait = 100;
	c->cgroups[0].server_side = 90;
	c->cgroups[0].client_side = 10;
	c->cgroups[0].active_closes = 5000;
	c->cgroups[0].passive_closes = 3;
	c->cgroups[0].connect_errors = 4;
	c->cgroups[0].active_per_s = 37.5;
	c->cgroups[0].passive_per_s = -1;	/* none known: null */
	c->cgroups[0].connect_errors_per_s = 0.25;
	c->cgroups[0].top_pid = 4242;
	snprintf(c->cgroups[0].top_comm, sizeof(c->cgroups[0].top_comm),
		 "nginx");
	c->cgroups[1].processes = 1;		/* the unknown cgroup */
	c->cgroups[1].time_wait = 20;
	c->cgroups[1].client_side = 20;
	c->cgroups[1].top_pid = 77;
	snprintf(c->cgroups[1].top_comm, sizeof(c->cgroups[1].top_comm),
		 "curl \"x\"");
	c->n_errors = 1;
	c->errors_total = 1;
	c->errors[0].pid = 77;
	snprintf(c->errors[0].comm, sizeof(c->errors[0].comm), "curl");
	c->errors[0].err = EADDRNOTAVAIL;
	c->errors[0].count = 250;
	c->errors[0].per_s = 12.25;
	c->errors[0].remote.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", c->errors[0].remote.bytes);
	c->errors[0].remote_port = 80;
	c->active_closes = 5100;
	c->connect_errors = 250;
	c->since_s = 12.5;
	s->eph.present = true;
	s->eph.n_groups = 1;
	g->local.family = g->remote.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", g->local.bytes);
	inet_pton(AF_INET, "10.0.0.2", g->remote.bytes);
	g->remote_port = 80;
	g->cf.known = true;
	g->cf.n = 2;
	g->cf.e[0].err = EADDRNOTAVAIL;
	g->cf.e[0].count = 250;
	g->cf.e[1].err = 4000;		/* no name: "E4000" */
	g->cf.e[1].count = 1;
	g->cf.total = 251;
	g->cf.per_s = 12.25;
	return s;
}

static void test_round_trip(void **state)
{
	struct snapshot *s = sample(), *b;
	char err[512] = "", *out = emit(s), *again;

	(void)state;
	assert_non_null(strstr(out, "\"closers_reason\": null,"));
	assert_non_null(strstr(out, "\"errno\": \"EADDRNOTAVAIL\""));
	assert_non_null(strstr(out, "\"connect_failures\": {\n"));
	assert_non_null(strstr(out, "\"E4000\": 1"));
	assert_non_null(strstr(out, "\"passive_per_s\": null,"));
	assert_non_null(strstr(out, "\"closer_cgroups\": [\n"));
	assert_non_null(strstr(out, "\"cgroup\": null,\n"));
	assert_non_null(strstr(out, "\"cgroups\": 3,"));
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_true(b->closers.present);
	assert_int_equal(b->closers.n, 2);
	assert_int_equal(b->closers.unknown, 7);
	assert_string_equal(b->closers.v[0].container, "nginx.service");
	assert_true(b->closers.v[0].passive_per_s < 0);
	assert_int_equal(b->closers.v[0].top_remote_port, 50123);
	assert_string_equal(b->closers.v[1].comm, "curl \"x\"");
	assert_int_equal(b->closers.v[0].cgroup_id, 8123);
	assert_int_equal(b->closers.v[1].cgroup_id, 0);
	assert_int_equal(b->closers.cgroups_total, 3);
	assert_int_equal(b->closers.n_cgroups, 2);
	assert_int_equal(b->closers.cgroups[0].cgroup_id, 8123);
	assert_string_equal(b->closers.cgroups[0].cgroup,
			    "/system.slice/nginx.service");
	assert_string_equal(b->closers.cgroups[0].container, "nginx.service");
	assert_int_equal(b->closers.cgroups[0].processes, 3);
	assert_int_equal(b->closers.cgroups[0].server_side, 90);
	assert_int_equal(b->closers.cgroups[0].client_side, 10);
	assert_int_equal(b->closers.cgroups[0].connect_errors, 4);
	assert_float_equal(b->closers.cgroups[0].active_per_s, 37.5, 1e-9);
	assert_true(b->closers.cgroups[0].passive_per_s < 0);
	assert_float_equal(b->closers.cgroups[0].connect_errors_per_s, 0.25,
			   1e-9);
	assert_int_equal(b->closers.cgroups[0].top_pid, 4242);
	assert_string_equal(b->closers.cgroups[0].top_comm, "nginx");
	assert_string_equal(b->closers.cgroups[1].cgroup, "");
	assert_int_equal(b->closers.cgroups[1].time_wait, 20);
	assert_string_equal(b->closers.cgroups[1].top_comm, "curl \"x\"");
	assert_int_equal(b->closers.errors[0].err, EADDRNOTAVAIL);
	assert_int_equal(b->closers.errors[0].count, 250);
	assert_int_equal(b->eph.groups[0].cf.e[1].err, 4000);
	assert_int_equal(b->eph.groups[0].cf.total, 251);
	again = emit(b);
	assert_string_equal(again, out);
	free(again);
	free(out);
	snap_unref(b);
	snap_unref(s);
}

/* No BPF: null members, the reason kept; an older file says so. */
static void test_absent(void **state)
{
	struct snapshot *s = snap_new(), *b;
	char err[512] = "", *out;

	(void)state;
	snprintf(s->closers.why, sizeof(s->closers.why),
		 "who closes needs BPF: not with --backend netlink");
	out = emit(s);
	assert_non_null(strstr(out, "\"closers\": null,"));
	assert_non_null(strstr(out, "\"connect_errors\": null,"));
	assert_non_null(strstr(out, "\"closer_cgroups\": null,"));
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_false(b->closers.present);
	assert_int_equal(b->closers.n_cgroups, 0);
	assert_string_equal(b->closers.why, s->closers.why);
	snap_unref(b);
	free(out);
	b = read_back("{\"format\": 2, \"twtop_version\": \"0\", \"time\": "
		      "\"2026-01-01T00:00:00.000Z\"}", err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_false(b->closers.present);
	assert_non_null(strstr(b->closers.why, "not recorded"));
	snap_unref(b);
	snap_unref(s);
}

/* text with its first "from" replaced by "to" (a new string). */
static char *subst(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t head, len = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(len);

	assert_non_null(p);
	assert_non_null(out);
	head = (size_t)(p - text);
	snprintf(out, len, "%.*s%s%s", (int)head, text, to, p + strlen(from));
	return out;
}

/* A file without closer_cgroups (older twtop) reads as none; a bad
 * member of one is the file's error, with where it is. */
static void test_cgroups_strict(void **state)
{
	static const struct {
		const char *from, *to, *err;
	} bad[] = {
		{ "\"processes\": 3,", "\"processes\": \"3\",",
		  "closer_cgroups[0].processes: expected an integer" },
		{ "\"top_comm\": \"nginx\"", "\"top_comm\": 7",
		  "closer_cgroups[0].top_comm: expected a string or null" },
		{ "\"cgroup_id\": 8123,\n      \"cgroup\"",
		  "\"cgroup_id\": -1,\n      \"cgroup\"",
		  "closer_cgroups[0].cgroup_id: expected an integer" },
		{ "\"closer_cgroups\": [", "\"closer_cgroups\": {\"a\": [",
		  NULL },
	};
	struct snapshot *s = sample(), *b;
	char err[512] = "", *out = emit(s), *t, *p, *q;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = subst(out, bad[i].from, bad[i].to);
		b = read_back(t, err, sizeof(err));
		assert_null(b);
		if (bad[i].err != NULL &&
		    strstr(err, bad[i].err) == NULL)
			fail_msg("%zu: %s", i, err);
		free(t);
	}
	/* the member taken out: no cgroups, the rest read */
	p = strstr(out, "\"closer_cgroups\": [");
	q = strstr(out, "\"closers_unknown\"");
	assert_non_null(p);
	assert_non_null(q);
	memmove(p, q, strlen(q) + 1);
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_true(b->closers.present);
	assert_int_equal(b->closers.n, 2);
	assert_int_equal(b->closers.n_cgroups, 0);
	snap_unref(b);
	free(out);
	snap_unref(s);
}

/* A bad errno name is the file's error, with where it is. */
static void test_bad_errno(void **state)
{
	struct snapshot *s = sample(), *b;
	char err[512] = "", *out = emit(s), *p;

	(void)state;
	p = strstr(out, "\"errno\": \"EADDRNOTAVAIL\"");
	assert_non_null(p);
	memcpy(p + 10, "EBOGUSNAMEXYZ", 13);
	b = read_back(out, err, sizeof(err));
	assert_null(b);
	assert_non_null(strstr(err, "t.json:1: connect_errors[0].errno: "
			       "expected an errno name"));
	p = strstr(out, "\"EADDRNOTAVAIL\": 250");	/* a group's */
	assert_non_null(p);
	memcpy(p + 1, "EBOGUSNAMEXYZ", 13);
	b = read_back(out, err, sizeof(err));
	assert_null(b);
	assert_non_null(strstr(err, "ephemeral.groups[0].connect_failures."
			       "EBOGUSNAMEXYZ: expected an errno name"));
	free(out);
	snap_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_bad_errno),
		cmocka_unit_test(test_cgroups_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
