// SPDX-License-Identifier: GPL-2.0-or-later
/* Network namespaces: naming the one a thread is in. */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/cgname.h"
#include "twtop/netns.h"
#include "twtop/xalloc.h"

/* Compares each entry of dir with (dev, ino), as iproute2's
 * netns_identify_pid does: ip netns bind-mounts the nsfs inode there. */
int netns_identify(const char *dir, dev_t dev, ino_t ino, char *name,
		   size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	if (d == NULL)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		/* stat, not lstat: the entry is a mount point of nsfs. */
		if (fstatat(dirfd(d), e->d_name, &st, 0) < 0)
			continue;
		if (st.st_dev != dev || st.st_ino != ino || n >= len)
			continue;
		memcpy(name, e->d_name, n + 1);
		found = 1;
		break;
	}
	closedir(d);
	return found;
}

int netns_identify_self(char *name, size_t len)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return -1;
	return netns_identify("/run/netns", st.st_dev, st.st_ino, name, len);
}

const char *netns_kind_name(enum netns_kind k)
{
	switch (k) {
	case NETNS_HOST:	return "host";
	case NETNS_NAMED:	return "netns-name";
	case NETNS_CONTAINER:	return "container";
	case NETNS_PROCESS:	return "process";
	}
	return "?";
}

void netns_list_free(struct netns_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static struct netns_ent *find(struct netns_list *l, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].dev == dev && l->v[i].ino == ino)
			return &l->v[i];
	return NULL;
}

static struct netns_ent *add(struct netns_list *l, dev_t dev, ino_t ino,
			     enum netns_kind kind)
{
	struct netns_ent *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->ino = ino;
	e->kind = kind;
	return e;
}

/* Reads a small file below dir into buf (terminated), "" on failure. */
static void read_small(int dirfd_, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd_, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* Keeps the lowest PIDs in ascending order. */
static void keep_pid(struct netns_ent *e, pid_t pid, const char *comm)
{
	uint32_t i = e->n_pids;

	e->n_procs++;
	if (i == NETNS_PIDS) {
		if (pid > e->pids[NETNS_PIDS - 1])
			return;
		i--;
	} else {
		e->n_pids++;
	}
	while (i > 0 && e->pids[i - 1] > pid) {
		e->pids[i] = e->pids[i - 1];
		memcpy(e->comms[i], e->comms[i - 1], sizeof(e->comms[i]));
		i--;
	}
	e->pids[i] = pid;
	snprintf(e->comms[i], sizeof(e->comms[i]), "%s", comm);
}

/* One /proc/<pid>: its namespace, comm and (for a new namespace) the
 * cgroup that may name it. */
static void scan_pid(struct netns_list *l, int procfd, const char *pid_s,
		     dev_t host_dev, ino_t host_ino)
{
	char buf[512], comm[16];
	struct netns_ent *e;
	struct stat st;
	int pfd;
	pid_t pid = (pid_t)atoi(pid_s);

	pfd = openat(procfd, pid_s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0)
		return;			/* gone */
	if (fstatat(pfd, "ns/net", &st, 0) < 0) {
		close(pfd);
		return;			/* gone, or a kernel thread's */
	}
	read_small(pfd, "comm", buf, sizeof(buf));
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(comm, sizeof(comm), "%.15s", buf);
	e = find(l, st.st_dev, st.st_ino);
	if (e == NULL) {
		bool host = st.st_dev == host_dev && st.st_ino == host_ino;

		e = add(l, st.st_dev, st.st_ino,
			host ? NETNS_HOST : NETNS_PROCESS);
		snprintf(e->path, sizeof(e->path), "/proc/%d/ns/net",
			 (int)pid);
	}
	if (e->n_procs == 0 && e->kind == NETNS_PROCESS) {
		char path[256];

		read_small(pfd, "cgroup", buf, sizeof(buf));
		if (cgname_from_proc(buf, path, sizeof(path)) &&
		    cgname_short(path, e->name, sizeof(e->name)) ==
		    CG_CONTAINER)
			e->kind = NETNS_CONTAINER;
		else
			e->name[0] = '\0';
	}
	keep_pid(e, pid, comm);
	close(pfd);
}

/* The bind mounts of one directory: they name what they hold, and add
 * namespaces no process holds. */
static void scan_dir(struct netns_list *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct netns_ent *e;
		struct stat st;

		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		e = find(l, st.st_dev, st.st_ino);
		if (e == NULL)
			e = add(l, st.st_dev, st.st_ino, NETNS_NAMED);
		if (e->kind == NETNS_HOST ||
		    (e->kind == NETNS_NAMED && e->name[0]))
			continue;
		e->kind = NETNS_NAMED;
		snprintf(e->name, sizeof(e->name), "%.63s", de->d_name);
		if (snprintf(e->path, sizeof(e->path), "%s/%s", dir,
			     de->d_name) >= (int)sizeof(e->path))
			e->path[0] = '\0';	/* too long to open */
	}
	closedir(d);
}

static int by_inode(const void *a, const void *b)
{
	const struct netns_ent *x = a, *y = b;

	if (x->kind == NETNS_HOST || y->kind == NETNS_HOST)
		return (y->kind == NETNS_HOST) - (x->kind == NETNS_HOST);
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

int netns_scan(const char *proc, const char *const *dirs, size_t n_dirs,
	       struct netns_list *out)
{
	struct netns_list l = { 0 };
	struct stat host = { 0 };
	int procfd;
	DIR *d;
	struct dirent *de;

	procfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -1;
	d = fdopendir(dup(procfd));
	if (d == NULL) {
		close(procfd);
		return -1;
	}
	if (fstatat(procfd, "1/ns/net", &host, 0) < 0)
		host.st_ino = 0;
	while ((de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]))
			scan_pid(&l, procfd, de->d_name, host.st_dev,
				 host.st_ino);
	closedir(d);
	close(procfd);
	for (size_t i = 0; i < n_dirs; i++)
		scan_dir(&l, dirs[i]);
	for (size_t i = 0; i < l.n; i++) {
		struct netns_ent *e = &l.v[i];

		if (e->kind == NETNS_HOST)
			snprintf(e->name, sizeof(e->name), "host");
		else if (e->kind == NETNS_PROCESS && e->n_pids)
			snprintf(e->name, sizeof(e->name), "%s:%d",
				 e->comms[0], (int)e->pids[0]);
	}
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), by_inode);
	netns_list_free(out);
	*out = l;
	return 0;
}
