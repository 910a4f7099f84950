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
 */
void agg_begin(struct agg *a, uint32_t low, uint32_t high,
	       const uint8_t *reserved);

/*
 * Adds one socket; a diag_cb. LISTEN and BOUND_INACTIVE sockets must come
 * before the others of the sample (the sampler dumps them first), so a
 * socket on a listening port is known as server side when it arrives.
 */
void agg_add(const struct diag_sock *sk, void *agg);

/* Fills the socket-derived parts of s: states, time_wait, top lists
 * (at most top entries each), ephemeral use. */
void agg_finish(struct agg *a, struct snapshot *s, uint32_t top);

/*
 * The drill-down, a second pass after agg_finish over the sockets of one
 * peer or port (the sampler has the kernel select them with bytecode).
 * It uses the first pass's listening ports (server side) and destination
 * groups, so it must follow agg_finish of the same sample.
 */
void agg_focus_begin(struct agg *a, const struct focus_req *focus);
void agg_focus_add(const struct diag_sock *sk, void *agg);
/* Attaches the drill-down to s (s->focus), with the focus's fullest
 * destination groups. */
void agg_focus_finish(const struct agg *a, struct snapshot *s);

#endif
