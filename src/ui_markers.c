/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dashboard's markers: moments of a load test and the phases
 * between them, for the screen and for snapshot files. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui_markers.h"

const char *const ui_marker_counters[UI_MARKER_NCOUNTERS] = {
	"TcpExtTW", "TcpExtTWRecycled", "TcpExtTCPTimeWaitOverflow",
	"TcpActiveOpens", "TcpPassiveOpens",
};

/* The sample's wall clock time, as the history records it. */
static double marker_time(const struct snapshot *s)
{
	return (double)s->when.tv_sec + (double)s->when.tv_nsec / 1e9;
}

const struct ui_marker *ui_markers_add(struct ui_markers *ms,
				       const struct snapshot *s)
{
	struct ui_marker *m;

	if (ms->n >= UI_MARKERS_MAX)
		return NULL;
	m = &ms->m[ms->n];
	memset(m, 0, sizeof(*m));
	snprintf(m->label, sizeof(m->label), "m%u", ms->n + 1);
	m->t = marker_time(s);
	m->time_wait = s->tw.total;
	m->new_tw_per_s = s->tw.rate_valid ? s->tw.new_per_s : -1;
	for (int i = 0; i < UI_MARKER_NCOUNTERS; i++) {
		const struct snap_counter *c;

		c = s->counters_present ?
		    snap_counter(s, ui_marker_counters[i]) : NULL;
		m->has[i] = c != NULL;
		m->counter[i] = c ? c->value : 0;
	}
	ms->n++;
	return m;
}

int ui_markers_hist_index(const struct snapshot *s, double t)
{
	int idx = -1;

	for (uint32_t i = 0; i < s->n_hist && i < SNAP_HIST_MAX; i++) {
		if (s->hist[i].t > t + 1e-3)
			break;
		idx = (int)i;
	}
	return idx;
}

/* One marker as a JSON object. */
static void marker_json(struct jw *w, const struct ui_marker *m)
{
	jw_obj_begin(w);
	jw_key(w, "label");
	jw_str(w, m->label);
	jw_key(w, "t");
	jw_double(w, m->t);
	jw_key(w, "time_wait");
	jw_uint(w, m->time_wait);
	jw_key(w, "new_tw_per_s");
	jw_double(w, m->new_tw_per_s >= 0 ? m->new_tw_per_s : NAN);
	for (int i = 0; i < UI_MARKER_NCOUNTERS; i++) {
		jw_key(w, ui_marker_counters[i]);
		if (m->has[i])
			jw_int(w, m->counter[i]);
		else
			jw_null(w);
	}
	jw_obj_end(w);
}

/* b - a without overflow (counters read from a file may be any int64):
 * exact when it fits in long long or is positive; a fall of more than
 * 2^63, which no kernel counter makes, is unknown (null). */
static void phase_delta_json(struct jw *w, long long a, long long b)
{
	long long d;

	if (!__builtin_sub_overflow(b, a, &d))
		jw_int(w, d);
	else if (b > a)
		jw_uint(w, (unsigned long long)b - (unsigned long long)a);
	else
		jw_null(w);
}

/* One phase from a to b as a JSON object: seconds and counter deltas
 * (null when either end lacks the counter). */
static void phase_json(struct jw *w, const struct ui_marker *a,
		       const struct ui_marker *b)
{
	jw_obj_begin(w);
	jw_key(w, "from");
	jw_str(w, a->label);
	jw_key(w, "to");
	jw_str(w, b->label);
	jw_key(w, "seconds");
	jw_double(w, b->t - a->t);
	for (int i = 0; i < UI_MARKER_NCOUNTERS; i++) {
		jw_key(w, ui_marker_counters[i]);
		if (a->has[i] && b->has[i])
			phase_delta_json(w, a->counter[i], b->counter[i]);
		else
			jw_null(w);
	}
	jw_key(w, "time_wait_change");
	jw_int(w, (long long)b->time_wait - (long long)a->time_wait);
	jw_obj_end(w);
}

void ui_markers_json(struct jw *w, const struct snapshot *s,
		     const void *arg)
{
	const struct ui_markers *ms = arg;
	struct ui_markers now_ms = { 0 };
	struct ui_marker now;

	jw_key(w, "markers");
	jw_arr_begin(w);
	for (unsigned int i = 0; i < ms->n; i++)
		marker_json(w, &ms->m[i]);
	jw_arr_end(w);
	jw_key(w, "phases");
	jw_arr_begin(w);
	for (unsigned int i = 0; i + 1 < ms->n; i++)
		phase_json(w, &ms->m[i], &ms->m[i + 1]);
	if (ms->n > 0) {
		now = *ui_markers_add(&now_ms, s);
		snprintf(now.label, sizeof(now.label), "now");
		phase_json(w, &ms->m[ms->n - 1], &now);
	}
	jw_arr_end(w);
}
