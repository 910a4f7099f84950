// SPDX-License-Identifier: GPL-2.0-or-later
/* --all-netns rows: a namespace's sample in a row, and the order of the
 * rows (worst first, idle ones folded at the end). Pure. */
#include <stdlib.h>
#include <string.h>

#include "twtop/advice.h"
#include "twtop/allns.h"

void allns_row_fill(struct allns_row *r, struct snapshot *s)
{
	r->snap = s;
	r->sampled = true;
	r->sockets = s->sockets;
	memcpy(r->states, s->states, sizeof(r->states));
	r->tw_total = s->tw.total;
	r->tw_server = s->tw.server_side;
	r->tw_client = s->tw.client_side;
	r->rate_valid = s->tw.rate_valid;
	r->new_per_s = s->tw.rate_valid ? s->tw.new_per_s : 0;
	r->has_group = s->eph.present && s->eph.n_groups > 0;
	if (r->has_group)
		r->worst = s->eph.groups[0];	/* advice_derive: worst first */
	r->groups_total = s->eph.present ? s->eph.groups_total : 0;
	memset(r->adv, 0, sizeof(r->adv));
	for (uint32_t i = 0; i < MIN_U32(s->n_advisories, SNAP_ADV_MAX); i++) {
		int l = s->advisories[i].level;

		if (l >= ADV_INFO && l <= ADV_ALARM)
			r->adv[l]++;
	}
	r->partial = s->partial;
	r->dump_failed = s->dump_failed;
	r->dump_ms = s->dump_ms;
	r->pass_ms = s->pass_ms;
	r->backend = s->backend;
}

bool allns_row_idle(const struct allns_row *r)
{
	return r->sampled && r->error[0] == '\0' && !r->dump_failed &&
	       r->sockets == 0 && r->states[TS_BOUND_INACTIVE] == 0;
}

/* The worst group's forecast, when it has one. */
static const struct snap_forecast *row_fc(const struct allns_row *r)
{
	return r->sampled && r->has_group && r->worst.fc.known ?
	       &r->worst.fc : NULL;
}

int allns_row_level(const struct allns_row *r)
{
	const struct snap_forecast *fc = row_fc(r);

	if (!r->sampled || r->error[0])
		return 0;
	if (fc && fc->fills)
		return 4;
	if ((fc && fc->pressure >= ADV_ALARM_SHARE) || r->adv[ADV_ALARM])
		return 3;
	if ((fc && (fc->pressure >= ADV_WARN_SHARE || fc->may_fill ||
		    fc->steady_share >= ADV_WARN_SHARE)) || r->adv[ADV_WARN])
		return 2;
	return r->tw_total > 0 ? 1 : 0;
}

/* -1, 0, 1 as x is smaller, equal, larger than y. */
#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y))

/* Worse group first: it fills (sooner), is taken more, settles fuller
 * (advice_forecast's order of the groups within a namespace). */
static int group_cmp(const struct allns_row *a, const struct allns_row *b)
{
	const struct snap_forecast *x = row_fc(a), *y = row_fc(b);

	if (!x || !y)
		return CMP(y != NULL, x != NULL);
	if (x->fills != y->fills)
		return x->fills ? -1 : 1;
	if (x->fills && x->full_in_s != y->full_in_s)
		return CMP(x->full_in_s, y->full_in_s);
	if (x->pressure != y->pressure)
		return CMP(y->pressure, x->pressure);
	return CMP(y->steady_share, x->steady_share);
}

int allns_row_cmp(const struct allns_row *a, const struct allns_row *b)
{
	int la = allns_row_level(a), lb = allns_row_level(b), c;
	bool ia = allns_row_idle(a), ib = allns_row_idle(b);

	if (ia != ib)
		return ia ? 1 : -1;
	if (la != lb)
		return CMP(lb, la);
	/* in trouble: the group decides; else TIME_WAIT does (a group a
	 * hundredth full says less than thousands of TIME_WAIT) */
	if (la >= 2 && (c = group_cmp(a, b)) != 0)
		return c;
	if ((c = CMP(b->tw_total, a->tw_total)) != 0 ||
	    (c = CMP(b->sockets, a->sockets)) != 0)
		return c;
	if (la < 2 && (c = group_cmp(a, b)) != 0)
		return c;
	/* rows without counts: not sampled yet, then those with errors */
	if (a->sampled != b->sampled)
		return a->sampled ? -1 : 1;
	if ((a->error[0] != '\0') != (b->error[0] != '\0'))
		return a->error[0] ? 1 : -1;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	return CMP(a->ino, b->ino);
}

static int row_qcmp(const void *a, const void *b)
{
	return allns_row_cmp(a, b);
}

void allns_rows_sort(struct allns_row *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), row_qcmp);
}

size_t allns_rows_shown(const struct allns_row *rows, size_t n)
{
	size_t k = 0;

	while (k < n && !allns_row_idle(&rows[k]))
		k++;
	return k;
}
