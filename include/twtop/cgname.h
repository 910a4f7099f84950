/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Short names for cgroup paths: the container or unit a process runs in,
 * as htop's CGROUP column shows it. */
#ifndef TWTOP_CGNAME_H
#define TWTOP_CGNAME_H

#include <stdbool.h>
#include <stddef.h>

enum cg_kind {
	CG_NONE = 0,		/* the root, or nothing recognisable */
	CG_CONTAINER,		/* docker, containerd, cri-o, libpod */
	CG_UNIT,		/* a systemd service or scope */
};

/*
 * Names the innermost recognisable part of a cgroup path
 * ("/system.slice/docker-0123abcd....scope" -> "docker-0123abcdef01"):
 * container ids shortened to 12 hex digits, systemd units without their
 * ".service"/".scope" suffix kept whole ("nginx.service"). Writes at most
 * len bytes (always terminated) and returns the kind; CG_NONE leaves "".
 */
enum cg_kind cgname_short(const char *path, char *out, size_t len);

/*
 * Reads the unified (v2, "0::") line of a /proc/PID/cgroup file's text,
 * or the name=systemd line on a v1 host, into path. true when found.
 */
bool cgname_from_proc(const char *text, char *path, size_t len);

#endif
