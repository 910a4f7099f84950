/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON of who closes (src/json_closers.c), called by json.c. */
#ifndef TWTOP_JSON_CLOSERS_H
#define TWTOP_JSON_CLOSERS_H

#include <stdint.h>

#include "twtop/json.h"
#include "twtop/snapshot.h"

/* "closers_reason", "closers_totals", "closers", "closers_unknown" and
 * "connect_errors", each list cut to top; null without BPF. */
void json_closers(struct jw *w, const struct snapshot *s, uint32_t top);

/* A drill-down's "closers": who closed its TIME_WAIT first
 * ({"attributed", "unknown", "processes_total", "processes"}), null
 * without BPF. */
void json_focus_closers(struct jw *w, const struct snap_focus *f);

/* A process drill-down's "process" (a "closers" entry, null when it is
 * not listed now), "destinations_total", "destinations",
 * "connect_errors_total" and "connect_errors" (as the top-level
 * entries). */
void json_focus_process(struct jw *w, const struct snap_focus *f);

/* A destination group's "connect_failures" {errno: count} and
 * "connect_failures_per_s"; null when not counted (no BPF). */
void json_group_failures(struct jw *w, const struct snap_group *g);

#endif
