/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --replay: a snapshot file or a --batch --json stream read back. The
 * file is read once and every record checked; records are turned into
 * snapshots again when shown, from the text kept in memory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/markers.h"
#include "twtop/printable.h"
#include "twtop/replay.h"
#include "twtop/tcpstate.h"
#include "twtop/xalloc.h"
#include "replay_priv.h"

#define REPLAY_RECORD_MAX ((size_t)16 << 20)	/* bytes of one record */
#define REPLAY_NODES_MAX  ((size_t)1 << 20)	/* values in one record */
#define REPLAY_DEPTH_MAX  16			/* nesting in one record */
#define REPLAY_HEAP_MAX	  ((size_t)128 << 20)	/* jansson's tree of one */

/* A place in the text: byte offset, line and column (1-based, bytes). */
struct replay_pos {
	size_t off;
	uint32_t line, col;
};

/* Where a record starts, and its own trend sample for records that
 * carry no history (JSON Lines). */
struct replay_rec {
	struct replay_pos pos;
	struct snap_hist h;
};

struct replay {
	char *name;
	char *text;
	size_t len;
	struct replay_rec *rec;
	size_t n, cap;
	struct replay_pool pool;
	char warning[PATH_MAX + 160];
};

/*
 * What jansson allocates while one record is parsed, the bound on it
 * (0: none) and whether it was refused memory for passing it. jansson's
 * tree takes up to 100 times the text ("{}" is 2 bytes, its object some
 * 200), so the record limits alone do not bound memory; its allocation
 * hook takes no argument, hence these (thread-local) statics. Only
 * allocations are counted, not frees: the bound is on the parse's
 * total, which is what a hostile record inflates.
 */
static _Thread_local size_t replay_heap_used, replay_heap_max;
static _Thread_local bool replay_heap_over;

/* jansson's malloc: plain malloc (freed by free), NULL past the bound. */
static void *replay_jmalloc(size_t size)
{
	if (replay_heap_max &&
	    (size > replay_heap_max ||
	     replay_heap_used > replay_heap_max - size)) {
		replay_heap_over = true;
		return NULL;
	}
	replay_heap_used += size;
	return malloc(size);
}

/* The formatted message, made printable (it quotes the file), into err. */
static void __attribute__((format(printf, 3, 4)))
replay_err(char *err, size_t errlen, const char *fmt, ...)
{
	char msg[PATH_MAX + 512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printable_str(err, errlen, msg);
}

/* Skips JSON whitespace at *pos; false when only whitespace was left. */
static bool replay_skip_space(const struct replay *r, struct replay_pos *pos)
{
	for (; pos->off < r->len; pos->off++) {
		char c = r->text[pos->off];

		if (c == '\n') {
			pos->line++;
			pos->col = 1;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			pos->col++;
		} else {
			return true;
		}
	}
	return false;
}

/* Moves *pos over n bytes of text. */
static void replay_advance(const struct replay *r, struct replay_pos *pos,
			   size_t n)
{
	const char *p = r->text + pos->off, *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		pos->line++;
		pos->col = 1;
		p = nl + 1;
	}
	pos->col += (uint32_t)(end - p);
	pos->off += n;
}

/* Checks v's nesting (v at level depth) and counts its values into
 * *nodes: -1 past REPLAY_NODES_MAX values, -2 past REPLAY_DEPTH_MAX
 * levels. */
static int replay_walk(json_t *v, unsigned int depth, size_t *nodes)
{
	const char *key;
	json_t *e;
	size_t i;
	int rc = 0;

	if (++*nodes > REPLAY_NODES_MAX)
		return -1;
	if ((json_is_array(v) || json_is_object(v)) &&
	    depth > REPLAY_DEPTH_MAX)
		return -2;
	json_array_foreach(v, i, e)
		if ((rc = replay_walk(e, depth + 1, nodes)) < 0)
			return rc;
	json_object_foreach(v, key, e)
		if ((rc = replay_walk(e, depth + 1, nodes)) < 0)
			return rc;
	return rc;
}

/* Why jansson refused the record at pos, as "name:line:col: problem"
 * into err; -2 when the text ended inside the record (not at a limit),
 * else -1. n bytes were given to jansson, left were there. */
static int replay_syntax(const struct replay *r, const struct replay_pos *pos,
			 const json_error_t *je, size_t n, size_t left,
			 char *err, size_t errlen)
{
	const char *t = r->text + pos->off;
	size_t at = je->position > 0 ? (size_t)je->position : 0;
	uint32_t line = pos->line, col = pos->col;
	enum json_error_code code = json_error_code(je);

	/* jansson counts from the record's start: line 1 is pos's line */
	if (je->line > 1) {
		line += (uint32_t)je->line - 1;
		col = (uint32_t)(je->column > 0 ? je->column : 1);
	} else if (je->column > 1) {
		col += (uint32_t)je->column - 1;
	}
	if (replay_heap_over) {
		replay_err(err, errlen, "%s:%u:%u: the record needs more than "
			   "%zu MiB to read", r->name, line, col,
			   REPLAY_HEAP_MAX >> 20);
	} else if (code == json_error_stack_overflow) {
		replay_err(err, errlen, "%s:%u:%u: expected at most %d levels "
			   "of nesting", r->name, line, col, REPLAY_DEPTH_MAX);
	} else if (memchr(t, '\0', at < n ? at : n)) {
		/* jansson reads a NUL as the end of the text */
		replay_err(err, errlen, "%s:%u:%u: a NUL byte: not JSON text",
			   r->name, line, col);
	} else if (n < left && at + 4 >= n) {
		replay_err(err, errlen, "%s:%u:%u: expected a value of at most "
			   "%zu bytes", r->name, line, col, REPLAY_RECORD_MAX);
	} else if (code == json_error_premature_end_of_input && at >= n) {
		replay_err(err, errlen, "%s:%u:%u: the file ends too early "
			   "(truncated?): %s", r->name, line, col, je->text);
		return -2;
	} else if (r->n == 0 && t[0] != '{' && t[0] != '[') {
		replay_err(err, errlen, "%s:%u:%u: not a twtop snapshot (not "
			   "JSON: %s)", r->name, pos->line, pos->col, je->text);
	} else {
		replay_err(err, errlen, "%s:%u:%u: %s", r->name, line, col,
			   je->text);
	}
	return -1;
}

/* The JSON value at *pos (after whitespace), parsed by jansson within
 * the record limits, *pos moved past it; NULL with *rc and err as
 * replay_syntax, or -1 past a limit. */
static json_t *replay_load(const struct replay *r, struct replay_pos *pos,
			   int *rc, char *err, size_t errlen)
{
	size_t left = r->len - pos->off, nodes = 0;
	size_t n = left < REPLAY_RECORD_MAX ? left : REPLAY_RECORD_MAX;
	json_error_t je;
	json_t *v;

	/* JSON Lines: one value, the rest of the text is not looked at */
	json_set_alloc_funcs(replay_jmalloc, free);
	replay_heap_used = 0;
	replay_heap_max = REPLAY_HEAP_MAX;
	replay_heap_over = false;
	v = json_loadb(r->text + pos->off, n,
		       JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
	if (!v)
		*rc = replay_syntax(r, pos, &je, n, left, err, errlen);
	replay_heap_max = 0;
	if (!v)
		return NULL;
	*rc = replay_walk(v, 1, &nodes);
	if (*rc < 0) {
		if (*rc == -1)
			replay_err(err, errlen, "%s:%u: expected at most %zu "
				   "values", r->name, pos->line,
				   REPLAY_NODES_MAX);
		else
			replay_err(err, errlen, "%s:%u: expected at most %d "
				   "levels of nesting", r->name, pos->line,
				   REPLAY_DEPTH_MAX);
		json_decref(v);
		*rc = -1;
		return NULL;
	}
	replay_advance(r, pos, (size_t)je.position);
	return v;
}

/* Parses the record at pos into s (emptied here) and ms; *has_history
 * as replay_snap_read. 0; -1 with "name:line: problem" in err; -2 when
 * the text ended inside the record. */
static int replay_parse(struct replay *r, struct replay_pos *pos,
			struct snapshot *s, struct ui_markers *ms,
			bool *has_history, char *err, size_t errlen)
{
	struct replay_conv c = {
		.file = r->name, .line = pos->line, .pool = &r->pool,
		.err = err, .errlen = errlen,
	};
	json_t *root;
	int rc;

	free(s->focus);
	memset(s, 0, sizeof(*s));
	s->refs = 1;
	root = replay_load(r, pos, &rc, err, errlen);
	if (!root)
		return rc;
	rc = replay_snap_read(&c, root, s, ms, has_history);
	json_decref(root);
	return rc;
}

/* A record whose JSON ends at the end of the file is a stream cut off
 * mid-write (a --batch run that was killed): the complete ones before
 * it are kept, with a warning. Anything else fails the whole file. */
static int replay_index(struct replay *r, char *err, size_t errlen)
{
	struct replay_pos pos = { .off = 0, .line = 1, .col = 1 };
	struct snapshot *s = snap_new();
	bool hist;

	while (replay_skip_space(r, &pos)) {
		struct replay_rec rec = { .pos = pos };
		int rc = replay_parse(r, &pos, s, NULL, &hist, err, errlen);

		if (rc < 0) {
			if (rc == -2 && r->n > 0) {
				snprintf(r->warning, sizeof(r->warning), "%s:%u: "
					 "the last record is cut short; showing "
					 "the %zu complete ones", r->name,
					 rec.pos.line, r->n);
				break;
			}
			snap_unref(s);
			return -1;
		}
		rec.h.t = (double)s->when.tv_sec + (double)s->when.tv_nsec /
			  1e9;
		rec.h.time_wait = s->tw.total;
		rec.h.established = s->states[TS_ESTABLISHED];
		rec.h.new_tw_per_s = s->tw.rate_valid ? s->tw.new_per_s : -1;
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->rec = xreallocarray(r->rec, r->cap, sizeof(rec));
		}
		r->rec[r->n++] = rec;
	}
	snap_unref(s);
	if (r->n == 0) {
		snprintf(err, errlen, "%s: empty file: not a twtop snapshot",
			 r->name);
		return -1;
	}
	return 0;
}

/* A replay of text (taken over: freed with the replay) named name. */
static struct replay *replay_adopt(const char *name, char *text, size_t len,
				   char *err, size_t errlen)
{
	struct replay *r = xcalloc(1, sizeof(*r));

	r->text = text;
	r->len = len;
	r->name = xstrdup(name);
	if (replay_index(r, err, errlen) < 0) {
		replay_free(r);
		return NULL;
	}
	return r;
}

struct replay *replay_open_text(const char *name, const char *text,
				size_t len, char *err, size_t errlen)
{
	char *copy = xmalloc(len);

	memcpy(copy, text, len);
	return replay_adopt(name, copy, len, err, errlen);
}

/* Reads the whole file (at most REPLAY_FILE_MAX bytes) into *buf. */
static int replay_slurp(const char *path, char **buf, size_t *len,
			char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 16, n = 0;
	char *b = NULL;
	ssize_t k;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	do {
		if (n == cap || !b) {
			cap = b ? cap * 2 : cap;
			b = xreallocarray(b, cap, 1);
		}
		k = read(fd, b + n, cap - n);
		if (k > 0)
			n += (size_t)k;
	} while ((k > 0 || (k < 0 && errno == EINTR)) && n <= REPLAY_FILE_MAX);
	if (k < 0 || n > REPLAY_FILE_MAX) {
		if (k < 0)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		else
			snprintf(err, errlen, "%s: larger than %zu MiB",
				 path, REPLAY_FILE_MAX >> 20);
		free(b);
		close(fd);
		return -1;
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
}

struct replay *replay_open(const char *path, char *err, size_t errlen)
{
	char *text;
	size_t len;

	if (replay_slurp(path, &text, &len, err, errlen) < 0)
		return NULL;
	return replay_adopt(path, text, len, err, errlen);
}

void replay_free(struct replay *r)
{
	if (!r)
		return;
	replay_pool_free(&r->pool);
	free(r->rec);
	free(r->text);
	free(r->name);
	free(r);
}

const struct replay_pool *replay_names(const struct replay *r)
{
	return &r->pool;
}

size_t replay_count(const struct replay *r)
{
	return r->n;
}

uint32_t replay_line(const struct replay *r, size_t k)
{
	return k < r->n ? r->rec[k].pos.line : 0;
}

const char *replay_warning(const struct replay *r)
{
	return r->warning;
}

struct snapshot *replay_record(struct replay *r, size_t k,
			       struct ui_markers *ms, char *err,
			       size_t errlen)
{
	struct replay_pos pos;
	struct snapshot *s;
	bool hist;
	size_t first;

	if (k >= r->n) {
		snprintf(err, errlen, "%s: no record %zu (of %zu)", r->name,
			 k + 1, r->n);
		return NULL;
	}
	s = snap_new();
	pos = r->rec[k].pos;
	if (replay_parse(r, &pos, s, ms, &hist, err, errlen) < 0) {
		snap_unref(s);
		return NULL;
	}
	if (!hist) {
		first = k + 1 > SNAP_HIST_MAX ? k + 1 - SNAP_HIST_MAX : 0;
		for (size_t i = first; i <= k; i++)
			s->hist[s->n_hist++] = r->rec[i].h;
	}
	return s;
}

/* Ascending order of doubles, for qsort. */
static int replay_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double replay_interval(const struct snapshot *s)
{
	double gap[SNAP_HIST_MAX];
	size_t n = 0;

	for (uint32_t i = 1; i < s->n_hist && i < SNAP_HIST_MAX; i++)
		if (s->hist[i].t > s->hist[i - 1].t)
			gap[n++] = s->hist[i].t - s->hist[i - 1].t;
	if (n < 2)
		return 0;	/* one gap may be a sample taken early */
	qsort(gap, n, sizeof(gap[0]), replay_cmp);
	/* the median, to 10 ms: samples drift by a pass time or so; round()
	 * rather than a cast, which is undefined past LLONG_MAX */
	return round(gap[n / 2] * 100) / 100;
}
