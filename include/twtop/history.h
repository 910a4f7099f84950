/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded ring of trend samples. */
#ifndef TWTOP_HISTORY_H
#define TWTOP_HISTORY_H

#include <stdint.h>

#include "twtop/snapshot.h"

struct history {
	struct snap_hist e[SNAP_HIST_MAX];
	uint32_t head;		/* next slot to write */
	uint32_t n;		/* valid entries */
};

void history_reset(struct history *h);
void history_push(struct history *h, const struct snap_hist *e);
/* Copies the entries oldest first into out (at most max); returns count.
 * When max < n, the NEWEST max entries are copied (still oldest first). */
uint32_t history_copy(const struct history *h, struct snap_hist *out,
		      uint32_t max);

#endif
