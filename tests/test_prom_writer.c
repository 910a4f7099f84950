/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/prom_writer.c, the --prometheus thread: posting never
 * waits for a slow disk (syncfile's test hook sleeps before fsync),
 * latest wins (a pending snapshot is replaced, never queued), errors
 * reach the poster with their errno text (missing directory, EACCES,
 * ENOSPC), stop writes what is pending, and a hung write bounds stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "twtop/prom_writer.h"

#define DELAY_ENV "TWTOP_TEST_SYNC_DELAY_MS"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A snapshot whose server-side TIME_WAIT count is mark. */
static struct snapshot *snap_marked(unsigned int mark)
{
	struct snapshot *s = snap_new();

	s->tw.server_side = mark;
	return s;
}

static int refs(struct snapshot *s)
{
	return __atomic_load_n(&s->refs, __ATOMIC_ACQUIRE);
}

/* The mark of the file at path: its server-side TIME_WAIT count, or -1
 * when the file is missing or has none. */
static long file_mark(const char *path)
{
	static const char key[] =
		"twtop_time_wait_sockets{netns=\"\",side=\"server\"} ";
	char line[512];
	long mark = -1;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, sizeof(key) - 1) == 0)
			mark = strtol(line + sizeof(key) - 1, NULL, 10);
	fclose(f);
	return mark;
}

/* Entries of dir besides . and .. (a temporary file left shows here). */
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

static void stats(struct prom_writer *w, struct prom_writer_stats *st)
{
	prom_writer_stats(w, st);
}

/* Waits (up to 5 s) until the writer has taken a snapshot and is busy
 * writing it. */
static void wait_busy(struct prom_writer *w)
{
	struct prom_writer_stats st;
	double end = now() + 5;

	do {
		stats(w, &st);
		if (st.busy)
			return;
		nap_ms(5);
	} while (now() < end);
	fail_msg("the writer never started writing");
}

static int notified;

/* The writer's notify callback: counts the failures it announced. */
static void count_notify(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&notified, 1, __ATOMIC_RELAXED);
}

/* While a write is slow (500 ms in fsync), posts return at once; the
 * snapshots posted meanwhile replace one another, each dropped as the
 * next comes, and only the newest is written after the slow one. */
static void test_latest_wins(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	struct snapshot *s[6];
	struct prom_writer_stats st;
	struct prom_writer *w;
	double t0, worst = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	for (unsigned int i = 0; i < 6; i++)
		s[i] = snap_marked(100 + i);
	setenv(DELAY_ENV, "500", 1);
	w = prom_writer_start(path, 10, NULL, NULL);
	assert_non_null(w);

	prom_writer_post(w, s[0]);
	wait_busy(w);
	assert_int_equal(refs(s[0]), 2);	/* the writer's, being written */
	for (unsigned int i = 1; i < 6; i++) {
		t0 = now();
		prom_writer_post(w, s[i]);
		if (now() - t0 > worst)
			worst = now() - t0;
		assert_int_equal(refs(s[i]), 2);	/* pending */
		if (i > 1)	/* replaced: the writer let go of it */
			assert_int_equal(refs(s[i - 1]), 1);
	}
	/* no post waited for the write in progress (500 ms) */
	if (worst > 0.1)
		fail_msg("a post took %.3f s while a write was slow", worst);
	stats(w, &st);
	assert_true(st.busy);
	assert_int_equal(st.written, 0);
	assert_int_equal(file_mark(path), -1);	/* still the first write */

	assert_int_equal(prom_writer_flush(w, 10), 0);
	stats(w, &st);
	assert_int_equal(st.posted, 6);
	assert_int_equal(st.replaced, 4);	/* s[1] to s[4] */
	assert_int_equal(st.written, 2);	/* s[0], then s[5] */
	assert_int_equal(st.failed, 0);
	assert_false(st.busy);
	assert_int_equal(file_mark(path), 105);
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(refs(s[i]), 1);
	assert_int_equal(prom_writer_stop(w, 10, path, sizeof(path)), 0);
	unsetenv(DELAY_ENV);
	for (unsigned int i = 0; i < 6; i++)
		snap_unref(s[i]);
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	assert_int_equal(dir_entries(dir), 1);	/* no temporary left */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Stop writes the snapshot still pending before it joins. */
static void test_stop_drains(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	char err[PATH_MAX + 128];
	struct snapshot *s = snap_marked(7);
	struct prom_writer *w;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	w = prom_writer_start(path, 10, NULL, NULL);
	assert_non_null(w);
	prom_writer_post(w, s);
	snap_unref(s);
	assert_int_equal(prom_writer_stop(w, -1, err, sizeof(err)), 0);
	assert_int_equal(file_mark(path), 7);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A write that fails (the directory is missing) is said once, with the
 * path and the errno text, and notify is called; the next write, once
 * the directory is back, succeeds and says nothing. */
static void test_error_reported(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	char err[PATH_MAX + 128], want[PATH_MAX + 128];
	struct snapshot *s = snap_marked(9);
	struct prom_writer_stats st;
	struct prom_writer *w;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rmdir(dir), 0);
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	__atomic_store_n(&notified, 0, __ATOMIC_RELAXED);
	w = prom_writer_start(path, 10, count_notify, NULL);
	assert_non_null(w);
	assert_false(prom_writer_error(w, err, sizeof(err)));

	prom_writer_post(w, s);
	assert_int_equal(prom_writer_flush(w, 10), 0);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_true(prom_writer_error(w, err, sizeof(err)));
	assert_string_equal(err, want);
	assert_false(prom_writer_error(w, err, sizeof(err)));	/* once */
	assert_int_equal(__atomic_load_n(&notified, __ATOMIC_RELAXED), 1);

	assert_int_equal(mkdir(dir, 0755), 0);
	prom_writer_post(w, s);
	assert_int_equal(prom_writer_flush(w, 10), 0);
	assert_false(prom_writer_error(w, err, sizeof(err)));
	assert_int_equal(file_mark(path), 9);
	stats(w, &st);
	assert_int_equal(st.written, 1);
	assert_int_equal(st.failed, 1);
	assert_int_equal(__atomic_load_n(&notified, __ATOMIC_RELAXED), 1);

	/* a failure of the last write is returned by stop */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	prom_writer_post(w, s);
	assert_int_equal(prom_writer_stop(w, 10, err, sizeof(err)), 1);
	assert_string_equal(err, want);
	snap_unref(s);
}

/* In a child: the writer into path fails with want in its message and
 * leaves dir with entries entries (no temporary file). Exit 0 when so. */
static int child_expect_error(const char *path, const char *want,
			      const char *dir, int entries)
{
	char err[PATH_MAX + 128], full[PATH_MAX + 128];
	struct snapshot *s = snap_marked(1);
	struct prom_writer *w = prom_writer_start(path, 256, NULL, NULL);

	if (w == NULL)
		return 10;
	prom_writer_post(w, s);
	snap_unref(s);
	if (prom_writer_flush(w, 10) < 0)
		return 11;
	if (!prom_writer_error(w, err, sizeof(err)))
		return 12;
	snprintf(full, sizeof(full), "%s: %s", path, want);
	if (strcmp(err, full) != 0) {
		fprintf(stderr, "error '%s', wanted '%s'\n", err, full);
		return 13;
	}
	if (prom_writer_stop(w, 10, err, sizeof(err)) != 0)
		return 14;
	return dir_entries(dir) == entries ? 0 : 15;
}

/* A directory the user cannot write: EACCES with its text. As root,
 * checked in a child that drops to nobody. */
static void test_eacces(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0555), 0);
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(77);
		_exit(child_expect_error(path, "Permission denied", dir, 0));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(rmdir(dir), 0);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A full disk (a one-page tmpfs filled by another file, root only, in a
 * child's own mount namespace): ENOSPC with its text, no temporary file
 * left. */
static void test_enospc(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char filler[PATH_MAX], page[4096] = { 0 };
		FILE *f;
		int rc;

		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", dir, "tmpfs", 0, "size=4k") < 0)
			_exit(77);
		snprintf(filler, sizeof(filler), "%s/filler", dir);
		f = fopen(filler, "w");
		if (f == NULL || fwrite(page, 1, sizeof(page), f) != sizeof(page)
		    || fclose(f) != 0)
			_exit(16);
		rc = child_expect_error(path, "No space left on device", dir,
					1);
		umount(dir);
		_exit(rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(rmdir(dir), 0);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A write that hangs (1.5 s in fsync) does not hold stop past its
 * timeout: -1 and the reason, in about the timeout; a second stop waits
 * for the write to end and joins. */
static void test_stop_bounded(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	char err[PATH_MAX + 128], want[PATH_MAX + 128];
	struct snapshot *s = snap_marked(3);
	struct prom_writer *w;
	double t0, took;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	setenv(DELAY_ENV, "1500", 1);
	w = prom_writer_start(path, 10, NULL, NULL);
	assert_non_null(w);
	prom_writer_post(w, s);
	snap_unref(s);
	wait_busy(w);
	t0 = now();
	assert_int_equal(prom_writer_stop(w, 0.3, err, sizeof(err)), -1);
	took = now() - t0;
	if (took < 0.25 || took > 1.0)
		fail_msg("stop took %.3f s with a 0.3 s timeout", took);
	snprintf(want, sizeof(want), "%s: still writing after 0.3 s; not "
		 "waiting for it", path);
	assert_string_equal(err, want);
	assert_int_equal(file_mark(path), -1);	/* not written yet */
	/* the write ends, the thread is joined */
	assert_int_equal(prom_writer_stop(w, 10, err, sizeof(err)), 0);
	assert_int_equal(file_mark(path), 3);
	unsetenv(DELAY_ENV);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* Abandoned after a stop that gave up, the thread still lands its write
 * (in about the 1.5 s) and frees what it used: ASan's leak check and
 * TSan's thread-leak check see no leak. Abandoning a writer whose thread
 * has already ended joins it at once. */
static void test_abandon(void **state)
{
	char dir[] = "/tmp/test_prom_writer.XXXXXX", path[PATH_MAX];
	char err[PATH_MAX + 128];
	struct snapshot *s = snap_marked(5);
	struct prom_writer *w;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/twtop.prom", dir);
	setenv(DELAY_ENV, "1500", 1);
	w = prom_writer_start(path, 10, NULL, NULL);
	assert_non_null(w);
	prom_writer_post(w, s);
	snap_unref(s);
	wait_busy(w);
	assert_int_equal(prom_writer_stop(w, 0.2, err, sizeof(err)), -1);
	prom_writer_abandon(w);
	for (i = 0; i < 100 && file_mark(path) != 5; i++)
		usleep(50 * 1000);
	assert_int_equal(file_mark(path), 5);

	/* ended already when abandoned: the thread is joined at once */
	setenv(DELAY_ENV, "300", 1);
	w = prom_writer_start(path, 10, NULL, NULL);
	assert_non_null(w);
	s = snap_marked(6);
	prom_writer_post(w, s);
	snap_unref(s);
	wait_busy(w);
	assert_int_equal(prom_writer_stop(w, 0.05, err, sizeof(err)), -1);
	for (i = 0; i < 100 && file_mark(path) != 6; i++)
		usleep(50 * 1000);
	assert_int_equal(file_mark(path), 6);
	usleep(100 * 1000);
	prom_writer_abandon(w);
	unsetenv(DELAY_ENV);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latest_wins),
		cmocka_unit_test(test_stop_drains),
		cmocka_unit_test(test_error_reported),
		cmocka_unit_test(test_eacces),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_stop_bounded),
		cmocka_unit_test(test_abandon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
