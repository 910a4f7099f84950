// SPDX-License-Identifier: GPL-2.0-or-later
/* Network namespaces: naming the one a thread is in. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/netns.h"

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
