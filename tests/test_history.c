/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests for src/history.c: the bounded ring of trend samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "twtop/history.h"

struct fixture {
	struct history h;
	struct snap_hist out[SNAP_HIST_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	history_reset(&f->h);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Pushes samples numbered first, first + 1, ... (count of them). */
static void push_range(struct history *h, uint32_t first, uint32_t count)
{
	for (uint32_t i = first; i < first + count; i++) {
		struct snap_hist e = {
			.t = 1000.0 + i,
			.time_wait = i,
			.established = 2 * i,
			.new_tw_per_s = i % 3 == 0 ? -1.0 : i * 0.5,
		};

		history_push(h, &e);
	}
}

/* Asserts out[0..count) are samples first, first + 1, ... */
static void assert_run(const struct snap_hist *out, uint32_t count,
		       uint32_t first)
{
	for (uint32_t i = 0; i < count; i++) {
		uint32_t k = first + i;

		assert_int_equal(out[i].time_wait, k);
		assert_int_equal(out[i].established, 2 * k);
		assert_true(out[i].t == 1000.0 + k);
		assert_true(out[i].new_tw_per_s ==
			    (k % 3 == 0 ? -1.0 : k * 0.5));
	}
}

static void test_empty(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->h.n, 0);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX), 0);
	assert_int_equal(history_copy(&f->h, NULL, 0), 0);
}

static void test_fewer_than_max(void **state)
{
	struct fixture *f = *state;

	push_range(&f->h, 0, 5);
	assert_int_equal(f->h.n, 5);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX), 5);
	assert_run(f->out, 5, 0);
}

static void test_exactly_max(void **state)
{
	struct fixture *f = *state;

	push_range(&f->h, 0, SNAP_HIST_MAX);
	assert_int_equal(f->h.n, SNAP_HIST_MAX);
	assert_int_equal(f->h.head, 0);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX),
			 SNAP_HIST_MAX);
	assert_run(f->out, SNAP_HIST_MAX, 0);
}

static void test_wraparound(void **state)
{
	struct fixture *f = *state;

	push_range(&f->h, 0, SNAP_HIST_MAX + 7);
	assert_int_equal(f->h.n, SNAP_HIST_MAX);
	assert_int_equal(f->h.head, 7);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX),
			 SNAP_HIST_MAX);
	/* The 7 oldest were overwritten: 7 .. MAX+6, oldest first. */
	assert_run(f->out, SNAP_HIST_MAX, 7);

	/* Many laps later the order still holds. */
	push_range(&f->h, SNAP_HIST_MAX + 7, 3 * SNAP_HIST_MAX + 1);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX),
			 SNAP_HIST_MAX);
	assert_run(f->out, SNAP_HIST_MAX, 3 * SNAP_HIST_MAX + 8);
}

static void test_copy_newest(void **state)
{
	struct fixture *f = *state;

	push_range(&f->h, 0, 10);
	assert_int_equal(history_copy(&f->h, f->out, 3), 3);
	assert_run(f->out, 3, 7);

	/* The newest 10 span the ring's end: slots MAX-3 .. 6. */
	history_reset(&f->h);
	push_range(&f->h, 0, SNAP_HIST_MAX + 7);
	f->out[10].time_wait = 4242;
	assert_int_equal(history_copy(&f->h, f->out, 10), 10);
	assert_run(f->out, 10, SNAP_HIST_MAX - 3);
	assert_int_equal(f->out[10].time_wait, 4242);	/* not written */

	assert_int_equal(history_copy(&f->h, f->out, 0), 0);
	assert_int_equal(history_copy(&f->h, f->out, 1), 1);
	assert_run(f->out, 1, SNAP_HIST_MAX + 6);
}

static void test_reset(void **state)
{
	struct fixture *f = *state;

	push_range(&f->h, 0, SNAP_HIST_MAX + 50);
	history_reset(&f->h);
	assert_int_equal(f->h.n, 0);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX), 0);
	push_range(&f->h, 900, 2);
	assert_int_equal(history_copy(&f->h, f->out, SNAP_HIST_MAX), 2);
	assert_run(f->out, 2, 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fewer_than_max, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exactly_max, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wraparound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_copy_newest, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
