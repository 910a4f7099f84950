// SPDX-License-Identifier: GPL-2.0-or-later
/* What loading a BPF object needs: capabilities and the kernel's BTF. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "twtop/bpf_probe.h"

/* older headers lack them (5.8) */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* 1 when the effective set has cap, 0 when not, -1 when unknown. */
static int have_cap(unsigned int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0 || cap / 32 >= 2)
		return -1;
	return (int)((d[cap / 32].effective >> (cap % 32)) & 1);
}

int bpf_probe(char *err, size_t errlen)
{
	if (have_cap(CAP_SYS_ADMIN) != 1 &&
	    (have_cap(CAP_BPF) != 1 || have_cap(CAP_PERFMON) != 1)) {
		snprintf(err, errlen, "CAP_BPF and CAP_PERFMON (or root)");
		return -1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(err, errlen, "a kernel with BTF "
			 "(/sys/kernel/btf/vmlinux: %s)", strerror(errno));
		return -1;
	}
	return 0;
}
