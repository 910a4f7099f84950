/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network namespaces: naming the one a thread is in, as `ip netns
 * identify` does. */
#ifndef TWTOP_NETNS_H
#define TWTOP_NETNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Looks for the namespace (dev, ino) among the bind mounts in dir
 * (/run/netns for ip netns): the first entry whose stat matches names it.
 * 1 with its name in name (truncated names are not matches), 0 when none
 * does or dir does not exist, -1 with errno for other failures.
 */
int netns_identify(const char *dir, dev_t dev, ino_t ino, char *name,
		   size_t len);

/*
 * Names the namespace of the calling thread (/proc/thread-self/ns/net)
 * from /run/netns. Same returns as netns_identify.
 */
int netns_identify_self(char *name, size_t len);

enum netns_kind {
	NETNS_HOST,		/* the namespace of PID 1 */
	NETNS_NAMED,		/* a bind mount in /run/netns (ip netns, CNI) */
	NETNS_CONTAINER,	/* named by a process's cgroup */
	NETNS_PROCESS,		/* named by its first process */
};

#define NETNS_PIDS	4	/* processes kept per namespace */

struct netns_ent {
	dev_t dev;
	ino_t ino;
	enum netns_kind kind;
	char name[64];
	char path[96];		/* what setns opens: a mount or /proc/PID */
	uint32_t n_procs;	/* processes in it (all, not only kept) */
	uint32_t n_pids;
	pid_t pids[NETNS_PIDS];	/* the lowest PIDs, ascending */
	char comms[NETNS_PIDS][16];
};

struct netns_list {
	struct netns_ent *v;
	size_t n, cap;
};

/*
 * Finds every network namespace as lsns does: unique (dev, inode) of
 * PROC/<pid>/ns/net, plus the bind mounts in each of dirs (/run/netns,
 * /var/run/docker/netns) that no process may hold. Names each: host, the
 * mount's name, the container or unit of its first process's cgroup, else
 * "comm:pid". Processes that vanish mid-scan are skipped. 0, or -1 with
 * errno when PROC cannot be read; out is replaced.
 */
int netns_scan(const char *proc, const char *const *dirs, size_t n_dirs,
	       struct netns_list *out);
void netns_list_free(struct netns_list *l);
const char *netns_kind_name(enum netns_kind k);

#endif
