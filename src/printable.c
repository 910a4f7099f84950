/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Escapes controls, bidi and invisible characters and invalid UTF-8 so
 * that text from outside cannot drive or disguise itself on a terminal. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "twtop/printable.h"

/* The code point of the UTF-8 sequence at s (at most len bytes) into
 * *cp; its length, or 0 when it is not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF are not). */
static size_t printable_decode(const unsigned char *s, size_t len,
			       uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* True for code points that are shown escaped although valid. */
static bool printable_hidden(uint32_t c)
{
	/* C0, DEL, C1; the Arabic letter mark; zero width space, joiners,
	 * LRM, RLM; line and paragraph separators, bidi embeddings and
	 * overrides; word joiner and invisible operators; bidi isolates;
	 * zero width no-break space (BOM) */
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c ||
	       (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0xfeff;
}

char *printable_escape(char *buf, size_t size, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t off = 0, i = 0;

	if (size == 0)
		return buf;
	while (i < len) {
		char esc[16];
		const char *out;
		size_t n, k;
		uint32_t c;

		n = printable_decode(p + i, len - i, &c);
		if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
			out = esc;
			n = 1;
		} else if (printable_hidden(c)) {
			if (c < 0x80)
				snprintf(esc, sizeof(esc), "\\x%02x",
					 (unsigned int)c);
			else
				snprintf(esc, sizeof(esc), "\\u%04x",
					 (unsigned int)c);
			out = esc;
		} else {
			out = s + i;
		}
		k = out == esc ? strlen(esc) : n;
		if (off + k >= size)
			break;
		memcpy(buf + off, out, k);
		off += k;
		i += n;
	}
	buf[off] = '\0';
	return buf;
}

char *printable_str(char *buf, size_t size, const char *s)
{
	return printable_escape(buf, size, s, strlen(s));
}
