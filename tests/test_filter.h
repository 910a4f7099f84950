/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The part of test_filter that needs root: tests/test_filter_live.c. */
#ifndef TWTOP_TEST_FILTER_H
#define TWTOP_TEST_FILTER_H

/* Kernel bytecode dumps against user-space evaluation, in a private
 * network namespace; skipped when not root. */
void test_live_kernel(void **state);

#endif
