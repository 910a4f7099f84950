/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files written atomically (snapshot files, the Prometheus textfile) and
 * files read from others (config, themes). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "twtop/syncfile.h"

#ifdef TWTOP_TEST_HOOKS
/* Test builds only (tests/hooked/twtop, the unit tests):
 * TWTOP_TEST_SYNC_DELAY_MS=N sleeps N ms before each file's fsync, a
 * disk slow to sync. */
static void syncfile_test_delay(void)
{
	const char *v = getenv("TWTOP_TEST_SYNC_DELAY_MS");
	long ms = v ? strtol(v, NULL, 10) : 0;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
#else
static void syncfile_test_delay(void)
{
}
#endif

/* Writes the open file fd through write(f, arg), then flushes and fsyncs
 * it. 0, or -1 with errno (EIO when a stream error left none); fd is
 * closed either way. */
static int syncfile_fill(int fd, int (*write)(FILE *f, void *arg), void *arg)
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
	} else {
		syncfile_test_delay();
		if (fsync(fileno(f)) < 0) {
			e = errno;
			rc = -1;
		}
	}
	if (fclose(f) == EOF && rc == 0) {
		e = errno;
		rc = -1;
	}
	errno = e;
	return rc;
}

/* fsyncs the directory of path so that a rename in it survives a crash.
 * A filesystem that cannot sync a directory (EINVAL) is not an error.
 * 0 or -1/errno. */
static int syncfile_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int fd, rc, e;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	if (rc < 0 && e != EINVAL) {
		errno = e;
		return -1;
	}
	return 0;
}

int syncfile_write(char *tmpl, mode_t mode,
		   int (*write)(FILE *f, void *arg),
		   int (*place)(const char *tmp, void *arg), void *arg)
{
	int fd = mkostemp(tmpl, O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	/* mkstemp makes 0600, whatever the file is for */
	if (fchmod(fd, mode) < 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (syncfile_fill(fd, write, arg) < 0 || place(tmpl, arg) < 0) {
		e = errno;
		goto fail;
	}
	/* the file is in place; its name lasts once the directory is
	 * synced (the rename is a change of the directory) */
	return syncfile_sync_dir(tmpl);
fail:
	unlink(tmpl);
	errno = e;
	return -1;
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
