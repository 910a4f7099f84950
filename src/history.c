/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded ring of trend samples. */
#include <string.h>

#include "twtop/history.h"

void history_reset(struct history *h)
{
	h->head = 0;
	h->n = 0;
}

/* Appends e, overwriting the oldest entry once the ring is full. */
void history_push(struct history *h, const struct snap_hist *e)
{
	h->e[h->head] = *e;
	h->head = (h->head + 1) % SNAP_HIST_MAX;
	if (h->n < SNAP_HIST_MAX)
		h->n++;
}

/* Copies the newest min(n, max) entries into out, oldest first. */
uint32_t history_copy(const struct history *h, struct snap_hist *out,
		      uint32_t max)
{
	uint32_t count = h->n < max ? h->n : max;
	/* Oldest of the newest `count`: `count` slots behind head. */
	uint32_t i = (h->head + SNAP_HIST_MAX - count) % SNAP_HIST_MAX;
	uint32_t first = SNAP_HIST_MAX - i;

	if (count == 0)
		return 0;
	if (first > count)
		first = count;
	memcpy(out, &h->e[i], first * sizeof(*out));
	memcpy(out + first, &h->e[0], (count - first) * sizeof(*out));
	return count;
}
