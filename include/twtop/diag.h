/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sock_diag (NETLINK_SOCK_DIAG) dump of TCP sockets, via libmnl. */
#ifndef TWTOP_DIAG_H
#define TWTOP_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "twtop/addr.h"

/* One socket of a dump, already decoded; mapped IPv4 folded. */
struct diag_sock {
	struct tw_addr local;
	struct tw_addr remote;
	uint16_t lport;		/* host order */
	uint16_t rport;		/* host order */
	uint8_t state;		/* idiag_state: TIME_WAIT minisockets carry
				 * their substate (FIN_WAIT2 for orphans) */
	uint8_t timer;		/* idiag_timer */
	uint32_t expires;	/* idiag_expires, ms remaining */
	uint32_t uid;
	uint32_t inode;
	uint32_t ifindex;	/* bound device (idiag_if), 0 for none */
	uint8_t bound_by_bind;	/* BPF backend only: bind() or listen() took
				 * the port (SOCK_CONNECT_BIND clear, or its
				 * bind bucket's fastreuse >= 0 before
				 * 6.18), so connect() skips it for every
				 * destination; netlink leaves 0 */
};

typedef void (*diag_cb)(const struct diag_sock *s, void *arg);

/* Outcome of parsing one recv() worth of netlink messages. */
enum diag_status {
	DIAG_MORE = 1,		/* messages parsed, the dump goes on */
	DIAG_DONE = 0,		/* NLMSG_DONE seen */
	DIAG_ERROR = -1,	/* NLMSG_ERROR, malformed or truncated input */
};

struct diag_parse_info {
	int error;		/* errno from NLMSG_ERROR, or EBADMSG/EPROTO */
	int interrupted;	/* NLM_F_DUMP_INTR seen */
	unsigned int count;	/* sockets handed to the callback */
};

/*
 * Parses a buffer of netlink messages as a sock_diag dump reply and calls
 * cb for each inet_diag_msg. seq and portid are checked when non-zero.
 */
enum diag_status diag_parse(const void *buf, size_t len, uint32_t seq,
			    uint32_t portid, diag_cb cb, void *arg,
			    struct diag_parse_info *info);

struct diag;

/*
 * How diag talks to the kernel: a NETLINK_SOCK_DIAG socket through libmnl
 * unless another transport is given (the tests' fake answers with crafted
 * messages). Each call moves one request or one recv() buffer (32 KiB,
 * hundreds of sockets), never one socket, so the indirection costs
 * nothing on a dump. ctx is the transport's own; conn one connection.
 */
struct diag_transport {
	/* Opens a connection into *conn with its netlink port id in
	 * *portid (0: replies' nlmsg_pid is not checked). -1 and errno on
	 * failure. */
	int (*open)(void *ctx, void **conn, uint32_t *portid);
	void (*close)(void *ctx, void *conn);
	/* As sendto(2) and recvfrom(2): bytes, or -1 and errno (EINTR is
	 * retried, ENOBUFS reconnects, anything else fails the dump). */
	ssize_t (*send)(void *ctx, void *conn, const void *buf, size_t len);
	ssize_t (*recv)(void *ctx, void *conn, void *buf, size_t len);
};

/* Opens the netlink socket (in the calling thread's namespace). NULL and
 * errno on failure. */
struct diag *diag_open(void);
/* The same over transport t (NULL: netlink) with its context ctx. */
struct diag *diag_open_transport(const struct diag_transport *t, void *ctx);
void diag_close(struct diag *d);

struct diag_result {
	unsigned int count;	/* sockets seen */
	int interrupted;	/* NLM_F_DUMP_INTR or ENOBUFS: redo the pass */
	int error;		/* errno of a failure, 0 when none */
};

/*
 * Dumps TCP sockets of one family (AF_INET or AF_INET6) whose state bit is
 * in states (1 << TS_*), with an optional inet_diag bytecode filter.
 * EINTR is retried in place. Returns 0 when complete, 1 when the dump was
 * interrupted (the caller redoes its whole pass, a bounded number of
 * times), -1 on failure with res->error set. Never exits.
 */
int diag_dump(struct diag *d, int family, uint32_t states,
	      const void *bytecode, size_t bclen,
	      diag_cb cb, void *arg, struct diag_result *res);

/*
 * Dumps TCP sockets of both families whose state bit is in states, with
 * an optional bytecode filter, in one walk of the kernel's hashes: the
 * legacy TCPDIAG_GETSOCK request (twtop/diag_legacy.h) where the kernel
 * takes it, else one SOCK_DIAG_BY_FAMILY dump per family (decided once,
 * by a probe that tells a refusal from a bad filter). Same callback,
 * returns and res as diag_dump, on the same connection and transport.
 */
int diag_dump_all(struct diag *d, uint32_t states, const void *bytecode,
		  size_t bclen, diag_cb cb, void *arg, struct diag_result *res);

/* False once the kernel refused the one-walk request. */
bool diag_one_walk(const struct diag *d);

#endif
