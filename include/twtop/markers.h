/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Markers ('m' in the dashboard): moments of a load test, kept with the
 * counters of that sample, written into snapshot files as "markers" and
 * "phases" and read back by --replay. Pure: no curses. */
#ifndef TWTOP_MARKERS_H
#define TWTOP_MARKERS_H

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

/* Writes "markers" and "phases" (marker to marker, last marker to s)
 * as members of the open object; arg is the struct ui_markers. */
void ui_markers_json(struct jw *w, const struct snapshot *s,
		     const void *arg);

#endif
