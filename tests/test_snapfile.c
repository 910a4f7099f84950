/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/snapfile.c: atomic, never-overwriting snapshot files. */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/snapfile.h"

static const struct json_opts jo = {
	.top = 10, .pretty = true, .history = true, .version = "test",
};

/* A snapshot with recognisable numbers and n history entries. */
static struct snapshot *make_snap(uint32_t n_hist)
{
	struct snapshot *s = snap_new();

	s->seq = 42;
	s->when.tv_sec = 1700000000;
	snprintf(s->host, sizeof(s->host), "testhost");
	s->tw.total = 12345;
	s->states[TS_TIME_WAIT] = 12345;
	s->sockets = 12345;
	s->n_hist = n_hist;
	for (uint32_t i = 0; i < n_hist; i++) {
		s->hist[i].t = 1700000000.0 + i;
		s->hist[i].time_wait = 1000 + i;
		s->hist[i].new_tw_per_s = -1;
	}
	return s;
}

/* Reads a whole file into a malloc'd string. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Entries of dir other than . and ..; names starting with '.' count in
 * hidden (left-over temporary files). */
static int count_files(const char *dir, int *hidden)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*hidden = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		*hidden += e->d_name[0] == '.';
	}
	closedir(d);
	return n;
}

/* Removes every file in dir, then dir. */
static void rm_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[4096];

	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
		    (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void test_name(void **state)
{
	char buf[64];
	struct tm tm = { .tm_year = 124, .tm_mon = 2, .tm_mday = 5,
			 .tm_hour = 7, .tm_min = 8, .tm_sec = 9,
			 .tm_isdst = -1 };
	time_t t;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	t = mktime(&tm);
	assert_int_equal(snapfile_name(t, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "twtop-20240305-070809.json");
	assert_int_equal(snapfile_name(t, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "twtop-20240305-070809-3.json");
	assert_int_equal(snapfile_name(t, 0, buf, 10), -1);
}

/* The file holds the snapshot's JSON with its history; a second write
 * in the same second gets a new name, never replacing the first. */
static void test_write_twice(void **state)
{
	char dir[] = "/tmp/twtop-snap-XXXXXX", p1[4096], p2[4096], err[512];
	struct snapshot *s = make_snap(3), *s2 = make_snap(1);
	char *text, *text1;
	int hidden;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(snapfile_write(dir, s, &jo, 1700000000, p1,
					sizeof(p1), err, sizeof(err)), 0);
	s2->tw.total = 777;
	s2->states[TS_TIME_WAIT] = 777;
	s2->sockets = 777;
	assert_int_equal(snapfile_write(dir, s2, &jo, 1700000000, p2,
					sizeof(p2), err, sizeof(err)), 0);
	assert_string_not_equal(p1, p2);
	assert_non_null(strstr(p2, "-1.json"));
	assert_int_equal(strncmp(p1, dir, strlen(dir)), 0);

	text1 = slurp(p1);
	assert_non_null(strstr(text1, "\"host\": \"testhost\""));
	assert_non_null(strstr(text1, "12345"));
	assert_non_null(strstr(text1, "\"history\""));
	assert_non_null(strstr(text1, "1002"));	/* the last trend entry */
	text = slurp(p2);
	assert_non_null(strstr(text, "777"));
	assert_null(strstr(text, "12345"));	/* the first is intact */
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(count_files(dir, &hidden), 2);
	assert_int_equal(hidden, 0);
	free(text);
	free(text1);
	snap_unref(s);
	snap_unref(s2);
	rm_dir(dir);
}

/* More than 100 saves in one second (a burst of SIGUSR1) all get a name
 * of their own: the counter has no limit and nothing is replaced. */
static void test_write_many(void **state)
{
	char dir[] = "/tmp/twtop-snap-XXXXXX", path[4096], err[512];
	struct snapshot *s = make_snap(1);
	int hidden;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < 300; i++) {
		char want[64];

		if (snapfile_write(dir, s, &jo, 1700000000, path,
				   sizeof(path), err, sizeof(err)) < 0)
			fail_msg("save %d: %s", i + 1, err);
		snapfile_name(1700000000, (unsigned int)i, want,
			      sizeof(want));
		assert_non_null(strstr(path, want));
	}
	assert_int_equal(count_files(dir, &hidden), 300);
	assert_int_equal(hidden, 0);
	snap_unref(s);
	rm_dir(dir);
}

/* A directory that vanished: an error naming the reason, no file. */
static void test_vanished_dir(void **state)
{
	char dir[] = "/tmp/twtop-gone-XXXXXX", path[4096] = "", err[512];
	struct snapshot *s = make_snap(2);

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(snapfile_write(dir, s, &jo, 1700000000, path,
					sizeof(path), err, sizeof(err)), -1);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(access(dir, F_OK), -1);
	snap_unref(s);
}

/* A full disk (a tiny tmpfs, root only): an error, and no temporary
 * file left behind. Runs in a child in its own mount namespace. */
static void test_disk_full(void **state)
{
	char dir[] = "/tmp/twtop-full-XXXXXX";
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct snapshot *s = make_snap(SNAP_HIST_MAX);
		char path[4096], err[512];
		int hidden, rc;

		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", dir, "tmpfs", 0, "size=16k") < 0)
			_exit(77);
		rc = snapfile_write(dir, s, &jo, 1700000000, path,
				    sizeof(path), err, sizeof(err));
		if (rc != -1 || !strstr(err, "No space left on device"))
			_exit(1);
		if (count_files(dir, &hidden) != 0)
			_exit(2);
		umount(dir);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_write_twice),
		cmocka_unit_test(test_write_many),
		cmocka_unit_test(test_vanished_dir),
		cmocka_unit_test(test_disk_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
