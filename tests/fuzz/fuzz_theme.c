/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: theme file text through theme_parse(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "twtop/theme.h"

#define PATH "fuzz.theme"
#define ATTRS_ALL (THEME_BOLD | THEME_DIM | THEME_UNDERLINE | \
		   THEME_REVERSE | THEME_STANDOUT | THEME_ITALIC)

/* A colour the UI can hand to init_pair. */
static int color_ok(short c)
{
	return c == THEME_COLOR_DEFAULT || (c >= 0 && c <= 255);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct theme t, before;
	char err[1024] = "", *text = fuzz_text(data, size);
	int rc;

	theme_builtin_mono(&t);
	snprintf(t.name, sizeof(t.name), "fuzz");
	before = t;
	rc = theme_parse(&t, text, PATH, err, sizeof(err));
	if (rc == 0) {
		if (strcmp(t.name, "fuzz") != 0 || strcmp(t.path, PATH) != 0)
			fuzz_fail("name or path changed", t.name);
		for (int i = 0; i < TH_COUNT; i++)
			if (!color_ok(t.st[i].fg) || !color_ok(t.st[i].bg) ||
			    (t.st[i].attrs & ~(unsigned int)ATTRS_ALL))
				fuzz_fail("style out of range", text);
	} else if (rc == -1) {
		fuzz_check_message(err, sizeof(err), PATH ":");
		if (memcmp(&t, &before, sizeof(t)) != 0)
			fuzz_fail("a failed parse changed the theme", err);
	} else {
		fuzz_fail("theme_parse returned neither 0 nor -1", text);
	}
	free(text);
	return 0;
}
