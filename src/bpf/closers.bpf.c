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
 *                               closed after its peer (a passive close)
 *   tp_btf/sys_enter, sys_exit  connect(): the destination at entry, the
 *                               error at exit (EADDRNOTAVAIL comes back
 *                               synchronously, in the calling task)
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
#define SOCK_STREAM	1
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define TCP_ESTABLISHED	1
#define TCP_FIN_WAIT1	4
#define TCP_CLOSE_WAIT	8
#define TCP_LAST_ACK	9
#define EINTR		4
#define EISCONN		106
#define EALREADY	114
#define EINPROGRESS	115
#define ERESTART_MIN	512	/* ERESTARTSYS and kin: restarted, never
				 * seen by the caller */
#define NR_CONNECT_X86_64	42
#define NR_CONNECT_ARM64	203	/* the generic table's */

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
	__type(key, __u32);
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

	bpf_probe_read_kernel_str(comm, CLOSERS_COMM_LEN,
				  BPF_CORE_READ(t, group_leader, comm));
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

/* tp_btf programs take the tracepoint's arguments as an array of u64,
 * typed by the kernel's BTF of the tracepoint (what BPF_PROG unpacks). */
SEC("tp_btf/inet_sock_set_state")
int closers_state(__u64 *ctx)
{
	const struct sock *sk = (const struct sock *)ctx[0];
	int oldstate = (int)ctx[1], newstate = (int)ctx[2];

	if (newstate != TCP_FIN_WAIT1 && newstate != TCP_CLOSE_WAIT &&
	    newstate != TCP_LAST_ACK)
		return 0;
	if (sk->sk_protocol != IPPROTO_TCP || !in_netns(sk))
		return 0;
	if (newstate == TCP_FIN_WAIT1)
		active_close(sk);
	else if (newstate == TCP_CLOSE_WAIT && oldstate == TCP_ESTABLISHED)
		peer_close(sk);
	else if (newstate == TCP_LAST_ACK && oldstate == TCP_CLOSE_WAIT)
		passive_close();
	return 0;
}

/* The system call number of connect() on this kernel's architecture,
 * -1 where twtop does not know its registers. */
static __always_inline long nr_connect(void)
{
	if (bpf_core_field_exists(struct pt_regs___x86, orig_ax))
		return NR_CONNECT_X86_64;
	if (bpf_core_field_exists(struct pt_regs___arm64, syscallno))
		return NR_CONNECT_ARM64;
	return -1;
}

/* Argument n (0-2) of the system call whose registers are regs. */
static __always_inline unsigned long sc_arg(struct pt_regs *regs, int n)
{
	if (bpf_core_field_exists(struct pt_regs___x86, orig_ax)) {
		struct pt_regs___x86 *r = (void *)regs;

		return n == 0 ? BPF_CORE_READ(r, di) :
		       n == 1 ? BPF_CORE_READ(r, si) : BPF_CORE_READ(r, dx);
	}
	if (bpf_core_field_exists(struct pt_regs___arm64, syscallno)) {
		struct pt_regs___arm64 *r = (void *)regs;

		/* x0 is the return value by the exit: orig_x0 keeps it */
		return n == 0 ? BPF_CORE_READ(r, orig_x0) :
		       n == 1 ? BPF_CORE_READ(r, regs[1]) :
		       BPF_CORE_READ(r, regs[2]);
	}
	return 0;
}

/* The system call number at exit. */
static __always_inline long sc_nr(struct pt_regs *regs)
{
	if (bpf_core_field_exists(struct pt_regs___x86, orig_ax))
		return (long)BPF_CORE_READ((struct pt_regs___x86 *)regs,
					   orig_ax);
	if (bpf_core_field_exists(struct pt_regs___arm64, syscallno))
		return BPF_CORE_READ((struct pt_regs___arm64 *)regs,
				     syscallno);
	return -1;
}

/* Whether descriptor fd of the current task is a TCP socket of the
 * watched namespace (the socket's, whatever the task's). */
static __always_inline bool fd_is_tcp_here(unsigned long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr, *f = NULL;
	struct socket *so;
	struct sock *sk;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return false;
	arr = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]) != 0 || !f)
		return false;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return false;
	so = BPF_CORE_READ(f, private_data);
	sk = so ? BPF_CORE_READ(so, sk) : NULL;
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP ||
	    BPF_CORE_READ(sk, sk_type) != SOCK_STREAM)
		return false;
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) ==
	       netns_inum;
}

SEC("tp_btf/sys_enter")
int closers_enter(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long id = (long)ctx[1];
	struct closers_pending p = {};
	const __u8 *sa;
	__u32 tid;
	__u16 fam;

	if (id != nr_connect() || id < 0)
		return 0;
	if (!fd_is_tcp_here(sc_arg(regs, 0)))
		return 0;
	sa = (const __u8 *)sc_arg(regs, 1);
	if (bpf_probe_read_user(&fam, sizeof(fam), sa) != 0)
		return 0;
	if (fam == AF_INET && sc_arg(regs, 2) >= 8) {
		bpf_probe_read_user(&p.rport, 2, sa + 2);
		bpf_probe_read_user(p.remote, 4, sa + 4);
	} else if (fam == AF_INET6 && sc_arg(regs, 2) >= 24) {
		bpf_probe_read_user(&p.rport, 2, sa + 2);
		bpf_probe_read_user(p.remote, 16, sa + 8);
	} else {
		return 0;	/* AF_UNSPEC disconnects; the rest fails early */
	}
	p.family = (__u8)fam;
	p.rport = bpf_ntohs(p.rport);
	tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
	return 0;
}

/* Whether connect()'s return value is a failure: not the ones that say
 * the connection goes on (or is already made). */
static __always_inline bool connect_failed(long ret)
{
	return ret < 0 && ret > -ERESTART_MIN && ret != -EINPROGRESS &&
	       ret != -EALREADY && ret != -EISCONN && ret != -EINTR;
}

SEC("tp_btf/sys_exit")
int closers_exit(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	long ret = (long)ctx[1];
	__u64 id, now;
	__u32 tid;
	struct closers_pending *p;
	struct closers_connerr_key k = {};
	struct closers_connerr *e, z = {};

	if (nr_connect() < 0 || sc_nr(regs) != nr_connect())
		return 0;
	id = bpf_get_current_pid_tgid();
	tid = (__u32)id;
	p = bpf_map_lookup_elem(&pending, &tid);
	if (!p)
		return 0;
	k.tgid = (__u32)(id >> 32);
	k.err = (__s32)-ret;
	k.family = p->family;
	k.rport = p->rport;
	__builtin_memcpy(k.remote, p->remote, sizeof(k.remote));
	bpf_map_delete_elem(&pending, &tid);
	if (!connect_failed(ret))
		return 0;
	__sync_fetch_and_add(&totals.connect_errors, 1);
	e = bpf_map_lookup_elem(&connect_errors, &k);
	if (!e) {
		bpf_map_update_elem(&connect_errors, &k, &z, BPF_NOEXIST);
		e = bpf_map_lookup_elem(&connect_errors, &k);
		if (!e) {
			__sync_fetch_and_add(&totals.lost, 1);
			return 0;
		}
	}
	now = bpf_ktime_get_ns();
	__sync_fetch_and_add(&e->count, 1);
	e->last_ns = now;
	e->cgroup = bpf_get_current_cgroup_id();
	current_comm(e->comm);
	return 0;
}
