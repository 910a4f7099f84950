/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers of the dashboard in the columns they get: counts and rates
 * that never lose a digit to clipping. Pure, so tests call it alone. */
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

/* A per-second rate in at most 6 columns, "-" when it needs another
 * sample. */
const char *ui_rate(char *buf, size_t len, bool valid, double v)
{
	if (!valid)
		snprintf(buf, len, "-");
	else if (v != 0 && v < 10 && v > -10)
		snprintf(buf, len, "%.1f", v);
	else if (v >= 99999.5 && v < 1e18)
		ui_count_fit(buf, len, (unsigned long long)(v + 0.5), 5);
	else
		snprintf(buf, len, "%.0f", v);
	return buf;
}
