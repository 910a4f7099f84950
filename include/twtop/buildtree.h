/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is the running program an uninstalled one, run from its build tree? */
#ifndef TWTOP_BUILDTREE_H
#define TWTOP_BUILDTREE_H

#include <stddef.h>

/* The link "make" puts in the top build directory, to the source tree's
 * themes/ (Makefile.am). It is never installed: it marks a build tree. */
#define BUILDTREE_THEMES "uninstalled-themes"

/*
 * When the running program lies one directory below a top build
 * directory that holds BUILDTREE_THEMES (src/twtop, tests/test_theme),
 * writes that top directory into buf and returns 0; otherwise (an
 * installed program, or buf too small) returns -1. Found from
 * /proc/self/exe at run time, so no build path is compiled in.
 */
int buildtree_top(char *buf, size_t len);

#endif
