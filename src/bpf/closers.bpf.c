// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who closes first, and which connect() calls fail: tracepoints only
 * (kprobes and fentry are not available everywhere: KERNEL-FACTS.md).
 *
 *   tp_btf/inet_sock_set_state  -> FIN_WAIT1: the current task closed
 *                               first; its record is kept per 4-tuple
 *                               for user space to join with TIME_WAIT
 *                               (made later in softirq, where the
 *                               current task is nobody's);
 *                               CLOSE_WAIT -> LAST_ACK: the current task
 *                               closed after its peer (a passive close);
 *                               CLOSE -> SYN_SENT: connect() in the
 *                               current task, remembered per socket;
 *                               SYN_SENT -> CLOSE: it failed, with the
 *                               socket's error, or EADDRNOTAVAIL when
 *                               no local port could be had (connect()
 *                               set SYN_SENT before looking for one)
 *
 * No system call tracepoint: one costs every system call of the host
 * (measured +0.2 us each), and a non-blocking connect()'s failure comes
 * later, through the socket, where this sees it too.
 *
 * Only sockets of the namespace user space watches (netns_inum) count.
 * The BPF side only keys and counts; user space names and joins.
 */
#include "vmlinux_min.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "twtop/closers_rec.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define TCP_ESTABLISHED	1
#define TCP_SYN_SENT	2
#define TCP_FIN_WAIT1	4
#define TCP_CLOSE	7
#define TCP_CLOSE_WAIT	8
#define TCP_LAST_ACK	9
#define EADDRNOTAVAIL	99

/* Set by user space before load: the namespace watched (its inode). */
const volatile __u32 netns_inum;

struct closers_totals totals;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CLOSERS_TUPLES_MAX);
	__type(key, struct closers_tuple);
	__type(value, struct closers_closer);
} closer_by_tuple SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CLOSERS_PROCS_MAX);
	__type(key, __u32);
	__type(value, struct closers_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CLOSERS_CONNERR_MAX);
	__type(key, struct closers_connerr_key);
	__type(value, struct closers_connerr);
} connect_errors SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CLOSERS_PENDING_MAX);
	__type(key, __u64);	/* the socket's address */
	__type(value, struct closers_pending);
} pending SEC(".maps");

static __always_inline bool in_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) ==
	       netns_inum;
}

/* The 4-tuple as inet_diag reports it for this socket. */
static __always_inline void tuple_of(const struct sock *sk,
				     struct closers_tuple *t)
{
	const struct sock_common *skc = &sk->__sk_common;

	t->family = (__u8)skc->skc_family;
	t->lport = skc->skc_num;
	t->rport = bpf_ntohs(skc->skc_dport);
	if (t->family == AF_INET6) {
		BPF_CORE_READ_INTO(&t->local, skc, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&t->remote, skc, skc_v6_daddr);
	} else {
		*(__be32 *)t->local = skc->skc_rcv_saddr;
		*(__be32 *)t->remote = skc->skc_daddr;
	}
}

/* The current process's name: its group leader's comm, as ps shows. */
static __always_inline void current_comm(char *comm)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(t, group_leader);

	bpf_core_read_str(comm, CLOSERS_COMM_LEN, &leader->comm);
}

/* The counters of the current process, made when first seen. */
static __always_inline struct closers_proc *current_proc(__u32 tgid)
{
	struct closers_proc *p = bpf_map_lookup_elem(&procs, &tgid);
	struct closers_proc z = {};

	if (p)
		return p;
	bpf_map_update_elem(&procs, &tgid, &z, BPF_NOEXIST);
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p)
		__sync_fetch_and_add(&totals.lost, 1);
	return p;
}

/* Stamps p with the current task's name, cgroup and time. */
static __always_inline void proc_touch(struct closers_proc *p, __u64 now,
				       __u64 cg)
{
	p->last_ns = now;
	p->cgroup = cg;
	current_comm(p->comm);
}

/* The current task closed first: remember it for the 4-tuple. */
static __always_inline void active_close(const struct sock *sk)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u64 cg = bpf_get_current_cgroup_id();
	struct closers_closer c = {};
	struct closers_tuple t = {};
	struct closers_proc *p;

	tuple_of(sk, &t);
	c.close_ns = now;
	c.cgroup = cg;
	c.tgid = (__u32)(id >> 32);
	c.pid = (__u32)id;
	current_comm(c.comm);
	if (bpf_map_update_elem(&closer_by_tuple, &t, &c, BPF_ANY) != 0)
		__sync_fetch_and_add(&totals.lost, 1);
	__sync_fetch_and_add(&totals.active, 1);
	p = current_proc(c.tgid);
	if (p) {
		__sync_fetch_and_add(&p->active, 1);
		proc_touch(p, now, cg);
	}
}

/* The peer closed first: a record of an earlier life of this 4-tuple
 * must not stay to be joined. */
static __always_inline void peer_close(const struct sock *sk)
{
	struct closers_tuple t = {};

	tuple_of(sk, &t);
	bpf_map_delete_elem(&closer_by_tuple, &t);
	__sync_fetch_and_add(&totals.passive_peer, 1);
}

/* CLOSE_WAIT -> LAST_ACK happens in close() or shutdown() of the task
 * that owns the socket: the passive closer, named. */
static __always_inline void passive_close(void)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct closers_proc *p = current_proc((__u32)(id >> 32));

	__sync_fetch_and_add(&totals.passive, 1);
	if (p) {
		__sync_fetch_and_add(&p->passive, 1);
		proc_touch(p, now, bpf_get_current_cgroup_id());
	}
}

/* connect() set SYN_SENT in the current task: who, and where to. */
static __always_inline void connect_start(const struct sock *sk)
{
	__u64 key = (__u64)sk, id = bpf_get_current_pid_tgid();
	struct closers_pending p = {};
	struct closers_tuple t = {};

	tuple_of(sk, &t);
	p.tgid = (__u32)(id >> 32);
	p.cgroup = bpf_get_current_cgroup_id();
	p.family = t.family;
	p.rport = t.rport;
	__builtin_memcpy(p.remote, t.remote, sizeof(p.remote));
	current_comm(p.comm);
	bpf_map_update_elem(&pending, &key, &p, BPF_ANY);
}

/* SYN_SENT -> CLOSE: the connect() failed, now (EADDRNOTAVAIL: no port
 * was had, so no local port either) or later (the error the socket
 * reports: refused, timed out, unreachable). Its owner is the task
 * that called connect(); a socket closed by its owner while connecting
 * has no error and is no failure. */
static __always_inline void connect_end(const struct sock *sk, bool failed)
{
	__u64 key = (__u64)sk;
	struct closers_pending *p = bpf_map_lookup_elem(&pending, &key);
	struct closers_connerr_key k = {};
	struct closers_connerr *e, z = {};
	int err;

	if (!p)
		return;
	err = BPF_CORE_READ(sk, sk_err);
	if (err == 0 && sk->__sk_common.skc_num == 0)
		err = EADDRNOTAVAIL;
	if (!failed || err <= 0) {
		bpf_map_delete_elem(&pending, &key);
		return;
	}
	k.tgid = p->tgid;
	k.err = err;
	k.family = p->family;
	k.rport = p->rport;
	__builtin_memcpy(k.remote, p->remote, sizeof(k.remote));
	__sync_fetch_and_add(&totals.connect_errors, 1);
	e = bpf_map_lookup_elem(&connect_errors, &k);
	if (!e) {
		z.cgroup = p->cgroup;
		__builtin_memcpy(z.comm, p->comm, sizeof(z.comm));
		bpf_map_update_elem(&connect_errors, &k, &z, BPF_NOEXIST);
		e = bpf_map_lookup_elem(&connect_errors, &k);
	}
	if (e) {
		__sync_fetch_and_add(&e->count, 1);
		e->last_ns = bpf_ktime_get_ns();
	} else {
		__sync_fetch_and_add(&totals.lost, 1);
	}
	bpf_map_delete_elem(&pending, &key);
}

/* tp_btf programs take the tracepoint's arguments as an array of u64,
 * typed by the kernel's BTF of the tracepoint (what BPF_PROG unpacks). */
SEC("tp_btf/inet_sock_set_state")
int closers_state(__u64 *ctx)
{
	const struct sock *sk = (const struct sock *)ctx[0];
	int oldstate = (int)ctx[1], newstate = (int)ctx[2];

	if (newstate != TCP_FIN_WAIT1 && newstate != TCP_CLOSE_WAIT &&
	    newstate != TCP_LAST_ACK && newstate != TCP_SYN_SENT &&
	    oldstate != TCP_SYN_SENT)
		return 0;
	if (sk->sk_protocol != IPPROTO_TCP || !in_netns(sk))
		return 0;
	if (newstate == TCP_SYN_SENT)
		connect_start(sk);
	else if (oldstate == TCP_SYN_SENT)
		connect_end(sk, newstate == TCP_CLOSE);
	else if (newstate == TCP_FIN_WAIT1)
		active_close(sk);
	else if (newstate == TCP_CLOSE_WAIT && oldstate == TCP_ESTABLISHED)
		peer_close(sk);
	else if (newstate == TCP_LAST_ACK && oldstate == TCP_CLOSE_WAIT)
		passive_close();
	return 0;
}

