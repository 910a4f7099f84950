/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Colour themes: parsing theme files and finding them by name. */
#ifndef TWTOP_THEME_H
#define TWTOP_THEME_H

#include <limits.h>
#include <stddef.h>

/*
 * A theme file has one line per screen element:
 *	element = foreground [background [attribute ...]]
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * their bright- forms (bright-red, ...; grey = bright-black), or a number
 * 0-255. Attributes: normal, bold, dim, underline, reverse, standout,
 * italic. '#' starts a comment. Elements not named keep the built-in
 * monochrome look.
 */
enum theme_elem {
	TH_NORMAL,		/* body text */
	TH_HEADER,		/* top line */
	TH_STATUS,		/* bottom line */
	TH_KEY,			/* key names in the status line */
	TH_TITLE,		/* panel title */
	TH_TITLE_FOCUS,		/* title of the focused panel */
	TH_LABEL,		/* column headings, labels */
	TH_VALUE,		/* numbers */
	TH_DIM,			/* secondary text, absent values */
	TH_BAR,			/* proportional bars */
	TH_BAR_TW,		/* TIME_WAIT bars */
	TH_SPARK,		/* TIME_WAIT sparkline */
	TH_SPARK_EST,		/* ESTABLISHED sparkline */
	TH_OK,			/* gauge below 50 % */
	TH_WARN,		/* gauge from 50 %, warnings */
	TH_ALARM,		/* gauge from 90 %, alarms */
	TH_SELECTED,		/* selected row of the focused panel */
	TH_MESSAGE,		/* status line messages */
	TH_ERROR,		/* status line errors, sampling errors */
	TH_HELP,		/* help and drill-down frames */
	TH_COUNT
};

#define THEME_COLOR_DEFAULT (-1)

/* Attribute bits, mapped onto curses attributes by the UI. */
enum {
	THEME_BOLD = 1 << 0,
	THEME_DIM = 1 << 1,
	THEME_UNDERLINE = 1 << 2,
	THEME_REVERSE = 1 << 3,
	THEME_STANDOUT = 1 << 4,
	THEME_ITALIC = 1 << 5,
};

struct theme_style {
	short fg, bg;		/* 0-255 or THEME_COLOR_DEFAULT */
	unsigned int attrs;	/* THEME_* bits */
};

struct theme {
	char name[64];		/* file name without .theme, or "mono" */
	char path[PATH_MAX];	/* "" for the built-in one */
	struct theme_style st[TH_COUNT];
};

#define THEME_NAME_MAX 64
#define THEME_LIST_MAX 32

/* The built-in monochrome theme (attributes only). */
void theme_builtin_mono(struct theme *t);

/* Parses theme text over the built-in mono theme. 0, or -1 with
 * "path:line: what is wrong" in err. */
int theme_parse(struct theme *t, const char *text, const char *path,
		char *err, size_t errlen);

/* Finds NAME.theme in the theme directories: the installed data
 * directory, or for a twtop run from its build tree $TWTOP_THEME_DIR and
 * the source tree's themes/. 0 or -1. */
int theme_find(const char *name, char *path, size_t len);

/* Loads a theme by name or path (anything with a '/' or ending in
 * ".theme" is a path). 0, or -1 with a message in err. */
int theme_load(struct theme *t, const char *name_or_path, char *err,
	       size_t errlen);

/* Names of the themes in the theme directories, sorted, without
 * duplicates; returns how many (at most max). */
unsigned int theme_list(char names[][THEME_NAME_MAX], unsigned int max);

#endif
