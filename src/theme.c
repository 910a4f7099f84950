/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Colour themes: "element = fg bg attrs" files, found by name. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "twtop/buildtree.h"
#include "twtop/printable.h"
#include "twtop/syncfile.h"
#include "twtop/theme.h"
#include "twtop/xalloc.h"

#define THEME_FILE_MAX (64 * 1024)
#define THEME_SUFFIX ".theme"

static const char *const elem_names[TH_COUNT] = {
	[TH_NORMAL] = "normal",		[TH_HEADER] = "header",
	[TH_STATUS] = "status",		[TH_KEY] = "key",
	[TH_TITLE] = "title",		[TH_TITLE_FOCUS] = "title-focus",
	[TH_LABEL] = "label",		[TH_VALUE] = "value",
	[TH_DIM] = "dim",		[TH_BAR] = "bar",
	[TH_BAR_TW] = "bar-tw",		[TH_SPARK] = "spark",
	[TH_SPARK_EST] = "spark-est",	[TH_OK] = "ok",
	[TH_WARN] = "warn",		[TH_ALARM] = "alarm",
	[TH_SELECTED] = "selected",	[TH_MESSAGE] = "message",
	[TH_ERROR] = "error",		[TH_HELP] = "help",
};

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned int bit;
} attr_names[] = {
	{ "normal", 0 },		{ "none", 0 },
	{ "bold", THEME_BOLD },		{ "dim", THEME_DIM },
	{ "underline", THEME_UNDERLINE }, { "reverse", THEME_REVERSE },
	{ "standout", THEME_STANDOUT },	{ "italic", THEME_ITALIC },
};

void theme_builtin_mono(struct theme *t)
{
	static const unsigned int attrs[TH_COUNT] = {
		[TH_HEADER] = THEME_BOLD | THEME_REVERSE,
		[TH_KEY] = THEME_REVERSE,
		[TH_TITLE] = THEME_BOLD | THEME_UNDERLINE,
		[TH_TITLE_FOCUS] = THEME_BOLD | THEME_REVERSE,
		[TH_LABEL] = THEME_BOLD,
		[TH_DIM] = THEME_DIM,
		[TH_BAR_TW] = THEME_BOLD,
		[TH_SPARK] = THEME_BOLD,
		[TH_WARN] = THEME_BOLD | THEME_UNDERLINE,
		[TH_ALARM] = THEME_BOLD | THEME_REVERSE,
		[TH_SELECTED] = THEME_REVERSE,
		[TH_MESSAGE] = THEME_BOLD,
		[TH_ERROR] = THEME_BOLD | THEME_REVERSE,
	};

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "mono");
	for (int i = 0; i < TH_COUNT; i++) {
		t->st[i].fg = THEME_COLOR_DEFAULT;
		t->st[i].bg = THEME_COLOR_DEFAULT;
		t->st[i].attrs = attrs[i];
	}
}

/* Parses a colour word into out; -1 if it is not one. */
static int theme_parse_color(const char *w, short *out)
{
	const char *base = w;
	int bright = 0;
	char *end;
	long n;

	if (strcasecmp(w, "default") == 0 || strcmp(w, "-") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	if (strcasecmp(w, "grey") == 0 || strcasecmp(w, "gray") == 0) {
		*out = 8;
		return 0;
	}
	if (isdigit((unsigned char)w[0])) {
		errno = 0;
		n = strtol(w, &end, 10);
		if (errno || *end || n < 0 || n > 255)
			return -1;
		*out = (short)n;
		return 0;
	}
	if (strncasecmp(w, "bright-", 7) == 0) {
		base = w + 7;
		bright = 8;
	} else if (strncasecmp(w, "bright", 6) == 0) {
		base = w + 6;
		bright = 8;
	}
	for (int i = 0; i < 8; i++) {
		if (strcasecmp(base, color_names[i]) == 0) {
			*out = (short)(i + bright);
			return 0;
		}
	}
	return -1;
}

/* Parses an attribute word into bits; -1 if it is not one. */
static int theme_parse_attr(const char *w, unsigned int *bits)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]);
	     i++) {
		if (strcasecmp(w, attr_names[i].name) == 0) {
			*bits |= attr_names[i].bit;
			return 0;
		}
	}
	return -1;
}

/* The element named w, or -1. */
static int theme_find_elem(const char *w)
{
	for (int i = 0; i < TH_COUNT; i++) {
		char alt[32];

		if (strcasecmp(w, elem_names[i]) == 0)
			return i;
		/* accept title_focus as well as title-focus */
		snprintf(alt, sizeof(alt), "%s", elem_names[i]);
		for (char *p = alt; *p; p++)
			if (*p == '-')
				*p = '_';
		if (strcasecmp(w, alt) == 0)
			return i;
	}
	return -1;
}

/* Parses the right-hand side "fg [bg [attr...]]" of one line. Returns
 * NULL or what is wrong (in msg). */
static const char *theme_parse_style(char *rhs, struct theme_style *st,
				     char *msg, size_t msglen)
{
	struct theme_style out = { THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT,
				   0 };
	char *save = NULL, tok[40];
	int nword = 0;

	for (char *w = strtok_r(rhs, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save), nword++) {
		if (nword == 0 && theme_parse_color(w, &out.fg) == 0)
			continue;
		if (nword == 0) {
			snprintf(msg, msglen, "unknown foreground colour "
				 "'%s' (a name like red or bright-blue, "
				 "default, or 0-255)",
				 printable_str(tok, sizeof(tok), w));
			return msg;
		}
		if (nword == 1 && theme_parse_color(w, &out.bg) == 0)
			continue;
		if (theme_parse_attr(w, &out.attrs) < 0) {
			snprintf(msg, msglen, "unknown %s '%s'",
				 nword == 1 ? "background colour or attribute"
				 : "attribute",
				 printable_str(tok, sizeof(tok), w));
			return msg;
		}
	}
	if (nword == 0)
		return "missing colours after '='";
	*st = out;
	return NULL;
}

/* Formats "path:line: what" into err and returns -1. */
static int theme_fail(char *err, size_t errlen, const char *path,
		      unsigned int line, const char *what)
{
	if (line)
		snprintf(err, errlen, "%s:%u: %s", path, line, what);
	else
		snprintf(err, errlen, "%s: %s", path, what);
	return -1;
}

/* Parses one non-empty, non-comment line into t. NULL or an error. */
static const char *theme_parse_line(struct theme *t, char *s, char *msg,
				    size_t msglen)
{
	char *eq = strchr(s, '='), *key, *e, tok[40];
	int elem;

	if (!eq)
		return "expected 'element = foreground [background] "
		       "[attributes]'";
	*eq = '\0';
	key = s;
	while (*key == ' ' || *key == '\t')
		key++;
	e = key + strlen(key);
	while (e > key && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (*key == '\0')
		return "missing element name before '='";
	elem = theme_find_elem(key);
	if (elem < 0) {
		snprintf(msg, msglen, "unknown element '%s'",
			 printable_str(tok, sizeof(tok), key));
		return msg;
	}
	return theme_parse_style(eq + 1, &t->st[elem], msg, msglen);
}

int theme_parse(struct theme *t, const char *text, const char *path,
		char *err, size_t errlen)
{
	struct theme out;
	unsigned int lineno = 0;
	const char *p = text;

	theme_builtin_mono(&out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[512], msg[160], *s, *hash;
		const char *bad;

		lineno++;
		if (n >= sizeof(line))
			return theme_fail(err, errlen, path, lineno,
					  "line too long");
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (s = line; *s == ' ' || *s == '\t' || *s == '\r'; s++)
			;
		if (*s == '\0')
			continue;
		for (char *q = s; *q; q++)
			if (*q == '\r')
				*q = ' ';
		bad = theme_parse_line(&out, s, msg, sizeof(msg));
		if (bad)
			return theme_fail(err, errlen, path, lineno, bad);
	}
	snprintf(out.name, sizeof(out.name), "%s", t->name);
	snprintf(out.path, sizeof(out.path), "%s", path);
	*t = out;
	return 0;
}

/* Sets t->name from the basename of path without ".theme". */
static void theme_name_from_path(struct theme *t, const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > strlen(THEME_SUFFIX) &&
	    strcmp(b + n - strlen(THEME_SUFFIX), THEME_SUFFIX) == 0)
		n -= strlen(THEME_SUFFIX);
	if (n >= sizeof(t->name))
		n = sizeof(t->name) - 1;
	memcpy(t->name, b, n);
	t->name[n] = '\0';
}

/* Reads and parses a theme file; name is taken from its basename. */
static int theme_load_file(struct theme *t, const char *path, char *err,
			   size_t errlen)
{
	struct theme tmp;
	FILE *f = syncfile_open_regular(path);
	char *buf;
	size_t n;
	int rc;

	if (!f)
		return theme_fail(err, errlen, path, 0, errno == EINVAL ?
				  "not a regular file" : strerror(errno));
	buf = xmalloc(THEME_FILE_MAX + 1);
	n = fread(buf, 1, THEME_FILE_MAX + 1, f);
	if (ferror(f) || n > THEME_FILE_MAX) {
		rc = theme_fail(err, errlen, path, 0, ferror(f) ?
				strerror(errno) : "file too large");
	} else {
		buf[n] = '\0';
		theme_name_from_path(&tmp, path);
		rc = memchr(buf, '\0', n) ?
		     theme_fail(err, errlen, path, 0, "not a text file") :
		     theme_parse(&tmp, buf, path, err, errlen);
		if (rc == 0)
			*t = tmp;
	}
	free(buf);
	fclose(f);
	return rc;
}

/* The theme directories in search order. */
struct theme_dirs {
	const char *dir[2];
	unsigned int n;
	char tree[PATH_MAX];
};

/* An installed twtop looks only in the installed data directory, and has
 * no build path compiled in. An uninstalled one, run from its build tree
 * (buildtree.h), looks in $TWTOP_THEME_DIR, then in the source tree's
 * themes/, and never at an installed directory of maybe another version. */
static void theme_dirs(struct theme_dirs *td)
{
	const char *env = getenv("TWTOP_THEME_DIR");
	char top[PATH_MAX];

	td->n = 0;
	if (buildtree_top(top, sizeof(top)) == 0 &&
	    snprintf(td->tree, sizeof(td->tree), "%s/%s", top,
		     BUILDTREE_THEMES) < (int)sizeof(td->tree)) {
		if (env && *env)
			td->dir[td->n++] = env;
		td->dir[td->n++] = td->tree;
		return;
	}
#ifdef TWTOP_DATADIR
	td->dir[td->n++] = TWTOP_DATADIR;
#endif
}

/* A theme name is letters, digits, '-' and '_'. */
static int theme_valid_name(const char *name)
{
	if (!*name || strlen(name) >= THEME_NAME_MAX)
		return 0;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return 0;
	return 1;
}

int theme_find(const char *name, char *path, size_t len)
{
	struct theme_dirs td;

	if (!theme_valid_name(name))
		return -1;
	theme_dirs(&td);
	for (unsigned int i = 0; i < td.n; i++) {
		int k = snprintf(path, len, "%s/%s%s", td.dir[i], name,
				 THEME_SUFFIX);

		if (k < 0 || (size_t)k >= len)
			continue;
		/* not fopen(): opening a FIFO would block */
		if (access(path, R_OK) == 0)
			return 0;
	}
	return -1;
}

int theme_load(struct theme *t, const char *name_or_path, char *err,
	       size_t errlen)
{
	char path[PATH_MAX], name[72], where[2 * PATH_MAX + 8];
	size_t n = strlen(name_or_path), sl = strlen(THEME_SUFFIX), w = 0;
	struct theme_dirs td;

	if (strchr(name_or_path, '/') ||
	    (n > sl && strcmp(name_or_path + n - sl, THEME_SUFFIX) == 0))
		return theme_load_file(t, name_or_path, err, errlen);
	if (theme_find(name_or_path, path, sizeof(path)) == 0)
		return theme_load_file(t, path, err, errlen);
	if (strcmp(name_or_path, "mono") == 0) {
		theme_builtin_mono(t);
		return 0;
	}
	/* the name may come from a config file, the directory from the
	 * environment */
	printable_str(name, sizeof(name), name_or_path);
	theme_dirs(&td);
	where[0] = '\0';
	for (unsigned int i = 0; i < td.n && w < sizeof(where); i++) {
		printable_str(path, sizeof(path), td.dir[i]);
		w += (size_t)snprintf(where + w, sizeof(where) - w, "%s%s",
				      i ? ", " : "", path);
	}
	snprintf(err, errlen, "theme '%s' not found (looked for %s%s in %s)",
		 name, name, THEME_SUFFIX, td.n ? where : "no directory");
	return -1;
}

/* qsort comparison of theme names. */
static int theme_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

unsigned int theme_list(char names[][THEME_NAME_MAX], unsigned int max)
{
	struct theme_dirs td;
	unsigned int n = 0;

	theme_dirs(&td);
	for (unsigned int i = 0; i < td.n; i++) {
		DIR *d = opendir(td.dir[i]);
		struct dirent *de;

		while (d && (de = readdir(d)) != NULL && n < max) {
			size_t len = strlen(de->d_name);
			size_t sl = strlen(THEME_SUFFIX);
			char name[THEME_NAME_MAX];
			unsigned int j;

			if (len <= sl || len - sl >= THEME_NAME_MAX ||
			    strcmp(de->d_name + len - sl, THEME_SUFFIX))
				continue;
			memcpy(name, de->d_name, len - sl);
			name[len - sl] = '\0';
			if (!theme_valid_name(name))
				continue;
			for (j = 0; j < n && strcmp(names[j], name); j++)
				;
			if (j == n)
				memcpy(names[n++], name, sizeof(name));
		}
		if (d)
			closedir(d);
	}
	qsort(names, n, THEME_NAME_MAX, theme_cmp);
	return n;
}
