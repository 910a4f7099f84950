/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sparklines and horizontal bars as text: scaling and glyphs. */
#ifndef TWTOP_SPARKLINE_H
#define TWTOP_SPARKLINE_H

#include <stddef.h>

enum spark_style {
	SPARK_ASCII,		/* " .-=#" */
	SPARK_BLOCK,		/* U+2581..U+2588, UTF-8 terminals */
};

/*
 * Scales v from [0, max] to 0..levels, rounding to nearest; a value above
 * zero gets at least 1 so it stays visible, values at or above max get
 * levels, and zero, negative or NaN values (or max <= 0) get 0.
 */
unsigned int spark_level(double v, double max, unsigned int levels);

/* The glyph for one cell of row `row` (0 = bottom) of a sparkline whose
 * column has `level` steps filled in total. */
const char *spark_glyph(enum spark_style st, unsigned int level,
			unsigned int row);

/*
 * Renders row `row` (0 = bottom) of a `rows` high sparkline of the last
 * `width` of the n values v (newest at the right, blank cells at the left
 * when n < width), scaled to max, into out as a NUL-terminated string.
 * Returns the number of cells written (width), or 0 if out is too small.
 */
size_t spark_row(const double *v, size_t n, double max, unsigned int rows,
		 unsigned int row, unsigned int width, enum spark_style st,
		 char *out, size_t outlen);

/*
 * Renders a horizontal bar of frac (0..1) over width cells into out:
 * full cells, then one partial cell (eighths for blocks, none for ASCII),
 * no padding. A frac above 0 shows at least the smallest glyph. Returns
 * the cells used.
 */
size_t spark_hbar(double frac, unsigned int width, enum spark_style st,
		  char *out, size_t outlen);

#endif
