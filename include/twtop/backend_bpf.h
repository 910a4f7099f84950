/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BPF backend: TCP sockets from the iter/tcp (and, for bound-inactive
 * sockets, iter/task_file) BPF iterators instead of sock_diag, with the
 * same struct diag_sock values plus the bind-bucket fact. Needs CAP_BPF
 * and CAP_PERFMON (or root) and a kernel with BTF.
 */
#ifndef TWTOP_BACKEND_BPF_H
#define TWTOP_BACKEND_BPF_H

#include <stddef.h>
#include <stdint.h>

#include "twtop/diag.h"

struct backend_bpf;

/* True when twtop was built with the BPF backend (configure found clang,
 * bpftool and libbpf, and --disable-bpf was not given). */
extern const int backend_bpf_built;

/*
 * Loads the BPF programs. NULL with the reason in err when it cannot: no
 * BPF support built in, missing capabilities, no kernel BTF, or the load
 * failed (libbpf's message). The iterators are created per dump, so the
 * namespace is that of the thread calling backend_bpf_dump.
 */
struct backend_bpf *backend_bpf_open(char *err, size_t errlen);
void backend_bpf_close(struct backend_bpf *b);

/*
 * Dumps the TCP sockets of the calling thread's network namespace whose
 * state bit (1 << TS_*) is in states, both families in one walk, and calls
 * cb for each, in the order sock_diag gives them: bound-inactive sockets
 * (when asked for), listeners, then the rest. Returns 0 when complete or
 * -1 on failure with res->error set; never interrupted (res->interrupted
 * stays 0: an iterator walks each hash bucket under its lock).
 */
int backend_bpf_dump(struct backend_bpf *b, uint32_t states, diag_cb cb,
		     void *arg, struct diag_result *res);

#endif
