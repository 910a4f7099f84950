/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the advice engine shared by advice.c and
 * advice_forecast.c. */
#ifndef TWTOP_ADVICE_PRIV_H
#define TWTOP_ADVICE_PRIV_H

/* Floor of a fraction in percent, so 49.9 % shows as 49 and matches the
 * thresholds, which compare the exact fraction. */
int advice_pct(double share);

/* A rate that may be unknown (< 0) as a number to forecast with. */
double advice_known(double per_s);

#endif
