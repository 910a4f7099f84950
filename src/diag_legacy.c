/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one-walk TCPDIAG_GETSOCK request of both families (libmnl). */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "twtop/diag_legacy.h"

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

bool diag_legacy_refusal(int e)
{
	return e == EINVAL || e == EOPNOTSUPP || e == ENOENT ||
	       e == EPROTONOSUPPORT || e == EAFNOSUPPORT;
}
