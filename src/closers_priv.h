/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the closers module (src/closers*.c). */
#ifndef TWTOP_CLOSERS_PRIV_H
#define TWTOP_CLOSERS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twtop/addr.h"
#include "twtop/closers.h"

/*
 * An open-addressing hash table over dense entries whose key comes
 * first (as agg's): entries stay in insertion order, so iterating them
 * does not depend on the seed, and tables keep their size between
 * samples. The hash is seeded: addresses and ports come from others.
 */
struct ctab {
	unsigned char *ents;	/* n entries of esz bytes */
	uint32_t *slots;	/* entry index + 1, 0 = empty */
	uint32_t cap, n, ents_cap;
	size_t esz, ksz;
	uint64_t seed;
};

void ctab_init(struct ctab *t, size_t esz, size_t ksz);
void ctab_free(struct ctab *t);
void ctab_clear(struct ctab *t);
/* The entry of key, added zeroed (key set) when absent: *added says. */
void *ctab_get(struct ctab *t, const void *key, bool *added);
/* The entry of key, or NULL. */
void *ctab_find(const struct ctab *t, const void *key);
void *ctab_ent(const struct ctab *t, uint32_t i);

/* A connection as the dump shows it: IPv4-mapped addresses folded. */
struct cl_key {
	struct tw_addr local, remote;
	uint16_t lport, rport;
};

/* The key of a BPF 4-tuple, folded as diag folds a dumped socket's. */
void closers_key_of(const struct closers_tuple *t, struct cl_key *k);

/* A process this sample (closers.c). */
struct cl_row {
	uint32_t tgid;
	uint32_t tw, server, client;
	uint64_t active, passive, connerr;
	double active_ps, passive_ps, connerr_ps;
	bool named;		/* comm and cgroup id set */
	double last;		/* its last event, CLOCK_MONOTONIC s */
	char comm[CLOSERS_COMM_LEN];
	uint64_t cgroup;
	uint32_t dests, top_n;
	struct tw_addr top_remote;
	uint16_t top_rport;
};

/* closers_cgroup.c: the rows of the n listed processes (sorted, most
 * TIME_WAIT first) summed by cgroup id into out->cgroups, sorted alike. */
struct cl_names;
void closers_cgroups_out(struct cl_names *names,
			 const struct cl_row *const *rows, uint32_t n,
			 struct snap_closers *out);

/* How the Who closes list ranks a process or a container: most
 * TIME_WAIT first, then the busiest closers (act/s, pas/s, err/s, all
 * closes), then id: < 0 when a comes first. */
struct cl_rank {
	uint64_t tw;
	double active_ps, passive_ps, connerr_ps;
	uint64_t closes;
	uint64_t id;
};
int cl_rank_cmp(const struct cl_rank *a, const struct cl_rank *b);

/* closers_name.c: the cgroup path of a process (its /proc/PID/cgroup
 * while it lives and is the one named comm, else its cgroup id's
 * directory), "" when neither tells. */
struct cl_names;
struct cl_names *cl_names_new(const char *root);
void cl_names_free(struct cl_names *n);
void cl_names_cgroup(struct cl_names *n, uint32_t tgid, const char *comm,
		     uint64_t cgroup_id, char *path, size_t len);

/* closers_bpf.c: the BPF source; -1 with the reason in err. */
int closers_bpf_open(const struct closers_source **src, void **ctx,
		     char *err, size_t errlen);

#endif
