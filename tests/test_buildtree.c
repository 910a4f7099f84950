/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for buildtree_top(): this test, run from the build tree, finds
 * it; a copy of it elsewhere finds nothing, until that place holds the
 * uninstalled-themes mark. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twtop/buildtree.h"

/* Exit status of a copy run with --probe when buildtree_top() fails. */
#define PROBE_NONE 3

/* Runs prog --probe; its exit status, its output in out. */
static int probe(const char *prog, char *out, size_t len)
{
	int p[2], st;
	ssize_t n, got = 0;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl(prog, prog, "--probe", (char *)NULL);
		_exit(errno == EACCES ? 126 : 127);
	}
	close(p[1]);
	while ((n = read(p[0], out + got, len - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Copies the running test to path, executable. */
static void copy_self(const char *path)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	assert_true(in >= 0);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
}

/* The test runs as tests/test_buildtree below the top build directory. */
static void test_in_build_tree(void **state)
{
	char top[PATH_MAX], want[PATH_MAX], small[4];

	(void)state;
	assert_non_null(realpath(TWTOP_BUILDDIR, want));
	assert_int_equal(buildtree_top(top, sizeof(top)), 0);
	assert_string_equal(top, want);
	/* a buffer too small is a failure, never a cut path */
	assert_int_equal(buildtree_top(small, sizeof(small)), -1);
}

/* An installed copy ($dir/bin/prog) has no build tree; the mark makes
 * $dir one. */
static void test_copy_elsewhere(void **state)
{
	char dir[] = "/tmp/twtop-buildtree-XXXXXX", bin[64], prog[80];
	char mark[96], out[PATH_MAX + 8], want[PATH_MAX + 8];
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	snprintf(prog, sizeof(prog), "%s/prog", bin);
	snprintf(mark, sizeof(mark), "%s/" BUILDTREE_THEMES, dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	copy_self(prog);

	rc = probe(prog, out, sizeof(out));
	if (rc == 126) {	/* /tmp mounted noexec */
		unlink(prog);
		rmdir(bin);
		rmdir(dir);
		printf("SKIP: %s: cannot run a program in /tmp\n", __func__);
		skip();
	}
	assert_int_equal(rc, PROBE_NONE);
	assert_string_equal(out, "");

	/* a plain file is not the mark */
	assert_int_equal(close(open(mark, O_WRONLY | O_CREAT, 0644)), 0);
	assert_int_equal(probe(prog, out, sizeof(out)), PROBE_NONE);
	assert_int_equal(unlink(mark), 0);

	assert_int_equal(mkdir(mark, 0755), 0);
	assert_int_equal(probe(prog, out, sizeof(out)), 0);
	assert_non_null(realpath(dir, want));	/* /proc/self/exe is real */
	strcat(want, "\n");
	assert_string_equal(out, want);

	assert_int_equal(rmdir(mark), 0);
	assert_int_equal(unlink(prog), 0);
	assert_int_equal(rmdir(bin), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_build_tree),
		cmocka_unit_test(test_copy_elsewhere),
	};

	/* the copy of test_copy_elsewhere: say what it finds */
	if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
		char top[PATH_MAX];

		if (buildtree_top(top, sizeof(top)) < 0)
			return PROBE_NONE;
		printf("%s\n", top);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
