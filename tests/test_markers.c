/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/ui_markers.c: markers, their history column and the
 * "markers"/"phases" members of snapshot files. */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/ui_markers.h"

/* A sample at second t with the given TIME_WAIT and counters. */
static struct snapshot *sample(double t, uint32_t tw, long long twc,
			       long long active, bool recycled)
{
	struct snapshot *s = snap_new();

	s->when.tv_sec = (time_t)t;
	s->when.tv_nsec = (long)((t - (double)(time_t)t) * 1e9);
	s->tw.total = tw;
	s->tw.rate_valid = true;
	s->tw.new_per_s = 12.5;
	s->counters_present = true;
	snprintf(s->counters[s->n_counters].name, 48, "TcpExtTW");
	s->counters[s->n_counters++].value = twc;
	snprintf(s->counters[s->n_counters].name, 48, "TcpActiveOpens");
	s->counters[s->n_counters++].value = active;
	snprintf(s->counters[s->n_counters].name, 48, "TcpPassiveOpens");
	s->counters[s->n_counters++].value = 7;
	snprintf(s->counters[s->n_counters].name, 48,
		 "TcpExtTCPTimeWaitOverflow");
	s->counters[s->n_counters++].value = 0;
	if (recycled) {
		snprintf(s->counters[s->n_counters].name, 48,
			 "TcpExtTWRecycled");
		s->counters[s->n_counters++].value = 3;
	}
	return s;
}

static void test_add(void **state)
{
	struct ui_markers ms = { 0 };
	struct snapshot *s = sample(1000.5, 42, 900, 50, true);
	const struct ui_marker *m;

	(void)state;
	m = ui_markers_add(&ms, s);
	assert_non_null(m);
	assert_string_equal(m->label, "m1");
	assert_true(fabs(m->t - 1000.5) < 1e-6);
	assert_int_equal(m->time_wait, 42);
	assert_true(m->has[0] && m->counter[0] == 900);
	assert_true(m->has[1] && m->counter[1] == 3);
	assert_true(m->has[3] && m->counter[3] == 50);
	m = ui_markers_add(&ms, s);
	assert_string_equal(m->label, "m2");
	for (int i = 2; i < UI_MARKERS_MAX; i++)
		assert_non_null(ui_markers_add(&ms, s));
	assert_string_equal(ms.m[UI_MARKERS_MAX - 1].label, "m32");
	assert_null(ui_markers_add(&ms, s));
	assert_int_equal(ms.n, UI_MARKERS_MAX);
	snap_unref(s);
}

static void test_hist_index(void **state)
{
	struct snapshot *s = snap_new();

	(void)state;
	s->n_hist = 3;
	s->hist[0].t = 10;
	s->hist[1].t = 11;
	s->hist[2].t = 12;
	assert_int_equal(ui_markers_hist_index(s, 9.5), -1);
	assert_int_equal(ui_markers_hist_index(s, 10), 0);
	assert_int_equal(ui_markers_hist_index(s, 11.5), 1);
	assert_int_equal(ui_markers_hist_index(s, 12), 2);
	assert_int_equal(ui_markers_hist_index(s, 99), 2);
	snap_unref(s);
}

/* JSON of markers at 1000 and 1010 and a save at 1030: two markers,
 * two phases with the deltas, null where a counter is missing. */
static void test_json(void **state)
{
	struct ui_markers ms = { 0 };
	struct snapshot *a = sample(1000, 100, 900, 50, false);
	struct snapshot *b = sample(1010, 350, 1250, 420, true);
	struct snapshot *now = sample(1030, 120, 1260, 430, true);
	struct jw w;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_non_null(f);
	ui_markers_add(&ms, a);
	ui_markers_add(&ms, b);
	jw_init(&w, f, false);
	jw_obj_begin(&w);
	ui_markers_json(&w, now, &ms);
	jw_obj_end(&w);
	fclose(f);
	assert_non_null(strstr(out, "{\"markers\":[{\"label\":\"m1\",\"t\":1000,"
			       "\"time_wait\":100,\"new_tw_per_s\":12.5,"
			       "\"TcpExtTW\":900,\"TcpExtTWRecycled\":null,"));
	assert_non_null(strstr(out, "{\"label\":\"m2\",\"t\":1010,"
			       "\"time_wait\":350,"));
	assert_non_null(strstr(out, "\"phases\":[{\"from\":\"m1\",\"to\":\"m2\","
			       "\"seconds\":10,\"TcpExtTW\":350,"
			       "\"TcpExtTWRecycled\":null,"
			       "\"TcpExtTCPTimeWaitOverflow\":0,"
			       "\"TcpActiveOpens\":370,\"TcpPassiveOpens\":0,"
			       "\"time_wait_change\":250}"));
	assert_non_null(strstr(out, "{\"from\":\"m2\",\"to\":\"now\","
			       "\"seconds\":20,\"TcpExtTW\":10,"
			       "\"TcpExtTWRecycled\":0,"));
	assert_non_null(strstr(out, "\"time_wait_change\":-230}]}"));
	free(out);
	snap_unref(a);
	snap_unref(b);
	snap_unref(now);
}

/* Counter deltas past the range of long long (a crafted file) are not
 * undefined behaviour: exact when positive, null when not representable. */
static void test_json_extreme(void **state)
{
	struct ui_markers ms = { .n = 2 };
	struct snapshot *now = sample(1030, 120, 1260, 430, true);
	struct jw w;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_non_null(f);
	snprintf(ms.m[0].label, sizeof(ms.m[0].label), "m1");
	snprintf(ms.m[1].label, sizeof(ms.m[1].label), "m2");
	ms.m[0].has[0] = ms.m[1].has[0] = true;
	ms.m[0].counter[0] = LLONG_MIN;
	ms.m[1].counter[0] = LLONG_MAX;
	ms.m[0].has[3] = ms.m[1].has[3] = true;
	ms.m[0].counter[3] = LLONG_MAX;
	ms.m[1].counter[3] = -2;
	jw_init(&w, f, false);
	jw_obj_begin(&w);
	ui_markers_json(&w, now, &ms);
	jw_obj_end(&w);
	fclose(f);
	assert_non_null(strstr(out, "{\"from\":\"m1\",\"to\":\"m2\","
			       "\"seconds\":0,"
			       "\"TcpExtTW\":18446744073709551615,"));
	assert_non_null(strstr(out, "\"TcpActiveOpens\":null,"));
	free(out);
	snap_unref(now);
}

/* No markers: empty arrays. */
static void test_json_empty(void **state)
{
	struct ui_markers ms = { 0 };
	struct snapshot *s = sample(5, 1, 1, 1, false);
	struct jw w;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	jw_init(&w, f, false);
	jw_obj_begin(&w);
	ui_markers_json(&w, s, &ms);
	jw_obj_end(&w);
	fclose(f);
	assert_string_equal(out, "{\"markers\":[],\"phases\":[]}");
	free(out);
	snap_unref(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_hist_index),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_extreme),
		cmocka_unit_test(test_json_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
