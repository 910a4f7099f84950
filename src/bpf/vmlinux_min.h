/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel types src/bpf/twtop.bpf.c reads, written by hand instead of a
 * generated vmlinux.h: only the members used, each struct marked
 * preserve_access_index so that libbpf relocates every member access to
 * the running kernel's layout (CO-RE). Offsets, sizes and the other
 * members do not matter here; names do. The build therefore does not
 * depend on the build machine's kernel.
 */
#ifndef TWTOP_VMLINUX_MIN_H
#define TWTOP_VMLINUX_MIN_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u32 uid_t;
typedef _Bool bool;

enum {
	false = 0,
	true = 1,
};

/* include/uapi/linux/bpf.h */
enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};

enum bpf_map_type {
	BPF_MAP_TYPE_LRU_HASH = 9,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), \
			     apply_to = record)

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
};

struct hlist_node {
	struct hlist_node *next;
	struct hlist_node **pprev;
};

struct timer_list {
	struct hlist_node entry;
	unsigned long expires;
};

struct in6_addr {
	union {
		__u8 u6_addr8[16];
		__be32 u6_addr32[4];
	} in6_u;
};

typedef struct {
	uid_t val;
} kuid_t;

struct ns_common {
	unsigned int inum;
};

struct net {
	struct ns_common ns;
};

typedef struct {
	struct net *net;
} possible_net_t;

struct sock;

struct sock_common {
	union {
		struct {
			__be32 skc_daddr;
			__be32 skc_rcv_saddr;
		};
	};
	union {
		struct {
			__be16 skc_dport;
			__u16 skc_num;
		};
	};
	unsigned short skc_family;
	volatile unsigned char skc_state;
	int skc_bound_dev_if;
	possible_net_t skc_net;
	struct in6_addr skc_v6_daddr;
	struct in6_addr skc_v6_rcv_saddr;
	union {
		struct sock *skc_listener;	/* request sockets */
	};
};

struct inode {
	unsigned long i_ino;
};

struct socket {
	short type;
	struct sock *sk;
};

struct socket_alloc {
	struct socket socket;
	struct inode vfs_inode;
};

struct sock {
	struct sock_common __sk_common;
	struct socket *sk_socket;
	struct timer_list sk_timer;
	kuid_t sk_uid;
	__u16 sk_protocol;
	__u16 sk_type;
	__u8 sk_userlocks;	/* a bitfield before 5.x: read as one */
	int sk_err;
};

/* Kernels from 6.17 cache the socket inode's number in the sock. */
struct sock___ino {
	unsigned long sk_ino;
};

struct inet_sock {
	struct sock sk;
};

struct inet_bind_bucket {
	signed char fastreuse;
	signed char fastreuseport;
};

struct inet_connection_sock {
	struct inet_sock icsk_inet;
	struct inet_bind_bucket *icsk_bind_hash;
	struct timer_list icsk_retransmit_timer;
	__u8 icsk_pending;
};

/* Before 6.14 the retransmit deadline had a member of its own. */
struct inet_connection_sock___timeout {
	unsigned long icsk_timeout;
};

struct tcp_sock {
	struct inet_connection_sock inet_conn;
};

struct inet_timewait_sock {
	struct sock_common __tw_common;
	unsigned char tw_substate;
	struct timer_list tw_timer;
	struct inet_bind_bucket *tw_tb;
};

/* Kernels from 6.18 mark a TIME_WAIT whose port connect() took. */
struct inet_timewait_sock___cb {
	unsigned int tw_connect_bind : 1;
};

struct tcp_timewait_sock {
	struct inet_timewait_sock tw_sk;
};

struct request_sock {
	struct sock_common __req_common;
	struct timer_list rsk_timer;
};

struct inet_request_sock {
	struct request_sock req;
};

struct tcp_request_sock {
	struct inet_request_sock req;
};

struct nsproxy {
	struct net *net_ns;
};

struct task_struct {
	struct nsproxy *nsproxy;
	struct task_struct *group_leader;
	char comm[16];
};

struct file;

struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
	uid_t uid;
};

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
};

#pragma clang attribute pop

#endif
