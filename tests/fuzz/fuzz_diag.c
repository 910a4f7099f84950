/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: one recv() worth of netlink messages through
 * diag_parse(), the parser of sock_diag dump replies. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "twtop/diag.h"

/* The seq and portid the corpus messages carry. */
#define SEQ 2
#define PORTID 4242

/* Checks a decoded socket; counts it in *arg. */
static void check_sock(const struct diag_sock *s, void *arg)
{
	unsigned int *n = arg;

	if ((s->local.family != AF_INET && s->local.family != AF_INET6) ||
	    (s->remote.family != AF_INET && s->remote.family != AF_INET6))
		fuzz_fail("a socket without an address family", NULL);
	(*n)++;
}

/* Parses buf as a dump reply expecting seq and portid (0: any). */
static void parse(const void *buf, size_t len, uint32_t seq, uint32_t portid)
{
	struct diag_parse_info info = { 0 };
	unsigned int n = 0;
	enum diag_status st;

	st = diag_parse(buf, len, seq, portid, check_sock, &n, &info);
	if (st != DIAG_MORE && st != DIAG_DONE && st != DIAG_ERROR)
		fuzz_fail("diag_parse returned no diag_status", NULL);
	if (n != info.count)
		fuzz_fail("info.count differs from the callbacks", NULL);
	if (st == DIAG_ERROR && info.error <= 0)
		fuzz_fail("DIAG_ERROR without an errno", NULL);
	if (st != DIAG_ERROR && info.error != 0)
		fuzz_fail("an errno without DIAG_ERROR", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, aligned as recv() buffers are, so that
	 * AddressSanitizer catches a read past the end */
	void *buf = malloc(size ? size : 1);

	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	parse(buf, size, 0, 0);
	parse(buf, size, SEQ, PORTID);
	free(buf);
	return 0;
}
