/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dashboard's markers ('m'): moments of a load test, kept with the
 * counters of that sample, and the phases between them. Pure: no curses. */
#ifndef TWTOP_UI_MARKERS_H
#define TWTOP_UI_MARKERS_H

#include <stdbool.h>
#include <stdint.h>

#include "twtop/json.h"
#include "twtop/snapshot.h"

#define UI_MARKERS_MAX	32
#define UI_MARKER_NCOUNTERS 5

/* The counters a marker keeps, by nstat name. */
extern const char *const ui_marker_counters[UI_MARKER_NCOUNTERS];

struct ui_marker {
	char label[8];		/* "m1", "m2", ... */
	double t;		/* the sample's CLOCK_REALTIME seconds */
	uint32_t time_wait;	/* TIME_WAIT counted (filtered) */
	double new_tw_per_s;	/* < 0 when unknown */
	bool has[UI_MARKER_NCOUNTERS];	/* the counter was read */
	long long counter[UI_MARKER_NCOUNTERS];
};

struct ui_markers {
	unsigned int n;
	struct ui_marker m[UI_MARKERS_MAX];
};

/* Adds a marker at sample s; NULL when UI_MARKERS_MAX are set. */
const struct ui_marker *ui_markers_add(struct ui_markers *ms,
				       const struct snapshot *s);

/* The index of the history sample of s a marker at t belongs to (the
 * last one not after t), or -1 when t is before the history. */
int ui_markers_hist_index(const struct snapshot *s, double t);

/* Writes "markers" and "phases" (marker to marker, last marker to s)
 * as members of the open object; arg is the struct ui_markers. */
void ui_markers_json(struct jw *w, const struct snapshot *s,
		     const void *arg);

#endif
