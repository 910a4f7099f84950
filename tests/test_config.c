/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/config.c: the ~/.config/twtop/config defaults file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/config.h"

/* A FIFO or a directory as the config file is refused at once with a
 * clear message (a FIFO blocked the open, --help included); alarm() turns
 * a hang into a failure. */
static void test_not_regular(void **state)
{
	char dir[] = "/tmp/test_config.XXXXXX", path[4200], want[4300];
	char err[4400];
	struct options o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(10);
	assert_int_equal(config_load_file(&o, path, err, sizeof(err)), -1);
	alarm(0);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	assert_string_equal(err, want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(config_load_file(&o, path, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A zeroed options struct with the documented defaults we rely on. */
static void fresh(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->interval = 1.0;
}

static void test_good(void **state)
{
	struct options o;
	char err[256] = "";

	(void)state;
	fresh(&o);
	setenv("HOME", "/home/alice", 1);
	assert_int_equal(config_parse(&o, "# twtop defaults\n"
				      "\n"
				      "theme = light\n"
				      "  interval=0.5  \r\n"
				      "snapshot_dir = \"~/snaps\"\n", "cfg",
				      err, sizeof(err)), 0);
	assert_string_equal(o.theme, "light");
	assert_true(o.interval > 0.49 && o.interval < 0.51);
	assert_string_equal(o.snapshot_dir, "/home/alice/snaps");
	assert_string_equal(err, "");
}

static void test_bad(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "theme = light\ncolour = red\n", "cfg:2: unknown setting "
		  "'colour'" },
		{ "interval = fast\n", "cfg:1: interval 'fast' is not a number "
		  "of seconds from 0.1 to 3600" },
		{ "interval = 0.01\n", "cfg:1: interval '0.01'" },
		{ "interval = 1e9\n", "cfg:1: interval '1e9'" },
		{ "\n\n\ntheme\n", "cfg:4: expected 'key = value'" },
		{ "theme =\n", "cfg:1: empty value" },
		{ "= x\n", "cfg:1: missing key before '='" },
		{ "theme = \"light\n", "cfg:1: unbalanced quotes" },
	};
	char err[256];
	struct options o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(&o);
		assert_int_equal(config_parse(&o, cases[i].text, "cfg", err,
					      sizeof(err)), -1);
		assert_true(strncmp(err, cases[i].msg,
				    strlen(cases[i].msg)) == 0);
	}
}

/* Values and keys quoted in errors come out escaped: no raw ESC or BEL
 * reaches the terminal (issue 10, item 1). */
static void test_hostile_tokens(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "interval = \x1b]0;PWNED\x07\x1b[2J\n",
		  "cfg:1: interval '\\x1b]0;PWNED\\x07\\x1b[2J' is not" },
		{ "\x1b[2J\xe2\x80\x8b = 1\n",
		  "cfg:1: unknown setting '\\x1b[2J\\u200b'" },
	};
	char err[256];
	struct options o;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fresh(&o);
		assert_int_equal(config_parse(&o, cases[i].text, "cfg", err,
					      sizeof(err)), -1);
		assert_null(strchr(err, '\x1b'));
		assert_null(strchr(err, '\x07'));
		assert_true(strncmp(err, cases[i].msg,
				    strlen(cases[i].msg)) == 0);
	}
}

/* Writes text to dir/twtop/config. */
static void write_config(const char *dir, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/twtop", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/twtop/config", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* XDG_CONFIG_HOME wins over HOME; a missing file is no error; a bad
 * line names the real path. */
static void test_default_path(void **state)
{
	char xdg[] = "/tmp/twtop-cfg-XXXXXX", home[] = "/tmp/twtop-home-XXXXXX";
	char path[4096], err[512], want[4200];
	struct options o;

	(void)state;
	assert_non_null(mkdtemp(xdg));
	assert_non_null(mkdtemp(home));
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("HOME", home, 1);
	snprintf(want, sizeof(want), "%s/twtop/config", xdg);
	assert_string_equal(config_default_path(path, sizeof(path)), want);

	fresh(&o);
	assert_int_equal(config_load_default(&o, err, sizeof(err)), 0);
	assert_string_equal(o.theme, "");

	write_config(xdg, "theme = mono\ninterval = 2\n");
	assert_int_equal(config_load_default(&o, err, sizeof(err)), 0);
	assert_string_equal(o.theme, "mono");
	assert_true(o.interval > 1.99 && o.interval < 2.01);

	write_config(xdg, "theme = mono\nbogus\n");
	assert_int_equal(config_load_default(&o, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/twtop/config:2: expected 'key = "
		 "value'", xdg);
	assert_string_equal(err, want);

	unsetenv("XDG_CONFIG_HOME");
	snprintf(want, sizeof(want), "%s/.config/twtop/config", home);
	assert_string_equal(config_default_path(path, sizeof(path)), want);
	fresh(&o);
	assert_int_equal(config_load_default(&o, err, sizeof(err)), 0);

	snprintf(path, sizeof(path), "%s/twtop/config", xdg);
	unlink(path);
	snprintf(path, sizeof(path), "%s/twtop", xdg);
	rmdir(path);
	rmdir(xdg);
	rmdir(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hostile_tokens),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
