/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who closes first, and which connect() calls fail (src/closers*.c).
 * The BPF side (src/bpf/closers.bpf.c) records the task that closed each
 * connection first, per 4-tuple, and counts closes and failed connect()
 * calls per process. Each sample, the TIME_WAIT sockets of the dump are
 * joined with those records: per process, the TIME_WAIT it holds (server
 * or client side), its closes per second and its connect() errors by
 * destination. A TIME_WAIT with no record (closed before twtop started,
 * or its record lost) is counted apart, never guessed.
 */
#ifndef TWTOP_CLOSERS_H
#define TWTOP_CLOSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twtop/closers_rec.h"
#include "twtop/diag.h"
#include "twtop/snapshot.h"

struct closers;

typedef void (*closers_tuple_fn)(const struct closers_tuple *t,
				 const struct closers_closer *c, void *arg);
typedef void (*closers_proc_fn)(uint32_t tgid, const struct closers_proc *p,
				void *arg);
typedef void (*closers_connerr_fn)(const struct closers_connerr_key *k,
				   const struct closers_connerr *e, void *arg);

/*
 * Where the records come from: the BPF maps, or a test's fake (like
 * diag's transport). Each read calls fn for every record of one map and
 * returns 0, or -1 with errno; ctx is the source's own.
 */
struct closers_source {
	int (*tuples)(void *ctx, closers_tuple_fn fn, void *arg);
	int (*procs)(void *ctx, closers_proc_fn fn, void *arg);
	int (*connerrs)(void *ctx, closers_connerr_fn fn, void *arg);
	void (*totals)(void *ctx, struct closers_totals *t);
	void (*close)(void *ctx);	/* NULL: nothing to free */
};

/* True when twtop was built with BPF (closers_open can succeed). */
extern const int closers_built;

/*
 * Loads and attaches the BPF programs, watching the calling thread's
 * network namespace; /proc is read below root (NULL: /). NULL with the
 * reason in err when it cannot (not root, no BTF, built without BPF, the
 * kernel refused a program).
 */
struct closers *closers_open(const char *root, char *err, size_t errlen);

/* The same over another source (tests); now: CLOCK_MONOTONIC seconds
 * at which the counts start. */
struct closers *closers_new(const struct closers_source *src, void *ctx,
			    const char *root, double now);
void closers_free(struct closers *cl);

/* A dump starts (again: an interrupted one is redone) at now. */
void closers_begin(struct closers *cl, double now);

/* A TIME_WAIT socket of the dump, counted (the filter let it through);
 * server: its side as agg counts it. */
void closers_add(struct closers *cl, const struct diag_sock *sk,
		 bool server);

/*
 * Reads the records at now (after the dump: a TIME_WAIT made during it
 * has its record), joins them with the sockets added since
 * closers_begin and fills s->closers and the connect() failures of
 * s->eph.groups (agg_finish first). Rates are per second since the
 * previous closers_finish (or since the counts started).
 */
void closers_finish(struct closers *cl, struct snapshot *s, double now);

/*
 * A peer's or port's drill-down: its own dump's TIME_WAIT go through
 * closers_add between closers_focus_begin (again when the dump is
 * redone) and closers_focus_finish, after closers_finish, and are joined
 * with the same records into out.
 */
void closers_focus_begin(struct closers *cl, double now);
void closers_focus_finish(struct closers *cl, struct focus_closers *out);

/* A process's or a container's drill-down (req), after closers_finish:
 * it has no dump of its own, a socket naming no process. */
struct closers_focus_cb {
	/* each TIME_WAIT of the dump its processes closed first, as
	 * dumped */
	void (*sock)(const struct diag_sock *sk, bool server, void *arg);
	/* the destination of each of their failed connect() rows */
	void (*dest)(const struct tw_addr *remote, uint16_t rport, void *arg);
};
void closers_focus_socks(struct closers *cl, const struct focus_req *req,
			 const struct closers_focus_cb *cb, void *arg);
/* Its row (proc or cg), its processes (closers), where their TIME_WAIT
 * lead and their failed connect() calls into f. */
void closers_focus_owner(struct closers *cl, const struct focus_req *req,
			 struct snap_focus *f);

/* "EADDRNOTAVAIL" for EADDRNOTAVAIL; "E<n>" for one twtop has no name
 * for. Returns buf. */
const char *closers_errno_name(int err, char *buf, size_t len);
/* The inverse: the errno of a name closers_errno_name writes, or 0. */
int closers_errno_parse(const char *name);

#endif
