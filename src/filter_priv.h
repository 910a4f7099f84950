/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the filter module: the parsed expression tree, shared by
 * filter_parse.c (text to tree), filter_bc.c (tree to inet_diag
 * bytecode) and filter.c (the public API and user-space matching). */
#ifndef TWTOP_FILTER_PRIV_H
#define TWTOP_FILTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fnode_kind {
	FN_FALSE,
	FN_TRUE,
	FN_AND,		/* l and r */
	FN_OR,		/* l or r */
	FN_NOT,		/* not l */
	FN_HOST,	/* inet_diag_hostcond: address prefix and/or port */
	FN_PORT_GE,	/* port >= port */
	FN_PORT_LE,	/* port <= port */
	FN_STATE,	/* the socket's state bit is in states */
};

struct fnode {
	uint8_t kind;		/* enum fnode_kind */
	bool remote;		/* HOST, PORT_*: dst/dport, else src/sport */
	uint8_t family;		/* HOST: AF_UNSPEC (any address), AF_INET(6) */
	uint8_t plen;		/* HOST: prefix length in bits */
	int32_t port;		/* HOST: -1 for any; PORT_*: the bound */
	uint8_t addr[16];	/* HOST: network order */
	uint32_t states;	/* STATE: 1 << TS_* */
	int l, r;		/* children: node indices */
};

/* Nodes in creation order: children always come before their parent. */
struct ftree {
	struct fnode *n;
	int count, cap;
	int root;
};

/* Parses expr into t (t->n is allocated; free it). 0, or -1 with
 * "position N: expected X" in err. */
int filter_parse_tree(const char *expr, struct ftree *t, char *err,
		      size_t errlen);

/* Truth of every node for sockets in state st, when it does not depend
 * on addresses or ports. */
enum fconst { FC_FALSE, FC_TRUE, FC_DYN };

/* Fills cv[0..count) for state st; returns the root's value. */
enum fconst filter_fold(const struct ftree *t, unsigned int st, uint8_t *cv);

/*
 * Emits inet_diag bytecode for the tree as folded in cv (root FC_DYN).
 * Returns the allocated program in *bc and its length, or -1 when it
 * would not fit a jump offset (then *bc is NULL).
 */
int filter_bc_emit(const struct ftree *t, const uint8_t *cv, uint8_t **bc,
		   size_t *len);

#endif
