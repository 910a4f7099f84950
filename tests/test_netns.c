// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of netns.c: naming a namespace from a directory of mounts. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/netns.h"

static char dir[64];

static void touch(const char *name)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static struct stat stat_of(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	return st;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/twtop-netns.XXXXXX");
	assert_non_null(mkdtemp(dir));
	touch("blue");
	touch("green");
	touch(".hidden");
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The entry with the same device and inode names the namespace. */
static void test_identify_finds_each(void **state)
{
	struct stat b = stat_of("blue"), g = stat_of("green");
	char name[32];

	(void)state;
	assert_int_equal(netns_identify(dir, b.st_dev, b.st_ino, name,
					sizeof(name)), 1);
	assert_string_equal(name, "blue");
	assert_int_equal(netns_identify(dir, g.st_dev, g.st_ino, name,
					sizeof(name)), 1);
	assert_string_equal(name, "green");
}

/* Hidden entries, other inodes and names that do not fit are no match. */
static void test_identify_no_match(void **state)
{
	struct stat h = stat_of(".hidden"), b = stat_of("blue");
	char name[32], tiny[4];

	(void)state;
	assert_int_equal(netns_identify(dir, h.st_dev, h.st_ino, name,
					sizeof(name)), 0);
	assert_int_equal(netns_identify(dir, b.st_dev, b.st_ino + 1000003,
					name, sizeof(name)), 0);
	assert_int_equal(netns_identify(dir, b.st_dev, b.st_ino, tiny,
					sizeof(tiny)), 0);
}

/* A missing directory (no ip netns ever ran) is "none", not an error. */
static void test_identify_missing_dir(void **state)
{
	char name[32];

	(void)state;
	assert_int_equal(netns_identify("/nonexistent/twtop", 1, 1, name,
					sizeof(name)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_finds_each),
		cmocka_unit_test(test_identify_no_match),
		cmocka_unit_test(test_identify_missing_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
