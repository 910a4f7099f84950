/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The advice engine: headroom forecasts per destination group and the
 * advisories derived from one snapshot (KERNEL-FACTS.md). */
#ifndef TWTOP_ADVICE_H
#define TWTOP_ADVICE_H

#include <stdbool.h>

#include "twtop/snapshot.h"

enum adv_level { ADV_INFO, ADV_WARN, ADV_ALARM };

#define ADV_WARN_SHARE	0.5	/* connect() slows past one port parity */
#define ADV_ALARM_SHARE	0.9

/*
 * Forecasts group g into out from its measured new TIME_WAIT/s: a
 * TIME_WAIT keeps its port from connect() for reuse_delay_s when
 * tcp_tw_reuse covers the group (g->reuse), else for 60 s, so the group
 * settles at rate x that + its other sockets (Little's law). "full in N
 * s" only when that reaches capacity, solved with the group's TIME_WAIT
 * expiry (tw_exp) or reuse delay.
 */
void advice_forecast(const struct snap_group *g, double reuse_delay_s,
		     struct snap_forecast *out);

/* Fills every derived figure of s that advisories and output rest on:
 * the forecasts of the ephemeral and drill-down groups. */
void advice_derive(struct snapshot *s);

/* advice_derive, then s->advisories from the rest of s, most severe
 * first. */
void advice_eval(struct snapshot *s);

/* "info", "warn" or "alarm". */
const char *advice_level_name(int level);

/* The highest level among s's advisories, or -1 when there are none. */
int advice_worst(const struct snapshot *s);

#endif
