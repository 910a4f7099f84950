/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Filling a temporary file: write, flush, fsync, close, keeping the first
 * errno. Shared by snapshot files and the Prometheus textfile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/syncfile.h"

int syncfile_fill(int fd, int (*write)(FILE *f, void *arg), void *arg)
{
	FILE *f = fdopen(fd, "w");
	int rc = 0, e = 0;

	if (!f) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	errno = 0;
	if (write(f, arg) < 0 || fflush(f) == EOF || ferror(f)) {
		e = errno ? errno : EIO;
		rc = -1;
	} else if (fsync(fileno(f)) < 0) {
		e = errno;
		rc = -1;
	}
	if (fclose(f) == EOF && rc == 0) {
		e = errno;
		rc = -1;
	}
	errno = e;
	return rc;
}

FILE *syncfile_open_regular(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	FILE *f;
	int e;

	if (fd < 0)
		return NULL;
	e = fstat(fd, &st) < 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
	if (e) {
		close(fd);
		errno = e;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		e = errno;
		close(fd);
		errno = e;
	}
	return f;
}
