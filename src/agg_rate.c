/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What TIME_WAIT ages tell: new TIME_WAIT per second per row, whether a
 * flow stopped, and which TIME_WAIT connect() may take over. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "twtop/agg.h"
#include "agg_priv.h"

#define LOOPBACK_IFINDEX 1	/* include/net/flow.h */

bool agg_reuse_tuple(const struct agg_params *p, const struct tw_addr *local,
		     const struct tw_addr *remote, uint32_t ifindex)
{
	if (p->tw_reuse == 1)
		return true;
	/* 2: a loopback source or destination, or bound to lo */
	return p->tw_reuse == 2 && (addr_loopback(local) ||
				    addr_loopback(remote) ||
				    ifindex == LOOPBACK_IFINDEX);
}

bool agg_tw_timestamps(const struct agg_params *p, uint32_t age_ms)
{
	if (age_ms < p->ts_new_before_ms)
		return p->timestamps;
	if (age_ms > p->ts_old_after_ms)
		return p->ts_old;
	return false;		/* made around the change: unknown */
}

uint32_t agg_tw_age(uint32_t expires_ms)
{
	return expires_ms >= TW_LEN_MS ? 0 : TW_LEN_MS - expires_ms;
}

struct agg_tw agg_tw_of(const struct agg *a, const struct diag_sock *sk)
{
	struct agg_tw t = { agg_tw_age(sk->expires), false, false };

	t.reuse = agg_reuse_tuple(&a->p, &sk->local, &sk->remote,
				  sk->ifindex);
	t.timestamps = agg_tw_timestamps(&a->p, t.age_ms);
	return t;
}

static void win_add(struct agg_win *w, uint32_t window_ms, uint32_t age_ms)
{
	if (age_ms < window_ms) {
		w->n++;
		if (age_ms > w->old_ms)
			w->old_ms = age_ms;
	} else if (age_ms < 2 * (uint64_t)window_ms) {
		w->prev++;
	}
}

void agg_new_add(const struct agg *a, struct agg_new *nw,
		 const struct agg_tw *tw)
{
	/* every window, the window before and the last 10 s end here */
	if (tw->age_ms >= a->horizon_ms)
		return;
	win_add(&nw->full, a->p.window_ms, tw->age_ms);
	win_add(&nw->reuse, a->reuse_window_ms, tw->age_ms);
	if (tw->age_ms < AGG_LONG_MS) {
		nw->n_long++;
		if (tw->age_ms > nw->old_long_ms)
			nw->old_long_ms = tw->age_ms;
	}
	nw->any_reuse |= tw->reuse && tw->timestamps;
	if (nw->young1 == 0 || tw->age_ms + 1 < nw->young1)
		nw->young1 = tw->age_ms + 1;
}

static void win_merge(struct agg_win *d, const struct agg_win *w)
{
	d->n += w->n;
	d->prev += w->prev;
	if (w->old_ms > d->old_ms)
		d->old_ms = w->old_ms;
}

void agg_new_merge(struct agg_new *dst, const struct agg_new *src)
{
	win_merge(&dst->full, &src->full);
	win_merge(&dst->reuse, &src->reuse);
	dst->n_long += src->n_long;
	if (src->old_long_ms > dst->old_long_ms)
		dst->old_long_ms = src->old_long_ms;
	dst->any_reuse |= src->any_reuse;
	if (src->young1 != 0 && (dst->young1 == 0 || src->young1 < dst->young1))
		dst->young1 = src->young1;
}

/* The window a row's rate is counted over, and its count there. */
static const struct agg_win *row_win(const struct agg *a,
				     const struct agg_new *nw, uint32_t *win)
{
	*win = nw->any_reuse ? a->reuse_window_ms : a->p.window_ms;
	return nw->any_reuse ? &nw->reuse : &nw->full;
}

/* Whether the youngest TIME_WAIT is older than AGG_GAP_SPACINGS times
 * the spacing of the n in w (their span over their number; one alone
 * spans the window) and than AGG_GAP_FLOOR_MS, the timer's granularity. */
static bool gap_after(const struct agg_new *nw, const struct agg_win *w,
		      uint32_t win)
{
	double gap_ms = AGG_GAP_SPACINGS * (w->n > 1 ?
			(double)(w->old_ms + 1 - nw->young1) / (w->n - 1) :
			win);

	if (gap_ms < AGG_GAP_FLOOR_MS)
		gap_ms = AGG_GAP_FLOOR_MS;
	return nw->young1 - 1 > gap_ms;
}

/*
 * A row's rate over the last AGG_LONG_MS: its arrivals there over the
 * time since its flow began, estimated as one mean gap before its oldest
 * TIME_WAIT there (a flow younger than 10 s is not diluted over 10 s),
 * with one standard deviation taken off when sure (*sure).
 */
static double long_rate(const struct agg *a, const struct agg_new *nw,
			double *sure)
{
	double span, n = nw->n_long, old = nw->old_long_ms / 1000.0;

	if (n < 2) {
		span = fmax(a->p.window_ms / 1000.0, old);
		*sure = 0;
		return span > 0 ? n / span : 0;
	}
	span = old + (old - (nw->young1 - 1) / 1000.0) / (n - 1);
	span = fmax(span, 0.001);
	*sure = fmax(n - sqrt(n), 0) / span;
	return n / span;
}

/*
 * Whether a row's flow has stopped. A burst that ended: its new ones
 * stand alone (none other in the last 10 s) with a gap after them
 * (gap_after). Or nothing new in the window, and the youngest older than
 * AGG_STOP_GAPS mean gaps of the rate over the last 10 s. A flow that
 * goes on, even in pulses, leaves TIME_WAIT in the window before, or
 * gaps shorter than that. Where connect() may take TIME_WAIT over, older
 * ones may be gone: only a first sample's gap tells there.
 */
bool agg_stopped(const struct agg *a, const struct agg_new *nw)
{
	uint32_t win;
	const struct agg_win *w = row_win(a, nw, &win);
	double sure;

	if (win == 0 || nw->young1 == 0)
		return false;
	if (nw->any_reuse)
		return a->p.first && w->n > 0 && gap_after(nw, w, win);
	if (w->n > 0)
		return w->prev == 0 && w->n == nw->n_long &&
		       gap_after(nw, w, win);
	return (nw->young1 - 1) / 1000.0 * long_rate(a, nw, &sure) >
	       AGG_STOP_GAPS;
}

/*
 * Whether the last 10 s are stale: the last window's count, plus two
 * standard deviations (and 2, for small counts), is below what the last
 * 10 s surely give: the flow has slowed or ended since (a burst with a
 * straggler), and the window tells the rate now.
 */
static bool long_stale(const struct agg *a, const struct agg_new *nw,
		       double lsure)
{
	uint32_t win;
	const struct agg_win *w = row_win(a, nw, &win);

	return (w->n + 2 * sqrt((double)w->n) + 2) * 1000.0 / win < lsure;
}

double agg_rate_long(const struct agg *a, const struct agg_new *nw)
{
	double sure, r;

	/* TIME_WAIT connect() took over are gone from the ages */
	if (nw->any_reuse || a->p.window_ms == 0)
		return -1;
	r = long_rate(a, nw, &sure);
	return long_stale(a, nw, sure) ? agg_rate(a, nw) : r;
}

double agg_rate_low(const struct agg *a, const struct agg_new *nw)
{
	uint32_t win;
	const struct agg_win *w = row_win(a, nw, &win);
	double sure = (w->n - 2 * sqrt((double)w->n)) * 1000.0 / win, lsure;

	if (win == 0)
		return -1;
	if (a->p.first && agg_stopped(a, nw))
		return 0;
	/* the last 10 s are many more: one standard deviation is enough,
	 * unless the last window says they are stale */
	if (!nw->any_reuse) {
		long_rate(a, nw, &lsure);
		if (!long_stale(a, nw, lsure))
			sure = fmax(sure, lsure);
	}
	return sure > 0 ? sure : 0;
}

/*
 * A row's new TIME_WAIT per second. Between samples the TIME_WAIT younger
 * than the time since the last one are exactly the new ones (the age is
 * 60 s minus the timer, KERNEL-FACTS.md "Counters"); where connect() may
 * take TIME_WAIT over, only those younger than the reuse delay are sure
 * to be still there. Without a previous sample the window is the last
 * two seconds, and a flow that stopped (agg_stopped) is no rate.
 */
double agg_rate(const struct agg *a, const struct agg_new *nw)
{
	uint32_t win;
	const struct agg_win *w = row_win(a, nw, &win);

	if (win == 0)
		return -1;
	if (w->n == 0 || (a->p.first && agg_stopped(a, nw)))
		return 0;
	return w->n * 1000.0 / win;
}
