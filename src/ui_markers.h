/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dashboard's markers ('m'): the public part (the types, adding one,
 * the JSON) is twtop/markers.h, which the replay reads back into; here
 * is what only the dashboard's trend panel uses. Pure: no curses. */
#ifndef TWTOP_UI_MARKERS_H
#define TWTOP_UI_MARKERS_H

#include "twtop/markers.h"
#include "twtop/snapshot.h"

/* The index of the history sample of s a marker at t belongs to (the
 * last one not after t), or -1 when t is before the history. */
int ui_markers_hist_index(const struct snapshot *s, double t);

#endif
