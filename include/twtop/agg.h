/* Streaming aggregation of socket records into a snapshot. */
#ifndef TWTOP_AGG_H
#define TWTOP_AGG_H

#include <stdint.h>

#include "twtop/diag.h"
#include "twtop/snapshot.h"

struct agg;

/* Tables are kept between samples: no allocation per socket. */
struct agg *agg_new(void);
void agg_free(struct agg *a);

/*
 * Starts a sample. low..high is ip_local_port_range (0, 0 when unknown)
 * and reserved a 65536-bit map of ip_local_reserved_ports (or NULL).
 * focus selects sockets to keep for a drill-down (NULL for none).
 */
void agg_begin(struct agg *a, uint32_t low, uint32_t high,
	       const uint8_t *reserved, const struct focus_req *focus);

/*
 * Adds one socket; a diag_cb. LISTEN and BOUND_INACTIVE sockets must come
 * before the others of the sample (the sampler dumps them first), so a
 * socket on a listening port is known as server side when it arrives.
 */
void agg_add(const struct diag_sock *sk, void *agg);

/* Fills the socket-derived parts of s: states, time_wait, top lists
 * (at most top entries each), ephemeral use, focus. */
void agg_finish(struct agg *a, struct snapshot *s, uint32_t top);

#endif
