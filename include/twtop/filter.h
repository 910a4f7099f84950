/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Socket filters in the language of ss(8): compiled once, run by the
 * kernel as inet_diag bytecode where it can, in user space where not.
 *
 * Grammar (what `ss -tan FILTER` takes, plus `state` anywhere):
 *   expr  := term | ( expr ) | not expr | expr and expr | expr or expr
 *            | expr expr (juxtaposition means and)
 *   term  := src HOST | dst HOST | src != HOST | dst != HOST
 *            | sport OP PORT | dport OP PORT | state NAME | state != NAME
 *   OP    := = == eq | != ne neq | < lt | > gt | <= le leq | >= ge geq
 *            (none means =)
 *   HOST  := ADDR[/LEN][:PORT] | [ADDR[/LEN]][:PORT] | *[:PORT] | :PORT
 *   PORT  := [:]NUMBER | [:]SERVICE | *
 *   and   := and && &      or := or || |      not := not !
 *   NAME  := established syn-sent syn-recv fin-wait-1 fin-wait-2
 *            time-wait closed close-wait last-ack listening closing
 *            bound-inactive, or the groups all connected synchronized
 *            bucket big
 * As in ss, `and` and `or` have the same precedence and group from the
 * left: `a or b and c` is `(a or b) and c`. As in ss, an unbracketed
 * IPv6 address whose last group reads as a port is address plus port
 * (`fe80::1:80` is fe80::1 port 80); twtop also takes a bare IPv6
 * address ss would reject (`::1`). Addresses are numeric; IPv4 prefixes
 * also match IPv4-mapped IPv6 sockets, as the kernel does.
 */
#ifndef TWTOP_FILTER_H
#define TWTOP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twtop/diag.h"

#define FILTER_EXPR_MAX	 500	/* bytes of expression text */
#define FILTER_PASSES_MAX 4	/* kernel dumps before falling back */

struct filter;

/* One kernel dump a filter asks for: the sockets in states, narrowed by
 * bytecode (NULL: all of them). */
struct filter_pass {
	uint32_t states;	/* 1 << TS_* */
	const void *bytecode;	/* INET_DIAG_REQ_BYTECODE, or NULL */
	size_t bclen;
};

/*
 * Compiles expr. NULL on a bad expression with "position N: expected X"
 * in err (N counts bytes from 1). An empty expression is an error:
 * callers treat blank input as "no filter".
 */
struct filter *filter_compile(const char *expr, char *err, size_t errlen);
/* A copy (the sampler keeps its own). */
struct filter *filter_dup(const struct filter *f);
void filter_free(struct filter *f);

/* The expression as given to filter_compile. */
const char *filter_expr(const struct filter *f);

/*
 * Does the socket match? s comes from a dump of family (AF_INET or
 * AF_INET6): an address folded from ::ffff:a.b.c.d in an AF_INET6 dump
 * is matched as the mapped IPv6 address, exactly as the kernel does.
 */
bool filter_match_family(const struct filter *f, const struct diag_sock *s,
			 int family);
/* The same, taking the family from the addresses (a folded mapped socket
 * counts as IPv4: differs from the kernel only for IPv6 prefixes that
 * cover ::ffff:0:0/96). */
bool filter_match(const struct filter *f, const struct diag_sock *s);

/* The states a matching socket can be in (1 << TS_*). */
uint32_t filter_state_mask(const struct filter *f);

/*
 * The kernel dumps that return exactly the matching sockets: the state
 * terms split the states into classes, each with its own bytecode
 * (`dport = 80 or state time-wait` is two passes). When that would take
 * more than FILTER_PASSES_MAX passes, there is one pass with every state
 * of the mask and no bytecode, and filter_needs_match() says that user
 * space must check each socket.
 */
size_t filter_npasses(const struct filter *f);
const struct filter_pass *filter_pass(const struct filter *f, size_t i);
bool filter_needs_match(const struct filter *f);

#endif
