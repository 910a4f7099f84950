/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The drill-down: one peer's or port's states, ports, TIME_WAIT ages and
 * sockets, from the sampler's focus data. */
#include <stdio.h>
#include <string.h>

#include "twtop/tcpstate.h"
#include "ui_priv.h"

#define COL_MIN 60	/* width for the three-column top part */
#define EXP_W	7	/* " 58.5s" */

const char *ui_drill_what(const struct focus_req *f, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	if (f->kind == FOCUS_PROC)
		snprintf(buf, len, "process %u", f->pid);
	else if (f->kind == FOCUS_CGROUP)
		snprintf(buf, len, "container (cgroup %llu)",
			 (unsigned long long)f->cgroup_id);
	else if (f->kind == FOCUS_PEER)
		snprintf(buf, len, "peer %s", addr_format(&f->addr, a,
							   sizeof(a)));
	else
		snprintf(buf, len, "%s port :%u", f->kind == FOCUS_LPORT ?
			 "local" : "remote", f->port);
	return buf;
}

/* The focus data of the current snapshot if it is for u->drill. */
static const struct snap_focus *drill_data(const struct ui *u)
{
	const struct snap_focus *f = u->snap ? u->snap->focus : NULL;

	return f && focus_req_equal(&f->req, &u->drill) ? f : NULL;
}

/* States with a count, one per line; returns lines used. */
static int drill_states(struct ui *u, const struct snap_focus *f, int y,
			int x, int w, int h)
{
	int line = 0;
	char n[16];

	ui_text(u, y + line++, x, w, TH_LABEL, "states");
	for (int i = 0; i < TCPSTATE_SHOWN && line < h; i++) {
		unsigned int st = tcpstate_order[i];

		if (!f->states[st])
			continue;
		ui_text(u, y + line, x, 12, TH_NORMAL, tcpstate_name(st));
		ui_text_right(u, y + line++, x + 12, w - 12 > 8 ? 8 : w - 12,
			      TH_VALUE, ui_count(n, sizeof(n), f->states[st]));
	}
	return line;
}

/* TIME_WAIT ages as a bar per 5 s step (age = 60 s - time left). */
static void drill_ages(struct ui *u, const struct snap_focus *f, int y,
		       int x, int w, int h)
{
	uint32_t max = 0;
	char n[16];

	ui_text(u, y, x, w, TH_LABEL, "TIME_WAIT age");
	for (int i = 0; i < SNAP_AGE_BUCKETS; i++)
		if (f->age[i] > max)
			max = f->age[i];
	for (int i = 0; i < SNAP_AGE_BUCKETS && i + 1 < h; i++) {
		int ay = y + 1 + i;

		ui_textf(u, ay, x, 7, TH_DIM, "%2d-%-2ds", i * 5, i * 5 + 5);
		ui_text_right(u, ay, x + 7, 7, f->age[i] ? TH_VALUE : TH_DIM,
			      ui_count(n, sizeof(n), f->age[i]));
		if (w > 17 && max)
			ui_bar(u, ay, x + 15, w - 15,
			       (double)f->age[i] / max, TH_BAR_TW);
	}
}

/* TIME_WAIT ages as a one-line sparkline, for narrow screens. */
static void drill_age_line(struct ui *u, const struct snap_focus *f, int y,
			   int x, int w)
{
	double v[SNAP_AGE_BUCKETS], max = 0;
	char row[SNAP_AGE_BUCKETS * 4 + 1];

	for (int i = 0; i < SNAP_AGE_BUCKETS; i++) {
		v[i] = f->age[i];
		if (v[i] > max)
			max = v[i];
	}
	spark_row(v, SNAP_AGE_BUCKETS, max, 1, 0, SNAP_AGE_BUCKETS, u->glyphs,
		  row, sizeof(row));
	ui_text(u, y, x, w, TH_LABEL, "TIME_WAIT age 0s");
	ui_text(u, y, x + 17, w - 17, TH_SPARK, row);
	ui_text(u, y, x + 17 + SNAP_AGE_BUCKETS, w - 17 - SNAP_AGE_BUCKETS,
		TH_LABEL, "60s");
}

/* The side of a port of the focus: a local port is server side as the
 * sampler decided (listening now, within 60 s, or inferred). */
static const char *drill_side(const struct snap_port *p, bool remote)
{
	if (remote || !p->server)
		return "";
	return p->listening ? "server" : "server*";
}

/* One port of the focus: TIME_WAIT/total, new/s, side; the narrower
 * forms drop the rate, then the alignment, then the side. */
static void drill_port(struct ui *u, int y, int x, int w,
		       const struct snap_port *p, bool remote)
{
	const char *side = drill_side(p, remote);
	char r[16], a[4][64];

	ui_rate(r, sizeof(r), p->new_per_s >= 0, p->new_per_s);
	snprintf(a[0], sizeof(a[0]), ":%-6u %6u / %-6u %5s%s%s", p->port,
		 p->time_wait, p->total, r, *side ? " " : "", side);
	snprintf(a[1], sizeof(a[1]), ":%-6u %6u / %-6u%s%s", p->port,
		 p->time_wait, p->total, *side ? " " : "", side);
	snprintf(a[2], sizeof(a[2]), ":%u %u/%u%s%s", p->port, p->time_wait,
		 p->total, *side ? " " : "", side);
	snprintf(a[3], sizeof(a[3]), ":%u %u/%u", p->port, p->time_wait,
		 p->total);
	ui_text_alt(u, y, x, w, TH_NORMAL, (const char *[]){ a[0], a[1],
		    a[2], a[3] }, 4);
}

/* The ports the sampler folded (snapshot.folded): ephemeral local
 * ports, or the clients' ports of connections accepted here. */
static void drill_fold(struct ui *u, int y, int x, int w,
		       const struct snap_port_fold *p, bool remote)
{
	const char *what = remote ? "clients'" : "ephem.";
	char r[16], a[3][64];

	ui_rate(r, sizeof(r), p->new_per_s >= 0, p->new_per_s);
	snprintf(a[0], sizeof(a[0]), "%-7s %6u / %-6u %5s %u ports", what,
		 p->time_wait, p->total, r, p->ports);
	snprintf(a[1], sizeof(a[1]), "%-7s %6u / %-6u %u ports", what,
		 p->time_wait, p->total, p->ports);
	snprintf(a[2], sizeof(a[2]), "%s %u/%u", what, p->time_wait,
		 p->total);
	ui_text_alt(u, y, x, w, TH_DIM, (const char *[]){ a[0], a[1], a[2] },
		    3);
}

/* Top local and remote ports of the focus, with new TIME_WAIT/s, and
 * the folded ones as one line each. */
static void drill_ports(struct ui *u, const struct snap_focus *f, int y,
			int x, int w, int h)
{
	int line = 0;

	for (int side = 0; side < 2 && line < h; side++) {
		const struct snap_port *p = side ? f->rports : f->lports;
		const struct snap_port_fold *fold = side ?
			&f->clients_inbound : &f->eph_local;
		uint32_t np = side ? f->n_rports : f->n_lports;
		uint32_t max = fold->ports > 0 ? 4 : 5;

		ui_text_alt(u, y + line++, x, w, TH_LABEL, (const char *[]){
			    side ? "remote ports (TIME_WAIT/total, new/s)" :
			    "local ports (TIME_WAIT/total, new/s)",
			    side ? "remote ports" : "local ports" }, 2);
		for (uint32_t i = 0; i < np && line < h && i < max; i++)
			drill_port(u, y + line++, x, w, &p[i], side);
		if (fold->ports > 0 && line < h)
			drill_fold(u, y + line++, x, w, fold, side);
	}
}

/* New TIME_WAIT per second to the focus, measured from their ages (the
 * first sample: estimated from the last second or two of ages). */
static void drill_rate(struct ui *u, const struct snap_focus *f, int y,
		       int x, int w)
{
	const struct snapshot *s = u->snap;
	char n[16], a[3][128];
	int k;

	if (f->new_per_s >= 0)
		ui_rate(n, sizeof(n), true, f->new_per_s);
	else
		snprintf(n, sizeof(n), "?");
	if (s->tw.rate_estimated) {
		snprintf(a[0], sizeof(a[0]), "new TIME_WAIT %s/s est. from "
			 "TIME_WAIT ages of the last %.1f s", n,
			 s->tw.window_s);
		snprintf(a[1], sizeof(a[1]), "new TIME_WAIT %s/s est. (ages)",
			 n);
		snprintf(a[2], sizeof(a[2]), "new TIME_WAIT %s/s est.", n);
	} else {
		snprintf(a[0], sizeof(a[0]), "new TIME_WAIT %s/s, measured "
			 "from TIME_WAIT ages over %.1f s", n, s->tw.window_s);
		snprintf(a[1], sizeof(a[1]), "new TIME_WAIT %s/s (from ages)",
			 n);
		snprintf(a[2], sizeof(a[2]), "new TIME_WAIT %s/s", n);
	}
	/* the kernel filter's note keeps 40 columns when there is one */
	k = ui_text_alt(u, y, x, f->partial || f->expr[0] ? w - 40 : w,
			TH_NORMAL, (const char *[]){ a[0], a[1], a[2] }, 3);
	if (f->partial) {
		ui_text_words(u, y, x + k + 2, w - k - 2, TH_ALARM, "dump "
			      "interrupted: counts may be short");
	} else if (f->expr[0]) {
		snprintf(a[0], sizeof(a[0]), "kernel filter '%s' fetched %u",
			 f->expr, f->fetched);
		ui_text_words(u, y, x + k + 3, w - k - 3, TH_DIM, a[0]);
	}
}

/* Width of the address column of the group lines: the widest group,
 * at most what leaves the numbers, the % and a short forecast room
 * (the addresses are elided in their middle to it). */
static int drill_group_aw(const struct ui *u, const struct snap_focus *f,
			  int w)
{
	char a[2 * ADDR_STRLEN + 16];
	int aw = 24, max = w - 2 - 39 - 9;

	for (uint32_t i = 0; i < f->n_groups; i++) {
		const struct snap_group *g = &f->groups[i];

		ui_group_fit(&g->local, &g->remote, g->remote_port, 200,
			     u->utf8, a, sizeof(a));
		if (ui_cols(a) > aw)
			aw = ui_cols(a);
	}
	aw += 2;
	return aw > max ? (max > 16 ? max : 16) : aw;
}

/* One group line: address, the four numbers, %, forecast (g->fc). */
static void drill_group(struct ui *u, int y, int x, int w, int aw,
			const struct snap_group *g)
{
	const struct snap_forecast *fc = &g->fc;
	char a[2 * ADDR_STRLEN + 16], n[4][16], ft[32];
	const char *t;

	ui_text(u, y, x, aw - 1, TH_NORMAL, ui_group_fit(&g->local,
		&g->remote, g->remote_port, aw - 1, u->utf8, a, sizeof(a)));
	ui_textf(u, y, x + aw, w - aw, TH_VALUE, "%6s %6s %8s %9s",
		 ui_count(n[0], sizeof(n[0]), g->used),
		 ui_count(n[1], sizeof(n[1]), g->free),
		 g->reuse ? ui_count(n[2], sizeof(n[2]), g->reusable) : "-",
		 ui_count(n[3], sizeof(n[3]), g->available));
	if (!fc->known || w - aw < 38)
		return;
	ui_text_right(u, y, x + aw + 32, 5, ui_gauge_elem(fc->pressure),
		      ui_pct(n[0], sizeof(n[0]), fc->pressure));
	t = ui_forecast_text(g, w - aw - 39, ft, sizeof(ft));
	if (t != NULL)
		ui_text(u, y, x + aw + 39, w - aw - 39, ui_forecast_elem(g), t);
}

/* The focus's fullest destination groups: use, headroom, forecast. */
static int drill_groups(struct ui *u, const struct snap_focus *f, int y,
			int x, int w, int h)
{
	int line = 0, aw = drill_group_aw(u, f, w);

	if (f->req.kind == FOCUS_LPORT || h < 2)
		return 0;
	ui_textf(u, y + line, x, w, TH_LABEL, "destination groups (%u)",
		 f->groups_total);
	if (f->n_groups > 0 && w - aw - 2 >= 31)
		ui_textf(u, y + line, x + 2 + aw, w - aw - 2, TH_LABEL,
			 "%6s %6s %8s %9s%s", "used", "free", "reusable",
			 "available", w - aw - 2 >= 47 ? " full  forecast" :
			 "");
	line++;
	if (f->n_groups == 0)
		ui_text_words(u, y + line++, x + 2, w - 2, TH_DIM,
			      f->req.kind == FOCUS_PROC ? "none: none of its "
			      "TIME_WAIT holds an ephemeral port" : "none: no "
			      "connection from this host took an ephemeral "
			      "port");
	for (uint32_t i = 0; i < f->n_groups && line < h; i++)
		drill_group(u, y + line++, x + 2, w - 2, aw, &f->groups[i]);
	return line;
}

/* Width of the state column of the socket list: ESTABLISHED, or
 * TIME_WAIT on narrow screens. */
static int drill_state_w(int w)
{
	return w >= 60 ? 12 : 10;
}

/* Width of each address column of the socket list. */
static int drill_addr_w(int w)
{
	int aw = (w - drill_state_w(w) - EXP_W + 1) / 2;

	return aw > 48 ? 48 : aw < 8 ? 8 : aw;
}

/* One socket line: local, remote ([v6]:port, elided in the middle to
 * the column), state, time left. */
static void drill_sock(struct ui *u, int y, int x, int w,
		       const struct focus_sock *k)
{
	char lp[ADDR_STRLEN + 16], rp[ADDR_STRLEN + 16];
	int aw = drill_addr_w(w), sw = drill_state_w(w);

	ui_text(u, y, x, aw - 1, TH_NORMAL, ui_addr_port_fit(&k->local,
		k->lport, aw - 1, u->utf8, lp, sizeof(lp)));
	ui_text(u, y, x + aw, aw - 1, TH_NORMAL, ui_addr_port_fit(&k->remote,
		k->rport, aw - 1, u->utf8, rp, sizeof(rp)));
	ui_text(u, y, x + 2 * aw, sw - 1, k->state == TS_TIME_WAIT ?
		TH_BAR_TW : TH_VALUE, tcpstate_name(k->state));
	if (k->timer || k->state == TS_TIME_WAIT)
		ui_textf(u, y, x + 2 * aw + sw - 1, w - 2 * aw - sw + 1,
			 TH_DIM, "%6.1fs", k->expires / 1000.0);
}

/* The scrollable socket list in the rows from y to y + h. */
static void drill_socks(struct ui *u, const struct snap_focus *f, int y,
			int x, int w, int h)
{
	struct panel_state *ps = &u->drill_ps;
	int n = (int)f->n_socks;
	int aw = drill_addr_w(w), sw = drill_state_w(w);

	if (h < 2)
		return;
	if (aw >= 24)
		ui_textf(u, y, x, aw - 1, TH_LABEL, "sockets (%u of %u)",
			 f->n_socks, f->total);
	else
		ui_text(u, y, x, aw - 1, TH_LABEL, "local");
	ui_text(u, y, x + aw, aw, TH_LABEL, "remote");
	ui_text(u, y, x + 2 * aw, sw - 1, TH_LABEL, "state");
	ui_text_right(u, y++, x + 2 * aw + sw - 1, EXP_W, TH_LABEL, "left");
	ui_list_clamp(ps, n, h - 1);
	ps->sel = ps->top;	/* the list scrolls; no row is selected */
	for (int i = 0; i < h - 1 && ps->top + i < n; i++)
		drill_sock(u, y + i, x, w, &f->socks[ps->top + i]);
}

/* "nginx[1234] docker-1a2b3c4d5e6f", in the longest form that fits. */
static void drill_closer_name(struct ui *u, int y, int x, int w,
			      const char *comm, uint32_t pid,
			      const char *container)
{
	char a[3][112];

	snprintf(a[0], sizeof(a[0]), "%s[%u]%s%s", comm, pid,
		 container[0] ? " " : "", container);
	snprintf(a[1], sizeof(a[1]), "%s[%u]", comm, pid);
	snprintf(a[2], sizeof(a[2]), "%s", comm);
	ui_text_alt(u, y, x, w, TH_NORMAL, (const char *[]){ a[0], a[1],
		    a[2] }, 3);
}

/* Who closed the focus's TIME_WAIT first, under its states: a line per
 * process (TIME_WAIT, and s/c split when wide), then what no record
 * names. Returns lines used. */
static int drill_closers(struct ui *u, const struct snap_focus *f, int y,
			 int x, int w, int h)
{
	const struct focus_closers *c = &f->closers;
	int line = 0;
	char n[16];

	if (h < 2 || !c->present || c->attributed + c->unknown == 0)
		return 0;
	ui_textf(u, y + line++, x, w, TH_LABEL, "closed first by (%u)",
		 c->total);
	for (uint32_t i = 0; i < c->n && line < h - (c->unknown > 0); i++) {
		const struct focus_closer *k = &c->v[i];

		drill_closer_name(u, y + line, x, w - 8, k->comm, k->pid,
				  k->container);
		ui_text_right(u, y + line++, x + w - 8, 8, TH_VALUE,
			      ui_count(n, sizeof(n), k->time_wait));
	}
	if (c->unknown > 0 && line < h) {
		ui_text(u, y + line, x, w - 8, TH_DIM, "before twtop");
		ui_text_right(u, y + line++, x + w - 8, 8, TH_DIM,
			      ui_count(n, sizeof(n), c->unknown));
	}
	return line;
}

/* The states, then who closed first in the rows left. */
static void drill_first_col(struct ui *u, const struct snap_focus *f,
			    int y, int x, int w, int h)
{
	int line = drill_states(u, f, y, x, w, h);

	if (line + 3 <= h)
		drill_closers(u, f, y + line + 1, x, w, h - line - 1);
}

/* Where a process's TIME_WAIT lead: "to 10.0.0.2:443" (it was the
 * client), "from 10.0.0.3 to :8080" (the server), most first. */
static int drill_dests(struct ui *u, const struct snap_focus *f, int y,
		       int x, int w, int h)
{
	int line = 0;
	char n[16], a[ADDR_STRLEN + 16], t[2][ADDR_STRLEN + 40];

	ui_textf(u, y + line++, x, w, TH_LABEL, "TIME_WAIT to (%u)",
		 f->dests_total);
	if (f->n_dests == 0 && line < h)
		ui_text(u, y + line++, x, w, TH_DIM, "none now");
	for (uint32_t i = 0; i < f->n_dests && line < h; i++) {
		const struct focus_dest *d = &f->dests[i];
		int room = w - 9;	/* the count's 8 and a space */
		char p[8];

		if (d->server) {
			int pw = snprintf(p, sizeof(p), ":%u", d->port);

			/* the longer form only with the address whole */
			snprintf(t[0], sizeof(t[0]), "from %s to %s",
				 ui_addr_fit(&d->remote, ADDR_STRLEN, u->utf8,
					     a, sizeof(a)), p);
			snprintf(t[1], sizeof(t[1]), "%s%s%s",
				 ui_addr_fit(&d->remote, room - pw - (u->utf8 ?
					     1 : 2), u->utf8, a, sizeof(a)),
				 ui_arrow(u), p);
		} else {
			snprintf(t[0], sizeof(t[0]), "to %s",
				 ui_addr_port_fit(&d->remote, d->port,
						  ADDR_STRLEN + 8, u->utf8, a,
						  sizeof(a)));
			snprintf(t[1], sizeof(t[1]), "%s",
				 ui_addr_port_fit(&d->remote, d->port, room,
						  u->utf8, a, sizeof(a)));
		}
		ui_text_alt(u, y + line, x, room, TH_NORMAL,
			    (const char *[]){ t[0], t[1] }, 2);
		ui_text_right(u, y + line++, x + w - 8, 8, TH_VALUE,
			      ui_count(n, sizeof(n), d->time_wait));
	}
	return line;
}

/* A process's destinations; a container's, then its processes. */
static void drill_owner_col(struct ui *u, const struct snap_focus *f, int y,
			    int x, int w, int h)
{
	int line = 0;

	if (f->req.kind == FOCUS_CGROUP) {
		int want = (int)MIN_U32(f->closers.n, 4) + 1;

		line = drill_dests(u, f, y, x, w, h - want - 1 >= 3 ?
				   h - want - 1 : h);
		if (line + 2 < h)
			drill_closers(u, f, y + line + 1, x, w, h - line - 1);
		return;
	}
	drill_dests(u, f, y, x, w, h);
}

/* A process's or container's summary line: its TIME_WAIT, closes and
 * failures, or why there is none. */
static void drill_proc_line(struct ui *u, const struct snap_focus *f, int y,
			    int x, int w)
{
	bool cg = f->req.kind == FOCUS_CGROUP;
	uint32_t tw = cg ? f->cg.time_wait : f->proc.time_wait;
	uint32_t srv = cg ? f->cg.server_side : f->proc.server_side;
	uint32_t cli = cg ? f->cg.client_side : f->proc.client_side;
	double act = cg ? f->cg.active_per_s : f->proc.active_per_s;
	double pas = cg ? f->cg.passive_per_s : f->proc.passive_per_s;
	double err = cg ? f->cg.connect_errors_per_s :
		     f->proc.connect_errors_per_s;
	char r[3][16], who[32], a[3][192];

	if (!f->closers.present) {
		ui_text_words(u, y, x, w, TH_DIM, u->snap->closers.why[0] ?
			      u->snap->closers.why : "who closes: not sampled");
		return;
	}
	if (cg ? !f->cg_found : !f->proc_found) {
		ui_text(u, y, x, w, TH_DIM, cg ? "no process of this container "
			"holds TIME_WAIT, closed or failed to connect now" :
			"no TIME_WAIT, close or failed connect() of this "
			"process now");
		return;
	}
	ui_rate(r[0], sizeof(r[0]), act >= 0, act);
	ui_rate(r[1], sizeof(r[1]), pas >= 0, pas);
	ui_rate(r[2], sizeof(r[2]), err >= 0, err);
	if (cg)
		snprintf(who, sizeof(who), "its %u processes", f->cg.processes);
	else
		snprintf(who, sizeof(who), "it");
	snprintf(a[0], sizeof(a[0]), "TIME_WAIT %u %s closed first (server "
		 "side %u, client side %u); closes %s/s first, %s/s after "
		 "the peer; connect() errors %s/s", tw, who, srv, cli, r[0],
		 r[1], r[2]);
	snprintf(a[1], sizeof(a[1]), "TIME_WAIT %u (server %u, client %u), "
		 "act %s/s pas %s/s err %s/s", tw, srv, cli, r[0], r[1], r[2]);
	snprintf(a[2], sizeof(a[2]), "TIME_WAIT %u, err %s/s", tw, r[2]);
	ui_text_alt(u, y, x, w, TH_NORMAL, (const char *[]){ a[0], a[1],
		    a[2] }, 3);
}

/* The title: what is drilled into, the process named when known. */
static void drill_title(struct ui *u, const struct snap_focus *f, int y,
			int x, int w)
{
	char what[96], a[160];

	if (f && f->req.kind == FOCUS_PROC && f->proc_found)
		snprintf(a, sizeof(a), "Drill-down: process %s[%u]%s%s  "
			 "(Esc: back)", f->proc.comm, f->proc.pid,
			 f->proc.container[0] ? " " : "", f->proc.container);
	else if (f && f->req.kind == FOCUS_CGROUP && f->cg_found)
		snprintf(a, sizeof(a), "Drill-down: container %s  (Esc: back)",
			 ui_cgroup_name(&f->cg, what, sizeof(what)));
	else
		snprintf(a, sizeof(a), "Drill-down: %s  (Esc: back)",
			 ui_drill_what(&u->drill, what, sizeof(what)));
	ui_text(u, y, x, w, TH_TITLE_FOCUS, a);
}

/* Title, summary, states/ages/ports in three columns when wide (else
 * states only), then the socket list. */
void ui_drill_draw(struct ui *u, const struct ui_rect *b)
{
	const struct snap_focus *f = drill_data(u);
	int x = b->x + 1, w = b->w - 2, y = b->y, top, left;
	bool proc = u->drill.kind == FOCUS_PROC ||
		    u->drill.kind == FOCUS_CGROUP;

	ui_fill(u, y, b->x, b->w, TH_TITLE_FOCUS);
	drill_title(u, f, y++, x, w);
	if (!f) {
		ui_text(u, y + 1, x, w, TH_DIM, proc ? "collecting its "
			"TIME_WAIT..." : "collecting its sockets...");
		return;
	}
	if (proc)
		drill_proc_line(u, f, y++, x, w);
	else
		ui_textf(u, y++, x, w, TH_NORMAL, "%u sockets, TIME_WAIT %u "
			 "(server side %u, client side %u)", f->total,
			 f->states[TS_TIME_WAIT], f->tw_server, f->tw_client);
	drill_rate(u, f, y++, x, w);
	top = b->h - 3 >= 24 ? SNAP_AGE_BUCKETS + 2 : (b->h - 3) / 2;
	if (w >= COL_MIN && top >= 4) {
		int cw = w / 3;

		if (proc)
			drill_owner_col(u, f, y, x, cw - 1, top - 1);
		else
			drill_first_col(u, f, y, x, cw - 1, top - 1);
		drill_ages(u, f, y, x + cw, cw - 1, top - 1);
		drill_ports(u, f, y, x + 2 * cw, w - 2 * cw, top - 1);
	} else {
		if (proc)
			drill_dests(u, f, y, x, w, 3);
		top = proc ? 3 : drill_states(u, f, y, x, w, top > 3 ? top :
						3);
		drill_age_line(u, f, y + top++, x, w);
		top++;
	}
	/* the groups take what the socket list can spare: it keeps 6 rows */
	left = b->y + b->h - y - top - 7;
	top += drill_groups(u, f, y + top, x, w, left < FOCUS_GROUPS_MAX + 1 ?
			    left : FOCUS_GROUPS_MAX + 1);
	if (proc) {
		left = b->y + b->h - y - top - 7;
		top += ui_connerr_rows(u, y + top, x, w, left < 4 ? left : 4,
				       f->errors, MIN_U32(f->n_errors,
				       FOCUS_ERRORS_MAX), f->errors_total);
	}
	drill_socks(u, f, y + top, x, w, b->y + b->h - y - top);
}

/* Esc goes back; arrows scroll the socket list. */
bool ui_drill_key(struct ui *u, int key)
{
	const struct snap_focus *f = drill_data(u);
	struct panel_state *ps = &u->drill_ps;
	int n = f ? (int)f->n_socks : 0;

	if (key == UI_KEY_ESC || key == KEY_LEFT || key == KEY_BACKSPACE) {
		ui_drill_close(u);
		return true;
	}
	/* scroll by moving an invisible selection to the window's edge */
	if (key == KEY_DOWN || key == KEY_NPAGE)
		ps->sel = ps->top + ps->page - 1;
	return ui_list_key(ps, key, n);
}

void ui_drill_open(struct ui *u, const struct focus_req *f)
{
	u->drill = *f;
	u->view = UI_VIEW_DRILL;
	memset(&u->drill_ps, 0, sizeof(u->drill_ps));
	sampler_set_focus(u->sp, f);
}

void ui_drill_close(struct ui *u)
{
	u->view = UI_VIEW_MAIN;
	sampler_set_focus(u->sp, NULL);
}
