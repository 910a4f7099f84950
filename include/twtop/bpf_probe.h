/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What loading a BPF object needs, checked before libbpf tries, so that
 * the reason is one clear line (STYLE.md: probe, do not assume). */
#ifndef TWTOP_BPF_PROBE_H
#define TWTOP_BPF_PROBE_H

#include <stddef.h>

/*
 * 0 when the process may load BPF here, else -1 with what is missing in
 * err, phrased to follow "<what> needs ": "CAP_BPF and CAP_PERFMON (or
 * root)", or "a kernel with BTF (/sys/kernel/btf/vmlinux: reason)".
 */
int bpf_probe(char *err, size_t errlen);

#endif
