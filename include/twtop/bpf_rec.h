/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record src/bpf/twtop.bpf.c streams for each socket with
 * bpf_seq_write and src/backend_bpf.c reads: shared by both sides.
 * Fixed size, no padding; values as inet_diag would report them.
 */
#ifndef TWTOP_BPF_REC_H
#define TWTOP_BPF_REC_H

#ifndef __bpf__
#include <linux/types.h>
#endif

struct twtop_bpf_rec {
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 state;		/* idiag_state: TIME_WAIT substate, SYN_RECV
				 * for request sockets */
	__u8 timer;		/* idiag_timer */
	__u8 bound_by_bind;	/* bind() or listen() took the port (or a
				 * listener's child inherited it), not
				 * connect()'s autobind */
	__u16 lport;		/* host order */
	__u16 rport;		/* host order */
	__u32 expires;		/* ms, as inet_diag computes it */
	__u32 uid;
	__u32 inode;
	__u32 ifindex;		/* sk_bound_dev_if */
	__u8 local[16];		/* AF_INET: the first 4 bytes */
	__u8 remote[16];
};

#endif
