/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one-walk TCPDIAG_GETSOCK dump of both families (libmnl). */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "twtop/diag_legacy.h"
#include "twtop/xalloc.h"

/* As diag.c: the kernel fills at most ~32 KiB per recv (KERNEL-FACTS.md). */
#define LEGACY_BUFSZ 32768

struct diag_legacy {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	bool refused;		/* the kernel said no: per-family dumps */
	struct diag *fallback;	/* opened on the first refusal */
	char buf[LEGACY_BUFSZ];
};

/* Opens and binds the NETLINK_SOCK_DIAG socket; 0 or -1 with errno. */
static int legacy_connect(struct diag_legacy *l)
{
	l->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (l->nl == NULL)
		return -1;
	if (mnl_socket_bind(l->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(l->nl);
		l->nl = NULL;
		errno = e;
		return -1;
	}
	l->portid = mnl_socket_get_portid(l->nl);
	return 0;
}

struct diag_legacy *diag_legacy_open(void)
{
	struct diag_legacy *l = xcalloc(1, sizeof(*l));

	if (legacy_connect(l) < 0) {
		int e = errno;

		free(l);
		errno = e;
		return NULL;
	}
	l->seq = 1;
	return l;
}

void diag_legacy_close(struct diag_legacy *l)
{
	if (l == NULL)
		return;
	if (l->nl != NULL)
		mnl_socket_close(l->nl);
	diag_close(l->fallback);
	free(l);
}

bool diag_legacy_one_walk(const struct diag_legacy *l)
{
	return !l->refused;
}

size_t diag_legacy_request(void *buf, size_t len, uint32_t seq,
			   uint32_t states, const void *bytecode, size_t bclen)
{
	struct nlmsghdr *nlh;
	struct inet_diag_req *req;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*req)) +
		  MNL_ATTR_HDRLEN + MNL_ALIGN(bclen))
		return 0;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	/* inet_diag_dump_compat dumps with sdiag_family AF_UNSPEC whatever
	 * this says: both families, one walk */
	req->idiag_family = AF_INET;
	req->idiag_states = states;
	if (bytecode != NULL && bclen > 0)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bclen, bytecode);
	return nlh->nlmsg_len;
}

/* Whether an error before the first socket means "no legacy requests
 * here" (sock_diag without the compat handler, or a kernel that dropped
 * it) rather than a failure of this dump. */
static bool legacy_refusal(int e)
{
	return e == EINVAL || e == EOPNOTSUPP || e == ENOENT ||
	       e == EPROTONOSUPPORT || e == EAFNOSUPPORT;
}

static int legacy_recv(struct diag_legacy *l, diag_cb cb, void *arg,
		       struct diag_result *res);

static void ignore_sock(const struct diag_sock *s, void *arg)
{
	(void)s;
	(void)arg;
}

/* Whether the kernel refuses legacy requests as such: asks again with no
 * state and no filter (the kernel then walks nothing), so that an error
 * of the request itself (a filter the kernel rejects) is not taken for
 * a refusal. */
static bool legacy_refused(struct diag_legacy *l)
{
	struct diag_result r;
	size_t len;

	if (l->nl == NULL && legacy_connect(l) < 0)
		return false;
	len = diag_legacy_request(l->buf, sizeof(l->buf), ++l->seq, 0, NULL,
				  0);
	if (mnl_socket_sendto(l->nl, l->buf, len) < 0)
		return false;
	memset(&r, 0, sizeof(r));
	return legacy_recv(l, ignore_sock, NULL, &r) < 0 &&
	       legacy_refusal(r.error);
}

/* Receives and parses one dump to its end. Like diag_dump's loop, this
 * reads to NLMSG_DONE instead of stopping at NLM_F_DUMP_INTR as
 * mnl_cb_run would (STYLE.md). 0, 1 (interrupted), or -1. */
static int legacy_recv(struct diag_legacy *l, diag_cb cb, void *arg,
		       struct diag_result *res)
{
	struct diag_parse_info info = { 0 };
	enum diag_status st = DIAG_MORE;

	while (st == DIAG_MORE) {
		ssize_t n = mnl_socket_recvfrom(l->nl, l->buf, sizeof(l->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Messages were lost: start over on a fresh socket. */
			mnl_socket_close(l->nl);
			l->nl = NULL;
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
		st = diag_parse(l->buf, (size_t)n, l->seq, l->portid, cb, arg,
				&info);
	}
	res->count = info.count;
	res->interrupted = info.interrupted;
	if (st == DIAG_ERROR) {
		res->error = info.error;
		/* The rest of the dump may still be queued: drop the socket. */
		mnl_socket_close(l->nl);
		l->nl = NULL;
		return -1;
	}
	return info.interrupted ? 1 : 0;
}

/* The per-family dumps of diag.c, for kernels that refuse the legacy
 * request. */
static int legacy_fallback(struct diag_legacy *l, uint32_t states,
			   const void *bytecode, size_t bclen, diag_cb cb,
			   void *arg, struct diag_result *res)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct diag_result r;
	unsigned int count = 0;
	int intr = 0;

	if (l->fallback == NULL && (l->fallback = diag_open()) == NULL) {
		memset(res, 0, sizeof(*res));
		res->error = errno;
		return -1;
	}
	for (size_t i = 0; i < 2; i++) {
		int rc = diag_dump(l->fallback, fams[i], states, bytecode,
				   bclen, cb, arg, &r);

		count += r.count;
		if (rc < 0) {
			*res = r;
			res->count = count;
			return -1;
		}
		intr |= rc > 0;
	}
	memset(res, 0, sizeof(*res));
	res->count = count;
	res->interrupted = intr;
	return intr;
}

int diag_legacy_dump(struct diag_legacy *l, uint32_t states,
		     const void *bytecode, size_t bclen,
		     diag_cb cb, void *arg, struct diag_result *res)
{
	size_t len;
	int rc;

	memset(res, 0, sizeof(*res));
	if (l->refused)
		return legacy_fallback(l, states, bytecode, bclen, cb, arg,
				       res);
	if (l->nl == NULL && legacy_connect(l) < 0) {
		res->error = errno;
		return -1;
	}
	len = bclen > LEGACY_BUFSZ / 2 ? 0 :
	      diag_legacy_request(l->buf, sizeof(l->buf), ++l->seq, states,
				  bytecode, bclen);
	if (len == 0) {
		res->error = EMSGSIZE;
		return -1;
	}
	if (mnl_socket_sendto(l->nl, l->buf, len) < 0) {
		res->error = errno;
		return -1;
	}
	rc = legacy_recv(l, cb, arg, res);
	if (rc < 0 && res->count == 0 && legacy_refusal(res->error) &&
	    legacy_refused(l)) {
		l->refused = true;
		return legacy_fallback(l, states, bytecode, bclen, cb, arg,
				       res);
	}
	return rc;
}
