// SPDX-License-Identifier: GPL-2.0-or-later
/* Who closes through JSON and back: json_closers writes what
 * replay_closers reads, the same again when written once more; without
 * BPF the members are null and the reason comes back. The same for a
 * drill-down's who closed first and a process drill-down, and the
 * replay's exact errors for hostile ones. */
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
#include <jansson.h>

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

static void set_addr(struct tw_addr *a, const char *text)
{
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = AF_INET;
		return;
	}
	assert_int_equal(inet_pton(AF_INET6, text, a->bytes), 1);
	a->family = AF_INET6;
}

/* A comm from outside: a terminal escape, longer than a comm. */
#define HOSTILE_COMM	"\x1b]0;PWNED\x07xyzxyzxyz"
#define HOSTILE_JSON	"\\u001b]0;PWNED\\u0007xyzxy"
#define HOSTILE_KEPT	"\x1b]0;PWNED\x07xyzxy"

/* A process drill-down with every member set, each to its own value. */
static struct snapshot *proc_sample(void)
{
	struct snapshot *s = snap_new();
	struct snap_focus *f = calloc(1, sizeof(*f));
	struct focus_closers *k = &f->closers;
	struct snap_closer *p = &f->proc;

	assert_non_null(f);
	s->when.tv_sec = 1700000000;
	s->focus = f;
	f->req.kind = FOCUS_PROC;
	f->req.pid = 31337;
	f->states[TS_TIME_WAIT] = 41;
	f->total = 42;
	f->tw_client = 43;
	k->present = true;
	k->attributed = 501;
	k->unknown = 502;
	k->total = 9;
	k->n = 2;
	k->v[0].pid = 601;
	memcpy(k->v[0].comm, HOSTILE_COMM, sizeof(k->v[0].comm) - 1);
	snprintf(k->v[0].container, sizeof(k->v[0].container),
		 "docker-0123456789ab");
	k->v[0].time_wait = 603;
	k->v[0].server_side = 604;
	k->v[0].client_side = 605;
	k->v[1].pid = 611;
	snprintf(k->v[1].comm, sizeof(k->v[1].comm), "curl");
	k->v[1].time_wait = 613;
	k->v[1].server_side = 614;
	k->v[1].client_side = 615;
	f->proc_found = true;
	p->pid = 31337;
	snprintf(p->comm, sizeof(p->comm), "worker \"w\"");
	snprintf(p->cgroup, sizeof(p->cgroup), "/system.slice/w.service");
	snprintf(p->container, sizeof(p->container), "w.service");
	p->time_wait = 701;
	p->server_side = 702;
	p->client_side = 703;
	p->active_closes = 704;
	p->passive_closes = 705;
	p->connect_errors = 706;
	p->active_per_s = 7.5;
	p->passive_per_s = 8.25;
	p->connect_errors_per_s = 9.125;
	p->destinations = 710;
	set_addr(&p->top_remote, "10.1.2.3");
	p->top_remote_port = 711;
	p->top_remote_tw = 712;
	f->dests_total = 20;
	f->n_dests = 2;
	set_addr(&f->dests[0].remote, "2001:db8::5");
	f->dests[0].port = 8443;
	f->dests[0].time_wait = 801;
	set_addr(&f->dests[1].remote, "192.0.2.7");
	f->dests[1].port = 80;
	f->dests[1].server = true;
	f->dests[1].time_wait = 802;
	f->errors_total = 5;
	f->n_errors = 2;
	f->errors[0].pid = 31337;
	snprintf(f->errors[0].comm, sizeof(f->errors[0].comm), "worker");
	snprintf(f->errors[0].cgroup, sizeof(f->errors[0].cgroup), "/w");
	f->errors[0].err = EADDRNOTAVAIL;
	f->errors[0].count = 901;
	f->errors[0].per_s = 0.5;
	set_addr(&f->errors[0].remote, "2001:db8::5");
	f->errors[0].remote_port = 8443;
	f->errors[1].pid = 31338;
	snprintf(f->errors[1].comm, sizeof(f->errors[1].comm), "worker2");
	f->errors[1].err = ECONNREFUSED;
	f->errors[1].count = 902;
	f->errors[1].per_s = -1;		/* unknown: null */
	set_addr(&f->errors[1].remote, "192.0.2.8");
	f->errors[1].remote_port = 9000;
	f->n_socks = 1;
	set_addr(&f->socks[0].local, "192.0.2.1");
	set_addr(&f->socks[0].remote, "192.0.2.7");
	f->socks[0].lport = 80;
	f->socks[0].rport = 50000;
	f->socks[0].state = TS_TIME_WAIT;
	f->socks[0].timer = 3;
	f->socks[0].expires = 1234;
	return s;
}

static void same_closer(const struct snap_closer *a,
			const struct snap_closer *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_string_equal(a->comm, b->comm);
	assert_string_equal(a->cgroup, b->cgroup);
	assert_string_equal(a->container, b->container);
	assert_int_equal(a->time_wait, b->time_wait);
	assert_int_equal(a->server_side, b->server_side);
	assert_int_equal(a->client_side, b->client_side);
	assert_int_equal(a->active_closes, b->active_closes);
	assert_int_equal(a->passive_closes, b->passive_closes);
	assert_int_equal(a->connect_errors, b->connect_errors);
	assert_true(a->active_per_s == b->active_per_s);
	assert_true(a->passive_per_s == b->passive_per_s);
	assert_true(a->connect_errors_per_s == b->connect_errors_per_s);
	assert_int_equal(a->destinations, b->destinations);
	assert_memory_equal(&a->top_remote, &b->top_remote,
			    sizeof(a->top_remote));
	assert_int_equal(a->top_remote_port, b->top_remote_port);
	assert_int_equal(a->top_remote_tw, b->top_remote_tw);
}

static void same_connerr(const struct snap_connerr *a,
			 const struct snap_connerr *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_string_equal(a->comm, b->comm);
	assert_string_equal(a->cgroup, b->cgroup);
	assert_int_equal(a->err, b->err);
	assert_int_equal(a->count, b->count);
	assert_true(a->per_s == b->per_s);
	assert_memory_equal(&a->remote, &b->remote, sizeof(a->remote));
	assert_int_equal(a->remote_port, b->remote_port);
}

/* Every member of a drill-down's who closed first and of a process
 * drill-down, compared one by one. */
static void same_focus(const struct snap_focus *a, const struct snap_focus *b)
{
	const struct focus_closers *ka = &a->closers, *kb = &b->closers;

	assert_int_equal(a->req.kind, b->req.kind);
	assert_int_equal(a->req.pid, b->req.pid);
	assert_int_equal(a->req.cgroup_id, b->req.cgroup_id);
	assert_memory_equal(&a->req.addr, &b->req.addr, sizeof(a->req.addr));
	assert_int_equal(a->req.port, b->req.port);
	assert_int_equal(ka->present, kb->present);
	assert_int_equal(ka->attributed, kb->attributed);
	assert_int_equal(ka->unknown, kb->unknown);
	assert_int_equal(ka->total, kb->total);
	assert_int_equal(ka->n, kb->n);
	for (uint32_t i = 0; i < ka->n; i++) {
		assert_int_equal(ka->v[i].pid, kb->v[i].pid);
		assert_string_equal(ka->v[i].comm, kb->v[i].comm);
		assert_string_equal(ka->v[i].container, kb->v[i].container);
		assert_int_equal(ka->v[i].time_wait, kb->v[i].time_wait);
		assert_int_equal(ka->v[i].server_side, kb->v[i].server_side);
		assert_int_equal(ka->v[i].client_side, kb->v[i].client_side);
	}
	assert_int_equal(a->proc_found, b->proc_found);
	same_closer(&a->proc, &b->proc);
	assert_int_equal(a->dests_total, b->dests_total);
	assert_int_equal(a->n_dests, b->n_dests);
	for (uint32_t i = 0; i < a->n_dests; i++) {
		assert_memory_equal(&a->dests[i].remote, &b->dests[i].remote,
				    sizeof(a->dests[i].remote));
		assert_int_equal(a->dests[i].port, b->dests[i].port);
		assert_int_equal(a->dests[i].server, b->dests[i].server);
		assert_int_equal(a->dests[i].time_wait, b->dests[i].time_wait);
	}
	assert_int_equal(a->errors_total, b->errors_total);
	assert_int_equal(a->n_errors, b->n_errors);
	for (uint32_t i = 0; i < a->n_errors; i++)
		same_connerr(&a->errors[i], &b->errors[i]);
	assert_int_equal(a->states[TS_TIME_WAIT], b->states[TS_TIME_WAIT]);
	assert_int_equal(a->total, b->total);
	assert_int_equal(a->tw_client, b->tw_client);
	assert_int_equal(a->n_socks, b->n_socks);
	assert_memory_equal(a->socks, b->socks,
			    a->n_socks * sizeof(a->socks[0]));
}

/* A process drill-down comes back as written, member by member; the
 * terminal escape in a comm is written escaped, kept as the top-level
 * closers' comm is (cut to a comm's length), and written escaped again. */
static void test_focus_process(void **state)
{
	struct snapshot *s = proc_sample(), *b;
	char err[512] = "", *out, *again;

	(void)state;
	s->closers.present = true;
	s->closers.n = s->closers.total = 1;
	memcpy(s->closers.v[0].comm, HOSTILE_COMM,
	       sizeof(s->closers.v[0].comm) - 1);
	out = emit(s);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_non_null(strstr(out, "\"kind\": \"process\",\n"
			       "    \"pid\": 31337,\n"));
	assert_non_null(strstr(out, "\"comm\": \"" HOSTILE_JSON "\""));
	assert_non_null(strstr(out, "\"processes_total\": 9,"));
	assert_non_null(strstr(out, "\"side\": \"client\""));
	assert_non_null(strstr(out, "\"side\": \"server\""));
	assert_non_null(strstr(out, "\"errno\": \"ECONNREFUSED\""));
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_non_null(b->focus);
	same_focus(s->focus, b->focus);
	assert_string_equal(b->focus->closers.v[0].comm, HOSTILE_KEPT);
	assert_string_equal(b->focus->closers.v[0].comm,
			    b->closers.v[0].comm);
	assert_true(b->focus->errors[1].per_s < 0);
	again = emit(b);
	assert_string_equal(again, out);
	free(again);
	free(out);
	snap_unref(b);
	snap_unref(s);
}

/* A container's drill-down: kind "cgroup" with its id (past 2^32),
 * "container" as a closer_cgroups item, the rest as a process's; not
 * listed now, null; without its id, refused. */
static void test_focus_cgroup(void **state)
{
	struct snapshot *s = proc_sample(), *b;
	struct snap_focus *f = s->focus;
	struct snap_closer_cgroup *g = &f->cg;
	char err[512] = "", *out;

	(void)state;
	f->req.kind = FOCUS_CGROUP;
	f->req.pid = 0;
	f->req.cgroup_id = 0x100000007ull;
	f->proc_found = false;
	memset(&f->proc, 0, sizeof(f->proc));
	f->cg_found = true;
	g->cgroup_id = 0x100000007ull;
	snprintf(g->cgroup, sizeof(g->cgroup), "/system.slice/docker-"
		 "0123456789abcdef.scope");
	snprintf(g->container, sizeof(g->container), "docker-0123456789ab");
	g->processes = 3;
	g->time_wait = 1001;
	g->server_side = 1;
	g->client_side = 1000;
	g->active_closes = 1002;
	g->passive_closes = 1003;
	g->connect_errors = 1004;
	g->active_per_s = 10.5;
	g->passive_per_s = -1;
	g->connect_errors_per_s = 2.25;
	g->top_pid = 4242;
	snprintf(g->top_comm, sizeof(g->top_comm), "nginx");
	out = emit(s);
	assert_non_null(strstr(out, "\"kind\": \"cgroup\",\n"
			       "    \"cgroup_id\": 4294967303,\n"));
	assert_null(strstr(out, "\"process\":"));
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	same_focus(f, b->focus);
	assert_int_equal(b->focus->req.cgroup_id, 0x100000007ull);
	assert_true(b->focus->cg_found);
	assert_int_equal(b->focus->cg.cgroup_id, g->cgroup_id);
	assert_string_equal(b->focus->cg.cgroup, g->cgroup);
	assert_string_equal(b->focus->cg.container, g->container);
	assert_int_equal(b->focus->cg.processes, 3);
	assert_int_equal(b->focus->cg.time_wait, 1001);
	assert_int_equal(b->focus->cg.client_side, 1000);
	assert_int_equal(b->focus->cg.connect_errors, 1004);
	assert_true(b->focus->cg.active_per_s == 10.5);
	assert_true(b->focus->cg.passive_per_s < 0);
	assert_int_equal(b->focus->cg.top_pid, 4242);
	assert_string_equal(b->focus->cg.top_comm, "nginx");
	snap_unref(b);
	free(out);

	f->cg_found = false;
	out = emit(s);
	assert_non_null(strstr(out, "\"container\": null,"));
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_false(b->focus->cg_found);
	snap_unref(b);
	free(out);

	b = read_back("{\"format\": 2, \"twtop_version\": \"0\", \"time\": "
		      "\"2026-01-01T00:00:00.000Z\", \"focus\": {\"kind\": "
		      "\"cgroup\"}}", err, sizeof(err));
	assert_null(b);
	assert_non_null(strstr(err, "focus: missing \"cgroup_id\""));
	snap_unref(s);
}

/* A peer drill-down: its who closed first, no process members; not
 * listed, null; an older file without them, not present. */
static void test_focus_peer(void **state)
{
	struct snapshot *s = proc_sample(), *b;
	struct snap_focus *f = s->focus;
	char err[512] = "", *out;
	json_t *root, *o;

	(void)state;
	f->req.kind = FOCUS_PEER;
	f->req.pid = 0;
	set_addr(&f->req.addr, "192.0.2.7");
	out = emit(s);
	root = json_loads(out, 0, NULL);
	assert_non_null(root);
	o = json_object_get(root, "focus");
	assert_non_null(json_object_get(o, "closers"));
	assert_null(json_object_get(o, "pid"));
	assert_null(json_object_get(o, "process"));
	assert_null(json_object_get(o, "destinations_total"));
	assert_null(json_object_get(o, "destinations"));
	assert_null(json_object_get(o, "connect_errors_total"));
	assert_null(json_object_get(o, "connect_errors"));
	json_decref(root);
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_int_equal(b->focus->req.kind, FOCUS_PEER);
	assert_memory_equal(&b->focus->req.addr, &f->req.addr,
			    sizeof(f->req.addr));
	f->proc_found = false;
	memset(&f->proc, 0, sizeof(f->proc));
	f->dests_total = f->n_dests = f->errors_total = f->n_errors = 0;
	same_focus(f, b->focus);
	snap_unref(b);
	free(out);

	/* without BPF, and a process not listed now: null */
	f->closers.present = false;
	f->req.kind = FOCUS_PROC;
	f->req.pid = 4;
	out = emit(s);
	assert_non_null(strstr(out, "\"closers\": null,"));
	assert_non_null(strstr(out, "\"process\": null,"));
	assert_non_null(strstr(out, "\"destinations\": [],"));
	b = read_back(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_false(b->focus->closers.present);
	assert_false(b->focus->proc_found);
	assert_int_equal(b->focus->req.pid, 4);
	snap_unref(b);
	free(out);

	/* a file from before these members */
	b = read_back("{\"format\": 2, \"twtop_version\": \"0\", \"time\": "
		      "\"2026-01-01T00:00:00.000Z\", \"focus\": {\"kind\": "
		      "\"process\", \"pid\": 0}}", err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_int_equal(b->focus->req.kind, FOCUS_PROC);
	assert_false(b->focus->closers.present);
	assert_false(b->focus->proc_found);
	assert_int_equal(b->focus->n_dests, 0);
	snap_unref(b);
	snap_unref(s);
}

/* The member at path (dots between names; numbers index arrays). */
static json_t *member(json_t *o, const char *path)
{
	char p[256], *name = p, *dot;

	snprintf(p, sizeof(p), "%s", path);
	for (;;) {
		dot = strchr(name, '.');
		if (dot != NULL)
			*dot = '\0';
		o = json_is_array(o) ? json_array_get(o, strtoul(name, NULL,
								 10)) :
		    json_object_get(o, name);
		assert_non_null(o);
		if (dot == NULL)
			return o;
		name = dot + 1;
	}
}

/* Array member at path grown to n entries, copies of its first. */
static void grow(json_t *root, const char *path, size_t n)
{
	json_t *arr = member(root, path);

	while (json_array_size(arr) < n)
		json_array_append_new(arr,
				      json_deep_copy(json_array_get(arr, 0)));
}

static json_t *load(const char *text)
{
	json_t *root = json_loads(text, 0, NULL);

	assert_non_null(root);
	return root;
}

/* root, written out and replayed, fails with exactly want; root goes. */
static void fails(json_t *root, const char *want)
{
	char err[512] = "", *text = json_dumps(root, JSON_COMPACT);
	struct snapshot *b;

	assert_non_null(text);
	b = read_back(text, err, sizeof(err));
	if (b != NULL)
		fail_msg("replayed; expected %s", want);
	assert_string_equal(err, want);
	free(text);
	json_decref(root);
}

/* Hostile drill-downs: each refused with where and what, exactly. */
static void test_focus_hostile(void **state)
{
	struct snapshot *s = proc_sample();
	char *out = emit(s);
	json_t *r;

	(void)state;
	r = load(out);
	grow(r, "focus.closers.processes", FOCUS_CLOSERS_MAX + 1);
	fails(r, "t.json:1: focus.closers.processes: expected at most 8 "
	      "entries");
	r = load(out);
	grow(r, "focus.destinations", FOCUS_DESTS_MAX + 1);
	fails(r, "t.json:1: focus.destinations: expected at most 16 entries");
	r = load(out);
	grow(r, "focus.connect_errors", FOCUS_ERRORS_MAX + 1);
	fails(r, "t.json:1: focus.connect_errors: expected at most 8 entries");
	r = load(out);
	json_object_set_new(member(r, "focus"), "pid", json_integer(-1));
	fails(r, "t.json:1: focus.pid: expected an integer from 0 to "
	      "4294967295");
	r = load(out);
	json_object_del(member(r, "focus"), "pid");
	fails(r, "t.json:1: focus: missing \"pid\"");
	r = load(out);
	json_object_set_new(member(r, "focus.closers.processes.1"), "pid",
			    json_integer(-5));
	fails(r, "t.json:1: focus.closers.processes[1].pid: expected an "
	      "integer from 0 to 4294967295");
	r = load(out);
	json_object_set_new(member(r, "focus.process"), "pid",
			    json_integer(-7));
	fails(r, "t.json:1: focus.process.pid: expected an integer from 0 "
	      "to 4294967295");
	r = load(out);
	json_object_set_new(member(r, "focus.destinations.1"), "side",
			    json_string("both"));
	fails(r, "t.json:1: focus.destinations[1].side: expected \"server\" "
	      "or \"client\"");
	r = load(out);
	json_object_set_new(member(r, "focus.destinations.0"), "side",
			    json_string("server\x1b[2J"));
	fails(r, "t.json:1: focus.destinations[0].side: expected \"server\" "
	      "or \"client\"");
	r = load(out);
	json_object_set_new(member(r, "focus"), "kind", json_string("proc"));
	fails(r, "t.json:1: focus.kind: expected \"peer\", \"local_port\", "
	      "\"remote_port\", \"process\" or \"cgroup\"");
	r = load(out);
	json_object_set_new(member(r, "focus"), "closers", json_string("x"));
	fails(r, "t.json:1: focus.closers: expected an object or null");
	r = load(out);
	json_object_set_new(member(r, "focus"), "process", json_true());
	fails(r, "t.json:1: focus.process: expected an object or null");
	r = load(out);
	json_object_set_new(member(r, "focus.closers.processes.0"), "comm",
			    json_integer(1));
	fails(r, "t.json:1: focus.closers.processes[0].comm: expected a "
	      "string or null");
	r = load(out);
	json_object_set_new(member(r, "focus.process.top_destination"),
			    "remote_port", json_integer(65536));
	fails(r, "t.json:1: focus.process.top_destination.remote_port: "
	      "expected an integer from 0 to 65535");
	r = load(out);
	json_object_set_new(member(r, "focus.connect_errors.1"), "errno",
			    json_string("ENOPE"));
	fails(r, "t.json:1: focus.connect_errors[1].errno: expected an errno "
	      "name like \"EADDRNOTAVAIL\"");
	r = load(out);
	json_object_set_new(member(r, "focus"), "connect_errors", json_null());
	fails(r, "t.json:1: focus.connect_errors: expected an array");
	r = load(out);
	json_object_set_new(member(r, "focus.destinations.0"), "remote",
			    json_string("10.0.0.256"));
	fails(r, "t.json:1: focus.destinations[0].remote: expected an IPv4 "
	      "or IPv6 address");
	r = load(out);
	json_object_set_new(member(r, "focus.closers"), "unknown",
			    json_integer(-1));
	fails(r, "t.json:1: focus.closers.unknown: expected an integer from "
	      "0 to 4294967295");
	free(out);
	snap_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_bad_errno),
		cmocka_unit_test(test_focus_process),
		cmocka_unit_test(test_focus_peer),
		cmocka_unit_test(test_focus_cgroup),
		cmocka_unit_test(test_focus_hostile),
		cmocka_unit_test(test_cgroups_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
