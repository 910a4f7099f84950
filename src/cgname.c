// SPDX-License-Identifier: GPL-2.0-or-later
/* Short names for cgroup paths: the container or unit of a process. */
#include <stdio.h>
#include <string.h>

#include "twtop/cgname.h"

#define ID_SHORT 12	/* as docker ps and htop show container ids */

static bool is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		      (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return n > 0;
}

static bool has_suffix(const char *p, size_t n, const char *suf, size_t *stem)
{
	size_t k = strlen(suf);

	if (n <= k || memcmp(p + n - k, suf, k) != 0)
		return false;
	*stem = n - k;
	return true;
}

/* One path component: a container (prefix + 64 hex digits, with or
 * without ".scope"), a bare id (cgroupfs driver: /docker/<id>,
 * /kubepods/.../<id>), or a unit. */
static enum cg_kind component(const char *p, size_t n, char *out, size_t len)
{
	static const char *const prefixes[] = {
		"docker-", "cri-containerd-", "crio-", "libpod-",
	};
	size_t stem = n;

	(void)has_suffix(p, n, ".scope", &stem);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]), idl = stem - pl;

		if (stem > pl && memcmp(p, prefixes[i], pl) == 0 &&
		    is_hex(p + pl, idl)) {
			snprintf(out, len, "%.*s%.*s", (int)pl, p,
				 (int)(idl < ID_SHORT ? idl : ID_SHORT), p + pl);
			return CG_CONTAINER;
		}
	}
	if (n == 64 && is_hex(p, n)) {
		snprintf(out, len, "%.*s", ID_SHORT, p);
		return CG_CONTAINER;
	}
	if (has_suffix(p, n, ".service", &stem) ||
	    (has_suffix(p, n, ".scope", &stem) &&
	     strncmp(p, "session-", 8) != 0)) {
		snprintf(out, len, "%.*s", (int)n, p);
		return CG_UNIT;
	}
	return CG_NONE;
}

enum cg_kind cgname_short(const char *path, char *out, size_t len)
{
	const char *end = path + strlen(path);

	if (len > 0)
		out[0] = '\0';
	/* Innermost first: a container's own scope beats the slice that
	 * holds it, a service beats user.slice. */
	while (end > path) {
		const char *start = end;
		enum cg_kind k;

		while (start > path && start[-1] != '/')
			start--;
		if (end > start) {
			k = component(start, (size_t)(end - start), out, len);
			if (k != CG_NONE)
				return k;
		}
		end = start > path ? start - 1 : path;
	}
	if (len > 0)
		out[0] = '\0';
	return CG_NONE;
}

bool cgname_from_proc(const char *text, char *path, size_t len)
{
	const char *line = text;
	bool found = false;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		const char *sel = NULL;

		if (n >= 3 && memcmp(line, "0::", 3) == 0)
			sel = line + 3;
		else if (!found && n > 0) {
			const char *c = memchr(line, ':', n);

			if (c && (size_t)(line + n - c) > 15 &&
			    memcmp(c + 1, "name=systemd:", 13) == 0)
				sel = c + 14;
		}
		if (sel) {
			size_t k = (size_t)(line + n - sel);

			if (k >= len)
				k = len - 1;
			memcpy(path, sel, k);
			path[k] = '\0';
			found = true;
			if (line[0] == '0')
				return true;	/* v2 wins */
		}
		line = nl ? nl + 1 : NULL;
	}
	return found;
}
