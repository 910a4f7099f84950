// SPDX-License-Identifier: GPL-2.0-or-later
/* The closers' BPF source: src/bpf/closers.bpf.c loaded through its
 * skeleton, its maps read in batches (twtop/closers.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "twtop/bpf_probe.h"
#include "twtop/xalloc.h"
#include "closers_priv.h"
#include "closers.skel.h"

#define BATCH	1024	/* entries per map read */

const int closers_built = 1;

struct cl_bpf {
	struct closers_bpf *skel;
	/* one batch of keys and values, the largest of the maps' */
	unsigned char keys[BATCH * sizeof(struct closers_tuple)];
	unsigned char vals[BATCH * sizeof(struct closers_proc)];
};

_Static_assert(sizeof(struct closers_tuple) >= sizeof(__u32) &&
	       sizeof(struct closers_tuple) >=
	       sizeof(struct closers_connerr_key), "key buffer size");
_Static_assert(sizeof(struct closers_proc) >= sizeof(struct closers_closer)
	       && sizeof(struct closers_proc) >= sizeof(struct closers_connerr),
	       "value buffer size");

/* What loading needs, checked first for a clear reason. */
static int probe(char *err, size_t errlen)
{
	char why[160];

	if (bpf_probe(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "who closes needs BPF: %s", why);
		return -1;
	}
	return 0;
}

/* libbpf's messages would land over the UI: none while loading; the
 * failure's errno says why. */
__attribute__((format(printf, 2, 0)))
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Calls fn for each entry of map fd, in batches of BATCH (or one by one
 * where the kernel has no batch reads). */
typedef void (*entry_fn)(const void *key, const void *val, void *arg);

static int read_next_key(struct cl_bpf *b, int fd, size_t ksz, entry_fn fn,
			 void *arg)
{
	unsigned char *key = b->keys, *next = b->keys + ksz;
	bool first = true;

	while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
		first = false;
		memcpy(key, next, ksz);
		if (bpf_map_lookup_elem(fd, key, b->vals) == 0)
			fn(key, b->vals, arg);
	}
	return errno == ENOENT ? 0 : -1;
}

static int read_map(struct cl_bpf *b, struct bpf_map *map, entry_fn fn,
		    void *arg)
{
	size_t ksz = bpf_map__key_size(map), vsz = bpf_map__value_size(map);
	int fd = bpf_map__fd(map);
	__u64 in_tok = 0, out_tok = 0;
	bool first = true;

	for (;;) {
		__u32 count = BATCH;
		int rc = bpf_map_lookup_batch(fd, first ? NULL : &in_tok,
					      &out_tok, b->keys, b->vals,
					      &count, NULL);
		int e = rc < 0 ? errno : 0;

		if (rc < 0 && e != ENOENT && first && count == 0)
			return read_next_key(b, fd, ksz, fn, arg);
		for (__u32 i = 0; i < count && i < BATCH; i++)
			fn(b->keys + i * ksz, b->vals + i * vsz, arg);
		if (rc < 0) {
			errno = e;
			return e == ENOENT ? 0 : -1;
		}
		in_tok = out_tok;
		first = false;
	}
}

struct fwd {
	union {
		closers_tuple_fn tuple;
		closers_proc_fn proc;
		closers_connerr_fn connerr;
	} fn;
	void *arg;
};

static void fwd_tuple(const void *k, const void *v, void *arg)
{
	struct fwd *f = arg;
	struct closers_tuple t;
	struct closers_closer c;

	memcpy(&t, k, sizeof(t));
	memcpy(&c, v, sizeof(c));
	f->fn.tuple(&t, &c, f->arg);
}

static void fwd_proc(const void *k, const void *v, void *arg)
{
	struct fwd *f = arg;
	struct closers_proc p;
	__u32 tgid;

	memcpy(&tgid, k, sizeof(tgid));
	memcpy(&p, v, sizeof(p));
	f->fn.proc(tgid, &p, f->arg);
}

static void fwd_connerr(const void *k, const void *v, void *arg)
{
	struct fwd *f = arg;
	struct closers_connerr_key key;
	struct closers_connerr e;

	memcpy(&key, k, sizeof(key));
	memcpy(&e, v, sizeof(e));
	f->fn.connerr(&key, &e, f->arg);
}

static int src_tuples(void *ctx, closers_tuple_fn fn, void *arg)
{
	struct cl_bpf *b = ctx;
	struct fwd f = { .fn.tuple = fn, .arg = arg };

	return read_map(b, b->skel->maps.closer_by_tuple, fwd_tuple, &f);
}

static int src_procs(void *ctx, closers_proc_fn fn, void *arg)
{
	struct cl_bpf *b = ctx;
	struct fwd f = { .fn.proc = fn, .arg = arg };

	return read_map(b, b->skel->maps.procs, fwd_proc, &f);
}

static int src_connerrs(void *ctx, closers_connerr_fn fn, void *arg)
{
	struct cl_bpf *b = ctx;
	struct fwd f = { .fn.connerr = fn, .arg = arg };

	return read_map(b, b->skel->maps.connect_errors, fwd_connerr, &f);
}

static void src_totals(void *ctx, struct closers_totals *t)
{
	struct cl_bpf *b = ctx;

	/* the .bss is mapped: the BPF side adds to it atomically */
	*t = *(volatile struct closers_totals *)&b->skel->bss->totals;
}

static void src_close(void *ctx)
{
	struct cl_bpf *b = ctx;

	closers_bpf__destroy(b->skel);
	free(b);
}

static const struct closers_source bpf_source = {
	.tuples = src_tuples,
	.procs = src_procs,
	.connerrs = src_connerrs,
	.totals = src_totals,
	.close = src_close,
};

/* Opens, loads and attaches; 0 or -1 with the reason. */
static int load(struct cl_bpf *b, __u32 inum, char *err, size_t errlen)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet);
	const char *step = "open";
	int rc = 0;

	b->skel = closers_bpf__open();
	if (b->skel == NULL) {
		rc = -errno;
	} else {
		b->skel->rodata->netns_inum = inum;
		step = "load";
		rc = closers_bpf__load(b->skel);
		if (rc == 0) {
			step = "attach";
			rc = closers_bpf__attach(b->skel);
		}
	}
	libbpf_set_print(old);
	if (rc < 0)
		snprintf(err, errlen, "who closes: cannot %s the BPF "
			 "tracepoint (sock:inet_sock_set_state): %s", step,
			 strerror(-rc));
	return rc < 0 ? -1 : 0;
}

int closers_bpf_open(const struct closers_source **src, void **ctx,
		     char *err, size_t errlen)
{
	struct cl_bpf *b;
	struct stat st;

	if (probe(err, errlen) < 0)
		return -1;
	/* the namespace of this thread (the sampler entered it) */
	if (stat("/proc/thread-self/ns/net", &st) < 0) {
		snprintf(err, errlen, "who closes: /proc/thread-self/ns/net: "
			 "%s", strerror(errno));
		return -1;
	}
	b = xcalloc(1, sizeof(*b));
	if (load(b, (__u32)st.st_ino, err, errlen) < 0) {
		closers_bpf__destroy(b->skel);
		free(b);
		return -1;
	}
	*src = &bpf_source;
	*ctx = b;
	return 0;
}
