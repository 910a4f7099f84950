/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user's defaults file: key = value lines over the built-in options. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twtop/config.h"
#include "twtop/printable.h"
#include "twtop/syncfile.h"
#include "twtop/xalloc.h"

#define CONFIG_MAX_BYTES (64 * 1024)

/* Formats "path:line: what" into err. */
static int config_fail(char *err, size_t errlen, const char *path,
		       unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int config_fail(char *err, size_t errlen, const char *path,
		       unsigned int line, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", path, line, what);
	else
		snprintf(err, errlen, "%s: %s", path, what);
	return -1;
}

/* Strips leading and trailing blanks in place; returns the new start. */
static char *config_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Removes one pair of surrounding double quotes; -1 if unbalanced. */
static int config_unquote(char **v)
{
	size_t n = strlen(*v);

	if (n == 0 || (*v)[0] != '"')
		return (n && (*v)[n - 1] == '"') ? -1 : 0;
	if (n < 2 || (*v)[n - 1] != '"')
		return -1;
	(*v)[n - 1] = '\0';
	(*v)++;
	return 0;
}

/* Copies a path value, expanding a leading "~/" to $HOME. */
static int config_set_path(char *dst, size_t dstlen, const char *v)
{
	const char *home = getenv("HOME");
	int n;

	if (v[0] == '~' && (v[1] == '/' || v[1] == '\0') && home && *home)
		n = snprintf(dst, dstlen, "%s%s", home, v + 1);
	else
		n = snprintf(dst, dstlen, "%s", v);
	return (n < 0 || (size_t)n >= dstlen) ? -1 : 0;
}

/* Applies one key = value pair; returns NULL or what is wrong. */
static const char *config_apply(struct options *o, const char *key,
				const char *v)
{
	static char msg[128];
	char *end, tok[48];
	double d;

	if (*v == '\0')
		return "empty value";
	if (strcmp(key, "theme") == 0) {
		if (strlen(v) >= sizeof(o->theme))
			return "theme name too long";
		snprintf(o->theme, sizeof(o->theme), "%s", v);
		return NULL;
	}
	if (strcmp(key, "interval") == 0) {
		errno = 0;
		d = strtod(v, &end);
		if (errno || *end || end == v || !isfinite(d) ||
		    d < 0.1 || d > 3600) {
			snprintf(msg, sizeof(msg), "interval '%s' is not a "
				 "number of seconds from 0.1 to 3600",
				 printable_str(tok, sizeof(tok), v));
			return msg;
		}
		o->interval = d;
		return NULL;
	}
	if (strcmp(key, "snapshot_dir") == 0 ||
	    strcmp(key, "snapshot-dir") == 0) {
		if (config_set_path(o->snapshot_dir, sizeof(o->snapshot_dir),
				    v))
			return "snapshot_dir too long";
		return NULL;
	}
	snprintf(msg, sizeof(msg), "unknown setting '%s' (known: theme, "
		 "interval, snapshot_dir)",
		 printable_str(tok, sizeof(tok), key));
	return msg;
}

int config_parse(struct options *o, const char *text, const char *path,
		 char *err, size_t errlen)
{
	unsigned int lineno = 0;
	const char *p = text;

	while (*p) {
		char line[1024], *s, *eq, *key, *val;
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *bad;

		lineno++;
		if (n >= sizeof(line))
			return config_fail(err, errlen, path, lineno,
					   "line too long");
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		s = config_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq)
			return config_fail(err, errlen, path, lineno,
					   "expected 'key = value'");
		*eq = '\0';
		key = config_trim(s);
		val = config_trim(eq + 1);
		if (*key == '\0')
			return config_fail(err, errlen, path, lineno,
					   "missing key before '='");
		if (config_unquote(&val))
			return config_fail(err, errlen, path, lineno,
					   "unbalanced quotes");
		bad = config_apply(o, key, val);
		if (bad)
			return config_fail(err, errlen, path, lineno, "%s",
					   bad);
	}
	return 0;
}

int config_load_file(struct options *o, const char *path, char *err,
		     size_t errlen)
{
	FILE *f = syncfile_open_regular(path);
	char *buf;
	size_t n;
	int rc;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		return config_fail(err, errlen, path, 0, "%s",
				   errno == EINVAL ? "not a regular file" :
				   strerror(errno));
	}
	buf = xmalloc(CONFIG_MAX_BYTES + 1);
	n = fread(buf, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f) || n > CONFIG_MAX_BYTES) {
		rc = config_fail(err, errlen, path, 0, "%s",
				 ferror(f) ? strerror(errno) :
				 "file too large");
	} else {
		buf[n] = '\0';
		if (memchr(buf, '\0', n))
			rc = config_fail(err, errlen, path, 0,
					 "not a text file");
		else
			rc = config_parse(o, buf, path, err, errlen);
	}
	free(buf);
	fclose(f);
	return rc;
}

const char *config_default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(buf, len, "%s/twtop/config", xdg);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.config/twtop/config", home);
	else
		n = snprintf(buf, len, "%s", "");
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
	return buf;
}

int config_load_default(struct options *o, char *err, size_t errlen)
{
	char path[4096];

	if (!*config_default_path(path, sizeof(path)))
		return 0;
	return config_load_file(o, path, err, errlen);
}
