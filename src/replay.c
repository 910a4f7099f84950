/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --replay: a snapshot file or a --batch --json stream read back. The
 * file is read once and every record checked; records are turned into
 * snapshots again when shown, from the text kept in memory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/replay.h"
#include "twtop/tcpstate.h"
#include "replay_priv.h"
#include "ui_markers.h"

#define REPLAY_RECORD_MAX ((size_t)16 << 20)	/* bytes of one record */
#define REPLAY_NODES_MAX  ((size_t)1 << 20)	/* values in one record */

/* Where a record starts, and its own trend sample for records that
 * carry no history (JSON Lines). */
struct replay_rec {
	struct jr_pos pos;
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

static const struct jr_limits replay_limits = {
	.max_depth = 16, .max_bytes = REPLAY_RECORD_MAX,
	.max_nodes = REPLAY_NODES_MAX,
};

/* realloc that ends the program on failure. */
static void *replay_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q) {
		fputs("twtop: out of memory\n", stderr);
		abort();
	}
	return q;
}

const char *replay_intern(struct replay_pool *p, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->s[i], s) == 0)
			return p->s[i];
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->s = replay_xrealloc(p->s, p->cap * sizeof(*p->s));
	}
	p->s[p->n] = memcpy(replay_xrealloc(NULL, n + 1), s, n + 1);
	return p->s[p->n++];
}

void replay_pool_free(struct replay_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->s[i]);
	free(p->s);
	memset(p, 0, sizeof(*p));
}

/* Parses the record at pos into s (emptied here) and ms; *has_history
 * as replay_snap_read. 0; -1 with "name:line: problem" in err; -2 when
 * the text ended inside the record. */
static int replay_parse(struct replay *r, struct jr_pos *pos,
			struct snapshot *s, struct ui_markers *ms,
			bool *has_history, char *err, size_t errlen)
{
	struct replay_conv c = {
		.file = r->name, .pool = &r->pool, .err = err,
		.errlen = errlen,
	};
	struct jr_pos start = *pos;
	struct jr_error je;
	struct jr_doc *d;
	int rc;

	free(s->focus);
	memset(s, 0, sizeof(*s));
	s->refs = 1;
	d = jr_parse_next(r->text, r->len, pos, &replay_limits, &je);
	if (!d) {
		bool first = r->n == 0 && je.line == start.line &&
			     je.col == start.col;

		snprintf(err, errlen, "%s:%u:%u: %s%s%s", r->name, je.line,
			 je.col, first ? "not a twtop snapshot (not JSON: " :
			 je.eof ? "the file ends too early (truncated?): " :
			 "", je.msg, first ? ")" : "");
		return je.eof ? -2 : -1;
	}
	rc = replay_snap_read(&c, jr_root(d), s, ms, has_history);
	jr_free(d);
	return rc;
}

/* A record whose JSON ends at the end of the file is a stream cut off
 * mid-write (a --batch run that was killed): the complete ones before
 * it are kept, with a warning. Anything else fails the whole file. */
static int replay_index(struct replay *r, char *err, size_t errlen)
{
	struct snapshot *s = snap_new();
	struct jr_pos pos;
	bool hist;

	jr_pos_init(&pos);
	while (jr_skip_space(r->text, r->len, &pos)) {
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
			r->rec = replay_xrealloc(r->rec, r->cap * sizeof(rec));
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
	struct replay *r = replay_xrealloc(NULL, sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->text = text;
	r->len = len;
	r->name = strdup(name);
	if (!r->name) {
		fputs("twtop: out of memory\n", stderr);
		abort();
	}
	if (replay_index(r, err, errlen) < 0) {
		replay_free(r);
		return NULL;
	}
	return r;
}

struct replay *replay_open_text(const char *name, const char *text,
				size_t len, char *err, size_t errlen)
{
	char *copy = replay_xrealloc(NULL, len);

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
			b = replay_xrealloc(b, cap);
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
	struct snapshot *s;
	struct jr_pos pos;
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
