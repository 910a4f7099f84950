/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP state names. */
#include <ctype.h>
#include <string.h>

#include "twtop/tcpstate.h"

static const char *const names[TS_MAX] = {
	[TS_ESTABLISHED] = "ESTABLISHED",
	[TS_SYN_SENT] = "SYN_SENT",
	[TS_SYN_RECV] = "SYN_RECV",
	[TS_FIN_WAIT1] = "FIN_WAIT1",
	[TS_FIN_WAIT2] = "FIN_WAIT2",
	[TS_TIME_WAIT] = "TIME_WAIT",
	[TS_CLOSE] = "CLOSE",
	[TS_CLOSE_WAIT] = "CLOSE_WAIT",
	[TS_LAST_ACK] = "LAST_ACK",
	[TS_LISTEN] = "LISTEN",
	[TS_CLOSING] = "CLOSING",
	[TS_NEW_SYN_RECV] = "NEW_SYN_RECV",
	[TS_BOUND_INACTIVE] = "BOUND_INACTIVE",
};

const uint8_t tcpstate_order[TCPSTATE_SHOWN] = {
	TS_ESTABLISHED, TS_SYN_SENT, TS_SYN_RECV, TS_FIN_WAIT1, TS_FIN_WAIT2,
	TS_TIME_WAIT, TS_CLOSE, TS_CLOSE_WAIT, TS_LAST_ACK, TS_LISTEN,
	TS_CLOSING,
};

const char *tcpstate_name(unsigned int state)
{
	if (state >= TS_MAX || names[state] == NULL)
		return "UNKNOWN";
	return names[state];
}

/* Compares ignoring case and treating '-' as '_' (ss prints time-wait). */
static int name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : (char)toupper((unsigned char)*a);
		char y = *b == '-' ? '_' : (char)toupper((unsigned char)*b);

		if (x != y)
			return 0;
	}
	return *a == *b;
}

int tcpstate_parse(const char *name)
{
	/* ss's spellings without the underscore between words. */
	static const struct { const char *alias; int state; } aliases[] = {
		{ "FIN_WAIT_1", TS_FIN_WAIT1 }, { "FIN_WAIT_2", TS_FIN_WAIT2 },
		{ "SYN_RECEIVED", TS_SYN_RECV }, { "ESTAB", TS_ESTABLISHED },
		{ "CLOSED", TS_CLOSE },
	};

	for (int i = 1; i < TS_MAX; i++)
		if (names[i] && name_eq(name, names[i]))
			return i;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (name_eq(name, aliases[i].alias))
			return aliases[i].state;
	return -1;
}
