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

/* The kernel fills at most ~32 KiB per recv (KERNEL-FACTS.md); Debian 12's
 * libmnl has no MNL_SOCKET_DUMP_SIZE. */
#define DIAG_BUFSZ 32768

struct diag {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[DIAG_BUFSZ];
};

/* Opens and binds a NETLINK_SOCK_DIAG socket. */
static int diag_connect(struct diag *d)
{
	d->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (d->nl == NULL)
		return -1;
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(d->nl);
		d->nl = NULL;
		errno = e;
		return -1;
	}
	d->portid = mnl_socket_get_portid(d->nl);
	return 0;
}

struct diag *diag_open(void)
{
	struct diag *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	if (diag_connect(d) < 0) {
		int e = errno;

		free(d);
		errno = e;
		return NULL;
	}
	d->seq = 1;
	return d;
}

void diag_close(struct diag *d)
{
	if (d == NULL)
		return;
	if (d->nl != NULL)
		mnl_socket_close(d->nl);
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
	return e->error < 0 ? -e->error : e->error;
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

/* Sends the dump request for one family. */
static int diag_request(struct diag *d, int family, uint32_t states,
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
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	return 0;
}

int diag_dump(struct diag *d, int family, uint32_t states,
	      const void *bytecode, size_t bclen,
	      diag_cb cb, void *arg, struct diag_result *res)
{
	struct diag_parse_info info = { 0 };
	enum diag_status st = DIAG_MORE;

	memset(res, 0, sizeof(*res));
	if (d->nl == NULL && diag_connect(d) < 0) {
		res->error = errno;
		return -1;
	}
	if (bclen > DIAG_BUFSZ / 2 || diag_request(d, family, states,
						  bytecode, bclen) < 0) {
		res->error = bclen > DIAG_BUFSZ / 2 ? EMSGSIZE : errno;
		return -1;
	}
	while (st == DIAG_MORE) {
		ssize_t n = mnl_socket_recvfrom(d->nl, d->buf, sizeof(d->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Messages were lost: start over on a fresh socket. */
			mnl_socket_close(d->nl);
			d->nl = NULL;
			res->count = info.count;
			res->interrupted = 1;
			res->error = ENOBUFS;
			return 1;
		}
		if (n <= 0) {
			res->error = n == 0 ? EPROTO : errno;
			res->count = info.count;
			return -1;
		}
		st = diag_parse(d->buf, (size_t)n, d->seq, d->portid, cb, arg,
				&info);
	}
	res->count = info.count;
	res->interrupted = info.interrupted;
	if (st == DIAG_ERROR) {
		res->error = info.error;
		/* The rest of the dump may still be queued: drop the socket. */
		mnl_socket_close(d->nl);
		d->nl = NULL;
		return -1;
	}
	return info.interrupted ? 1 : 0;
}
