/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: a snapshot file or --batch --json stream through
 * replay_open(), the way --replay reads one, then every record through
 * replay_record(). The input goes to a memfd opened by its /proc/self/fd
 * path: no file is written, and the harness depends on nothing but the
 * public replay API.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "twtop/replay.h"
#include "twtop/snapshot.h"
#include "ui_markers.h"

/* Makes the memfd hold exactly the input; its path into path. */
static void fuzz_file(const uint8_t *data, size_t size, char *path,
		      size_t len)
{
	static int fd = -1;
	size_t off = 0;

	if (fd < 0)
		fd = memfd_create("fuzz-replay", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) < 0)
		abort();
	while (off < size) {
		ssize_t k = pwrite(fd, data + off, size - off, (off_t)off);

		if (k <= 0)
			abort();
		off += (size_t)k;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ui_markers ms;
	char path[64], prefix[80], err[1024] = "";
	struct replay *r;
	uint32_t line = 0;

	fuzz_file(data, size, path, sizeof(path));
	snprintf(prefix, sizeof(prefix), "%s:", path);
	r = replay_open(path, err, sizeof(err));
	if (r == NULL) {
		fuzz_check_message(err, sizeof(err), prefix);
		/* a harness that cannot open its file would test nothing: that
		 * error is "PATH: strerror" exactly (not "PATH:LINE: ...",
		 * whose text comes from the input and may hold those words) */
		char want[160];
		static const int open_errs[] = { ELOOP, ENOENT, EACCES };

		for (size_t i = 0; i < sizeof(open_errs) / sizeof(open_errs[0]);
		     i++) {
			snprintf(want, sizeof(want), "%s %s", prefix,
				 strerror(open_errs[i]));
			if (strcmp(err, want) == 0)
				fuzz_fail("replay_open cannot open the memfd",
					  err);
		}
		return 0;
	}
	if (replay_count(r) < 1)
		fuzz_fail("opened without a record", NULL);
	if (*replay_warning(r))
		fuzz_check_message(replay_warning(r),
				   strlen(replay_warning(r)) + 2, prefix);
	for (size_t k = 0; k < replay_count(r); k++) {
		struct snapshot *s;

		if (replay_line(r, k) < 1 || replay_line(r, k) < line)
			fuzz_fail("record lines out of order", NULL);
		line = replay_line(r, k);
		/* every record was checked when the file was opened */
		s = replay_record(r, k, &ms, err, sizeof(err));
		if (s == NULL)
			fuzz_fail("a record that opened fails to read", err);
		if (!(replay_interval(s) >= 0) || !isfinite(replay_interval(s)))
			fuzz_fail("replay_interval not a duration", NULL);
		if (ms.n > UI_MARKERS_MAX)
			fuzz_fail("too many markers", NULL);
		snap_unref(s);
	}
	replay_free(r);
	return 0;
}
