/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers of the dashboard in the columns they get: counts and rates
 * that never lose a digit to clipping, shares rounded one way, the
 * forecast phrase in its shorter forms. Pure, so tests call it alone. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

/* A count in at most w columns: exact when its digits fit, else with
 * a unit (995.6k, 12.3M, 4.3G), one decimal when it fits; never a digit
 * cut. From w = 4 on every count fits; below, the shortest form. */
const char *ui_count_fit(char *buf, size_t len, unsigned long long v, int w)
{
	static const char unit[] = "kMGTPE";
	double scale = 1;

	if (snprintf(buf, len, "%llu", v) <= w)
		return buf;
	for (int i = 0; unit[i]; i++) {
		double x;

		scale *= 1000;
		x = (double)v / scale;
		/* the smallest unit that keeps the figure below 1000 */
		if (x >= 999.95 && unit[i + 1])
			continue;
		if (x < 999.95 && snprintf(buf, len, "%.1f%c", x, unit[i]) <= w)
			return buf;
		if (x < 999.5 || !unit[i + 1]) {
			snprintf(buf, len, "%.0f%c", x, unit[i]);
			if ((int)strlen(buf) <= w || !unit[i + 1])
				return buf;
		}
	}
	return buf;
}

/* A count in at most UI_COUNT_W (7) columns: exact below ten million. */
const char *ui_count(char *buf, size_t len, unsigned long long v)
{
	return ui_count_fit(buf, len, v, UI_COUNT_W);
}

/* A per-second rate in at most w columns, "-" when it needs another
 * sample: one decimal below 10 ("0.5", "2.2"), none when the decimal is
 * 0 ("0", "1", like "50" and "503"), compact when the digits do not
 * fit. */
const char *ui_rate_fit(char *buf, size_t len, bool valid, double v, int w)
{
	size_t n;

	if (!valid || !isfinite(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (v < 0)
		v = 0;
	if (v < 9.95) {
		snprintf(buf, len, "%.1f", v);
		n = strlen(buf);
		if (n >= 2 && strcmp(buf + n - 2, ".0") == 0)
			buf[n - 2] = '\0';
		if ((int)strlen(buf) <= w)
			return buf;
	}
	if (v >= 1.8e19)
		v = 1.8e19;
	return ui_count_fit(buf, len, (unsigned long long)(v + 0.5), w);
}

/* A per-second rate in at most 6 columns (ui_rate_fit). */
const char *ui_rate(char *buf, size_t len, bool valid, double v)
{
	return ui_rate_fit(buf, len, valid, v, 5);
}

/* A share in whole percent, rounded down as the advisories say it and
 * as their thresholds compare it (49.9 % is "49%"); "-" when unknown. */
const char *ui_pct(char *buf, size_t len, double frac)
{
	if (!isfinite(frac))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d%%", frac <= 0 ? 0 : frac >= 1e6 ?
			 100000000 : (int)floor(frac * 100.0));
	return buf;
}

/* Seconds as the forecast says them: "<1s", "43s", "5min". */
static void ui_secs(char *buf, size_t len, double s)
{
	if (s < 1)
		snprintf(buf, len, "<1s");
	else if (s < 120)
		snprintf(buf, len, "%.0fs", floor(s));
	else
		snprintf(buf, len, "%.0fmin", floor(s / 60));
}

/* Whether a group's held ports are heading down: it settles clearly
 * below what it holds now (a tenth of that, at least a point), so "steady
 * at 0%" is never said beside 53% used. */
static bool ui_draining(const struct snap_forecast *fc, double share)
{
	double drop = share / 10 > 0.01 ? share / 10 : 0.01;

	return isfinite(share) && isfinite(fc->steady_share) &&
	       share - fc->steady_share >= drop;
}

/* The forecast of g in form k (0 the longest; UI_FC_FORMS of them) into
 * buf: "full now", "full in 43s", "may fill", "draining to 4%", "steady
 * at 31%", shorter down to "full", "43s", "may", "drain", "~31%". The
 * figures are the snapshot's (advice_derive); NULL when it has none. */
const char *ui_forecast_form(const struct snap_group *g, int k, char *buf,
			     size_t len)
{
	const struct snap_forecast *fc = &g->fc;
	double share = fc->share;
	char t[24], p[16];

	if (!fc->known || k < 0 || k >= UI_FC_FORMS)
		return NULL;
	if (!isfinite(share) && fc->capacity > 0)
		share = g->used / fc->capacity;
	ui_pct(p, sizeof(p), fc->steady_share);
	if (fc->failing_per_s > 0) {
		snprintf(t, sizeof(t), "%.*f", fc->failing_per_s < 10 ? 1 : 0,
			 fc->failing_per_s);
		snprintf(buf, len, k == 0 ? "failing now: %s/s" : k == 1 ?
			 "failing %s/s" : "fail", t);
	} else if (fc->fills && fc->full_in_s <= 0) {
		snprintf(buf, len, "%s", k == 0 ? "full now" : "full");
	} else if (fc->fills) {
		ui_secs(t, sizeof(t), fc->full_in_s);
		snprintf(buf, len, k == 0 ? "full in %s" : k == 1 ?
			 "full %s" : "%s", t);
	} else if (fc->may_fill) {
		snprintf(buf, len, "%s", k == 0 ? "may fill" : "may");
	} else if (ui_draining(fc, share)) {
		snprintf(buf, len, k == 0 ? "draining to %s" : k == 1 ?
			 "draining" : "drain", p);
	} else {
		snprintf(buf, len, k == 0 ? "steady at %s" : k == 1 ?
			 "steady %s" : "~%s", p);
	}
	return buf;
}
