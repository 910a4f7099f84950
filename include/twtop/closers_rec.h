/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The maps of src/bpf/closers.bpf.c, read by src/closers_bpf.c: sizes,
 * keys and values, shared by both sides. Fixed sizes, no padding holes
 * (explicit pad members), addresses in network order, ports in host
 * order. Every map is an LRU hash: keys come and go, the oldest go first.
 */
#ifndef TWTOP_CLOSERS_REC_H
#define TWTOP_CLOSERS_REC_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define CLOSERS_TUPLES_MAX	65536	/* closer per 4-tuple */
#define CLOSERS_PROCS_MAX	8192	/* counters per process */
#define CLOSERS_CONNERR_MAX	4096	/* failed connect() per destination */
#define CLOSERS_PENDING_MAX	16384	/* connect() under way, per socket */
#define CLOSERS_COMM_LEN	16	/* TASK_COMM_LEN */

/* A TCP connection as its own side sees it: local and remote. */
struct closers_tuple {
	__u8 family;		/* AF_INET or AF_INET6 (not folded) */
	__u8 pad[3];
	__u16 lport;
	__u16 rport;
	__u8 local[16];		/* AF_INET: the first 4 bytes */
	__u8 remote[16];
};

/* Who closed a connection first: the task in which it went
 * ESTABLISHED (or SYN_RECV) -> FIN_WAIT1 (KERNEL-FACTS.md). */
struct closers_closer {
	__u64 close_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 cgroup;		/* bpf_get_current_cgroup_id() */
	__u32 tgid;		/* the process (thread group), root pid ns */
	__u32 pid;		/* the thread */
	char comm[CLOSERS_COMM_LEN];	/* the process's (group leader's) */
};

/* Counters of one process (key: __u32 tgid), from when twtop started. */
struct closers_proc {
	__u64 active;		/* connections it closed first */
	__u64 passive;		/* it closed after the peer did
				 * (CLOSE_WAIT -> LAST_ACK in its task) */
	__u64 cgroup;
	__u64 last_ns;		/* its last event */
	char comm[CLOSERS_COMM_LEN];
};

/* A connect() that failed: who, why and where to. */
struct closers_connerr_key {
	__u32 tgid;
	__s32 err;		/* positive errno */
	__u8 family;		/* of the destination given to connect() */
	__u8 pad;
	__u16 rport;
	__u8 remote[16];
};

struct closers_connerr {
	__u64 count;
	__u64 cgroup;
	__u64 last_ns;
	char comm[CLOSERS_COMM_LEN];
};

/* A connect() under way (key: the socket's address, __u64): the task
 * that called it, and where to. */
struct closers_pending {
	__u64 cgroup;
	__u32 tgid;
	__u8 family;
	__u8 pad;
	__u16 rport;
	__u8 remote[16];
	char comm[CLOSERS_COMM_LEN];
};

/* Totals kept in the object's .bss (struct closers_bpf's bss). */
struct closers_totals {
	__u64 active;		/* active closes seen */
	__u64 passive_peer;	/* ESTABLISHED -> CLOSE_WAIT: the peer closed
				 * first (softirq: no task to name) */
	__u64 passive;		/* CLOSE_WAIT -> LAST_ACK, owner named */
	__u64 connect_errors;
	__u64 lost;		/* records a full map could not take */
};

#endif
