/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Prometheus textfile: prom_write's text rewritten atomically over a
 * path that must be a regular file or absent. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "twtop/prom.h"
#include "twtop/syncfile.h"

/* What syncfile_write needs, and where the reason for a failure goes. */
struct prom_job {
	const char *path;
	int (*write)(FILE *f, void *arg);
	void *arg;
	char *err;		/* the reason, when prom_job_place refuses */
	size_t errlen;
	bool refused;
};

/* syncfile_write's writer. */
static int prom_job_write(FILE *f, void *arg)
{
	const struct prom_job *j = arg;

	return j->write(f, j->arg);
}

/* syncfile_write's placer: rename() over the path, checked again just
 * before, as the path may have become a device or symlink meanwhile.
 * The reader sees the old file or the new one, never a part: rename()
 * within one directory replaces atomically. */
static int prom_job_place(const char *tmp, void *arg)
{
	struct prom_job *j = arg;

	if (prom_check_target(j->path, j->err, j->errlen) < 0) {
		j->refused = true;
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, j->path);
}

/* The temporary file's template: ".NAME.XXXXXX" beside path. Hidden and
 * not ending in .prom, so the collector never reads a half-written one. */
static int prom_tmp_name(const char *path, char *tmp, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int k;

	if (*base == '\0') {
		errno = EISDIR;
		return -1;
	}
	k = snprintf(tmp, len, "%.*s.%s.XXXXXX",
		     slash ? (int)(base - path) : 0, path, base);
	if (k < 0 || (size_t)k >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* What kind of file st is, for messages. */
static const char *prom_file_kind(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symbolic link";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	default: return "not a regular file";
	}
}

int prom_check_target(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (%s); refusing "
			 "to replace it", path, prom_file_kind(&st));
		return -1;
	}
	return 0;
}

int prom_file_put(const char *path, int (*write)(FILE *f, void *arg),
		  void *arg, char *err, size_t errlen)
{
	struct prom_job j = { path, write, arg, err, errlen, false };
	char tmp[PATH_MAX];

	if (prom_tmp_name(path, tmp, sizeof(tmp)) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* rename() would turn a device, FIFO or symlink into our file (as
	 * root, /dev/null becomes a 0644 regular file): checked before the
	 * temporary is made and again just before the rename */
	if (prom_check_target(path, err, errlen) < 0)
		return -1;
	/* 0644: mkstemp's 0600 would hide it from the collector */
	if (syncfile_write(tmp, 0644, prom_job_write, prom_job_place,
			   &j) < 0) {
		if (!j.refused)
			snprintf(err, errlen, "%s: %s", path,
				 strerror(errno));
		return -1;
	}
	return 0;
}

/* One snapshot's export, for prom_file_put. */
struct prom_snap {
	const struct snapshot *s;
	unsigned int top;
};

static int prom_snap_write(FILE *f, void *arg)
{
	const struct prom_snap *p = arg;

	return prom_write(f, p->s, p->top);
}

int prom_write_file(const char *path, const struct snapshot *s,
		    unsigned int top, char *err, size_t errlen)
{
	struct prom_snap p = { s, top };

	return prom_file_put(path, prom_snap_write, &p, err, errlen);
}
