/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --all-netns from the command line: the options into an allns, and the
 * headless modes (--once, --batch). */
#ifndef TWTOP_ALLNS_CLI_H
#define TWTOP_ALLNS_CLI_H

#include <stddef.h>

#include "twtop/allns.h"
#include "twtop/options.h"

/* The allns the options describe; budget: a pass may take a share of the
 * interval (--batch, the dashboard) or sample every namespace (--once);
 * with_prom: the runner writes --prometheus. NULL with err. */
struct allns *allns_from_options(const struct options *o, bool budget,
				 bool with_prom, char *err, size_t errlen);

/* --all-netns --once or --batch: the exit status. */
int allns_headless(const struct options *o);

#endif
