/* Panel: the ephemeral port range and the destination groups closest to
 * running out (per-destination capacity, KERNEL-FACTS.md). */
#include <stdio.h>
#include <string.h>

#include "twtop/advice.h"
#include "ui_priv.h"

static void eph_title(const struct ui *u, char *buf, size_t len)
{
	const struct snapshot *s = u->snap;

	if (s && s->eph.groups_total)
		snprintf(buf, len, "Ephemeral ports (%u destination group%s)",
			 s->eph.groups_total, s->eph.groups_total == 1 ? "" : "s");
	else
		snprintf(buf, len, "Ephemeral ports");
}

static int eph_rows(const struct ui *u)
{
	return u->snap ? (int)u->snap->eph.n_groups : 0;
}

/* A group's row names its remote peer, so Enter drills into it. */
static bool eph_row_id(const struct ui *u, int row, struct focus_req *id)
{
	if (!u->snap || row < 0 || row >= (int)u->snap->eph.n_groups)
		return false;
	id->kind = FOCUS_PEER;
	id->addr = u->snap->eph.groups[row].remote;
	id->port = 0;
	return true;
}

/* The summary: range, size, reserved, holes, ports in use; on two
 * lines when two is true. */
static void eph_summary(struct ui *u, int y, int x, int w, bool two)
{
	const struct snapshot *s = u->snap;
	char a[16], b[16];

	if (!s->eph.present) {
		ui_text(u, y, x, w, TH_WARN,
			"ip_local_port_range unreadable: no port figures");
		return;
	}
	ui_count(a, sizeof(a), s->eph.size);
	ui_count(b, sizeof(b), s->eph.ports_in_use);
	if (!two) {
		ui_textf(u, y, x, w, TH_NORMAL, "range %u-%u  in use %s/%s",
			 s->eph.low, s->eph.high, b, a);
		return;
	}
	ui_textf(u, y, x, w, TH_NORMAL, "range %u-%u: %s ports (%u reserved, "
		 "%u held by listeners)", s->eph.low, s->eph.high, a,
		 s->eph.reserved, s->eph.holes);
	ui_textf(u, y + 1, x, w, TH_NORMAL, "local ports in use %s (%.1f%% of "
		 "the range)", b, s->eph.size ?
		 100.0 * s->eph.ports_in_use / s->eph.size : 0.0);
}

/* Column widths of a group row: text, then used, free, %, forecast,
 * gauge. The forecast comes before the gauge: the % shows the share. */
static void eph_cols(int w, int *tw, int *fw, int *gw)
{
	int rest = w - 19 - 25;	/* 25: "127.0.0.1->127.0.0.2:18080" */

	*fw = rest >= 19 ? 19 : rest >= 12 ? rest : 0;	/* " steady at 38 %" */
	rest -= *fw;
	*gw = rest < 3 ? 0 : rest > 20 ? 20 : rest;
	*tw = w - 19 - *fw - *gw;
}

/* The group's forecast in at most w columns, coloured by what it says. */
static void eph_forecast(struct ui *u, int y, int x, int w,
			 const struct snap_group *g)
{
	const struct snap_forecast *fc = &g->fc;
	enum theme_elem e;

	if (!fc->known || w < 2)
		return;
	e = fc->fills ? TH_ALARM : fc->steady_share >= ADV_WARN_SHARE ?
	    TH_WARN : TH_DIM;
	ui_text(u, y, x, w, e, (int)strlen(fc->text) <= w ? fc->text :
		fc->fills ? "fills" : "");
}

/* Lines per group: one when a gauge fits beside the address, else the
 * numbers go on a second line. */
static int eph_lines(int w)
{
	return w - 19 - 25 >= 3 ? 1 : 2;
}

/* One destination group: local -> remote:port, used, free, gauge. */
static void eph_group(struct ui *u, int y, int x, int w,
		      const struct snap_group *g, bool selected)
{
	char l[ADDR_STRLEN], r[ADDR_STRLEN], used[16], avail[16], pct[8];
	char nums[64];
	double cap = (double)g->used + g->available;
	double frac = cap > 0 ? g->used / cap : 1;
	enum theme_elem e = selected ? TH_SELECTED : TH_NORMAL;
	int gw, tw, fw, nw;

	eph_cols(w, &tw, &fw, &gw);
	ui_count(used, sizeof(used), g->used);
	ui_count(avail, sizeof(avail), g->available);
	snprintf(pct, sizeof(pct), "%3.0f%%", frac * 100);
	if (selected)
		ui_fill(u, y, x - 1, w + 2, TH_SELECTED);
	if (eph_lines(w) == 2) {
		if (selected)
			ui_fill(u, y + 1, x - 1, w + 2, TH_SELECTED);
		tw = w;
		snprintf(nums, sizeof(nums), "%s used  %s free", used, avail);
		nw = ui_text(u, y + 1, x + 2, w - 2, e, nums) + 2;
		ui_text(u, y + 1, x + nw + 1, 5, ui_gauge_elem(frac), pct);
		gw = w - nw - 7 > 20 ? 20 : w - nw - 7;
		if (gw >= 3)
			ui_gauge(u, y + 1, x + nw + 7, gw, frac);
	}
	ui_textf(u, y, x, tw, e, "%s%s%s:%u", ui_addr(&g->local, l, sizeof(l)),
		 ui_arrow(u), ui_addr(&g->remote, r, sizeof(r)),
		 g->remote_port);
	if (eph_lines(w) == 2)
		return;
	ui_text_right(u, y, x + tw, 6, selected ? TH_SELECTED : TH_VALUE, used);
	ui_text_right(u, y, x + tw + 6, 7, selected ? TH_SELECTED : TH_DIM,
		      avail);
	ui_text_right(u, y, x + tw + 13, 5, ui_gauge_elem(frac), pct);
	if (fw)
		eph_forecast(u, y, x + tw + 19, fw - 1, g);
	if (gw >= 3)
		ui_gauge(u, y, x + tw + 19 + fw, gw, frac);
}

/* Summary line, then the worst groups as a scrollable list. */
static void eph_draw(struct ui *u, const struct ui_rect *r,
		     struct panel_state *ps, bool focused)
{
	const struct snapshot *s = u->snap;
	int x = r->x + 1, w = r->w - 2, y = r->y + 1, h = r->h - 1;
	int rows = eph_rows(u), vis, tw, fw, gw;

	if (!s) {
		ui_text(u, y, x, w, TH_DIM, "waiting for the first sample");
		return;
	}
	eph_summary(u, y++, x, w, h >= 5);
	h--;
	if (h >= 4) {
		y++;
		h--;
	}
	if (h <= 0)
		return;
	if (rows == 0) {
		ui_text(u, y, x, w, TH_DIM, s->eph.present ?
			"no client connections on ports in the range" : "");
		return;
	}
	if (h >= 3 && eph_lines(w) == 1) {
		eph_cols(w, &tw, &fw, &gw);
		ui_textf(u, y, x, tw, TH_LABEL, "local%sremote:port",
			 ui_arrow(u));
		ui_text_right(u, y, x + tw, 6, TH_LABEL, "used");
		ui_text_right(u, y, x + tw + 6, 7, TH_LABEL, "free");
		if (fw)
			ui_text(u, y, x + tw + 19, fw - 1, TH_LABEL,
				"forecast");
		ui_text(u, y++, x + tw + 19 + fw, gw, TH_LABEL, gw >= 8 ?
			"capacity" : "cap");
		h--;
	}
	vis = h / eph_lines(w);
	ui_list_clamp(ps, rows, vis);
	for (int i = 0; i < vis && ps->top + i < rows; i++)
		eph_group(u, y + i * eph_lines(w), x, w,
			  &s->eph.groups[ps->top + i],
			  focused && ps->top + i == ps->sel);
}

static bool eph_key(struct ui *u, struct panel_state *ps, int key)
{
	return ui_list_key(ps, key, eph_rows(u));
}

const struct panel_ops ui_panel_eph = {
	.title = eph_title,
	.draw = eph_draw,
	.key = eph_key,
	.rows = eph_rows,
	.row_id = eph_row_id,
};
