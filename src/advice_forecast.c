/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where destination groups are heading: Little's law over the rate a
 * group surely keeps, and the time its held ports reach capacity
 * (KERNEL-FACTS.md, "Ephemeral port exhaustion is per destination"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "twtop/advice.h"
#include "advice_priv.h"

/* Floor of a fraction in percent, so 49.9 % shows as 49 and matches the
 * thresholds, which compare the exact fraction. */
int advice_pct(double share)
{
	return isfinite(share) ? (int)floor(share * 100.0) : 0;
}

/* "43 s", "5 min", "under 1 s". */
static void fmt_secs(char *buf, size_t len, double secs)
{
	if (secs < 1)
		snprintf(buf, len, "under 1 s");
	else if (secs < 120)
		snprintf(buf, len, "%.0f s", floor(secs));
	else
		snprintf(buf, len, "%.0f min", floor(secs / 60));
}

/* TIME_WAIT of g still unexpired t seconds from now, from its 1 s expiry
 * steps, each spread evenly over its second. */
static double tw_alive(const struct snap_group *g, double t)
{
	double alive = 0;

	for (int k = 0; k < SNAP_EXP_SECS; k++) {
		if (t <= k)
			alive += g->tw_exp_s[k];
		else if (t < k + 1)
			alive += g->tw_exp_s[k] * (k + 1 - t);
	}
	return alive;
}

/*
 * Seconds until the ports a group holds reach capacity at r new
 * TIME_WAIT/s, or -1 if they never do. Without reuse they are its other
 * sockets, its TIME_WAIT neither expired nor reusable, and r x t new
 * ones, which hold their ports 60 s: piecewise linear over the 1 s
 * expiry steps, solved step by step up to 60 s, when the first new ones
 * expire. With reuse the young TIME_WAIT (not reusable yet) free up over
 * the delay d while r x t arrive: linear, reached by d or never.
 */
static double fill_time(const struct snap_group *g, bool reuse, double r,
			double cap, double d)
{
	double non_tw = g->used > g->time_wait ? g->used - g->time_wait : 0;
	double held = cap - g->available, scale;

	if (g->available == 0)
		return 0;
	if (reuse) {
		double young = g->time_wait > g->reusable ?
			       g->time_wait - g->reusable : 0;
		double slope = d > 0 ? r - young / d : r;

		if (non_tw + r * d < cap || !(slope > 0))
			return -1;
		return (cap - held) / slope;
	}
	/* TIME_WAIT connect() may take over now (made with timestamps
	 * before tcp_timestamps was turned off) hold nothing */
	scale = g->time_wait > 0 ? (double)(g->time_wait - g->reusable) /
				   g->time_wait : 0;
	for (int k = 0; k < SNAP_EXP_SECS; k++) {
		double h0 = non_tw + scale * tw_alive(g, k) + r * k;
		double h1 = non_tw + scale * tw_alive(g, k + 1) + r * (k + 1);

		if (h0 >= cap)
			return k;
		if (h1 >= cap)
			return k + (cap - h0) / (h1 - h0);
	}
	return -1;
}

double advice_known(double per_s)
{
	return per_s > 0 ? per_s : 0;
}

void advice_forecast(const struct snap_group *g, double reuse_delay_s,
		     struct snap_forecast *out)
{
	double non_tw = g->used > g->time_wait ? g->used - g->time_wait : 0;
	double now_rate, t;
	char when[24];

	memset(out, 0, sizeof(*out));
	out->full_in_s = -1;
	out->capacity = (double)g->used + g->free;
	out->reuse = g->reuse;
	/*
	 * The rate it settles on is its best estimate: the last 10 s, or
	 * under reuse the last window. "full in" is said only when the rate
	 * it surely keeps (low_per_s) gets there, so one busy second of a
	 * random flow does not; when it does, the time is told by the rate
	 * since the last sample when higher (a ramp, pulses). A burst that
	 * ended is no rate (agg_stopped).
	 */
	out->rate_in = g->stopped ? 0 : g->long_per_s >= 0 ? g->long_per_s :
		       advice_known(g->new_per_s);
	out->sure_in = g->stopped ? 0 : advice_known(g->low_per_s);
	now_rate = g->stopped ? 0 : advice_known(g->new_per_s);
	out->hold_s = g->reuse ? reuse_delay_s : TW_LEN_S;
	if (!(out->capacity > 0))
		return;
	out->known = true;
	out->share = g->used / out->capacity;
	out->pressure = 1 - g->available / out->capacity;
	/* Little's law: a TIME_WAIT holds its port for hold_s */
	out->steady_used = out->rate_in * out->hold_s + non_tw;
	out->steady_share = out->steady_used / out->capacity;
	/* full once held ports reach capacity: in the steady state, or on
	 * the way, before older TIME_WAIT expire */
	t = fill_time(g, g->reuse, out->sure_in, out->capacity,
		      reuse_delay_s);
	if (t > 0 && now_rate > out->sure_in)
		t = fill_time(g, g->reuse, now_rate, out->capacity,
			      reuse_delay_s);
	if (t == 0) {
		out->fills = true;
		out->full_in_s = 0;
		snprintf(out->text, sizeof(out->text), "full now");
	} else if (t > 0) {
		out->fills = true;
		out->full_in_s = t;
		fmt_secs(when, sizeof(when), t);
		snprintf(out->text, sizeof(out->text), "full in %s", when);
	} else if (fill_time(g, g->reuse, out->rate_in, out->capacity,
			     reuse_delay_s) >= 0) {
		/* the estimate gets there, the sure rate not (yet) */
		out->may_fill = true;
		snprintf(out->text, sizeof(out->text), "may fill");
	} else {
		snprintf(out->text, sizeof(out->text), "steady at %d %%",
			 advice_pct(out->steady_share));
	}
	/* connect() to it fails already (who closes counts the errors of
	 * each connect(), by destination): that is the forecast that came
	 * true, whatever the ports say */
	if (g->cf.known && g->cf.per_s > 0) {
		out->failing_per_s = g->cf.per_s;
		snprintf(out->text, sizeof(out->text), "failing now: %.*f/s",
			 g->cf.per_s < 10 ? 1 : 0, g->cf.per_s);
	}
}

/* Whether group a is in a worse state than b: it fills (sooner), else
 * connect() can take less of it, else it settles fuller. */
static bool group_worse(const struct snap_group *a, const struct snap_group *b)
{
	if (a->fc.fills != b->fc.fills)
		return a->fc.fills;
	if (a->fc.fills && a->fc.full_in_s != b->fc.full_in_s)
		return a->fc.full_in_s < b->fc.full_in_s;
	if (a->fc.pressure != b->fc.pressure)
		return a->fc.pressure > b->fc.pressure;
	return a->fc.steady_share > b->fc.steady_share;
}

/* Forecasts n groups and orders them worst first (stable): a group that
 * will fill goes before a fuller one that will not. */
static void derive_groups(struct snap_group *g, uint32_t n, double delay_s)
{
	for (uint32_t i = 0; i < n; i++) {
		struct snap_group t;
		uint32_t j = i;

		advice_forecast(&g[i], delay_s, &g[i].fc);
		if (j == 0 || !group_worse(&g[j], &g[j - 1]))
			continue;
		t = g[j];
		for (; j > 0 && group_worse(&t, &g[j - 1]); j--)
			g[j] = g[j - 1];
		g[j] = t;
	}
}

void advice_derive(struct snapshot *s)
{
	double d = s->eph.reuse_delay_ms / 1000.0;

	derive_groups(s->eph.groups, s->eph.n_groups < SNAP_TOP_MAX ?
		      s->eph.n_groups : SNAP_TOP_MAX, d);
	if (s->focus != NULL)
		derive_groups(s->focus->groups, s->focus->n_groups <
			      FOCUS_GROUPS_MAX ? s->focus->n_groups :
			      FOCUS_GROUPS_MAX, d);
}
