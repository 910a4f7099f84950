/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/syncfile.c, the one atomic write of snapshot files and
 * the Prometheus textfile: the mode is the one asked for whatever the
 * umask (fchmod), the file is whole and closed before it is placed, a
 * failed write or placement removes the temporary file and keeps its
 * errno, a relative name works in the current directory; and the
 * regular-file check of files read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twtop/syncfile.h"

/* What the callbacks do and saw. */
struct job {
	const char *text;	/* written, or NULL to fail with errno fail */
	int fail;
	int place_fail;		/* 0: rename to final; else fail with it */
	char final[PATH_MAX];
	char seen_tmp[PATH_MAX];	/* the temporary name place got */
	char seen_text[64];		/* what it read there */
	int placed;
};

static int job_write(FILE *f, void *arg)
{
	const struct job *j = arg;

	if (j->text == NULL) {
		errno = j->fail;
		return -1;
	}
	return fputs(j->text, f) < 0 ? -1 : 0;
}

/* Records the temporary file as it is when placed, then renames it. */
static int job_place(const char *tmp, void *arg)
{
	struct job *j = arg;
	FILE *f = fopen(tmp, "r");
	size_t n;

	j->placed++;
	snprintf(j->seen_tmp, sizeof(j->seen_tmp), "%s", tmp);
	assert_non_null(f);
	n = fread(j->seen_text, 1, sizeof(j->seen_text) - 1, f);
	j->seen_text[n] = '\0';
	fclose(f);
	if (j->place_fail) {
		errno = j->place_fail;
		return -1;
	}
	return rename(tmp, j->final);
}

static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The mode asked for, whatever the umask; whole and closed when placed,
 * under the template's name; nothing else left in the directory. */
static void test_write_mode(void **state)
{
	char dir[] = "/tmp/test_syncfile.XXXXXX", tmpl[PATH_MAX];
	char text[64];
	struct job j = { .text = "whole file\n" };
	struct stat st;
	mode_t old;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(j.final, sizeof(j.final), "%s/out", dir);
	for (int i = 0; i < 2; i++) {
		mode_t mode = i ? 0640 : 0644;

		snprintf(tmpl, sizeof(tmpl), "%s/.out.XXXXXX", dir);
		old = umask(077);
		assert_int_equal(syncfile_write(tmpl, mode, job_write,
						job_place, &j), 0);
		umask(old);
		assert_int_equal(stat(j.final, &st), 0);
		assert_int_equal(st.st_mode & 07777, mode);
		assert_string_equal(j.seen_tmp, tmpl);	/* the name made */
		assert_int_equal(strncmp(tmpl, dir, strlen(dir)), 0);
		assert_string_equal(j.seen_text, "whole file\n");
		slurp(j.final, text, sizeof(text));
		assert_string_equal(text, "whole file\n");
		assert_int_equal(dir_entries(dir), 1);
	}
	assert_int_equal(j.placed, 2);
	assert_int_equal(unlink(j.final), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A failed write: -1 with its errno, never placed, no temporary left. */
static void test_write_fails(void **state)
{
	char dir[] = "/tmp/test_syncfile.XXXXXX", tmpl[PATH_MAX];
	struct job j = { .text = NULL, .fail = ENOSPC };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(j.final, sizeof(j.final), "%s/out", dir);
	snprintf(tmpl, sizeof(tmpl), "%s/.out.XXXXXX", dir);
	errno = 0;
	assert_int_equal(syncfile_write(tmpl, 0644, job_write, job_place, &j),
			 -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(j.placed, 0);
	assert_int_equal(dir_entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A failed placement: -1 with its errno, no temporary left. */
static void test_place_fails(void **state)
{
	char dir[] = "/tmp/test_syncfile.XXXXXX", tmpl[PATH_MAX];
	struct job j = { .text = "x\n", .place_fail = EXDEV };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(j.final, sizeof(j.final), "%s/out", dir);
	snprintf(tmpl, sizeof(tmpl), "%s/.out.XXXXXX", dir);
	errno = 0;
	assert_int_equal(syncfile_write(tmpl, 0644, job_write, job_place, &j),
			 -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(j.placed, 1);
	assert_int_equal(dir_entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A directory that is not there: ENOENT, nothing made. */
static void test_missing_dir(void **state)
{
	char tmpl[] = "/tmp/test_syncfile-none/nowhere/.out.XXXXXX";
	struct job j = { .text = "x\n" };

	(void)state;
	snprintf(j.final, sizeof(j.final), "/tmp/test_syncfile-none/out");
	assert_int_equal(syncfile_write(tmpl, 0644, job_write, job_place, &j),
			 -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(j.placed, 0);
}

/* A template without a directory: the current one (synced as "."). */
static void test_relative(void **state)
{
	char dir[] = "/tmp/test_syncfile.XXXXXX", cwd[PATH_MAX];
	char tmpl[] = ".out.XXXXXX", text[64];
	struct job j = { .text = "here\n" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	snprintf(j.final, sizeof(j.final), "out");
	assert_int_equal(syncfile_write(tmpl, 0644, job_write, job_place, &j),
			 0);
	slurp("out", text, sizeof(text));
	assert_string_equal(text, "here\n");
	assert_int_equal(unlink("out"), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Files read from others: a regular file opens, a directory or FIFO is
 * EINVAL (the FIFO without blocking), a missing one ENOENT. */
static void test_open_regular(void **state)
{
	char dir[] = "/tmp/test_syncfile.XXXXXX", path[PATH_MAX];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	f = syncfile_open_regular(path);
	assert_non_null(f);
	fclose(f);
	assert_int_equal(unlink(path), 0);
	assert_null(syncfile_open_regular(path));
	assert_int_equal(errno, ENOENT);
	assert_null(syncfile_open_regular(dir));
	assert_int_equal(errno, EINVAL);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(syncfile_open_regular(path));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_mode),
		cmocka_unit_test(test_write_fails),
		cmocka_unit_test(test_place_fails),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_open_regular),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
