/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finds the build tree an uninstalled program runs from. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/buildtree.h"

int buildtree_top(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;
	int k;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	/* drop the program's name, then its directory (src/, tests/) */
	for (int i = 0; i < 2; i++) {
		slash = strrchr(self, '/');
		if (!slash)
			return -1;
		*slash = '\0';
	}
	k = snprintf(buf, len, "%s/" BUILDTREE_THEMES, self);
	if (k < 0 || (size_t)k >= len || stat(buf, &st) < 0 ||
	    !S_ISDIR(st.st_mode))
		return -1;
	/* the top directory itself; "/" when the program sits in /bin */
	snprintf(buf, len, "%s", *self ? self : "/");
	return 0;
}
