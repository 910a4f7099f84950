/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small strict JSON reader (RFC 8259): a recursive descent parser that
 * builds an immutable tree in an arena, with bounds on nesting, size and
 * node count, and errors as "line L, column C: expected X". */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twtop/jsonread.h"

#define JR_DEPTH_DEFAULT 64
#define JR_BYTES_DEFAULT ((size_t)64 << 20)
#define JR_NODES_DEFAULT ((size_t)4 << 20)
#define JR_CHUNK	 ((size_t)64 << 10)
#define JR_ALIGN	 (sizeof(max_align_t))

struct jr_chunk {
	struct jr_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct jr_doc {
	struct jr_chunk *chunks;
	struct jr_value root;
};

/* Parser state for one value: the text, where we are, the limits, and
 * the stacks children wait on until their container closes. */
struct jp {
	const char *t;
	size_t len;		/* end of what may be read (limit applied) */
	bool cut;		/* len was cut by max_bytes */
	size_t max_bytes;
	struct jr_pos p;
	uint32_t depth, max_depth;
	size_t nodes, max_nodes;
	struct jr_doc *doc;
	struct jr_member *mems;	/* children of open containers */
	size_t nm, cm;
	const char *dp;		/* the locale's decimal point */
	char *sb;		/* string being decoded */
	size_t sn, sc;
	struct jr_error *err;
	bool failed;
};

/* realloc that ends the program on failure (the allocation wrapper). */
static void *jr_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q) {
		fputs("twtop: out of memory\n", stderr);
		abort();
	}
	return q;
}

/* n bytes from the document's arena, aligned for any type. */
static void *jr_alloc(struct jr_doc *d, size_t n)
{
	struct jr_chunk *c = d->chunks;
	void *r;

	n = (n + JR_ALIGN - 1) / JR_ALIGN * JR_ALIGN;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > JR_CHUNK ? n : JR_CHUNK;

		c = jr_xrealloc(NULL, sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = d->chunks;
		d->chunks = c;
	}
	r = (char *)c->data + c->used;
	c->used += n;
	return r;
}

void jr_pos_init(struct jr_pos *pos)
{
	pos->off = 0;
	pos->line = 1;
	pos->col = 1;
}

/* Records the first error, at the current position. */
static void __attribute__((format(printf, 2, 3)))
jp_fail(struct jp *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->line = p->p.line;
	p->err->col = p->p.col;
	p->err->eof = p->p.off >= p->len && !p->cut;
	if (p->p.off >= p->len && p->cut) {
		snprintf(p->err->msg, sizeof(p->err->msg),
			 "expected a value of at most %zu bytes",
			 p->max_bytes);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

/* Steps over n bytes that are not line breaks. */
static void jp_adv(struct jp *p, size_t n)
{
	p->p.off += n;
	p->p.col += (uint32_t)n;
}

bool jr_skip_space(const char *t, size_t len, struct jr_pos *pos)
{
	while (pos->off < len) {
		char c = t[pos->off];

		if (c == '\n') {
			pos->line++;
			pos->col = 1;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			pos->col++;
		} else {
			return true;
		}
		pos->off++;
	}
	return false;
}

/* The current byte, or -1 at the end. */
static int jp_peek(struct jp *p)
{
	jr_skip_space(p->t, p->len, &p->p);
	return p->p.off < p->len ? (unsigned char)p->t[p->p.off] : -1;
}

static void jp_value(struct jp *p, struct jr_value *out);

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 when
 * it is not one (RFC 3629: no overlongs, surrogates or > U+10FFFF), -1
 * when the text ends inside a sequence that was fine so far. */
static int utf8_len(const unsigned char *s, size_t n)
{
	int len = s[0] < 0xc2 || s[0] > 0xf4 ? 0 : s[0] < 0xe0 ? 2 :
		  s[0] < 0xf0 ? 3 : 4;
	unsigned lo = s[0] == 0xe0 ? 0xa0 : s[0] == 0xf0 ? 0x90 : 0x80;
	unsigned hi = s[0] == 0xed ? 0x9f : s[0] == 0xf4 ? 0x8f : 0xbf;

	for (int i = 1; i < len; i++, lo = 0x80, hi = 0xbf) {
		if ((size_t)i >= n)
			return -1;
		if (s[i] < lo || s[i] > hi)
			return 0;
	}
	return len;
}

/* Appends bytes to the string buffer. */
static void sb_put(struct jp *p, const void *b, size_t n)
{
	if (p->sn + n + 1 > p->sc) {
		p->sc = (p->sn + n + 1) * 2;
		p->sb = jr_xrealloc(p->sb, p->sc);
	}
	memcpy(p->sb + p->sn, b, n);
	p->sn += n;
}

/* Appends code point cp (below U+110000) as UTF-8. */
static void sb_utf8(struct jp *p, unsigned long cp)
{
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	unsigned char b[4];

	for (int i = n - 1; i > 0; i--, cp >>= 6)
		b[i] = (unsigned char)(0x80 | (cp & 0x3f));
	b[0] = (unsigned char)(n == 1 ? cp : (0xf00u >> n & 0xff) | cp);
	sb_put(p, b, (size_t)n);
}

/* Four hex digits after "\u"; -1 after failing. */
static long jp_hex4(struct jp *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int c = p->p.off < p->len ? (unsigned char)p->t[p->p.off] : -1;
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0) {
			jp_fail(p, "expected a hex digit");
			return -1;
		}
		v = v * 16 + d;
		jp_adv(p, 1);
	}
	return v;
}

/* The escape after a backslash: one character or \uXXXX (a surrogate
 * pair joined into one code point). */
static void jp_escape(struct jp *p)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	int c = p->p.off < p->len ? (unsigned char)p->t[p->p.off] : -1;
	const char *k = c > 0 ? strchr(from, c) : NULL;
	long cp, lo;

	if (k && c != 0) {
		sb_put(p, &to[k - from], 1);
		jp_adv(p, 1);
		return;
	}
	if (c != 'u') {
		jp_fail(p, "expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r "
			"\\t or \\uXXXX");
		return;
	}
	jp_adv(p, 1);
	if ((cp = jp_hex4(p)) < 0)
		return;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		jp_fail(p, "expected a high surrogate before \\u%04lX", cp);
		return;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->p.off + 2 > p->len)
			p->p.off = p->len;	/* truncated inside the pair */
		if (p->p.off >= p->len || p->t[p->p.off] != '\\' ||
		    p->t[p->p.off + 1] != 'u') {
			jp_fail(p, "expected \\uDC00-\\uDFFF after \\u%04lX", cp);
			return;
		}
		jp_adv(p, 2);
		if ((lo = jp_hex4(p)) < 0)
			return;
		if (lo < 0xdc00 || lo > 0xdfff) {
			jp_fail(p, "expected \\uDC00-\\uDFFF after \\u%04lX", cp);
			return;
		}
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0) {
		jp_fail(p, "expected a character other than \\u0000");
		return;
	}
	sb_utf8(p, (unsigned long)cp);
}

/* A string at the opening quote; its text goes to *s (arena, NUL-ended)
 * and its length to *n. */
static void jp_string(struct jp *p, const char **s, size_t *n)
{
	p->sn = 0;
	jp_adv(p, 1);
	while (!p->failed) {
		const unsigned char *c = (const unsigned char *)p->t + p->p.off;
		size_t run = 0;
		int k;

		while (p->p.off + run < p->len && c[run] >= 0x20 &&
		       c[run] < 0x80 && c[run] != '"' && c[run] != '\\')
			run++;
		sb_put(p, c, run);
		jp_adv(p, run);
		c += run;
		if (p->p.off >= p->len) {
			jp_fail(p, "expected '\"' (the end of the string)");
		} else if (*c == '"') {
			jp_adv(p, 1);
			break;
		} else if (*c == '\\') {
			jp_adv(p, 1);
			jp_escape(p);
		} else if (*c < 0x20) {
			jp_fail(p, "expected \\u%04X for a control character",
				*c);
		} else if ((k = utf8_len(c, p->len - p->p.off)) > 0) {
			sb_put(p, c, (size_t)k);
			jp_adv(p, (size_t)k);
		} else {
			if (k < 0)
				p->p.off = p->len;
			jp_fail(p, "expected UTF-8 text");
		}
	}
	if (p->failed)
		return;
	*s = memcpy(jr_alloc(p->doc, p->sn + 1), p->sb ? p->sb : "", p->sn);
	((char *)*s)[p->sn] = '\0';
	*n = p->sn;
}

/* The integer readings of an integer token s (NUL-ended). */
static void num_int(struct jr_value *v, const char *s)
{
	v->u.num.is_int = true;
	errno = 0;
	v->u.num.i = strtoll(s, NULL, 10);
	v->u.num.fits_i = errno == 0;
	errno = 0;
	if (s[0] != '-') {
		v->u.num.u = strtoull(s, NULL, 10);
		v->u.num.fits_u = errno == 0;
	}
}

/* Scans digits; false (after failing) when there is none. */
static bool jp_digits(struct jp *p)
{
	size_t start = p->p.off;

	while (p->p.off < p->len && p->t[p->p.off] >= '0' &&
	       p->t[p->p.off] <= '9')
		jp_adv(p, 1);
	if (p->p.off == start)
		jp_fail(p, "expected a digit");
	return p->p.off > start;
}

/* A number: the RFC 8259 grammar, then strtod on a copy that has the
 * locale's decimal point (the UI runs with a locale set). */
static void jp_number(struct jp *p, struct jr_value *v)
{
	const char *tok = p->t + p->p.off, *dp = p->dp;
	bool frac = false;
	size_t n;

	v->type = JR_NUMBER;
	if (p->t[p->p.off] == '-')
		jp_adv(p, 1);
	if (p->p.off < p->len && p->t[p->p.off] == '0')
		jp_adv(p, 1);
	else if (!jp_digits(p))
		return;
	if (p->p.off < p->len && p->t[p->p.off] == '.') {
		frac = true;
		jp_adv(p, 1);
		if (!jp_digits(p))
			return;
	}
	if (p->p.off < p->len && (p->t[p->p.off] | 0x20) == 'e') {
		frac = true;
		jp_adv(p, 1);
		if (p->p.off < p->len && (p->t[p->p.off] == '+' ||
					  p->t[p->p.off] == '-'))
			jp_adv(p, 1);
		if (!jp_digits(p))
			return;
	}
	n = (size_t)(p->t + p->p.off - tok);
	p->sn = 0;
	for (size_t i = 0; i < n; i++) {
		if (tok[i] == '.')
			sb_put(p, dp, strlen(dp));
		else
			sb_put(p, &tok[i], 1);
	}
	p->sb[p->sn] = '\0';
	v->u.num.d = strtod(p->sb, NULL);
	if (isinf(v->u.num.d)) {
		p->p.col -= (uint32_t)n;
		jp_fail(p, "expected a number within the range of a double");
		return;
	}
	if (!frac)
		num_int(v, p->sb);
}

/* true, false or null. */
static void jp_literal(struct jp *p, struct jr_value *v, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i < n; i++) {
		if (p->p.off + i >= p->len || p->t[p->p.off + i] != word[i]) {
			if (p->p.off + i >= p->len)
				p->p.off = p->len;
			jp_fail(p, "expected a JSON value");
			return;
		}
	}
	jp_adv(p, n);
	v->type = word[0] == 'n' ? JR_NULL : JR_BOOL;
	v->u.b = word[0] == 't';
}

/* Enters a container: false (after failing) past the depth limit. */
static bool jp_enter(struct jp *p)
{
	if (++p->depth > p->max_depth) {
		jp_fail(p, "expected at most %u levels of nesting",
			p->max_depth);
		return false;
	}
	jp_adv(p, 1);
	return true;
}

/* After a member or element: ',' (true: another follows) or the closing
 * bracket (false). */
static bool jp_next(struct jp *p, char close)
{
	int c = jp_peek(p);

	if (c == ',' || c == close)
		jp_adv(p, 1);
	else
		jp_fail(p, "expected ',' or '%c'", close);
	return c == ',';
}

/* Moves the n children above base from the stack into the arena. */
static void jp_close(struct jp *p, struct jr_value *v, size_t base)
{
	size_t n = p->nm - base;
	struct jr_value *a;

	p->depth--;
	p->nm = base;
	if (v->type == JR_OBJECT) {
		v->u.obj.n = n;
		if (n)
			v->u.obj.m = memcpy(jr_alloc(p->doc, n * sizeof(
				*p->mems)), p->mems + base, n * sizeof(*p->mems));
		return;
	}
	v->u.arr.n = n;
	v->u.arr.v = a = n ? jr_alloc(p->doc, n * sizeof(*a)) : NULL;
	for (size_t i = 0; i < n; i++)
		a[i] = p->mems[base + i].val;
}

/* An object at '{' ("key": value pairs, in order, duplicates kept) or an
 * array at '['; children wait on the stack until it closes. */
static void jp_container(struct jp *p, struct jr_value *v)
{
	bool obj = p->t[p->p.off] == '{';
	char close = obj ? '}' : ']';
	struct jr_member m = { 0 };
	size_t base = p->nm, n;

	v->type = obj ? JR_OBJECT : JR_ARRAY;
	if (!jp_enter(p))
		return;
	if (jp_peek(p) == close) {
		jp_adv(p, 1);
		jp_close(p, v, base);
		return;
	}
	do {
		if (obj && jp_peek(p) != '"')
			jp_fail(p, "expected '\"' (a member name)");
		if (obj && !p->failed)
			jp_string(p, &m.key, &n);
		if (obj && !p->failed && jp_peek(p) != ':')
			jp_fail(p, "expected ':'");
		if (p->failed)
			return;
		if (obj)
			jp_adv(p, 1);
		jp_value(p, &m.val);
		if (p->failed)
			return;
		if (p->nm == p->cm) {
			p->cm = p->cm ? p->cm * 2 : 64;
			p->mems = jr_xrealloc(p->mems, p->cm * sizeof(m));
		}
		p->mems[p->nm++] = m;
	} while (jp_next(p, close));
	if (!p->failed)
		jp_close(p, v, base);
}

/* Any value at the current position (whitespace first). */
static void jp_value(struct jp *p, struct jr_value *v)
{
	int c = jp_peek(p);

	memset(v, 0, sizeof(*v));
	v->line = p->p.line;
	v->col = p->p.col;
	if (++p->nodes > p->max_nodes) {
		jp_fail(p, "expected at most %zu values", p->max_nodes);
		return;
	}
	if (c == '{' || c == '[')
		jp_container(p, v);
	else if (c == '"') {
		v->type = JR_STRING;
		jp_string(p, &v->u.str.s, &v->u.str.len);
	} else if (c == '-' || (c >= '0' && c <= '9'))
		jp_number(p, v);
	else if (c == 't')
		jp_literal(p, v, "true");
	else if (c == 'f')
		jp_literal(p, v, "false");
	else if (c == 'n')
		jp_literal(p, v, "null");
	else
		jp_fail(p, "expected a JSON value");
}

struct jr_doc *jr_parse_next(const char *text, size_t len,
			     struct jr_pos *pos, const struct jr_limits *lim,
			     struct jr_error *err)
{
#define LIM(f, d) (lim && lim->f ? lim->f : (d))
	struct jp p = {
		.t = text, .len = len, .p = *pos, .err = err,
		.max_bytes = LIM(max_bytes, JR_BYTES_DEFAULT),
		.max_depth = LIM(max_depth, JR_DEPTH_DEFAULT),
		.max_nodes = LIM(max_nodes, JR_NODES_DEFAULT),
	};
#undef LIM

	memset(err, 0, sizeof(*err));
	p.dp = localeconv()->decimal_point;
	jr_skip_space(text, len, &p.p);
	if (len - p.p.off > p.max_bytes) {
		p.len = p.p.off + p.max_bytes;
		p.cut = true;
	}
	p.doc = jr_xrealloc(NULL, sizeof(*p.doc));
	memset(p.doc, 0, sizeof(*p.doc));
	jp_value(&p, &p.doc->root);
	free(p.mems);
	free(p.sb);
	if (p.failed) {
		jr_free(p.doc);
		return NULL;
	}
	*pos = p.p;
	return p.doc;
}

struct jr_doc *jr_parse(const char *text, size_t len,
			const struct jr_limits *lim, struct jr_error *err)
{
	struct jr_pos pos;
	struct jr_doc *d;

	jr_pos_init(&pos);
	d = jr_parse_next(text, len, &pos, lim, err);
	if (d && jr_skip_space(text, len, &pos)) {
		jr_free(d);
		*err = (struct jr_error){ .line = pos.line, .col = pos.col,
			.msg = "expected the end of the text after the value" };
		return NULL;
	}
	return d;
}

const struct jr_value *jr_root(const struct jr_doc *d)
{
	return &d->root;
}

void jr_free(struct jr_doc *d)
{
	if (!d)
		return;
	while (d->chunks) {
		struct jr_chunk *c = d->chunks;

		d->chunks = c->next;
		free(c);
	}
	free(d);
}

const struct jr_value *jr_get(const struct jr_value *v, const char *key)
{
	if (!v || v->type != JR_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->u.obj.n; i++)
		if (strcmp(v->u.obj.m[i].key, key) == 0)
			return &v->u.obj.m[i].val;
	return NULL;
}

const char *jr_error_text(const struct jr_error *err, char *buf,
			  size_t len)
{
	snprintf(buf, len, "line %u, column %u: %s", err->line, err->col,
		 err->msg);
	return buf;
}
