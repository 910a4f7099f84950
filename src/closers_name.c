// SPDX-License-Identifier: GPL-2.0-or-later
/* Names for the closers module: errno names, and the cgroup path of a
 * process from /proc or, once it has exited, from its cgroup id. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twtop/cgname.h"
#include "twtop/closers.h"
#include "twtop/xalloc.h"
#include "closers_priv.h"

#define CG_CACHE	64	/* cgroup ids whose directory is known */
#define FILEID_KERNFS	0xfe	/* a cgroup2 directory's file handle type */

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ENETUNREACH, "ENETUNREACH" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { ECONNRESET, "ECONNRESET" },
	{ ECONNABORTED, "ECONNABORTED" }, { EADDRINUSE, "EADDRINUSE" },
	{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { EAGAIN, "EAGAIN" },
	{ ENETDOWN, "ENETDOWN" }, { EHOSTDOWN, "EHOSTDOWN" },
	{ ENOBUFS, "ENOBUFS" }, { ENOMEM, "ENOMEM" }, { EINVAL, "EINVAL" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { EFAULT, "EFAULT" },
	{ EBADF, "EBADF" }, { ENOTSOCK, "ENOTSOCK" },
	{ EPROTOTYPE, "EPROTOTYPE" }, { ENOENT, "ENOENT" },
};
#define N_ERRNO_NAMES (sizeof(errno_names) / sizeof(errno_names[0]))

const char *closers_errno_name(int err, char *buf, size_t len)
{
	for (size_t i = 0; i < N_ERRNO_NAMES; i++)
		if (errno_names[i].err == err) {
			snprintf(buf, len, "%s", errno_names[i].name);
			return buf;
		}
	snprintf(buf, len, "E%d", err);
	return buf;
}

int closers_errno_parse(const char *name)
{
	char *end;
	long v;

	for (size_t i = 0; i < N_ERRNO_NAMES; i++)
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].err;
	if (name[0] != 'E' || name[1] < '1' || name[1] > '9')
		return 0;
	errno = 0;
	v = strtol(name + 1, &end, 10);
	return errno == 0 && *end == '\0' && v > 0 && v < 4096 ? (int)v : 0;
}

struct cl_names {
	char proc[PATH_MAX];		/* ROOT/proc */
	char cg2[PATH_MAX];		/* the cgroup2 mount's path, as its
					 * descriptor names it */
	int cg2_fd;			/* open on it, or -1 */
	bool cg2_looked;
	struct {
		uint64_t id;
		char path[SNAP_CGROUP_LEN];
	} cache[CG_CACHE];
	unsigned int next;
};

struct cl_names *cl_names_new(const char *root)
{
	struct cl_names *n = xcalloc(1, sizeof(*n));

	snprintf(n->proc, sizeof(n->proc), "%s/proc",
		 root && root[0] ? root : "");
	n->cg2_fd = -1;
	return n;
}

void cl_names_free(struct cl_names *n)
{
	if (n == NULL)
		return;
	if (n->cg2_fd >= 0)
		close(n->cg2_fd);
	free(n);
}

/* Reads a small file into buf (terminated); -1 when it cannot. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -1;
	got = read(fd, buf, len - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	return 0;
}

/* The cgroup path /proc gives for tgid, if tgid is still the process
 * named comm (its pid was not reused). */
static bool proc_cgroup(const struct cl_names *n, uint32_t tgid,
			const char *comm, char *path, size_t len)
{
	char file[PATH_MAX + 32], text[4096];

	snprintf(file, sizeof(file), "%s/%u/comm", n->proc, tgid);
	if (read_small(file, text, sizeof(text)) < 0)
		return false;
	text[strcspn(text, "\n")] = '\0';
	if (strcmp(text, comm) != 0)
		return false;
	snprintf(file, sizeof(file), "%s/%u/cgroup", n->proc, tgid);
	return read_small(file, text, sizeof(text)) == 0 &&
	       cgname_from_proc(text, path, len);
}

/* The path of descriptor fd as the kernel names it; -1 when none. */
static int fd_path(int fd, char *buf, size_t len)
{
	char link[64];
	ssize_t got;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	got = readlink(link, buf, len - 1);
	if (got <= 0)
		return -1;
	buf[got] = '\0';
	return 0;
}

/* Opens the cgroup2 mount of mountinfo (prefix: where its mount points
 * are seen from here), -1 when it has none. */
static int open_cg2(const char *mountinfo, const char *prefix)
{
	char line[4096], mnt[PATH_MAX], path[PATH_MAX + 32];
	int fd = -1;
	FILE *f = fopen(mountinfo, "re");

	if (f == NULL)
		return -1;
	while (fd < 0 && fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mount-point ... - cgroup2 ... */
		if (strstr(line, " - cgroup2 ") == NULL ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix, mnt);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	fclose(f);
	return fd;
}

/* Finds the cgroup2 mount, once: ours, or else (under ip netns exec,
 * which mounts a fresh /sys) init's. */
static void find_cg2(struct cl_names *n)
{
	n->cg2_looked = true;
	n->cg2_fd = open_cg2("/proc/self/mountinfo", "");
	if (n->cg2_fd < 0)
		n->cg2_fd = open_cg2("/proc/1/mountinfo", "/proc/1/root");
	if (n->cg2_fd >= 0 && fd_path(n->cg2_fd, n->cg2, sizeof(n->cg2)) < 0) {
		close(n->cg2_fd);
		n->cg2_fd = -1;
	}
}

/* The directory of cgroup id below the cgroup2 mount: its file handle
 * is the id (kernfs), opened with open_by_handle_at (root). */
static bool id_cgroup(struct cl_names *n, uint64_t id, char *path,
		      size_t len)
{
	_Alignas(8) char buf[sizeof(struct file_handle) + sizeof(id)];
	struct file_handle *fh = (struct file_handle *)buf;
	char target[PATH_MAX];
	size_t ml;
	int fd, rc;

	if (!n->cg2_looked)
		find_cg2(n);
	if (n->cg2_fd < 0)
		return false;
	memset(buf, 0, sizeof(buf));
	fh->handle_bytes = sizeof(id);
	fh->handle_type = FILEID_KERNFS;
	memcpy(fh->f_handle, &id, sizeof(id));
	fd = open_by_handle_at(n->cg2_fd, fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	rc = fd_path(fd, target, sizeof(target));
	close(fd);
	if (rc < 0)
		return false;
	ml = strlen(n->cg2);
	if (strncmp(target, n->cg2, ml) != 0 ||
	    (target[ml] != '/' && target[ml] != '\0'))
		return false;
	snprintf(path, len, "%s", target[ml] ? target + ml : "/");
	return true;
}

void cl_names_cgroup(struct cl_names *n, uint32_t tgid, const char *comm,
		     uint64_t cgroup_id, char *path, size_t len)
{
	path[0] = '\0';
	if (proc_cgroup(n, tgid, comm, path, len))
		return;
	if (cgroup_id == 0)
		return;
	for (unsigned int i = 0; i < CG_CACHE; i++)
		if (n->cache[i].id == cgroup_id) {
			snprintf(path, len, "%s", n->cache[i].path);
			return;
		}
	if (!id_cgroup(n, cgroup_id, path, len))
		return;
	n->cache[n->next].id = cgroup_id;
	snprintf(n->cache[n->next].path, sizeof(n->cache[0].path), "%s",
		 path);
	n->next = (n->next + 1) % CG_CACHE;
}
