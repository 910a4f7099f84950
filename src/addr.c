/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket addresses: folding, formatting, parsing. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "twtop/addr.h"

static const uint8_t mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

void addr_fold_mapped(struct tw_addr *a)
{
	if (a->family != AF_INET6 ||
	    memcmp(a->bytes, mapped_prefix, sizeof(mapped_prefix)) != 0)
		return;
	memmove(a->bytes, a->bytes + 12, 4);
	memset(a->bytes + 4, 0, 12);
	a->family = AF_INET;
}

const char *addr_format(const struct tw_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

int addr_parse(const char *s, struct tw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = AF_INET6;
		addr_fold_mapped(a);
		return 0;
	}
	return -1;
}

size_t addr_len(const struct tw_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

bool addr_equal(const struct tw_addr *a, const struct tw_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

bool addr_loopback(const struct tw_addr *a)
{
	static const uint8_t v6_lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->bytes[0] == 127;
	return a->family == AF_INET6 && memcmp(a->bytes, v6_lo, 16) == 0;
}
