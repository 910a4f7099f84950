/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Streaming aggregation of socket records into a snapshot. */
#ifndef TWTOP_AGG_H
#define TWTOP_AGG_H

#include <stdbool.h>
#include <stdint.h>

#include "twtop/diag.h"
#include "twtop/snapshot.h"

struct agg;

/* Tables are kept between samples: no allocation per socket. */
struct agg *agg_new(void);
void agg_free(struct agg *a);

/* What a sample is counted against (the sampler reads and remembers it). */
struct agg_params {
	uint32_t low, high;	/* ip_local_port_range; 0, 0 when unknown */
	const uint8_t *reserved;	/* 65536-bit map, or NULL */
	/* Ports that listened within the last 60 s (65536-bit map, or NULL):
	 * their sockets are server side and, while any remain, the port is
	 * a hole for connect() (its bind bucket outlives the listener). */
	const uint8_t *remembered;
	/* The sockets carry bound_by_bind (BPF backend): ports bind() took
	 * are holes, and holes_source says "bind-table". */
	bool bind_table;
	/* The memory covers less than 60 s: a TIME_WAIT from a port outside
	 * the range to a remote port inside it is taken as server side. */
	bool infer_sides;
	/* New TIME_WAIT are those younger than window_ms (at most the reuse
	 * delay for rows tcp_tw_reuse covers). first: there is no previous
	 * sample, so window_ms is the last two seconds and a burst that
	 * ended before it (a gap in the ages) is no rate. */
	uint32_t window_ms;
	bool first;
	/* tcp_tw_reuse (-1 absent), tcp_timestamps != 0 now, and the age a
	 * TIME_WAIT must pass before connect() may take it over. */
	int tw_reuse;
	bool timestamps;
	uint32_t reuse_delay_ms;
	/* A TIME_WAIT is reusable only if its connection carried timestamps,
	 * which follows tcp_timestamps when it was made. When the sampler
	 * saw the sysctl change: TIME_WAIT older than ts_old_after_ms were
	 * made under ts_old; younger than ts_new_before_ms under the current
	 * value; in between nobody knows, so none is counted reusable.
	 * ts_new_before_ms = UINT32_MAX when no change was seen. */
	bool ts_old;
	uint32_t ts_old_after_ms, ts_new_before_ms;
};

/* Starts a sample. */
void agg_begin(struct agg *a, const struct agg_params *p);

/* The state a socket is counted in: CLOSE from the bind-table walk is
 * BOUND_INACTIVE, unknown states 0. */
unsigned int agg_state(const struct diag_sock *sk);

/* Whether tcp_tw_reuse covers this tuple, as tcp_twsk_unique decides
 * (net/ipv4/tcp_ipv4.c): 1, or 2 on a loopback tuple (either address, or
 * bound to lo). connect() may then take over its TIME_WAIT once older
 * than the reuse delay, if its connection carried timestamps. */
bool agg_reuse_tuple(const struct agg_params *p, const struct tw_addr *local,
		     const struct tw_addr *remote, uint32_t ifindex);

/* Whether a TIME_WAIT of age_ms carried timestamps, as far as the
 * sysctl's history tells (see agg_params). */
bool agg_tw_timestamps(const struct agg_params *p, uint32_t age_ms);

/* The map of ports that were listening in the last sample (LISTEN only),
 * for the sampler's memory; valid after agg_finish. */
const uint8_t *agg_listening(const struct agg *a);
/* Whether port had any socket other than LISTEN/bound in the last
 * sample. */
bool agg_port_busy(const struct agg *a, uint16_t port);

/*
 * Adds one socket; a diag_cb. LISTEN and BOUND_INACTIVE sockets must come
 * before the others of the sample (the sampler dumps them first), so a
 * socket on a listening port is known as server side when it arrives.
 */
void agg_add(const struct diag_sock *sk, void *agg);

/* Whether a socket agg_add has counted is server side (its local port
 * listens or listened within 60 s, or by the inference rule). */
bool agg_tw_server(const struct agg *a, const struct diag_sock *sk);

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
/* A process drill-down's failed connect() destination: its groups are
 * the focus's too. */
void agg_focus_dest(struct agg *a, const struct tw_addr *remote,
		    uint16_t rport);
/* Attaches the drill-down to s (s->focus), with the focus's fullest
 * destination groups. */
void agg_focus_finish(const struct agg *a, struct snapshot *s);

#endif
