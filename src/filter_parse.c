/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ss filter language: tokens, grammar and terms, text to tree.
 * The grammar follows iproute2's misc/ssfilter.y (see filter.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter_priv.h"
#include "twtop/filter.h"
#include "twtop/tcpstate.h"
#include "twtop/xalloc.h"

enum tok {
	T_END, T_LP, T_RP, T_NOT, T_AND, T_OR,
	T_EQ, T_NE, T_LT, T_GT, T_LE, T_GE,
	T_SRC, T_DST, T_SPORT, T_DPORT, T_STATE, T_WORD,
};

struct parser {
	const char *s;
	size_t pos;		/* of the current token */
	size_t len;		/* of the current token */
	enum tok tok;
	struct ftree *t;
	char *err;
	size_t errlen;
	bool failed;
};

#define START_OF_TERM "src, dst, sport, dport, state, not or ("
#define ALL_STATES (((1u << TS_MAX) - 1) & ~1u)
#define BIT(s) (1u << (s))

static const struct { const char *word; enum tok tok; } keywords[] = {
	{ "and", T_AND }, { "or", T_OR }, { "not", T_NOT },
	{ "eq", T_EQ }, { "ne", T_NE }, { "neq", T_NE },
	{ "lt", T_LT }, { "gt", T_GT }, { "le", T_LE }, { "leq", T_LE },
	{ "ge", T_GE }, { "geq", T_GE },
	{ "src", T_SRC }, { "dst", T_DST }, { "sport", T_SPORT },
	{ "dport", T_DPORT }, { "state", T_STATE },
};

/* Operators, longest first so "<=" is not read as "<". */
static const struct { const char *op; enum tok tok; } operators[] = {
	{ "&&", T_AND }, { "||", T_OR }, { "!=", T_NE }, { "==", T_EQ },
	{ "<=", T_LE }, { ">=", T_GE }, { "&", T_AND }, { "|", T_OR },
	{ "!", T_NOT }, { "=", T_EQ }, { "<", T_LT }, { ">", T_GT },
	{ "(", T_LP }, { ")", T_RP },
};

/* Records the first error as "position N: expected ...". */
__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	p->failed = true;
	n = snprintf(p->err, p->errlen, "position %zu: expected ", pos + 1);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_opchar(char c)
{
	return c != '\0' && strchr("()!=<>&|", c) != NULL;
}

/* Reads the token after the current one. */
static void lex_next(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->pos + p->len;

	while (isspace((unsigned char)s[i]))
		i++;
	p->pos = i;
	p->len = 0;
	if (s[i] == '\0') {
		p->tok = T_END;
		return;
	}
	for (size_t k = 0; k < sizeof(operators) / sizeof(operators[0]); k++) {
		size_t n = strlen(operators[k].op);

		if (strncmp(s + i, operators[k].op, n) == 0) {
			p->tok = operators[k].tok;
			p->len = n;
			return;
		}
	}
	while (s[i + p->len] && !isspace((unsigned char)s[i + p->len]) &&
	       !is_opchar(s[i + p->len]))
		p->len++;
	p->tok = T_WORD;
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (strlen(keywords[k].word) == p->len &&
		    strncasecmp(s + i, keywords[k].word, p->len) == 0)
			p->tok = keywords[k].tok;
}

/* Appends a node; returns its index. */
static int node_new(struct parser *p, const struct fnode *proto)
{
	struct ftree *t = p->t;

	if (t->count == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->n = xreallocarray(t->n, (size_t)t->cap, sizeof(*t->n));
	}
	t->n[t->count] = *proto;
	return t->count++;
}

static int node_op(struct parser *p, enum fnode_kind kind, int l, int r)
{
	struct fnode n = { .kind = (uint8_t)kind, .l = l, .r = r };

	return node_new(p, &n);
}

/* Parses a port: decimal 0-65535 or a TCP service name. -1 if neither. */
static long port_value(const char *w, size_t n)
{
	char buf[64];
	long v = 0;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	if (isdigit((unsigned char)w[0])) {
		for (size_t i = 0; i < n; i++) {
			if (!isdigit((unsigned char)w[i]) || v > 65535)
				return -1;
			v = v * 10 + (w[i] - '0');
		}
		return v <= 65535 ? v : -1;
	}
	memcpy(buf, w, n);
	buf[n] = '\0';
	{
		/* ss takes /etc/services names too (dport = :https). */
		struct servent se, *res = NULL;
		char sbuf[1024];

		if (getservbyname_r(buf, "tcp", &se, sbuf, sizeof(sbuf),
				    &res) != 0 || res == NULL)
			return -1;
		return ntohs((uint16_t)res->s_port);
	}
}

/* Parses ADDR[/LEN] (no brackets, no port) into node. 0, or -1 with no
 * error recorded (the caller decides what to say); *badlen gets the
 * offset of a bad prefix length, or stays put. */
static int addr_value(const char *w, size_t n, struct fnode *node,
		      size_t *badlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = memchr(w, '/', n);
	size_t alen = slash ? (size_t)(slash - w) : n;
	long plen;

	if (alen == 0 || alen >= INET6_ADDRSTRLEN)
		return -1;
	memcpy(buf, w, alen);
	buf[alen] = '\0';
	memset(node->addr, 0, sizeof(node->addr));
	if (inet_pton(AF_INET, buf, node->addr) == 1)
		node->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, node->addr) == 1)
		node->family = AF_INET6;
	else
		return -1;
	node->plen = node->family == AF_INET ? 32 : 128;
	if (slash == NULL)
		return 0;
	plen = isdigit((unsigned char)slash[1]) ?
	       port_value(slash + 1, n - alen - 1) : -1;
	if (plen < 0 || plen > node->plen) {
		*badlen = alen + 1;
		return -1;
	}
	node->plen = (uint8_t)plen;
	return 0;
}

/* The port part of a HOST: w[off..off+n), after its ':'. */
static int host_port(struct parser *p, const char *w, size_t off, size_t n,
		     struct fnode *node)
{
	long v;

	if (n == 1 && w[off] == '*')
		return 0;
	v = port_value(w + off, n);
	if (v < 0)
		return perr(p, p->pos + off, "a port number (0-65535), a "
			    "service name or *");
	node->port = (int32_t)v;
	return 0;
}

/* Address part w[off..off+alen) of a HOST; empty or "*" is any address. */
static int host_addr(struct parser *p, const char *w, size_t off,
		     size_t alen, struct fnode *node)
{
	size_t badlen = (size_t)-1;

	w += off;
	if (alen == 0 || (alen == 1 && w[0] == '*'))
		return 0;
	if (addr_value(w, alen, node, &badlen) == 0)
		return 0;
	if (badlen != (size_t)-1)
		return perr(p, p->pos + off + badlen, "a prefix length from 0 "
			    "to %d", node->family == AF_INET ? 32 : 128);
	return perr(p, p->pos + off, "a numeric IPv4 or IPv6 address or "
		    "prefix");
}

/* HOST in ss's forms: [ADDR]:PORT, ADDR/LEN:PORT, *:PORT, :PORT. */
static int parse_host(struct parser *p, struct fnode *node)
{
	const char *w = p->s + p->pos;
	size_t n = p->len, colon = n;

	node->kind = FN_HOST;
	node->family = AF_UNSPEC;
	node->port = -1;
	if (w[0] == '[') {
		const char *rb = memchr(w, ']', n);
		size_t end = rb ? (size_t)(rb - w) : 0;

		if (rb == NULL)
			return perr(p, p->pos + n, "]");
		if (end + 1 < n && w[end + 1] != ':')
			return perr(p, p->pos + end + 1, ": and a port");
		if (end == 1)
			return perr(p, p->pos + 1, "an address");
		if (host_addr(p, w, 1, end - 1, node) < 0)
			return -1;
		if (end + 1 < n)
			return host_port(p, w, end + 2, n - end - 2, node);
		return 0;
	}
	/* As ss: the port follows the last ':' after any '/'. */
	for (size_t i = 0; i < n; i++)
		if (w[i] == ':')
			colon = i;
		else if (w[i] == '/')
			colon = n;
	if (colon < n) {
		struct fnode try = *node;
		size_t bad = (size_t)-1;
		bool addr_ok = colon == 0 || (colon == 1 && w[0] == '*') ||
			       addr_value(w, colon, &try, &bad) == 0;

		if (addr_ok && (port_value(w + colon + 1, n - colon - 1) >= 0 ||
				(colon + 2 == n && w[colon + 1] == '*'))) {
			if (host_addr(p, w, 0, colon, node) < 0)
				return -1;
			return host_port(p, w, colon + 1, n - colon - 1, node);
		}
		/* Not ADDR:PORT; a whole IPv6 address like ::1 (ss refuses
		 * it, twtop takes it). */
		if (addr_value(w, n, &try, &bad) == 0) {
			*node = try;
			return 0;
		}
		if (addr_ok)
			return host_port(p, w, colon + 1, n - colon - 1, node);
	}
	return host_addr(p, w, 0, n, node);
}

/* Skips the keyword, then an optional "=" or "!="; true for "!=". */
static bool parse_eq_ne(struct parser *p)
{
	bool neg = false;

	lex_next(p);
	if (p->tok == T_EQ || p->tok == T_NE) {
		neg = p->tok == T_NE;
		lex_next(p);
	}
	return neg;
}

/* src/dst [=|!=] HOST */
static int parse_hostterm(struct parser *p)
{
	struct fnode node = { .remote = p->tok == T_DST };
	bool neg;
	int id;

	neg = parse_eq_ne(p);
	if (p->tok != T_WORD)
		return perr(p, p->pos, "an address or prefix, like "
			    "10.0.0.0/8, [::1] or 127.0.0.1:8080");
	if (parse_host(p, &node) < 0)
		return -1;
	lex_next(p);
	if (node.family == AF_UNSPEC && node.port < 0)
		node.kind = FN_TRUE;	/* dst * */
	id = node_new(p, &node);
	return neg ? node_op(p, FN_NOT, id, -1) : id;
}

/* sport/dport [OP] PORT; > and < become >= and <= of the next port. */
static int parse_portterm(struct parser *p)
{
	struct fnode node = { .remote = p->tok == T_DPORT };
	enum tok op = T_EQ;
	const char *w;
	size_t n;
	long v;
	int id;

	lex_next(p);
	if (p->tok >= T_EQ && p->tok <= T_GE) {
		op = p->tok;
		lex_next(p);
	}
	if (p->tok != T_WORD)
		return perr(p, p->pos, "a port, like :443 or 443");
	w = p->s + p->pos;
	n = p->len;
	if (n > 1 && w[0] == ':') {
		w++;
		n--;
	}
	if (n == 1 && w[0] == '*' && (op == T_EQ || op == T_NE)) {
		node.kind = op == T_EQ ? FN_TRUE : FN_FALSE;
		lex_next(p);
		return node_new(p, &node);
	}
	v = port_value(w, n);
	if (v < 0)
		return perr(p, p->pos + (size_t)(w - (p->s + p->pos)),
			    "a port number (0-65535) or service name");
	lex_next(p);
	node.port = (int32_t)v;
	switch (op) {
	case T_EQ:
	case T_NE:
		node.kind = FN_HOST;
		node.family = AF_UNSPEC;
		id = node_new(p, &node);
		return op == T_NE ? node_op(p, FN_NOT, id, -1) : id;
	case T_GE: node.kind = FN_PORT_GE; break;
	case T_LE: node.kind = FN_PORT_LE; break;
	case T_GT:
		node.kind = v == 65535 ? FN_FALSE : FN_PORT_GE;
		node.port = (int32_t)v + 1;
		break;
	default:	/* T_LT */
		node.kind = v == 0 ? FN_FALSE : FN_PORT_LE;
		node.port = (int32_t)v - 1;
		break;
	}
	return node_new(p, &node);
}

/* A state name or one of ss's groups as a mask; 0 if unknown. */
static uint32_t state_set(const char *w, size_t n)
{
	static const struct { const char *name; uint32_t mask; } groups[] = {
		{ "all", ALL_STATES },
		{ "listening", BIT(TS_LISTEN) },
		{ "connected", ALL_STATES & ~(BIT(TS_LISTEN) | BIT(TS_CLOSE) |
					      BIT(TS_BOUND_INACTIVE)) },
		{ "synchronized", ALL_STATES & ~(BIT(TS_LISTEN) | BIT(TS_CLOSE) |
			BIT(TS_BOUND_INACTIVE) | BIT(TS_SYN_SENT)) },
		{ "bucket", BIT(TS_SYN_RECV) | BIT(TS_NEW_SYN_RECV) |
			    BIT(TS_TIME_WAIT) },
		{ "big", ALL_STATES & ~(BIT(TS_SYN_RECV) |
					BIT(TS_NEW_SYN_RECV) |
					BIT(TS_TIME_WAIT)) },
	};
	char buf[32];
	int st;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, w, n);
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcasecmp(buf, groups[i].name) == 0)
			return groups[i].mask;
	st = tcpstate_parse(buf);
	if (st <= 0)
		return 0;
	/* inet_diag reports request sockets as SYN_RECV. */
	if (st == TS_SYN_RECV || st == TS_NEW_SYN_RECV)
		return BIT(TS_SYN_RECV) | BIT(TS_NEW_SYN_RECV);
	return BIT(st);
}

/* state [=|!=] NAME */
static int parse_stateterm(struct parser *p)
{
	struct fnode node = { .kind = FN_STATE };
	bool neg;
	int id;

	neg = parse_eq_ne(p);
	if (p->tok == T_WORD)
		node.states = state_set(p->s + p->pos, p->len);
	if (node.states == 0)
		return perr(p, p->pos, "a TCP state name, like time-wait, "
			    "established or listening");
	lex_next(p);
	id = node_new(p, &node);
	return neg ? node_op(p, FN_NOT, id, -1) : id;
}

static int parse_list(struct parser *p);

static bool starts_expr(enum tok t)
{
	return t == T_LP || t == T_NOT || t == T_SRC || t == T_DST ||
	       t == T_SPORT || t == T_DPORT || t == T_STATE;
}

/* expr := ( list ) | not expr | term */
static int parse_expr(struct parser *p)
{
	int id;

	switch (p->tok) {
	case T_LP: {
		size_t open = p->pos;

		lex_next(p);
		id = parse_list(p);
		if (id < 0)
			return -1;
		if (p->tok != T_RP)
			return perr(p, p->pos, "and, or or ) to close the ( "
				    "at position %zu", open + 1);
		lex_next(p);
		return id;
	}
	case T_NOT:
		lex_next(p);
		id = parse_expr(p);
		return id < 0 ? -1 : node_op(p, FN_NOT, id, -1);
	case T_SRC:
	case T_DST:
		return parse_hostterm(p);
	case T_SPORT:
	case T_DPORT:
		return parse_portterm(p);
	case T_STATE:
		return parse_stateterm(p);
	default:
		return perr(p, p->pos, START_OF_TERM);
	}
}

/* list := expr { (and | or)? expr }, left to right as in ss. Recursion
 * is bounded by FILTER_EXPR_MAX. */
static int parse_list(struct parser *p)
{
	int l, r;

	l = parse_expr(p);
	while (l >= 0) {
		enum fnode_kind k = FN_AND;

		if (p->tok == T_AND || p->tok == T_OR) {
			k = p->tok == T_AND ? FN_AND : FN_OR;
			lex_next(p);
		} else if (!starts_expr(p->tok)) {
			break;
		}
		r = parse_expr(p);
		if (r < 0)
			return -1;
		l = node_op(p, k, l, r);
	}
	return l;
}

int filter_parse_tree(const char *expr, struct ftree *t, char *err,
		      size_t errlen)
{
	struct parser p = {
		.s = expr, .t = t, .err = err, .errlen = errlen,
	};

	memset(t, 0, sizeof(*t));
	if (strlen(expr) > FILTER_EXPR_MAX)
		return perr(&p, FILTER_EXPR_MAX, "at most %d characters",
			    FILTER_EXPR_MAX);
	lex_next(&p);
	t->root = parse_list(&p);
	if (t->root >= 0 && p.tok == T_RP)
		perr(&p, p.pos, "and, or, a term or the end of the filter "
		     "(there is no ( to close)");
	else if (t->root >= 0 && p.tok != T_END)
		perr(&p, p.pos, "and, or, a term or the end of the filter");
	if (p.failed) {
		free(t->n);
		memset(t, 0, sizeof(*t));
		return -1;
	}
	return 0;
}
