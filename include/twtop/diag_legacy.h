/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one-walk netlink dump: the legacy TCPDIAG_GETSOCK request (struct
 * inet_diag_req) makes the kernel dump AF_INET and AF_INET6 in one walk
 * of its hashes, where SOCK_DIAG_BY_FAMILY walks once per family
 * (KERNEL-FACTS.md). Falls back to one SOCK_DIAG_BY_FAMILY dump per
 * family (diag_dump) where the kernel refuses the legacy request.
 */
#ifndef TWTOP_DIAG_LEGACY_H
#define TWTOP_DIAG_LEGACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twtop/diag.h"

struct diag_legacy;

/* Opens the netlink socket in the calling thread's namespace. NULL and
 * errno on failure. */
struct diag_legacy *diag_legacy_open(void);
void diag_legacy_close(struct diag_legacy *l);

/*
 * Builds the TCPDIAG_GETSOCK dump request for states (1 << TS_*) with an
 * optional bytecode filter into buf (of size len). Returns the request's
 * length, or 0 when it does not fit.
 */
size_t diag_legacy_request(void *buf, size_t len, uint32_t seq,
			   uint32_t states, const void *bytecode, size_t bclen);

/*
 * Dumps TCP sockets of both families whose state bit is in states, with
 * an optional bytecode filter, in one walk; like diag_dump otherwise
 * (same callback, returns and res). Sockets come in the kernel's order:
 * listeners, bound-inactive ones, then the established hash, each hash
 * walked once for both families.
 */
int diag_legacy_dump(struct diag_legacy *l, uint32_t states,
		     const void *bytecode, size_t bclen,
		     diag_cb cb, void *arg, struct diag_result *res);

/* False once the kernel refused the legacy request: the dumps are then
 * two SOCK_DIAG_BY_FAMILY walks. */
bool diag_legacy_one_walk(const struct diag_legacy *l);

#endif
