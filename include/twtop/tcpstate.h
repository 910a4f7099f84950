/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP states as sock_diag reports them (include/net/tcp_states.h). */
#ifndef TWTOP_TCPSTATE_H
#define TWTOP_TCPSTATE_H

#include <stdint.h>

enum {
	TS_ESTABLISHED = 1,
	TS_SYN_SENT,
	TS_SYN_RECV,
	TS_FIN_WAIT1,
	TS_FIN_WAIT2,
	TS_TIME_WAIT,
	TS_CLOSE,
	TS_CLOSE_WAIT,
	TS_LAST_ACK,
	TS_LISTEN,
	TS_CLOSING,
	TS_NEW_SYN_RECV,	/* reported by inet_diag as SYN_RECV */
	TS_BOUND_INACTIVE,	/* bound, not listening or connected (6.8+) */
	TS_MAX
};

/* TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s, fixed in include/net/tcp.h
 * whatever tcp_fin_timeout says (KERNEL-FACTS.md "TIME_WAIT itself"): a
 * TIME_WAIT's age is this minus the timer sock_diag reports. */
#define TW_LEN_MS	60000
#define TW_LEN_S	(TW_LEN_MS / 1000)

/* The eleven states shown and printed, in display order. */
#define TCPSTATE_SHOWN 11
extern const uint8_t tcpstate_order[TCPSTATE_SHOWN];

/* "ESTABLISHED", "TIME_WAIT", ... for a state number; "UNKNOWN" otherwise. */
const char *tcpstate_name(unsigned int state);

/* State number for a name (case-insensitive, '-' and '_' alike), or -1. */
int tcpstate_parse(const char *name);

#endif
