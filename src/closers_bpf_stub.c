// SPDX-License-Identifier: GPL-2.0-or-later
/* The closers' BPF source when twtop is built without BPF: it never
 * opens. */
#include <stdio.h>

#include "closers_priv.h"

const int closers_built = 0;

int closers_bpf_open(const struct closers_source **src, void **ctx,
		     char *err, size_t errlen)
{
	(void)src;
	(void)ctx;
	snprintf(err, errlen, "who closes needs BPF: twtop was built without "
		 "it (configure found no clang, bpftool or libbpf, or was "
		 "given --disable-bpf)");
	return -1;
}
