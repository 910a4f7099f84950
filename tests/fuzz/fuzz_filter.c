/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: filter expressions through filter_compile(), and the
 * bytecode it emits checked against the kernel's rules. The input is the
 * expression, optionally followed by a NUL and sockets (SOCK_BYTES each)
 * to match besides a fixed set. For every socket and dump family, the
 * passes (bytecode run as the kernel runs it, then filter_match_family()
 * where filter_needs_match()) must select exactly the sockets that
 * filter_match_family() matches, and every program must pass the
 * kernel's audit. Both follow inet_diag_bc_audit() and inet_diag_bc_run()
 * in Linux's net/ipv4/inet_diag.c.
 */
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "twtop/addr.h"
#include "twtop/filter.h"
#include "twtop/tcpstate.h"

#define SOCK_BYTES 38		/* flags, state, 2 x 16 address, 2 x port */
#define SOCKS_MAX 8		/* taken from one input */
#define BC_LEN_MAX 16384	/* diag_dump() sends no more */

/* What inet_diag_bc_run() knows of a socket (struct inet_diag_entry). */
struct entry {
	int family;
	uint8_t saddr[16], daddr[16];	/* as the kernel holds them */
	uint16_t sport, dport;		/* host order */
};

/* One op of the program at offset off (ops are 4-byte aligned). */
static struct inet_diag_bc_op op_at(const uint8_t *bc, size_t off)
{
	struct inet_diag_bc_op op;

	memcpy(&op, bc + off, sizeof(op));
	return op;
}

/* The kernel's valid_cc(): offset cc from the end lands on an op or the
 * end, following op->yes from the start. */
static bool valid_cc(const uint8_t *bc, int len, int cc)
{
	size_t off = 0;

	while (len >= 0) {
		struct inet_diag_bc_op op;

		if (cc > len)
			return false;
		if (cc == len)
			return true;
		op = op_at(bc, off);
		if (op.yes < 4 || op.yes & 3)
			return false;
		len -= op.yes;
		off += op.yes;
	}
	return false;
}

/* The kernel's inet_diag_bc_audit() for a program run without
 * CAP_NET_ADMIN (no mark or cgroup conditions). */
static bool audit(const uint8_t *bc, int bclen)
{
	int len = bclen;
	size_t off = 0;

	/* netlink pads attributes to 4 bytes: ops are whole */
	if (bclen < (int)sizeof(struct inet_diag_bc_op) || bclen & 3)
		return false;
	while (len > 0) {
		int min_len = sizeof(struct inet_diag_bc_op);
		struct inet_diag_bc_op op;
		struct inet_diag_hostcond hc;
		int alen;

		op = op_at(bc, off);
		switch (op.code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			min_len += sizeof(hc);
			if (len < min_len)
				return false;
			memcpy(&hc, bc + off + sizeof(op), sizeof(hc));
			if (hc.family == AF_UNSPEC)
				alen = 0;
			else if (hc.family == AF_INET)
				alen = 4;
			else if (hc.family == AF_INET6)
				alen = 16;
			else
				return false;
			min_len += alen;
			if (len < min_len || hc.prefix_len > 8 * alen)
				return false;
			break;
		case INET_DIAG_BC_S_EQ:
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_EQ:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			min_len += sizeof(op);
			if (len < min_len)
				return false;
			break;
		case INET_DIAG_BC_AUTO:
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:	/* DEV_COND is valid but twtop emits none */
			return false;
		}
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min_len || op.no > len + 4 || op.no & 3)
				return false;
			if (op.no < len && !valid_cc(bc, bclen, len - op.no))
				return false;
		}
		if (op.yes < min_len || op.yes > len + 4 || op.yes & 3)
			return false;
		off += op.yes;
		len -= op.yes;
	}
	return len == 0;
}

/* The kernel's bitstring_match(): the first plen bits are equal. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	return bits == 0 ||
	       ((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* S_COND/D_COND of inet_diag_bc_run(). */
static bool host_cond(const uint8_t *op, bool src, const struct entry *e)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *addr = src ? e->saddr : e->daddr;
	struct inet_diag_hostcond hc;
	const uint8_t *want = op + sizeof(struct inet_diag_bc_op) + sizeof(hc);

	memcpy(&hc, op + sizeof(struct inet_diag_bc_op), sizeof(hc));
	if (hc.port != -1 && hc.port != (src ? e->sport : e->dport))
		return false;
	if (hc.family != AF_UNSPEC && hc.family != e->family)
		return e->family == AF_INET6 && hc.family == AF_INET &&
		       memcmp(addr, mapped, sizeof(mapped)) == 0 &&
		       prefix_eq(addr + 12, want, hc.prefix_len);
	return hc.prefix_len == 0 || prefix_eq(addr, want, hc.prefix_len);
}

/* inet_diag_bc_run(): does the (audited) program accept the socket? */
static bool run(const uint8_t *bc, int len, const struct entry *e)
{
	size_t off = 0;

	while (len > 0) {
		struct inet_diag_bc_op op = op_at(bc, off);
		uint16_t arg = 0;
		bool yes = true;

		/* port comparisons: the port is a second op's no */
		if ((op.code >= INET_DIAG_BC_S_GE &&
		     op.code <= INET_DIAG_BC_D_LE) ||
		    op.code == INET_DIAG_BC_S_EQ ||
		    op.code == INET_DIAG_BC_D_EQ)
			arg = op_at(bc, off + sizeof(op)).no;
		switch (op.code) {
		case INET_DIAG_BC_JMP: yes = false; break;
		case INET_DIAG_BC_S_EQ: yes = e->sport == arg; break;
		case INET_DIAG_BC_S_GE: yes = e->sport >= arg; break;
		case INET_DIAG_BC_S_LE: yes = e->sport <= arg; break;
		case INET_DIAG_BC_D_EQ: yes = e->dport == arg; break;
		case INET_DIAG_BC_D_GE: yes = e->dport >= arg; break;
		case INET_DIAG_BC_D_LE: yes = e->dport <= arg; break;
		case INET_DIAG_BC_AUTO: yes = true; break;  /* no BINDPORT lock */
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			yes = host_cond(bc + off, op.code == INET_DIAG_BC_S_COND,
					e);
			break;
		default:
			break;
		}
		off += yes ? op.yes : op.no;
		len -= yes ? op.yes : op.no;
	}
	return len == 0;
}

/* The address as the kernel holds it for a dump of family. */
static void raw_addr(uint8_t raw[16], const struct tw_addr *a, int family)
{
	memset(raw, 0, 16);
	if (family == AF_INET6 && a->family == AF_INET) {
		raw[10] = raw[11] = 0xff;
		memcpy(raw + 12, a->bytes, 4);
	} else {
		memcpy(raw, a->bytes, family == AF_INET ? 4 : 16);
	}
}

/* Checks one socket of a dump of family against f's passes. */
static void check_sock(const struct filter *f, const struct diag_sock *s,
		       int family, const char *expr)
{
	bool want = filter_match_family(f, s, family), got = false;
	const struct filter_pass *p = NULL;
	struct entry e;

	for (size_t i = 0; i < filter_npasses(f); i++)
		if (filter_pass(f, i)->states & (1u << s->state))
			p = filter_pass(f, i);
	if (want && !(filter_state_mask(f) & (1u << s->state)))
		fuzz_fail("a match in a state outside the mask", expr);
	if (p != NULL) {
		e.family = family;
		raw_addr(e.saddr, &s->local, family);
		raw_addr(e.daddr, &s->remote, family);
		e.sport = s->lport;
		e.dport = s->rport;
		got = p->bytecode == NULL ||
		      run(p->bytecode, (int)p->bclen, &e);
		if (filter_needs_match(f))
			got = got && want;
	}
	if (got != want)
		fuzz_fail(want ? "the passes miss a matching socket" :
			  "the passes take a socket that does not match",
			  expr);
	/* filter_match() takes the family from the addresses */
	if ((s->local.family == AF_INET6 || s->remote.family == AF_INET6 ||
	     family == AF_INET) && filter_match(f, s) != want)
		fuzz_fail("filter_match differs from filter_match_family",
			  expr);
}

/* A socket from SOCK_BYTES of input: flags (bit 0, 1: local, remote
 * address IPv6), state, addresses, ports. */
static struct diag_sock decode_sock(const uint8_t *b)
{
	struct diag_sock s;

	memset(&s, 0, sizeof(s));
	s.local.family = b[0] & 1 ? AF_INET6 : AF_INET;
	s.remote.family = b[0] & 2 ? AF_INET6 : AF_INET;
	s.state = (uint8_t)(1 + b[1] % (TS_MAX - 1));
	memcpy(s.local.bytes, b + 2, s.local.family == AF_INET ? 4 : 16);
	memcpy(s.remote.bytes, b + 18, s.remote.family == AF_INET ? 4 : 16);
	addr_fold_mapped(&s.local);
	addr_fold_mapped(&s.remote);
	s.lport = (uint16_t)(b[34] << 8 | b[35]);
	s.rport = (uint16_t)(b[36] << 8 | b[37]);
	return s;
}

/* A socket of the fixed set. */
static struct diag_sock make_sock(const char *l, uint16_t lp, const char *r,
				  uint16_t rp)
{
	struct diag_sock s;

	memset(&s, 0, sizeof(s));
	if (addr_parse(l, &s.local) < 0 || addr_parse(r, &s.remote) < 0)
		abort();
	addr_fold_mapped(&s.local);
	addr_fold_mapped(&s.remote);
	s.lport = lp;
	s.rport = rp;
	return s;
}

/* Checks s in each state and each dump family it can come from. */
static void check_all(const struct filter *f, struct diag_sock s,
		      const char *expr, bool all_states)
{
	bool v4 = s.local.family == AF_INET && s.remote.family == AF_INET;

	for (unsigned int st = 1; st < TS_MAX; st++) {
		/* request sockets are reported as SYN_RECV */
		if (st == TS_NEW_SYN_RECV || (!all_states && st != s.state))
			continue;
		s.state = (uint8_t)st;
		if (v4)
			check_sock(f, &s, AF_INET, expr);
		check_sock(f, &s, AF_INET6, expr);
	}
}

/* The passes: disjoint, covering the mask, programs the kernel takes. */
static void check_passes(const struct filter *f, const char *expr)
{
	uint32_t seen = 0;

	if (filter_npasses(f) > FILTER_PASSES_MAX)
		fuzz_fail("too many passes", expr);
	for (size_t i = 0; i < filter_npasses(f); i++) {
		const struct filter_pass *p = filter_pass(f, i);

		if (p->states & seen)
			fuzz_fail("a state in two passes", expr);
		seen |= p->states;
		if ((p->bytecode == NULL) != (p->bclen == 0))
			fuzz_fail("bytecode and its length disagree", expr);
		if (p->bytecode && (p->bclen > BC_LEN_MAX ||
				    !audit(p->bytecode, (int)p->bclen)))
			fuzz_fail("bytecode the kernel refuses", expr);
		if (p->bytecode && filter_needs_match(f))
			fuzz_fail("bytecode and a user-space match", expr);
	}
	if (seen != filter_state_mask(f))
		fuzz_fail("the passes do not cover the state mask", expr);
}

/* A copy must plan the same passes. */
static void check_dup(const struct filter *f, const char *expr)
{
	struct filter *c = filter_dup(f);

	if (strcmp(filter_expr(c), expr) != 0 ||
	    filter_npasses(c) != filter_npasses(f) ||
	    filter_needs_match(c) != filter_needs_match(f) ||
	    filter_state_mask(c) != filter_state_mask(f))
		fuzz_fail("filter_dup differs", expr);
	for (size_t i = 0; i < filter_npasses(f); i++) {
		const struct filter_pass *a = filter_pass(f, i);
		const struct filter_pass *b = filter_pass(c, i);

		if (a->states != b->states || a->bclen != b->bclen ||
		    (a->bclen && memcmp(a->bytecode, b->bytecode, a->bclen)))
			fuzz_fail("filter_dup plans other passes", expr);
	}
	filter_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *l, *r;
		uint16_t lp, rp;
	} fixed[] = {
		{ "127.0.0.1", "127.0.0.1", 80, 40000 },
		{ "10.1.2.3", "192.168.1.1", 40000, 443 },
		{ "0.0.0.0", "0.0.0.0", 22, 0 },
		{ "192.168.255.255", "10.0.0.1", 65535, 1 },
		{ "::1", "::1", 8080, 8080 },
		{ "2001:db8::1", "fe80::1", 443, 55555 },
		{ "::", "::", 0, 0 },
		{ "::ffff:10.0.0.1", "2001:db8::2", 80, 80 },
		{ "::", "::ffff:127.0.0.1", 1024, 1023 },
	};
	char err[1024] = "", *expr = fuzz_text(data, size);
	size_t elen = strlen(expr), nsock = 0;
	struct filter *f = filter_compile(expr, err, sizeof(err));

	if (f == NULL) {
		fuzz_check_message(err, sizeof(err), "position ");
		free(expr);
		return 0;
	}
	if (elen > FILTER_EXPR_MAX)
		fuzz_fail("compiled an expression too long", NULL);
	if (strcmp(filter_expr(f), expr) != 0)
		fuzz_fail("filter_expr is not the expression", expr);
	check_passes(f, expr);
	check_dup(f, expr);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		check_all(f, make_sock(fixed[i].l, fixed[i].lp, fixed[i].r,
				       fixed[i].rp), expr, true);
	for (size_t off = elen + 1; off + SOCK_BYTES <= size &&
	     nsock < SOCKS_MAX; off += SOCK_BYTES, nsock++)
		check_all(f, decode_sock(data + off), expr, false);
	filter_free(f);
	free(expr);
	return 0;
}
