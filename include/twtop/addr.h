/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket addresses as twtop keeps them: family plus 16 bytes. */
#ifndef TWTOP_ADDR_H
#define TWTOP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct tw_addr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* AF_INET uses the first 4, network order */
};

#define ADDR_STRLEN 46		/* INET6_ADDRSTRLEN */

/* Folds an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into AF_INET. */
void addr_fold_mapped(struct tw_addr *a);

/* Formats as inet_ntop prints it; returns buf. */
const char *addr_format(const struct tw_addr *a, char *buf, size_t len);

/* Parses a numeric IPv4 or IPv6 address; 0 on success, -1 otherwise. */
int addr_parse(const char *s, struct tw_addr *a);

/* Loopback as tcp_tw_reuse=2 tests it: 127.0.0.0/8 or ::1 (IPv4-mapped
 * addresses are folded to IPv4 first). */
bool addr_loopback(const struct tw_addr *a);

bool addr_equal(const struct tw_addr *a, const struct tw_addr *b);

/* Number of meaningful bytes: 4 for AF_INET, 16 for AF_INET6. */
size_t addr_len(const struct tw_addr *a);

#endif
