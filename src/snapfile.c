/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Snapshot files: the JSON of one snapshot written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/snapfile.h"
#include "twtop/syncfile.h"

#define SNAPFILE_TRIES 64	/* names taken by others while searching */

int snapfile_name(time_t t, unsigned int n, char *buf, size_t len)
{
	struct tm tm;
	char stamp[32];
	int k;

	if (!localtime_r(&t, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
		return -1;
	if (n)
		k = snprintf(buf, len, "twtop-%s-%u.json", stamp, n);
	else
		k = snprintf(buf, len, "twtop-%s.json", stamp);
	return (k < 0 || (size_t)k >= len) ? -1 : 0;
}

/* Moves tmp to final unless final exists: renameat2(RENAME_NOREPLACE),
 * or link()+unlink() where the filesystem lacks it. */
static int snapfile_publish(const char *tmp, const char *final)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
	if (link(tmp, final) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

/* dir/snapfile_name(when, n) into path. 0 or -1/errno. */
static int snapfile_path(const char *dir, time_t when, unsigned int n,
			 char *path, size_t pathlen)
{
	char name[64];
	int k;

	if (snapfile_name(when, n, name, sizeof(name)) < 0) {
		errno = EINVAL;
		return -1;
	}
	k = snprintf(path, pathlen, "%s/%s", dir, name);
	if (k < 0 || (size_t)k >= pathlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Whether name n of that second exists: 1, 0, or -1/errno. */
static int snapfile_taken(const char *dir, time_t when, unsigned int n,
			  char *path, size_t pathlen)
{
	struct stat st;

	if (snapfile_path(dir, when, n, path, pathlen) < 0)
		return -1;
	if (lstat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* Picks a free name and renames tmp onto it, never replacing a file. 0 or
 * -1/errno. The counter has no limit (a burst of SIGUSR1 saves many files
 * in one second): after a taken name, a free one is found by doubling
 * then bisecting, a few lstat()s however many exist; the rename itself
 * refuses a name taken in the meantime, and the search goes on from it. */
static int snapfile_place(const char *dir, const char *tmp, time_t when,
			  char *path, size_t pathlen)
{
	unsigned int lo = 0, hi, mid;
	int t;

	for (int round = 0; round < SNAPFILE_TRIES; round++) {
		if (round == 0) {
			hi = 0;
		} else {
			/* lo is taken: double to a free hi, bisect to the
			 * first free one after a run of taken names */
			for (hi = lo ? lo * 2 : 1;
			     (t = snapfile_taken(dir, when, hi, path,
						 pathlen)) == 1;
			     hi *= 2) {
				lo = hi;
				if (hi > UINT_MAX / 4) {
					errno = EEXIST;
					return -1;
				}
			}
			if (t < 0)
				return -1;
			while (hi - lo > 1) {
				mid = lo + (hi - lo) / 2;
				t = snapfile_taken(dir, when, mid, path,
						   pathlen);
				if (t < 0)
					return -1;
				if (t)
					lo = mid;
				else
					hi = mid;
			}
		}
		if (snapfile_path(dir, when, hi, path, pathlen) < 0)
			return -1;
		if (snapfile_publish(tmp, path) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
		lo = hi;
	}
	errno = EEXIST;
	return -1;
}

/* What syncfile_write needs: the snapshot to write and where. */
struct snapfile_job {
	const struct snapshot *s;
	const struct json_opts *jo;
	const char *dir;
	time_t when;
	char *path;
	size_t pathlen;
};

/* syncfile_write's writer. */
static int snapfile_job_write(FILE *f, void *arg)
{
	const struct snapfile_job *j = arg;

	return json_snapshot(f, j->s, j->jo);
}

/* syncfile_write's placer: the first free name of that second. */
static int snapfile_job_place(const char *tmp, void *arg)
{
	const struct snapfile_job *j = arg;

	return snapfile_place(j->dir, tmp, j->when, j->path, j->pathlen);
}

int snapfile_write(const char *dir, const struct snapshot *s,
		   const struct json_opts *jo, time_t when,
		   char *path, size_t pathlen, char *err, size_t errlen)
{
	struct snapfile_job j = { s, jo, dir, when, path, pathlen };
	char tmp[PATH_MAX];
	int k;

	if (!dir || !*dir)
		j.dir = dir = ".";
	k = snprintf(tmp, sizeof(tmp), "%s/.twtop-snapshot-XXXXXX", dir);
	if (k < 0 || (size_t)k >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(ENAMETOOLONG));
		return -1;
	}
	/* a snapshot is an ordinary report file: 0644 */
	if (syncfile_write(tmp, 0644, snapfile_job_write, snapfile_job_place,
			   &j) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}
