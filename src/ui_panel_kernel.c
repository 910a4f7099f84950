/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Panel: the kernel's view: TIME_WAIT counters with per-second rates,
 * the rest of the teardown story (connections that ended in an RST
 * instead, handshakes dropped at a full accept queue, conntrack entries),
 * sockstat, and the sysctls that matter (absent ones shown absent). */
#include <stdio.h>
#include <string.h>

#include "ui_priv.h"

#define ITEMS_MAX (16 + SNAP_SYSCTL_MAX)
#define LABEL_W 24
#define KERNEL_VALUE_MIN 12	/* "12.3k / 99k" and a space */

struct kitem {
	const char *label;	/* one per line */
	const char *brief;	/* in the packed form */
	char value[64];
	bool pair;		/* value is "a / b" of the counts a and b */
	bool has_a;		/* a is known ("n/a" otherwise) */
	unsigned long long a, b;
	const char *note;
	const char *note_short;	/* when note does not fit, or NULL */
	enum theme_elem e;
};

/* A pair item's "a / b" in at most w columns: exact, else both counts
 * compact (ui_count_fit), then without the blanks ("996k/996k"), so no
 * digit is cut off at the column's end. */
static const char *kernel_pair(const struct kitem *k, char *buf, size_t len,
			       int w)
{
	static const int cw[] = { 20, 6, 5, 4, -4 };

	for (size_t i = 0; i < sizeof(cw) / sizeof(cw[0]); i++) {
		char a[24], b[24];
		int c = cw[i] < 0 ? -cw[i] : cw[i];

		if (k->has_a)
			ui_count_fit(a, sizeof(a), k->a, c);
		else
			snprintf(a, sizeof(a), "n/a");
		snprintf(buf, len, cw[i] < 0 ? "%s/%s" : "%s / %s", a,
			 ui_count_fit(b, sizeof(b), k->b, c));
		if (ui_width(buf) <= w)
			break;
	}
	return buf;
}

/* An item's value for w columns. */
static const char *kernel_value(const struct kitem *k, char *buf, size_t len,
				int w)
{
	return k->pair ? kernel_pair(k, buf, len, w) : k->value;
}

static void kernel_title(const struct ui *u, char *buf, size_t len)
{
	(void)u;
	snprintf(buf, len, "Kernel");
}

/* The counter rates the panel shows, with what they mean (KERNEL-FACTS
 * .md; measured: a SO_LINGER 0 close counts in TCPAbortOnData, not in
 * TCPAbortOnClose, and once in OutRsts). warn: the colour when it is
 * above 0. */
struct krate {
	const char *name, *label, *brief, *note, *note_short;
	bool warn;
};

static const struct krate krates[] = {
	{ "TcpExtTW", "new TIME_WAIT/s (TW)", "TW/s", NULL, NULL, false },
	{ "TcpExtTWRecycled", "TWRecycled/s", "TWRecycled/s", NULL, NULL,
	  false },
	{ "TcpExtTCPTimeWaitOverflow", "TCPTimeWaitOverflow/s",
	  "TWOverflow/s", NULL, NULL, false },
	{ "TcpOutRsts", "RSTs sent/s (OutRsts)", "RST/s",
	  "every RST sent, any cause", "any cause", false },
	{ "TcpExtTCPAbortOnData", "TCPAbortOnData/s", "AbortData/s",
	  "SO_LINGER 0 close, data after close", "SO_LINGER 0", false },
	{ "TcpExtTCPAbortOnClose", "TCPAbortOnClose/s", "AbortClose/s",
	  "close() left unread data", "unread data", false },
	{ "TcpExtTCPAbortOnLinger", "TCPAbortOnLinger/s", "AbortLinger/s",
	  "TCP_LINGER2 < 0: no FIN_WAIT2", "TCP_LINGER2 < 0", false },
	{ "TcpExtListenOverflows", "ListenOverflows/s", "ListenOvf/s",
	  "accept queue full: handshakes dropped", "accept queue full",
	  true },
	{ "TcpExtListenDrops", "ListenDrops/s", "ListenDrop/s",
	  "every drop at a listener", "all drops", true },
};

/* Adds a counter rate item. */
static void kernel_rate(const struct snapshot *s, struct kitem *it,
			const struct krate *k)
{
	const char *name = k->name;
	const struct snap_rate *r = snap_rate(s, name);

	it->label = k->label;
	it->brief = k->brief;
	it->pair = false;
	it->note = k->note;
	it->note_short = k->note_short;
	it->e = TH_VALUE;
	if (!s->counters_present || !r || !snap_counter(s, name)) {
		snprintf(it->value, sizeof(it->value), "n/a");
		it->e = TH_DIM;
		return;
	}
	ui_rate(it->value, sizeof(it->value), r->valid, r->per_s);
	if (k->warn && r->valid && r->per_s > 0) {
		it->e = TH_WARN;
	} else if (strcmp(name, "TcpExtTCPTimeWaitOverflow") == 0 &&
		   r->valid && r->per_s > 0) {
		it->e = TH_ALARM;
		it->note = "tcp_max_tw_buckets full: closes lose TIME_WAIT";
		it->note_short = "buckets full";
	} else if (strcmp(name, "TcpExtTW") == 0 && s->filter[0]) {
		/* the counter is the namespace's; --filter cannot apply */
		it->brief = "netns TW/s";
		it->note = "whole namespace, not filtered";
		it->note_short = "not filtered";
	}
}

/* A short form of a sysctl note, for narrow panels. */
static const char *kernel_short(const char *note)
{
	static const struct {
		const char *note, *brief;
	} shorts[] = {
		{ "removed in Linux 4.12", "removed" },
		{ "breaks clients behind NAT", "breaks NAT" },
		{ "outgoing connect(), all", "connect(), all" },
		{ "outgoing connect(), loopback only", "loopback only" },
		{ "ms before a TIME_WAIT is reused", "ms before reuse" },
		{ "when full: no TIME_WAIT, no RST", "full: no TW" },
		{ "FIN_WAIT2 orphans, not TIME_WAIT", "not TIME_WAIT" },
		{ "off: tcp_tw_reuse cannot work", "reuse cannot work" },
		{ "sockstat counts every timewait socket", "all timewait" },
	};

	for (size_t i = 0; note && i < sizeof(shorts) / sizeof(shorts[0]);
	     i++)
		if (strcmp(note, shorts[i].note) == 0)
			return shorts[i].brief;
	return NULL;
}

/* Meaning of a sysctl's value, per KERNEL-FACTS.md. */
static const char *kernel_note(const struct snapshot *s,
			       const struct snap_sysctl *c,
			       enum theme_elem *e)
{
	const char *n = c->name + (strncmp(c->name, "net.ipv4.", 9) ? 0 : 9);
	const struct snap_sysctl *reuse =
		snap_sysctl(s, "net.ipv4.tcp_tw_reuse");

	if (strcmp(n, "tcp_tw_recycle") == 0) {
		if (!c->present)
			return "removed in Linux 4.12";
		*e = TH_WARN;
		return "breaks clients behind NAT";
	}
	if (!c->present)
		return NULL;
	if (strcmp(n, "tcp_tw_reuse") == 0 && c->numeric)
		return c->num == 0 ? "off" : c->num == 1 ?
		       "outgoing connect(), all" :
		       "outgoing connect(), loopback only";
	if (strcmp(n, "tcp_tw_reuse_delay") == 0)
		return "ms before a TIME_WAIT is reused";
	if (strcmp(n, "tcp_max_tw_buckets") == 0)
		return "when full: no TIME_WAIT, no RST";
	if (strcmp(n, "tcp_fin_timeout") == 0)
		return "FIN_WAIT2 orphans, not TIME_WAIT";
	if (strcmp(n, "tcp_timestamps") == 0 && c->numeric && c->num == 0 &&
	    reuse && reuse->present && reuse->numeric && reuse->num != 0) {
		*e = TH_WARN;
		return "off: tcp_tw_reuse cannot work";
	}
	if (strcmp(n, "ip_local_port_range") == 0)
		return "inclusive";
	return NULL;
}

/* Adds a sysctl item. */
static void kernel_sysctl(const struct snapshot *s, struct kitem *it,
			  const struct snap_sysctl *c)
{
	const char *n = c->name;

	if (strncmp(n, "net.ipv4.", 9) == 0 || strncmp(n, "net.core.", 9) == 0)
		n += 9;
	it->label = n;
	it->brief = n;
	it->pair = false;
	it->e = c->present ? TH_VALUE : TH_DIM;
	if (!c->present)
		snprintf(it->value, sizeof(it->value), "absent");
	else if (c->text[0] == '\0')
		snprintf(it->value, sizeof(it->value), "(none)");
	else
		snprintf(it->value, sizeof(it->value), "%s", c->text);
	for (char *p = it->value; *p; p++)
		if (*p == '\t')
			*p = ' ';
	it->note = kernel_note(s, c, &it->e);
	it->note_short = kernel_short(it->note);
}

/* The sockstat tw / dumped TIME_WAIT pair. */
static void kernel_sockstat(const struct snapshot *s, struct kitem *it)
{
	it->label = "sockstat tw / dumped TW";
	it->brief = "sockstat tw/dumped";
	it->note = "sockstat counts every timewait socket";
	it->note_short = kernel_short(it->note);
	it->e = s->sockstat.present ? TH_VALUE : TH_DIM;
	it->pair = true;
	it->has_a = s->sockstat.present && s->sockstat.tw >= 0;
	it->a = it->has_a ? (unsigned long long)s->sockstat.tw : 0;
	it->b = s->tw.total;
}

/* Conntrack entries against nf_conntrack_max; "absent" where
 * nf_conntrack is not loaded (never 0). */
static void kernel_conntrack(const struct snapshot *s, struct kitem *it)
{
	it->label = "conntrack / max";
	it->brief = "conntrack";
	it->note = "nf_conntrack_count / _max";
	it->note_short = "entries / max";
	it->e = TH_VALUE;
	it->pair = s->conntrack.count_present && s->conntrack.max_present;
	it->has_a = it->pair;
	it->a = (unsigned long long)s->conntrack.count;
	it->b = (unsigned long long)s->conntrack.max;
	if (!s->conntrack.count_present) {
		snprintf(it->value, sizeof(it->value), "absent");
		it->note = "nf_conntrack not loaded";
		it->note_short = "not loaded";
		it->e = TH_DIM;
	} else if (!it->pair) {
		snprintf(it->value, sizeof(it->value), "%lld",
			 s->conntrack.count);
	}
}

/*
 * The items in display order; returns how many. One per line, related
 * ones together: TIME_WAIT, sockstat, the RSTs, listen drops, conntrack.
 * Packed (chips, small panels), what tells most comes first: new and
 * lost TIME_WAIT, RST/s and ListenOvf/s, sockstat (at 80x24, three
 * lines: just these), then the rest.
 */
static int kernel_items(const struct snapshot *s, struct kitem *it,
			bool chips)
{
	/* krates by index; -1 sockstat, -2 conntrack */
	static const int lines[] = { 0, 1, 2, -1, 3, 4, 5, 6, 7, 8, -2 };
	static const int packed[] = { 0, 2, 3, 7, -1, 1, 4, 5, 6, 8, -2 };
	const int *order = chips ? packed : lines;
	int n = 0;

	_Static_assert(sizeof(lines) == sizeof(packed), "the same items");
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (order[i] == -1)
			kernel_sockstat(s, &it[n++]);
		else if (order[i] == -2)
			kernel_conntrack(s, &it[n++]);
		else
			kernel_rate(s, &it[n++], &krates[order[i]]);
	}
	for (uint32_t i = 0; i < s->n_sysctls && n < ITEMS_MAX; i++)
		kernel_sysctl(s, &it[n++], &s->sysctls[i]);
	return n;
}

/* One item per line: label, value, note. The values get the columns
 * the widest needs (a pair's exact counts), the notes what is left. */
static void kernel_lines(struct ui *u, const struct ui_rect *r,
			 struct panel_state *ps, const struct kitem *it, int n)
{
	int x = r->x + 1, w = r->w - 2, h = r->h - 1, vw = 0;

	for (int i = 0; i < n; i++) {
		char v[64];
		int k = ui_width(kernel_value(&it[i], v, sizeof(v), 64));

		vw = k + 1 > vw ? k + 1 : vw;
	}
	if (vw > w - LABEL_W)
		vw = w - LABEL_W;
	for (int i = 0; i < h && ps->top + i < n; i++) {
		const struct kitem *k = &it[ps->top + i];
		int y = r->y + 1 + i;
		char v[64];

		ui_text(u, y, x, LABEL_W - 1, TH_LABEL, k->label);
		ui_text(u, y, x + LABEL_W, vw - 1, k->e,
			kernel_value(k, v, sizeof(v), vw - 1));
		if (k->note && w > LABEL_W + vw + 4)
			ui_text_alt(u, y, x + LABEL_W + vw, w - LABEL_W - vw,
				    k->e == TH_VALUE ? TH_DIM : k->e,
				    (const char *[]){ k->note,
				    k->note_short }, k->note_short ? 2 : 1);
	}
}

/* Packed form: "brief value" chips flowing over the lines. Returns the
 * lines used (drawn from ps->top on). */
static int kernel_chips(struct ui *u, const struct ui_rect *r,
			struct panel_state *ps, const struct kitem *it, int n,
			bool draw)
{
	int x = 0, line = 0, w = r->w - 2;

	for (int i = 0; i < n; i++) {
		char v[64];
		int lw = ui_width(it[i].brief);
		const char *val = kernel_value(&it[i], v, sizeof(v),
					       w - lw - 1);
		int vw = ui_width(val), cw = lw + 1 + vw;

		if (x > 0 && x + cw > w) {
			line++;
			x = 0;
		}
		if (draw && line >= ps->top && line - ps->top < r->h - 1) {
			int y = r->y + 1 + line - ps->top;

			ui_text(u, y, r->x + 1 + x, w - x, TH_LABEL,
				it[i].brief);
			if (x + lw + 1 < w)
				ui_text(u, y, r->x + 1 + x + lw + 1,
					w - x - lw - 1, it[i].e, val);
		}
		x += cw + 2;
	}
	return line + 1;
}

/* One item per line when they all fit (and their values beside the
 * labels), else packed chips; both scroll. */
static void kernel_draw(struct ui *u, const struct ui_rect *r,
			struct panel_state *ps, bool focused)
{
	struct kitem it[ITEMS_MAX];
	int n, lines, h = r->h - 1;

	(void)focused;
	if (!u->snap) {
		ui_text(u, r->y + 1, r->x + 1, r->w - 2, TH_DIM,
			"waiting for the first sample");
		return;
	}
	n = kernel_items(u->snap, it, false);
	if (n <= h && r->w - 2 >= LABEL_W + KERNEL_VALUE_MIN) {
		if (ps->top > n - h)
			ps->top = n - h > 0 ? n - h : 0;
		ps->page = n;
		kernel_lines(u, r, ps, it, n);
		return;
	}
	n = kernel_items(u->snap, it, true);
	lines = kernel_chips(u, r, ps, it, n, false);
	if (ps->top > lines - h)
		ps->top = lines - h > 0 ? lines - h : 0;
	ps->page = lines;
	kernel_chips(u, r, ps, it, n, true);
}

/* Arrows scroll; the last draw left the scrollable length in page. */
static bool kernel_key(struct ui *u, struct panel_state *ps, int key)
{
	(void)u;
	if (key == KEY_UP || key == KEY_PPAGE)
		ps->top = ps->top > 0 ? ps->top - 1 : 0;
	else if (key == KEY_DOWN || key == KEY_NPAGE)
		ps->top++;
	else if (key == KEY_HOME)
		ps->top = 0;
	else if (key == KEY_END)
		ps->top = ps->page;
	else
		return false;
	return true;
}

const struct panel_ops ui_panel_kernel = {
	.title = kernel_title,
	.draw = kernel_draw,
	.key = kernel_key,
};
