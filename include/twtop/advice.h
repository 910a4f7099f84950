/* The advice engine: headroom forecasts per destination group and the
 * advisories derived from one snapshot (KERNEL-FACTS.md). */
#ifndef TWTOP_ADVICE_H
#define TWTOP_ADVICE_H

#include <stdbool.h>

#include "twtop/snapshot.h"

enum adv_level { ADV_INFO, ADV_WARN, ADV_ALARM };

#define ADV_WARN_SHARE	0.5	/* connect() slows past one port parity */
#define ADV_ALARM_SHARE	0.9
#define ADV_WINDOW_S	10.0	/* tw_young / tw_expiring window */
#define ADV_TW_LEN_S	60.0	/* TIME_WAIT length, fixed in Linux */

/* Where a destination group is heading, by Little's law: at a steady
 * rate_in, TIME_WAIT settles at rate_in x 60 s. */
struct adv_forecast {
	bool known;		/* the group has a capacity to forecast */
	double capacity;	/* used + available */
	double share;		/* used / capacity */
	double rate_in;		/* new connections per second */
	double rate_out;	/* TIME_WAIT expiring per second */
	double steady_used;	/* rate_in x 60 s + non-TIME_WAIT sockets */
	double steady_share;	/* steady_used / capacity */
	bool fills;		/* steady state reaches capacity */
	double full_in_s;	/* when fills: seconds left, < 0 unknown */
	char text[40];		/* "full in 43 s", "steady at 38 %" */
};

/*
 * Forecasts group g. rate_hint is the group's new connections per second
 * measured between samples, or < 0 when unknown; then the TIME_WAIT
 * younger than 10 s give it (tw_young / 10 s). The out rate is
 * tw_expiring / 10 s.
 */
void advice_forecast(const struct snap_group *g, double rate_hint,
		     struct adv_forecast *out);

/*
 * New TIME_WAIT per second into a part of the host (a group, a peer)
 * with young TIME_WAIT younger than 10 s: TcpExtTW's rate between samples
 * split by that part's share of the young TIME_WAIT. < 0 when the rate is
 * unknown (first sample, or a kernel whose TcpExtTW counts at expiry).
 */
double advice_young_rate(const struct snapshot *s, uint32_t young);

/* advice_forecast with the group's rate measured between samples when s
 * has it (as port-group-pressure uses). */
void advice_group_forecast(const struct snapshot *s,
			   const struct snap_group *g, struct adv_forecast *out);

/* Fills s->advisories from the rest of s, most severe first. */
void advice_eval(struct snapshot *s);

/* "info", "warn" or "alarm". */
const char *advice_level_name(int level);

/* The highest level among s's advisories, or -1 when there are none. */
int advice_worst(const struct snapshot *s);

#endif
