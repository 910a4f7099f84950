/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sock_diag dump of TCP sockets over NETLINK_SOCK_DIAG (libmnl). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "twtop/diag.h"
#include "twtop/diag_legacy.h"
#include "twtop/xalloc.h"

/* The kernel fills at most ~32 KiB per recv (KERNEL-FACTS.md); Debian 12's
 * libmnl has no MNL_SOCKET_DUMP_SIZE. */
#define DIAG_BUFSZ 32768

struct diag {
	const struct diag_transport *t;
	void *ctx;
	void *conn;		/* NULL: closed, opened by the next dump */
	uint32_t portid;
	uint32_t seq;
	bool legacy_refused;	/* TCPDIAG_GETSOCK refused: per family */
	/* netlink messages are read in place: aligned as nlmsghdr */
	_Alignas(struct nlmsghdr) char buf[DIAG_BUFSZ];
};

/* Opens and binds a NETLINK_SOCK_DIAG socket. */
static int nl_open(void *ctx, void **conn, uint32_t *portid)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);

	(void)ctx;
	if (nl == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		errno = e;
		return -1;
	}
	*portid = mnl_socket_get_portid(nl);
	*conn = nl;
	return 0;
}

static void nl_close(void *ctx, void *conn)
{
	(void)ctx;
	mnl_socket_close(conn);
}

static ssize_t nl_send(void *ctx, void *conn, const void *buf, size_t len)
{
	(void)ctx;
	return mnl_socket_sendto(conn, buf, len);
}

static ssize_t nl_recv(void *ctx, void *conn, void *buf, size_t len)
{
	(void)ctx;
	return mnl_socket_recvfrom(conn, buf, len);
}

static const struct diag_transport diag_netlink = {
	.open = nl_open,
	.close = nl_close,
	.send = nl_send,
	.recv = nl_recv,
};

/* Opens a connection through the transport. */
static int diag_connect(struct diag *d)
{
	void *conn = NULL;
	uint32_t portid = 0;

	if (d->t->open(d->ctx, &conn, &portid) < 0)
		return -1;
	d->conn = conn;
	d->portid = portid;
	return 0;
}

/* Drops the connection: what is left of a dump on it is garbage. */
static void diag_disconnect(struct diag *d)
{
	if (d->conn != NULL)
		d->t->close(d->ctx, d->conn);
	d->conn = NULL;
}

struct diag *diag_open_transport(const struct diag_transport *t, void *ctx)
{
	struct diag *d = xcalloc(1, sizeof(*d));

	d->t = t != NULL ? t : &diag_netlink;
	d->ctx = ctx;
	if (diag_connect(d) < 0) {
		int e = errno;

		free(d);
		errno = e;
		return NULL;
	}
	d->seq = 1;
	return d;
}

struct diag *diag_open(void)
{
	return diag_open_transport(NULL, NULL);
}

void diag_close(struct diag *d)
{
	if (d == NULL)
		return;
	diag_disconnect(d);
	free(d);
}

/* Decodes one inet_diag_msg into a diag_sock. */
static void diag_decode(const struct inet_diag_msg *m, struct diag_sock *s)
{
	size_t alen = m->idiag_family == AF_INET ? 4 : 16;

	memset(s, 0, sizeof(*s));
	s->local.family = m->idiag_family;
	s->remote.family = m->idiag_family;
	memcpy(s->local.bytes, m->id.idiag_src, alen);
	memcpy(s->remote.bytes, m->id.idiag_dst, alen);
	/* A dual-stack listener's IPv4 peers arrive as ::ffff:a.b.c.d. */
	addr_fold_mapped(&s->local);
	addr_fold_mapped(&s->remote);
	s->lport = ntohs(m->id.idiag_sport);
	s->rport = ntohs(m->id.idiag_dport);
	s->state = m->idiag_state;
	s->timer = m->idiag_timer;
	s->expires = m->idiag_expires;
	s->uid = m->idiag_uid;
	s->inode = m->idiag_inode;
	s->ifindex = m->id.idiag_if;
}

/* Handles an NLMSG_ERROR message; returns the errno it carries (0 = ack). */
static int diag_nlerr(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return EBADMSG;
	if (e->error == 0)
		return 0;		/* an ack */
	/* The kernel sends -errno; anything else (INT_MIN would overflow
	 * a negation) is a message we do not understand. */
	if (e->error < 0 && e->error >= -4095)
		return -e->error;
	return EPROTO;
}

enum diag_status diag_parse(const void *buf, size_t len, uint32_t seq,
			    uint32_t portid, diag_cb cb, void *arg,
			    struct diag_parse_info *info)
{
	const struct nlmsghdr *nlh = buf;
	size_t rem = len;
	struct diag_sock s;

	/* Not mnl_nlmsg_ok/mnl_nlmsg_next: they take the length as int, so
	 * an nlmsg_len of 2^31 or more (untrusted) passes as negative and
	 * walks out of the buffer. Bounded here as unsigned. */
	while (rem >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= rem) {
		if ((seq && nlh->nlmsg_seq && nlh->nlmsg_seq != seq) ||
		    (portid && nlh->nlmsg_pid && nlh->nlmsg_pid != portid)) {
			info->error = EPROTO;
			return DIAG_ERROR;
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			info->interrupted = 1;
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			return DIAG_DONE;
		case NLMSG_ERROR:
			info->error = diag_nlerr(nlh);
			if (info->error)
				return DIAG_ERROR;
			break;
		case TCPDIAG_GETSOCK:	/* the one-walk dump (diag_legacy.c) */
		case SOCK_DIAG_BY_FAMILY: {
			const struct inet_diag_msg *m;

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m)) {
				info->error = EBADMSG;
				return DIAG_ERROR;
			}
			m = mnl_nlmsg_get_payload(nlh);
			if (m->idiag_family != AF_INET &&
			    m->idiag_family != AF_INET6) {
				info->error = EBADMSG;
				return DIAG_ERROR;
			}
			diag_decode(m, &s);
			info->count++;
			cb(&s, arg);
			break;
		}
		default:	/* NLMSG_NOOP and unknown types: skip */
			break;
		}
		if (MNL_ALIGN(nlh->nlmsg_len) >= rem) {
			rem = 0;
			break;
		}
		rem -= MNL_ALIGN(nlh->nlmsg_len);
		nlh = (const struct nlmsghdr *)((const char *)nlh +
						MNL_ALIGN(nlh->nlmsg_len));
	}
	if (rem != 0) {		/* a truncated message */
		info->error = EBADMSG;
		return DIAG_ERROR;
	}
	return DIAG_MORE;
}

/* Builds the dump request for one family in d->buf; its length. */
static size_t diag_request(struct diag *d, int family, uint32_t states,
			   const void *bytecode, size_t bclen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(d->buf);
	struct inet_diag_req_v2 *req;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++d->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = states;
	if (bytecode != NULL && bclen > 0)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bytecode);
	return nlh->nlmsg_len;
}

/*
 * Sends the request of len bytes in d->buf and reads its dump. Not
 * mnl_cb_run: it stops at the first NLM_F_DUMP_INTR message and takes an
 * ack for the end. The dump is read to NLMSG_DONE and the caller redoes
 * its pass when it was interrupted. Any failure drops the connection, as
 * the rest of the dump may still be queued on it.
 */
static int diag_run(struct diag *d, size_t len, bool legacy, diag_cb cb,
		    void *arg, struct diag_result *res)
{
	struct diag_parse_info info = { 0 };
	enum diag_status st = DIAG_MORE;

	if (d->t->send(d->ctx, d->conn, d->buf, len) < 0) {
		res->error = errno;
		diag_disconnect(d);
		return -1;
	}
	while (st == DIAG_MORE) {
		ssize_t n = d->t->recv(d->ctx, d->conn, d->buf, sizeof(d->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Messages were lost: start over on a fresh socket. */
			diag_disconnect(d);
			res->count = info.count;
			res->interrupted = 1;
			res->error = ENOBUFS;
			return 1;
		}
		if (n <= 0 || (size_t)n > sizeof(d->buf)) {
			res->error = n < 0 ? errno : EPROTO;
			res->count = info.count;
			diag_disconnect(d);
			return -1;
		}
		st = diag_parse(d->buf, (size_t)n, d->seq, d->portid, cb, arg,
				&info);
	}
	res->count = info.count;
	res->interrupted = info.interrupted;
	if (st == DIAG_ERROR) {
		res->error = info.error;
		/* A refused one-walk request is answered by one NLMSG_ERROR
		 * and nothing else: the connection stays usable. */
		if (!(legacy && info.count == 0 &&
		      diag_legacy_refusal(info.error)))
			diag_disconnect(d);
		return -1;
	}
	return info.interrupted ? 1 : 0;
}

/* Connects if needed and checks the filter fits; 0 or -1 with res. */
static int diag_ready(struct diag *d, size_t bclen, struct diag_result *res)
{
	memset(res, 0, sizeof(*res));
	if (d->conn == NULL && diag_connect(d) < 0) {
		res->error = errno;
		return -1;
	}
	if (bclen > DIAG_BUFSZ / 2) {
		res->error = EMSGSIZE;
		return -1;
	}
	return 0;
}

int diag_dump(struct diag *d, int family, uint32_t states,
	      const void *bytecode, size_t bclen,
	      diag_cb cb, void *arg, struct diag_result *res)
{
	if (diag_ready(d, bclen, res) < 0)
		return -1;
	return diag_run(d, diag_request(d, family, states, bytecode, bclen),
			false, cb, arg, res);
}

static void ignore_sock(const struct diag_sock *s, void *arg)
{
	(void)s;
	(void)arg;
}

/* Whether the kernel refuses TCPDIAG_GETSOCK as such: asks again with no
 * state and no filter (the kernel then walks nothing), so that an error
 * of the request itself (a filter the kernel rejects) is not taken for a
 * refusal. */
static bool diag_legacy_refused(struct diag *d)
{
	struct diag_result r;

	if (diag_ready(d, 0, &r) < 0)
		return false;
	return diag_run(d, diag_legacy_request(d->buf, sizeof(d->buf),
					       ++d->seq, 0, NULL, 0),
			true, ignore_sock, NULL, &r) < 0 &&
	       diag_legacy_refusal(r.error);
}

/* Both families by SOCK_DIAG_BY_FAMILY, one walk each. */
static int diag_dump_each(struct diag *d, uint32_t states,
			  const void *bytecode, size_t bclen, diag_cb cb,
			  void *arg, struct diag_result *res)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int count = 0;
	int intr = 0;

	for (size_t i = 0; i < 2; i++) {
		int rc = diag_dump(d, fams[i], states, bytecode, bclen, cb,
				   arg, res);

		count += res->count;
		res->count = count;
		if (rc < 0)
			return -1;
		intr |= rc > 0;
	}
	res->interrupted = intr;
	return intr;
}

int diag_dump_all(struct diag *d, uint32_t states, const void *bytecode,
		  size_t bclen, diag_cb cb, void *arg, struct diag_result *res)
{
	size_t len;
	int rc;

	if (d->legacy_refused)
		return diag_dump_each(d, states, bytecode, bclen, cb, arg,
				      res);
	if (diag_ready(d, bclen, res) < 0)
		return -1;
	len = diag_legacy_request(d->buf, sizeof(d->buf), ++d->seq, states,
				  bytecode, bclen);
	rc = diag_run(d, len, true, cb, arg, res);
	if (rc < 0 && res->count == 0 && diag_legacy_refusal(res->error) &&
	    diag_legacy_refused(d)) {
		d->legacy_refused = true;
		return diag_dump_each(d, states, bytecode, bclen, cb, arg,
				      res);
	}
	return rc;
}

bool diag_one_walk(const struct diag *d)
{
	return !d->legacy_refused;
}
