/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Network namespaces: naming the one a thread is in, as `ip netns
 * identify` does. */
#ifndef TWTOP_NETNS_H
#define TWTOP_NETNS_H

#include <stddef.h>
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

#endif
