/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one-walk netlink dump: the legacy TCPDIAG_GETSOCK request (struct
 * inet_diag_req) makes the kernel dump AF_INET and AF_INET6 in one walk
 * of its hashes, where SOCK_DIAG_BY_FAMILY walks once per family
 * (KERNEL-FACTS.md). The request and the refusal; diag_dump_all
 * (twtop/diag.h) runs it, with the fallback.
 */
#ifndef TWTOP_DIAG_LEGACY_H
#define TWTOP_DIAG_LEGACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twtop/diag.h"

/*
 * Builds the TCPDIAG_GETSOCK dump request for states (1 << TS_*) with an
 * optional bytecode filter into buf (of size len). Returns the request's
 * length, or 0 when it does not fit.
 */
size_t diag_legacy_request(void *buf, size_t len, uint32_t seq,
			   uint32_t states, const void *bytecode, size_t bclen);

/* Whether an NLMSG_ERROR errno answering the request says "no such
 * request here" (sock_diag without the compat handler) rather than a
 * failure of this dump. */
bool diag_legacy_refusal(int e);

#endif
