/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/theme.c: theme file parsing, lookup and listing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "twtop/theme.h"

/* Parses text as "t.theme"; returns the status, err holds the message. */
static int parse(struct theme *t, const char *text, char *err, size_t len)
{
	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	return theme_parse(t, text, "t.theme", err, len);
}

static void test_good_theme(void **state)
{
	struct theme t;
	char err[256];

	(void)state;
	assert_int_equal(parse(&t, "# comment\n\n"
			       "header = white blue bold\n"
			       "  title-focus=black   cyan bold reverse  # x\n"
			       "bar-tw = 208\n"
			       "dim = bright-black default dim\n"
			       "alarm = red - underline\n"
			       "selected = default default\n", err,
			       sizeof(err)), 0);
	assert_int_equal(t.st[TH_HEADER].fg, 7);
	assert_int_equal(t.st[TH_HEADER].bg, 4);
	assert_int_equal(t.st[TH_HEADER].attrs, THEME_BOLD);
	assert_int_equal(t.st[TH_TITLE_FOCUS].fg, 0);
	assert_int_equal(t.st[TH_TITLE_FOCUS].bg, 6);
	assert_int_equal(t.st[TH_TITLE_FOCUS].attrs,
			 THEME_BOLD | THEME_REVERSE);
	assert_int_equal(t.st[TH_BAR_TW].fg, 208);
	assert_int_equal(t.st[TH_BAR_TW].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.st[TH_DIM].fg, 8);
	assert_int_equal(t.st[TH_DIM].attrs, THEME_DIM);
	assert_int_equal(t.st[TH_ALARM].fg, 1);
	assert_int_equal(t.st[TH_ALARM].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.st[TH_ALARM].attrs, THEME_UNDERLINE);
	/* named with no attributes: the built-in reverse is replaced */
	assert_int_equal(t.st[TH_SELECTED].attrs, 0);
	/* not named: keeps the built-in monochrome look */
	assert_int_equal(t.st[TH_ERROR].attrs, THEME_BOLD | THEME_REVERSE);
	assert_int_equal(t.st[TH_ERROR].fg, THEME_COLOR_DEFAULT);
	assert_string_equal(t.path, "t.theme");
}

static void test_attr_as_second_word(void **state)
{
	struct theme t;
	char err[256];

	(void)state;
	assert_int_equal(parse(&t, "value = bright-green bold\n", err,
			       sizeof(err)), 0);
	assert_int_equal(t.st[TH_VALUE].fg, 10);
	assert_int_equal(t.st[TH_VALUE].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.st[TH_VALUE].attrs, THEME_BOLD);
}

/* Every bad line is reported with its file and line number. */
static void test_bad_lines(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "header = white\nbogus = red\n",
		  "t.theme:2: unknown element 'bogus'" },
		{ "\n\nheader white blue\n",
		  "t.theme:3: expected 'element = foreground [background] "
		  "[attributes]'" },
		{ "header = purple\n", "t.theme:1: unknown foreground colour "
		  "'purple'" },
		{ "header = red blue blink\n", "t.theme:1: unknown attribute "
		  "'blink'" },
		{ "header = red nope\n", "t.theme:1: unknown background colour "
		  "or attribute 'nope'" },
		{ "header = 256\n", "t.theme:1: unknown foreground colour "
		  "'256'" },
		{ "header =\n", "t.theme:1: missing colours after '='" },
		{ " = red\n", "t.theme:1: missing element name before '='" },
	};
	char err[256];
	struct theme t;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&t, cases[i].text, err, sizeof(err)),
				 -1);
		assert_true(strncmp(err, cases[i].msg,
				    strlen(cases[i].msg)) == 0);
	}
}

/* Tokens quoted in errors come out escaped: no raw ESC, BEL or bidi
 * override reaches the terminal (issue 10, item 1). */
static void test_hostile_tokens(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "header = \x1b]0;PWNED\x07\x1b[2J\n",
		  "t.theme:1: unknown foreground colour "
		  "'\\x1b]0;PWNED\\x07\\x1b[2J'" },
		{ "header = red \x1b[2J\n", "t.theme:1: unknown background "
		  "colour or attribute '\\x1b[2J'" },
		{ "x\xe2\x80\xae\x1b = red\n",
		  "t.theme:1: unknown element 'x\\u202e\\x1b'" },
	};
	char err[256];
	struct theme t;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&t, cases[i].text, err, sizeof(err)),
				 -1);
		assert_null(strchr(err, '\x1b'));
		assert_null(strchr(err, '\x07'));
		assert_true(strncmp(err, cases[i].msg,
				    strlen(cases[i].msg)) == 0);
	}
}

/* A failed parse leaves the theme untouched. */
static void test_bad_keeps_theme(void **state)
{
	struct theme t;
	char err[256];

	(void)state;
	theme_builtin_mono(&t);
	t.st[TH_HEADER].fg = 3;
	assert_int_equal(theme_parse(&t, "header = red\nx = y\n", "f", err,
				     sizeof(err)), -1);
	assert_int_equal(t.st[TH_HEADER].fg, 3);
}

/* A FIFO or a directory as a theme file is refused at once (a FIFO
 * blocked the open); alarm() turns a hang into a failure. */
static void test_not_regular(void **state)
{
	char dir[] = "/tmp/test_theme.XXXXXX", path[4200], want[4300];
	char err[4400];
	struct theme t;

	(void)state;
	theme_builtin_mono(&t);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo.theme", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	alarm(10);
	assert_int_equal(theme_load(&t, path, err, sizeof(err)), -1);
	alarm(0);
	assert_string_equal(err, want);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(theme_load(&t, path, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The shipped themes all parse and differ where they should. */
static void test_shipped_themes(void **state)
{
	static const char *const names[] = { "default", "light", "mono",
					     "high-contrast" };
	char path[4096], err[512];
	struct theme t;

	(void)state;
	setenv("TWTOP_THEME_DIR", TWTOP_SRCDIR "/themes", 1);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(theme_find(names[i], path, sizeof(path)), 0);
		assert_int_equal(theme_load(&t, names[i], err, sizeof(err)), 0);
		assert_string_equal(t.name, names[i]);
		if (strcmp(names[i], "mono") == 0) {
			for (int e = 0; e < TH_COUNT; e++) {
				assert_int_equal(t.st[e].fg,
						 THEME_COLOR_DEFAULT);
				assert_int_equal(t.st[e].bg,
						 THEME_COLOR_DEFAULT);
			}
		} else {
			assert_int_not_equal(t.st[TH_HEADER].bg,
					     THEME_COLOR_DEFAULT);
		}
	}
	unsetenv("TWTOP_THEME_DIR");
}

/* $TWTOP_THEME_DIR comes first; lists are sorted and unique; a bad file
 * loaded by path reports its own path. */
static void test_dir_and_list(void **state)
{
	char dir[] = "/tmp/twtop-theme-XXXXXX", path[4096], err[512];
	char names[THEME_LIST_MAX][THEME_NAME_MAX];
	struct theme t;
	unsigned int n;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zzz.theme", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("header = red\n\nspark = blue yellow wobble\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/default.theme", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("header = green\n", f);
	fclose(f);
	setenv("TWTOP_THEME_DIR", dir, 1);

	assert_int_equal(theme_load(&t, "default", err, sizeof(err)), 0);
	assert_int_equal(t.st[TH_HEADER].fg, 2);	/* ours, not shipped */
	assert_int_equal(theme_load(&t, "zzz", err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/zzz.theme:3: unknown attribute "
		 "'wobble'", dir);
	assert_string_equal(err, path);
	assert_int_equal(theme_load(&t, "nonexistent", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "theme 'nonexistent' not found"));
	assert_int_equal(theme_load(&t, "/no/such/file.theme", err,
				    sizeof(err)), -1);
	assert_non_null(strstr(err, "/no/such/file.theme: No such file"));

	n = theme_list(names, THEME_LIST_MAX);
	assert_true(n >= 5);
	for (unsigned int i = 1; i < n; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0);
	assert_string_equal(names[n - 1], "zzz");

	unsetenv("TWTOP_THEME_DIR");
	snprintf(path, sizeof(path), "%s/zzz.theme", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/default.theme", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_theme),
		cmocka_unit_test(test_attr_as_second_word),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_hostile_tokens),
		cmocka_unit_test(test_bad_keeps_theme),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_dir_and_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
