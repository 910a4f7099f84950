/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Addresses in the columns the dashboard gives them: whole when they
 * fit, else elided in the middle, keeping the tail where addresses of
 * one prefix differ (fd00:1111:...:7771 and ...:7772). An address with
 * a port is bracketed when it is IPv6 ([::1]:8444), as ss prints it.
 * Pure (no curses), so tests call it alone. */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

/* Columns of a string of ASCII and one-column UTF-8 glyphs (the
 * ellipsis, the arrow): its bytes less the continuation bytes. */
int ui_cols(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static const char *ellipsis(bool utf8)
{
	return utf8 ? "\u2026" : "~";
}

/* The ASCII text s in at most w columns: whole, else its head, an
 * ellipsis and its tail, the tail three times the head's length. */
const char *ui_elide(const char *s, int w, bool utf8, char *buf, size_t len)
{
	size_t n = strlen(s), head, tail;

	if (w < 0)
		w = 0;
	if (n <= (size_t)w) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	if (w == 0) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	head = (size_t)(w - 1) / 4;
	tail = (size_t)(w - 1) - head;
	snprintf(buf, len, "%.*s%s%s", (int)head, s, ellipsis(utf8),
		 s + n - tail);
	return buf;
}

/* An address in at most w columns. */
const char *ui_addr_fit(const struct tw_addr *a, int w, bool utf8, char *buf,
			size_t len)
{
	char t[ADDR_STRLEN];

	return ui_elide(addr_format(a, t, sizeof(t)), w, utf8, buf, len);
}

/* "10.0.0.1:8080" or "[fd00::1]:8080" in at most w columns: the port
 * and the brackets whole, the address elided to what is left (one
 * column at least). */
const char *ui_addr_port_fit(const struct tw_addr *a, uint16_t port, int w,
			     bool utf8, char *buf, size_t len)
{
	char t[ADDR_STRLEN], e[ADDR_STRLEN + 8];
	bool v6 = a->family == AF_INET6;
	int fixed = snprintf(NULL, 0, ":%u", port) + (v6 ? 2 : 0);

	ui_elide(addr_format(a, t, sizeof(t)), w - fixed > 1 ? w - fixed : 1,
		 utf8, e, sizeof(e));
	snprintf(buf, len, "%s%s%s:%u", v6 ? "[" : "", e, v6 ? "]" : "",
		 port);
	return buf;
}

/* A destination group, "local->remote:port" (the remote bracketed when
 * IPv6), in at most w columns: when both addresses do not fit, the
 * remote one keeps two thirds of the room or what the local one leaves,
 * each elided in its middle. */
const char *ui_group_fit(const struct tw_addr *l, const struct tw_addr *r,
			 uint16_t port, int w, bool utf8, char *buf,
			 size_t len)
{
	char ls[ADDR_STRLEN], rs[ADDR_STRLEN], le[ADDR_STRLEN + 4],
	     re[ADDR_STRLEN + 4];
	const char *arrow = utf8 ? "\u2192" : "->";
	bool v6 = r->family == AF_INET6;
	int fixed = ui_cols(arrow) + (v6 ? 2 : 0) +
		    snprintf(NULL, 0, ":%u", port);
	int lw, rw, room = w - fixed;

	lw = (int)strlen(addr_format(l, ls, sizeof(ls)));
	rw = (int)strlen(addr_format(r, rs, sizeof(rs)));
	if (lw + rw > room) {
		int rk = (2 * room + 2) / 3;

		rk = room - lw > rk ? room - lw : rk;
		rw = rw < rk ? rw : rk;
		lw = room - rw;
		if (lw < 1) {
			lw = 1;
			rw = room - 1 > 1 ? room - 1 : 1;
		}
	}
	ui_elide(ls, lw, utf8, le, sizeof(le));
	ui_elide(rs, rw, utf8, re, sizeof(re));
	snprintf(buf, len, "%s%s%s%s%s:%u", le, arrow, v6 ? "[" : "", re,
		 v6 ? "]" : "", port);
	return buf;
}
