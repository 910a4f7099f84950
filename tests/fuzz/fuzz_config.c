/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer harness: config file text through config_parse(). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "twtop/config.h"

#define PATH "fuzz.config"

/* s is a NUL-ended string within n bytes. */
static int ended(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	char err[1024] = "", *text = fuzz_text(data, size);
	int rc;

	memset(&o, 0, sizeof(o));
	o.interval = 1;
	rc = config_parse(&o, text, PATH, err, sizeof(err));
	if (rc == -1)
		fuzz_check_message(err, sizeof(err), PATH ":");
	else if (rc != 0)
		fuzz_fail("config_parse returned neither 0 nor -1", text);
	/* what was set before a bad line stays set: check it either way */
	if (o.interval != 1 && !(o.interval >= 0.1 && o.interval <= 3600))
		fuzz_fail("interval out of range", text);
	if (!ended(o.theme, sizeof(o.theme)) ||
	    !ended(o.snapshot_dir, sizeof(o.snapshot_dir)))
		fuzz_fail("a setting is not NUL-ended", text);
	free(text);
	return 0;
}
