/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BPF backend when twtop is built without it: it never opens. */
#include <errno.h>
#include <stdio.h>

#include "twtop/backend_bpf.h"

const int backend_bpf_built = 0;

struct backend_bpf *backend_bpf_open(char *err, size_t errlen)
{
	snprintf(err, errlen, "twtop was built without the BPF backend "
		 "(configure found no clang, bpftool or libbpf, or was given "
		 "--disable-bpf)");
	return NULL;
}

void backend_bpf_close(struct backend_bpf *b)
{
	(void)b;
}

int backend_bpf_dump(struct backend_bpf *b, uint32_t states, diag_cb cb,
		     void *arg, struct diag_result *res)
{
	(void)b;
	(void)states;
	(void)cb;
	(void)arg;
	res->count = 0;
	res->interrupted = 0;
	res->error = ENOSYS;
	return -1;
}
