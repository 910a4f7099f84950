/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The filter tree as inet_diag bytecode (INET_DIAG_REQ_BYTECODE).
 *
 * The kernel runs the program in inet_diag_bc_run(): each op tests one
 * condition and moves on by op->yes bytes when it holds and op->no bytes
 * when not; a socket matches when the program ends exactly at its end,
 * and is rejected by a jump to end + 4. inet_diag_bc_audit() insists
 * that every op is reached by following op->yes from the start and that
 * every op->no lands on an op, the end, or end + 4. So here op->yes
 * always falls through to the next op, and failures jump forward. There
 * is no state test in bytecode: state terms are folded to constants per
 * state before emitting (filter.c makes one pass per class of states). */
#include <linux/inet_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter_priv.h"
#include "twtop/xalloc.h"

#define L_REJECT 0	/* label 0: end + 4, the socket does not match */

struct emitter {
	uint8_t *b;
	size_t len, cap;
	struct fixup { size_t at; int label; } *fix;
	size_t nfix, capfix;
	size_t *label;		/* offsets, by label number */
	int nlabel, caplabel;
};

enum fconst filter_fold(const struct ftree *t, unsigned int st, uint8_t *cv)
{
	for (int i = 0; i < t->count; i++) {
		const struct fnode *n = &t->n[i];
		uint8_t v;

		switch (n->kind) {
		case FN_FALSE: v = FC_FALSE; break;
		case FN_TRUE: v = FC_TRUE; break;
		case FN_STATE:
			v = st < 32 && (n->states >> st) & 1 ? FC_TRUE : FC_FALSE;
			break;
		case FN_NOT:
			v = cv[n->l] == FC_DYN ? FC_DYN :
			    cv[n->l] == FC_TRUE ? FC_FALSE : FC_TRUE;
			break;
		case FN_AND:
			if (cv[n->l] == FC_FALSE || cv[n->r] == FC_FALSE)
				v = FC_FALSE;
			else if (cv[n->l] == FC_TRUE && cv[n->r] == FC_TRUE)
				v = FC_TRUE;
			else
				v = FC_DYN;
			break;
		case FN_OR:
			if (cv[n->l] == FC_TRUE || cv[n->r] == FC_TRUE)
				v = FC_TRUE;
			else if (cv[n->l] == FC_FALSE && cv[n->r] == FC_FALSE)
				v = FC_FALSE;
			else
				v = FC_DYN;
			break;
		default:
			v = FC_DYN;
			break;
		}
		cv[i] = v;
	}
	return (enum fconst)cv[t->root];
}

/* Reserves n bytes at the end of the program; returns their offset. */
static size_t emit_bytes(struct emitter *e, size_t n)
{
	size_t at = e->len;

	if (e->len + n > e->cap) {
		e->cap = (e->len + n) * 2;
		e->b = xreallocarray(e->b, e->cap, 1);
	}
	memset(e->b + at, 0, n);
	e->len += n;
	return at;
}

static int label_new(struct emitter *e)
{
	if (e->nlabel == e->caplabel) {
		e->caplabel = e->caplabel ? e->caplabel * 2 : 16;
		e->label = xreallocarray(e->label, (size_t)e->caplabel,
					 sizeof(*e->label));
	}
	e->label[e->nlabel] = 0;
	return e->nlabel++;
}

static void label_place(struct emitter *e, int label)
{
	e->label[label] = e->len;
}

/* Appends an op of oplen bytes (header included) whose failure jumps to
 * label; returns its offset. */
static size_t emit_op(struct emitter *e, uint8_t code, size_t oplen,
		      int label)
{
	size_t at = emit_bytes(e, oplen);
	struct inet_diag_bc_op op = { .code = code, .yes = (uint8_t)oplen };

	memcpy(e->b + at, &op, sizeof(op));
	if (e->nfix == e->capfix) {
		e->capfix = e->capfix ? e->capfix * 2 : 16;
		e->fix = xreallocarray(e->fix, e->capfix, sizeof(*e->fix));
	}
	e->fix[e->nfix].at = at;
	e->fix[e->nfix].label = label;
	e->nfix++;
	return at;
}

/* S_COND/D_COND: inet_diag_hostcond plus 0, 4 or 16 address bytes. */
static void emit_host(struct emitter *e, const struct fnode *n, int fail)
{
	size_t alen = n->family == AF_INET ? 4 :
		      n->family == AF_INET6 ? 16 : 0;
	struct inet_diag_hostcond hc;
	size_t hsz = sizeof(struct inet_diag_bc_op) + sizeof(hc);
	size_t at = emit_op(e, n->remote ? INET_DIAG_BC_D_COND :
			    INET_DIAG_BC_S_COND, hsz + alen, fail);

	memset(&hc, 0, sizeof(hc));	/* no stray padding in the program */
	hc.family = n->family;
	hc.prefix_len = n->plen;
	hc.port = n->port;
	memcpy(e->b + at + sizeof(struct inet_diag_bc_op), &hc, sizeof(hc));
	memcpy(e->b + at + hsz, n->addr, alen);
}

/* S_GE/S_LE/D_GE/D_LE: the port rides in a second op's no field. */
static void emit_port(struct emitter *e, const struct fnode *n, int fail)
{
	static const uint8_t codes[2][2] = {
		{ INET_DIAG_BC_S_GE, INET_DIAG_BC_S_LE },
		{ INET_DIAG_BC_D_GE, INET_DIAG_BC_D_LE },
	};
	struct inet_diag_bc_op arg = { .no = (uint16_t)n->port };
	size_t at = emit_op(e, codes[n->remote][n->kind == FN_PORT_LE],
			    2 * sizeof(arg), fail);

	memcpy(e->b + at + sizeof(arg), &arg, sizeof(arg));
}

/* Code for node i that falls through when it holds and jumps to label
 * fail when not. Constant children were folded away by the caller's cv. */
static void emit_node(struct emitter *e, const struct ftree *t,
		      const uint8_t *cv, int i, int fail)
{
	const struct fnode *n = &t->n[i];
	int skip, end;

	switch (n->kind) {
	case FN_HOST:
		emit_host(e, n, fail);
		return;
	case FN_PORT_GE:
	case FN_PORT_LE:
		emit_port(e, n, fail);
		return;
	case FN_AND:	/* both must hold; a TRUE side adds nothing */
		if (cv[n->l] == FC_DYN)
			emit_node(e, t, cv, n->l, fail);
		if (cv[n->r] == FC_DYN)
			emit_node(e, t, cv, n->r, fail);
		return;
	case FN_OR:	/* a FALSE side adds nothing */
		if (cv[n->l] != FC_DYN || cv[n->r] != FC_DYN) {
			emit_node(e, t, cv, cv[n->l] == FC_DYN ? n->l : n->r,
				  fail);
			return;
		}
		skip = label_new(e);
		end = label_new(e);
		emit_node(e, t, cv, n->l, skip);
		emit_op(e, INET_DIAG_BC_JMP, sizeof(struct inet_diag_bc_op),
			end);
		label_place(e, skip);
		emit_node(e, t, cv, n->r, fail);
		label_place(e, end);
		return;
	case FN_NOT:	/* holds when l fails */
		end = label_new(e);
		emit_node(e, t, cv, n->l, end);
		emit_op(e, INET_DIAG_BC_JMP, sizeof(struct inet_diag_bc_op),
			fail);
		label_place(e, end);
		return;
	default:	/* constants and states never reach here as FC_DYN */
		abort();
	}
}

int filter_bc_emit(const struct ftree *t, const uint8_t *cv, uint8_t **bc,
		   size_t *len)
{
	struct emitter e = { 0 };
	int rc = 0;

	label_new(&e);		/* L_REJECT */
	emit_node(&e, t, cv, t->root, L_REJECT);
	e.label[L_REJECT] = e.len + 4;
	for (size_t i = 0; i < e.nfix; i++) {
		size_t to = e.label[e.fix[i].label];
		struct inet_diag_bc_op op;

		if (to - e.fix[i].at > 0xffff) {
			rc = -1;
			break;
		}
		memcpy(&op, e.b + e.fix[i].at, sizeof(op));
		op.no = (uint16_t)(to - e.fix[i].at);
		memcpy(e.b + e.fix[i].at, &op, sizeof(op));
	}
	free(e.fix);
	free(e.label);
	if (rc < 0 || e.len > 0xffff) {
		free(e.b);
		*bc = NULL;
		*len = 0;
		return -1;
	}
	*bc = e.b;
	*len = e.len;
	return 0;
}
