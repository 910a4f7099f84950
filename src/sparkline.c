/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sparklines and horizontal bars as text: scaling and glyphs. */
#include <math.h>
#include <string.h>

#include "twtop/sparkline.h"

/* Vertical eighths, U+2581..U+2588, with a space for nothing. */
static const char *const block_v[9] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};

/* Horizontal eighths, U+258F..U+2589 then the full block. */
static const char *const block_h[9] = {
	"", "\u258f", "\u258e", "\u258d", "\u258c",
	"\u258b", "\u258a", "\u2589", "\u2588",
};

static const char *const ascii_v[5] = { " ", ".", "-", "=", "#" };

/* Sub-cell steps one glyph row can show: 8 for blocks, 4 for ASCII. */
static unsigned int spark_steps(enum spark_style st)
{
	return st == SPARK_BLOCK ? 8 : 4;
}

unsigned int spark_level(double v, double max, unsigned int levels)
{
	double l;

	if (!(v > 0) || !(max > 0) || levels == 0)
		return 0;
	if (v >= max)
		return levels;
	l = floor(v / max * levels + 0.5);
	if (l < 1)
		l = 1;
	return (unsigned int)l;
}

const char *spark_glyph(enum spark_style st, unsigned int level,
			unsigned int row)
{
	unsigned int steps = spark_steps(st);
	unsigned int below = row * steps;
	unsigned int k = level <= below ? 0 : level - below;

	if (k > steps)
		k = steps;
	return st == SPARK_BLOCK ? block_v[k] : ascii_v[k];
}

size_t spark_row(const double *v, size_t n, double max, unsigned int rows,
		 unsigned int row, unsigned int width, enum spark_style st,
		 char *out, size_t outlen)
{
	unsigned int levels = rows * spark_steps(st);
	size_t off = 0, first = n > width ? n - width : 0;
	size_t pad = n < width ? width - n : 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	for (size_t i = 0; i < width; i++) {
		const char *g = " ";
		size_t gl;

		if (i >= pad)
			g = spark_glyph(st, spark_level(v[first + i - pad],
							max, levels), row);
		gl = strlen(g);
		if (off + gl + 1 > outlen) {
			out[0] = '\0';
			return 0;
		}
		memcpy(out + off, g, gl);
		off += gl;
	}
	out[off] = '\0';
	return width;
}

size_t spark_hbar(double frac, unsigned int width, enum spark_style st,
		  char *out, size_t outlen)
{
	unsigned int eighths, full, part, cells = 0;
	size_t off = 0;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (!(frac > 0) || width == 0)
		return 0;
	if (frac > 1)
		frac = 1;
	if (st == SPARK_BLOCK) {
		eighths = (unsigned int)floor(frac * width * 8 + 0.5);
		if (eighths == 0)
			eighths = 1;
		full = eighths / 8;
		part = eighths % 8;
	} else {
		full = (unsigned int)floor(frac * width + 0.5);
		if (full == 0)
			full = 1;
		part = 0;
	}
	for (unsigned int i = 0; i < full + (part ? 1 : 0); i++) {
		const char *g = st == SPARK_BLOCK ?
				(i < full ? block_h[8] : block_h[part]) : "#";
		size_t gl = strlen(g);

		if (off + gl + 1 > outlen)
			break;
		memcpy(out + off, g, gl);
		off += gl;
		cells++;
	}
	out[off] = '\0';
	return cells;
}
