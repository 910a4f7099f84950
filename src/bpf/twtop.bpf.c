// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * twtop's BPF side: iterators that stream one struct twtop_bpf_rec per TCP
 * socket of the reader's network namespace, with the values inet_diag
 * would report (see tcp_diag.c: tcp_twsk_diag_fill, tcp_req_diag_fill and
 * inet_sk_diag_fill), plus the bind-bucket fact sock_diag cannot give.
 *
 *   iter/tcp        listeners, then full, TIME_WAIT and request sockets
 *                   (the listening and established hashes)
 *   iter/task_file  bound-inactive sockets: iter/tcp does not walk the bind
 *                   table, so these are found through the files that hold
 *                   them (a bound socket in CLOSE has an owner)
 */
#include "vmlinux_min.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "twtop/bpf_rec.h"

char LICENSE[] SEC("license") = "GPL";

/* include/net/tcp_states.h, include/net/inet_connection_sock.h */
#define AF_INET			2
#define AF_INET6		10
#define IPPROTO_TCP		6
#define SOCK_STREAM		1
#define TCP_SYN_RECV		3
#define TCP_TIME_WAIT		6
#define TCP_CLOSE		7
#define TCP_NEW_SYN_RECV	12
#define ICSK_TIME_RETRANS	1
#define ICSK_TIME_PROBE0	3
#define ICSK_TIME_LOSS_PROBE	5
#define ICSK_TIME_REO_TIMEOUT	6
#define SOCK_CONNECT_BIND	16	/* sk_userlocks, 6.18+ */

extern int CONFIG_HZ __kconfig;

/* Set by user space before each pass: the states wanted, 1 << state. */
__u32 states_mask;

/* jiffies_to_msecs() of kernel/time/time.c for any HZ. */
static __always_inline __u32 jiffies_to_ms(__u64 j)
{
	__u64 hz = (__u64)CONFIG_HZ;

	if (hz == 0)
		return 0;
	if (hz <= 1000 && 1000 % hz == 0)
		return (__u32)((1000 / hz) * j);
	if (hz > 1000 && hz % 1000 == 0)
		return (__u32)((j + hz / 1000 - 1) / (hz / 1000));
	return (__u32)((j * 1000 + hz - 1) / hz);
}

/* jiffies_delta_to_msecs(expires - jiffies): 0 once due. */
static __always_inline __u32 remaining_ms(unsigned long expires)
{
	long d = (long)(expires - (unsigned long)bpf_jiffies64());

	return d > 0 ? jiffies_to_ms((__u64)d) : 0;
}

/*
 * Whether the socket's port was taken by bind() or listen() (or inherited
 * from a listener) rather than by connect()'s autobind: such a port is a
 * hole in the ephemeral range for every destination, since
 * __inet_hash_connect only reuses buckets it made itself (fastreuse and
 * fastreuseport -1). From 6.18 the socket says so itself (SOCK_CONNECT_BIND,
 * tw_connect_bind), on the socket's own cache lines; before, its bind
 * bucket does, one pointer away.
 */
static __always_inline bool have_connect_bind(void)
{
	return bpf_core_field_exists(struct inet_timewait_sock___cb,
				     tw_connect_bind);
}

static __always_inline __u8 bucket_bound(const struct inet_bind_bucket *tb)
{
	if (!tb)
		return 0;
	return tb->fastreuse >= 0 || tb->fastreuseport >= 0;
}

static __always_inline __u8 sk_bound_by_bind(struct sock *sk,
					     struct inet_bind_bucket *tb)
{
	if (have_connect_bind())
		return !(BPF_CORE_READ_BITFIELD(sk, sk_userlocks) &
			 SOCK_CONNECT_BIND);
	return bucket_bound(tb);
}

static __always_inline bool wanted(__u32 state)
{
	__u32 mask = states_mask;

	/* tcp_diag_dump: asking for SYN_RECV brings request sockets */
	if (mask & (1u << TCP_SYN_RECV))
		mask |= 1u << TCP_NEW_SYN_RECV;
	return state < 32 && (mask & (1u << state));
}

/* Addresses, ports and device as inet_diag_msg_common_fill copies them. */
static __always_inline void fill_common(struct twtop_bpf_rec *r,
					const struct sock_common *skc)
{
	r->family = (__u8)skc->skc_family;
	r->lport = skc->skc_num;
	r->rport = bpf_ntohs(skc->skc_dport);
	r->ifindex = (__u32)skc->skc_bound_dev_if;
	if (r->family == AF_INET6) {
		__be32 *l = (__be32 *)r->local, *m = (__be32 *)r->remote;

		l[0] = skc->skc_v6_rcv_saddr.in6_u.u6_addr32[0];
		l[1] = skc->skc_v6_rcv_saddr.in6_u.u6_addr32[1];
		l[2] = skc->skc_v6_rcv_saddr.in6_u.u6_addr32[2];
		l[3] = skc->skc_v6_rcv_saddr.in6_u.u6_addr32[3];
		m[0] = skc->skc_v6_daddr.in6_u.u6_addr32[0];
		m[1] = skc->skc_v6_daddr.in6_u.u6_addr32[1];
		m[2] = skc->skc_v6_daddr.in6_u.u6_addr32[2];
		m[3] = skc->skc_v6_daddr.in6_u.u6_addr32[3];
	} else {
		*(__be32 *)r->local = skc->skc_rcv_saddr;
		*(__be32 *)r->remote = skc->skc_daddr;
	}
}

/* sock_i_ino(): the inode of the socket's file, 0 once orphaned. */
static __always_inline __u32 sock_inode(struct sock *sk)
{
	struct socket *so;

	if (bpf_core_field_exists(struct sock___ino, sk_ino))
		return (__u32)((struct sock___ino *)sk)->sk_ino;
	so = sk->sk_socket;
	if (!so)
		return 0;
	return (__u32)BPF_CORE_READ((struct socket_alloc *)so, vfs_inode.i_ino);
}

/* The retransmit timer's deadline (icsk_timeout() of the kernel). */
static __always_inline unsigned long
retrans_expires(struct inet_connection_sock *icsk)
{
	if (bpf_core_field_exists(struct inet_connection_sock___timeout,
				  icsk_timeout))
		return ((struct inet_connection_sock___timeout *)icsk)
			->icsk_timeout;
	return icsk->icsk_retransmit_timer.expires;
}

/* The timer of a full socket, by inet_sk_diag_fill's rules. */
static __always_inline void fill_timer(struct twtop_bpf_rec *r,
				       struct inet_connection_sock *icsk)
{
	struct sock *sk = &icsk->icsk_inet.sk;
	__u8 pending = icsk->icsk_pending;

	if (pending == ICSK_TIME_RETRANS || pending == ICSK_TIME_REO_TIMEOUT ||
	    pending == ICSK_TIME_LOSS_PROBE) {
		r->timer = 1;
		r->expires = remaining_ms(retrans_expires(icsk));
	} else if (pending == ICSK_TIME_PROBE0) {
		r->timer = 4;
		r->expires = remaining_ms(retrans_expires(icsk));
	} else if (sk->sk_timer.entry.pprev) {	/* timer_pending() */
		r->timer = 2;
		r->expires = remaining_ms(sk->sk_timer.expires);
	}
}

/* A TIME_WAIT minisocket: its substate, timer 3, no uid or inode. */
static __always_inline int fill_tw(struct twtop_bpf_rec *r,
				   struct sock_common *skc)
{
	struct tcp_timewait_sock *tw = bpf_skc_to_tcp_timewait_sock(skc);

	if (!tw)
		return -1;
	r->state = tw->tw_sk.tw_substate;
	if (!wanted(r->state))
		return -1;
	r->timer = 3;
	r->expires = remaining_ms(tw->tw_sk.tw_timer.expires);
	if (have_connect_bind())
		r->bound_by_bind = !BPF_CORE_READ_BITFIELD(
			(struct inet_timewait_sock___cb *)&tw->tw_sk,
			tw_connect_bind);
	else
		r->bound_by_bind = bucket_bound(tw->tw_sk.tw_tb);
	return 0;
}

/* A request socket: SYN_RECV, timer 1, uid and inode 0 as inet_diag
 * says (the iterator's ctx->uid is the listener's); its port is its
 * listener's, which bind() or listen() took. */
static __always_inline int fill_req(struct twtop_bpf_rec *r,
				    struct sock_common *skc)
{
	struct tcp_request_sock *req = bpf_skc_to_tcp_request_sock(skc);

	if (!req || !wanted(TCP_NEW_SYN_RECV))
		return -1;
	r->state = TCP_SYN_RECV;
	r->timer = 1;
	r->expires = remaining_ms(req->req.req.rsk_timer.expires);
	r->bound_by_bind = 1;
	return 0;
}

SEC("iter/tcp")
int twtop_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct twtop_bpf_rec r = {};
	struct tcp_sock *tp;
	__u8 state;

	if (!skc)
		return 0;
	state = skc->skc_state;
	if (state == TCP_TIME_WAIT) {
		if (fill_tw(&r, skc) < 0)
			return 0;
	} else if (state == TCP_NEW_SYN_RECV) {
		if (fill_req(&r, skc) < 0)
			return 0;
	} else {
		if (!wanted(state))
			return 0;
		tp = bpf_skc_to_tcp_sock(skc);
		if (!tp)
			return 0;
		r.state = state;
		fill_timer(&r, &tp->inet_conn);
		r.uid = ctx->uid;
		r.inode = sock_inode(&tp->inet_conn.icsk_inet.sk);
		r.bound_by_bind =
			sk_bound_by_bind(&tp->inet_conn.icsk_inet.sk,
					 tp->inet_conn.icsk_bind_hash);
	}
	fill_common(&r, skc);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

/*
 * Bound-inactive sockets (bound, neither listening nor connected), which
 * tcp_diag_dump finds in the bind table: TCP sockets in CLOSE with a port,
 * in the reader's namespace. A socket shared by several descriptors comes
 * once per descriptor; user space keeps one per inode.
 */
SEC("iter/task_file")
int twtop_bound(struct bpf_iter__task_file *ctx)
{
	struct twtop_bpf_rec r = {};
	struct task_struct *me;
	struct socket *so;
	struct sock *sk;
	struct file *file = ctx->file;

	if (!file)
		return 0;
	so = bpf_sock_from_file(file);
	if (!so)
		return 0;
	sk = so->sk;
	if (!sk || sk->__sk_common.skc_state != TCP_CLOSE ||
	    sk->__sk_common.skc_num == 0 || sk->sk_protocol != IPPROTO_TCP ||
	    sk->sk_type != SOCK_STREAM)
		return 0;
	if (sk->__sk_common.skc_family != AF_INET &&
	    sk->__sk_common.skc_family != AF_INET6)
		return 0;
	me = bpf_get_current_task_btf();
	if (sk->__sk_common.skc_net.net != me->nsproxy->net_ns)
		return 0;
	fill_common(&r, &sk->__sk_common);
	r.state = TCP_CLOSE;
	r.uid = sk->sk_uid.val;
	r.inode = sock_inode(sk);
	/* so->sk is an untrusted pointer to some kernels' verifiers, which
	 * bpf_skc_to_tcp_sock() refuses: the checks above made it a TCP
	 * socket, whose bind bucket is read as memory */
	if (have_connect_bind()) {
		r.bound_by_bind = sk_bound_by_bind(sk, NULL);
	} else {
		struct inet_bind_bucket *tb = BPF_CORE_READ(
			(struct inet_connection_sock *)sk, icsk_bind_hash);
		short fr = -1, frp = -1;

		if (tb) {
			fr = BPF_CORE_READ(tb, fastreuse);
			frp = BPF_CORE_READ(tb, fastreuseport);
		}
		r.bound_by_bind = fr >= 0 || frp >= 0;
	}
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
