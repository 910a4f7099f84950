/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The interactive dashboard (ncurses). */
#ifndef TWTOP_UI_H
#define TWTOP_UI_H

#include "twtop/options.h"

/*
 * Runs the dashboard until the user quits: checks for a terminal, starts
 * the --demo load if asked, creates and starts the sampler, draws.
 * Returns the process exit status (0, or 2 for usage problems such as no
 * terminal, 1 for runtime failures). The terminal is always restored.
 */
int ui_main(const struct options *o);

#endif
