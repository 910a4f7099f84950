/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus text exposition (format 0.0.4) of a snapshot, for
 * node_exporter's textfile collector (prom_file.c writes the file). The
 * metrics mean what the JSON members of the same data mean (README.md,
 * "JSON schema" and "Prometheus export"). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "twtop/addr.h"
#include "twtop/advice.h"
#include "twtop/json.h"
#include "twtop/prom.h"
#include "twtop/tcpstate.h"

/* Kernel counters exported, all monotonic in the kernel (per-cpu sums of
 * SNMP MIB counters, per network namespace): TYPE counter, _total. */
static const struct {
	const char *counter, *metric, *help;
} prom_counters[] = {
	{ "TcpExtTW", "twtop_tcp_tw_total",
	  "TcpExtTW: timewait minisockets scheduled for more than 4 s "
	  "(TIME_WAIT and FIN_WAIT_2 substates); counted at creation since "
	  "Linux 5.18, at expiry before." },
	{ "TcpExtTWKilled", "twtop_tcp_tw_killed_total",
	  "TcpExtTWKilled: timewait minisockets scheduled for 4 s or less "
	  "(tcp_fin_timeout <= 4)." },
	{ "TcpExtTWRecycled", "twtop_tcp_tw_recycled_total",
	  "TcpExtTWRecycled: connect() reused a TIME_WAIT 4-tuple "
	  "(tcp_tw_reuse at work)." },
	{ "TcpExtTCPTimeWaitOverflow", "twtop_tcp_time_wait_overflow_total",
	  "TcpExtTCPTimeWaitOverflow: connections closed with no TIME_WAIT "
	  "because tcp_max_tw_buckets was full." },
	{ "TcpActiveOpens", "twtop_tcp_active_opens_total",
	  "TcpActiveOpens: connections opened by connect()." },
	{ "TcpPassiveOpens", "twtop_tcp_passive_opens_total",
	  "TcpPassiveOpens: connections accepted from a listener." },
	{ "TcpExtTCPAbortOnClose", "twtop_tcp_abort_on_close_total",
	  "TcpExtTCPAbortOnClose: connections reset because close() left "
	  "unread data." },
	{ "TcpExtTCPAbortOnData", "twtop_tcp_abort_on_data_total",
	  "TcpExtTCPAbortOnData: connections reset at close() with "
	  "SO_LINGER 0, or because data arrived after close(); no "
	  "TIME_WAIT." },
	{ "TcpExtTCPAbortOnLinger", "twtop_tcp_abort_on_linger_total",
	  "TcpExtTCPAbortOnLinger: connections reset at close() in "
	  "FIN_WAIT2 because TCP_LINGER2 is negative." },
	{ "TcpOutRsts", "twtop_tcp_out_rsts_total",
	  "TcpOutRsts: RST segments sent, for any cause." },
	{ "TcpExtListenOverflows", "twtop_tcp_listen_overflows_total",
	  "TcpExtListenOverflows: handshakes dropped because a listener's "
	  "accept queue was full." },
	{ "TcpExtListenDrops", "twtop_tcp_listen_drops_total",
	  "TcpExtListenDrops: packets dropped at a listener, for any cause "
	  "(ListenOverflows included)." },
};

/* Sysctls exported as gauges when present and numeric; div turns
 * milliseconds into seconds. An absent sysctl is left out, never 0. */
static const struct {
	const char *sysctl, *metric, *help;
	double div;
} prom_sysctls[] = {
	{ "net.ipv4.tcp_tw_reuse", "twtop_sysctl_tcp_tw_reuse",
	  "net.ipv4.tcp_tw_reuse: 0 off, 1 on, 2 loopback only (outgoing "
	  "connect() only).", 1 },
	{ "net.ipv4.tcp_tw_reuse_delay",
	  "twtop_sysctl_tcp_tw_reuse_delay_seconds",
	  "net.ipv4.tcp_tw_reuse_delay in seconds: age a TIME_WAIT needs "
	  "before connect() may reuse it (Linux 6.14+).", 1000 },
	{ "net.ipv4.tcp_tw_recycle", "twtop_sysctl_tcp_tw_recycle",
	  "net.ipv4.tcp_tw_recycle (kernels before 4.12 only; breaks "
	  "clients behind NAT).", 1 },
	{ "net.ipv4.tcp_max_tw_buckets", "twtop_sysctl_tcp_max_tw_buckets",
	  "net.ipv4.tcp_max_tw_buckets: cap on timewait minisockets; past "
	  "it connections close with no TIME_WAIT.", 1 },
	{ "net.ipv4.tcp_fin_timeout", "twtop_sysctl_tcp_fin_timeout_seconds",
	  "net.ipv4.tcp_fin_timeout: bounds orphaned FIN_WAIT_2; does not "
	  "shorten TIME_WAIT (a fixed 60 s).", 1 },
	{ "net.ipv4.tcp_timestamps", "twtop_sysctl_tcp_timestamps",
	  "net.ipv4.tcp_timestamps: tcp_tw_reuse needs it on (not 0).", 1 },
	{ "net.ipv4.tcp_rfc1337", "twtop_sysctl_tcp_rfc1337",
	  "net.ipv4.tcp_rfc1337: 1 keeps a TIME_WAIT when an RST arrives.",
	  1 },
};

/* Every id and level the advice engine can raise (src/advice.c): these
 * series are always written, 0 when quiet, so each has a stable series
 * to alert on. An id or level not listed still shows while active. */
static const struct {
	const char *id;
	int level;
} prom_adv_known[] = {
	{ "tw-bucket-overflow", ADV_ALARM },
	{ "tw-bucket-near-cap", ADV_WARN },
	{ "port-group-pressure", ADV_WARN },
	{ "port-group-pressure", ADV_ALARM },
	{ "server-side-close", ADV_INFO },
	{ "rst-instead-of-tw", ADV_INFO },
	{ "tw-reuse-off", ADV_INFO },
	{ "timestamps-off", ADV_INFO },
	{ "timestamps-off", ADV_WARN },
	{ "fin-timeout-not-tw", ADV_INFO },
	{ "tw-recycle-present", ADV_INFO },
	{ "tw-recycle-present", ADV_ALARM },
};
#define PROM_ADV_KNOWN (sizeof(prom_adv_known) / sizeof(prom_adv_known[0]))

/* The writer: the file and the netns label every series carries, so the
 * files of twtops sampling different namespaces can share one textfile
 * directory (the collector rejects a series written twice and a family
 * whose label names differ between series). */
struct pw {
	FILE *f;
	const char *netns;
};

/* Writes s escaped as the format asks: backslash and newline always, the
 * double quote too in label values. The format is UTF-8, so each byte
 * that is not valid UTF-8 becomes U+FFFD. */
static void pw_escaped(FILE *f, const char *s, bool label)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	while (n > 0) {
		size_t len = json_utf8_len(p, n);

		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '"' && label)
			fputs("\\\"", f);
		else if (len == 0)
			fputs("\xef\xbf\xbd", f);
		else
			fwrite(p, 1, len, f);
		if (len == 0)
			len = 1;
		p += len;
		n -= len;
	}
}

/* "# HELP" and "# TYPE" lines that open a metric family. */
static void pw_family(struct pw *w, const char *name, const char *type,
		      const char *help)
{
	fprintf(w->f, "# HELP %s ", name);
	pw_escaped(w->f, help, false);
	fprintf(w->f, "\n# TYPE %s %s\n", name, type);
}

/* Starts a sample line: the name and the netns label; pw_label adds more
 * labels, pw_int or pw_dbl ends the line with the value. */
static void pw_open(struct pw *w, const char *name)
{
	fprintf(w->f, "%s{netns=\"", name);
	pw_escaped(w->f, w->netns, true);
	fputc('"', w->f);
}

static void pw_label(struct pw *w, const char *key, const char *value)
{
	fprintf(w->f, ",%s=\"", key);
	pw_escaped(w->f, value, true);
	fputc('"', w->f);
}

static void pw_int(struct pw *w, long long v)
{
	fprintf(w->f, "} %lld\n", v);
}

/* Ends the line with v; v must be finite: twtop leaves NaN and
 * infinities out rather than writes them. */
static void pw_dbl(struct pw *w, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		fputs("twtop: bug: non-finite Prometheus sample\n", stderr);
		abort();
	}
	json_format_double(v, buf, sizeof(buf));
	fprintf(w->f, "} %s\n", buf);
}

/* A family with one unlabelled (netns only) integer sample. */
static void pw_gauge_int(struct pw *w, const char *name, const char *help,
			 long long v)
{
	pw_family(w, name, "gauge", help);
	pw_open(w, name);
	pw_int(w, v);
}

/* The same for a number; left out entirely when v is not finite. */
static void pw_gauge_dbl(struct pw *w, const char *name, const char *help,
			 double v)
{
	if (!isfinite(v))
		return;
	pw_family(w, name, "gauge", help);
	pw_open(w, name);
	pw_dbl(w, v);
}

/* twtop_info and how the sample went. */
static void prom_sample(struct pw *w, const struct snapshot *s)
{
	pw_family(w, "twtop_info", "gauge",
		  "Always 1: the twtop version, kernel release, --filter "
		  "(\"\" for none) and socket backend (bpf or netlink) of "
		  "this file.");
	pw_open(w, "twtop_info");
	pw_label(w, "version", PACKAGE_VERSION);
	pw_label(w, "kernel", s->kernel);
	pw_label(w, "filter", s->filter);
	pw_label(w, "backend", s->backend ? s->backend : "");
	pw_int(w, 1);

	pw_gauge_dbl(w, "twtop_sample_timestamp_seconds",
		     "Unix time the sample started.",
		     (double)s->when.tv_sec + (double)s->when.tv_nsec / 1e9);
	pw_gauge_dbl(w, "twtop_sample_duration_seconds",
		     "Time the whole sample took: sysctls, socket dumps, "
		     "aggregation, counters, advice.", s->pass_ms / 1000.0);
	pw_gauge_dbl(w, "twtop_sample_dump_duration_seconds",
		     "Time the sock_diag socket dumps took.",
		     s->dump_ms / 1000.0);
	pw_gauge_dbl(w, "twtop_sample_sockets_age_seconds",
		     "Age of the socket figures: 0 after a full pass; under "
		     "the CPU budget (--cpu-budget) the time since the last.",
		     s->sockets_age_s);
	pw_gauge_int(w, "twtop_sample_partial",
		     "1 when the socket dump was interrupted too often and "
		     "counts may be incomplete.", s->partial);
	pw_gauge_int(w, "twtop_sample_dump_failed",
		     "1 when the socket dump failed: socket-count metrics are "
		     "left out of this sample.", s->dump_failed);
}

/* Socket counts by state and the TIME_WAIT split (from the dump). */
static void prom_sockets(struct pw *w, const struct snapshot *s)
{
	pw_family(w, "twtop_sockets", "gauge",
		  "TCP sockets by state, IPv4 and IPv6 (with --filter, the "
		  "matching ones).");
	for (int i = 0; i < TCPSTATE_SHOWN; i++) {
		unsigned int t = tcpstate_order[i];
		const char *name = tcpstate_name(t);
		char lower[32];
		size_t k;

		for (k = 0; name[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ?
					  name[k] - 'A' + 'a' : name[k]);
		lower[k] = '\0';
		pw_open(w, "twtop_sockets");
		pw_label(w, "state", lower);
		pw_int(w, s->states[t]);
	}

	/* TIME_WAIT on a listening port is server side: this host closed
	 * accepted connections first (KERNEL-FACTS.md, "TIME_WAIT itself").
	 * The sampler's side, kept when the listener went away. */
	pw_family(w, "twtop_time_wait_sockets", "gauge",
		  "TIME_WAIT sockets by side: server (local port listening now "
		  "or within 60 s, or inferred; uses no ephemeral port) or "
		  "client (holds its local port).");
	pw_open(w, "twtop_time_wait_sockets");
	pw_label(w, "side", "server");
	pw_int(w, s->tw.server_side);
	pw_open(w, "twtop_time_wait_sockets");
	pw_label(w, "side", "client");
	pw_int(w, s->tw.client_side);
	pw_gauge_int(w, "twtop_time_wait_server_inferred_sockets",
		     "Of the server-side TIME_WAIT, those taken as server side "
		     "without a listener seen: local port outside the ephemeral "
		     "range, remote port inside it, in twtop's first 60 s.",
		     s->tw.server_inferred);
}

/* Kernel counters, the new-TIME_WAIT rate, sockstat and sysctls. */
static void prom_kernel(struct pw *w, const struct snapshot *s)
{
	if (s->tw.rate_valid)
		pw_gauge_dbl(w, "twtop_time_wait_new_per_second",
			     "New TIME_WAIT per second: the TcpExtTW delta "
			     "between the last two samples (FIN_WAIT_2 "
			     "minisockets included; counted at creation since "
			     "Linux 5.18); with --filter, the matching "
			     "TIME_WAIT younger than the sample interval.",
			     s->tw.new_per_s);

	for (size_t i = 0; i < sizeof(prom_counters) / sizeof(prom_counters[0]);
	     i++) {
		const struct snap_counter *c =
			snap_counter(s, prom_counters[i].counter);

		if (c == NULL || !s->counters_present)
			continue;	/* absent, not 0 */
		pw_family(w, prom_counters[i].metric, "counter",
			  prom_counters[i].help);
		pw_open(w, prom_counters[i].metric);
		pw_int(w, c->value);
	}

	if (s->sockstat.present) {
		pw_gauge_int(w, "twtop_sockstat_tcp_tw",
			     "/proc/net/sockstat TCP tw: all timewait "
			     "minisockets of the namespace, FIN_WAIT_2 "
			     "substates included.", s->sockstat.tw);
		pw_gauge_int(w, "twtop_sockstat_tcp_inuse",
			     "/proc/net/sockstat TCP inuse (per namespace).",
			     s->sockstat.inuse);
		pw_gauge_int(w, "twtop_sockstat_tcp_orphan",
			     "/proc/net/sockstat TCP orphan (global, all "
			     "namespaces).", s->sockstat.orphan);
		pw_gauge_int(w, "twtop_sockstat_tcp_alloc",
			     "/proc/net/sockstat TCP alloc (global, all "
			     "namespaces).", s->sockstat.alloc);
	}

	/* absent where nf_conntrack is not loaded: left out, never 0 */
	if (s->conntrack.count_present)
		pw_gauge_int(w, "twtop_conntrack_entries",
			     "nf_conntrack_count: connection tracking entries "
			     "of the namespace.", s->conntrack.count);
	if (s->conntrack.max_present)
		pw_gauge_int(w, "twtop_conntrack_entries_limit",
			     "nf_conntrack_max: the size of the connection "
			     "tracking table; when it is full, packets of new "
			     "connections are dropped.", s->conntrack.max);

	for (size_t i = 0; i < sizeof(prom_sysctls) / sizeof(prom_sysctls[0]);
	     i++) {
		const struct snap_sysctl *c =
			snap_sysctl(s, prom_sysctls[i].sysctl);

		if (c == NULL || !c->present || !c->numeric)
			continue;
		if (prom_sysctls[i].div == 1)
			pw_gauge_int(w, prom_sysctls[i].metric,
				     prom_sysctls[i].help, c->num);
		else
			pw_gauge_dbl(w, prom_sysctls[i].metric,
				     prom_sysctls[i].help,
				     (double)c->num / prom_sysctls[i].div);
	}
}

/* Holes for connect() by kind, as sock_diag shows them: listening ports,
 * bound-inactive sockets (6.8+), ports of listeners that closed while
 * their connections or TIME_WAIT remain, and (BPF backend only) ports
 * bind() took before connect() (KERNEL-FACTS.md, "Ephemeral port
 * exhaustion"). */
static void prom_holes(struct pw *w, const struct snapshot *s)
{
	static const char *const kinds[] = {
		"listen", "bound", "closed_listener", "bind",
	};
	const uint32_t n[] = {
		s->eph.holes_listen, s->eph.holes_bound, s->eph.holes_closed,
		s->eph.holes_bind,
	};

	pw_family(w, "twtop_ephemeral_port_holes", "gauge",
		  "Ports of the range connect() skips, by kind: listen "
		  "(listening now), bound (bound-inactive sockets, Linux "
		  "6.8+), closed_listener (a listener closed, its connections "
		  "or TIME_WAIT remain), bind (ports bind() took before "
		  "connect(): seen by the BPF backend only, 0 otherwise).");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		pw_open(w, "twtop_ephemeral_port_holes");
		pw_label(w, "kind", kinds[i]);
		pw_int(w, n[i]);
	}
}

/* The ephemeral range and, unless the dump failed, its use. */
static void prom_ephemeral(struct pw *w, const struct snapshot *s)
{
	if (!s->eph.present)
		return;
	pw_gauge_int(w, "twtop_ephemeral_port_range_low",
		     "net.ipv4.ip_local_port_range, first port.", s->eph.low);
	pw_gauge_int(w, "twtop_ephemeral_port_range_high",
		     "net.ipv4.ip_local_port_range, last port (inclusive).",
		     s->eph.high);
	pw_gauge_int(w, "twtop_ephemeral_ports",
		     "Ports in the ephemeral range (high - low + 1).",
		     s->eph.size);
	pw_gauge_int(w, "twtop_ephemeral_ports_reserved",
		     "Ports of the range listed in ip_local_reserved_ports.",
		     s->eph.reserved);
	if (s->dump_failed)
		return;		/* the rest is counted from the dump */
	pw_gauge_int(w, "twtop_ephemeral_ports_bound",
		     "Ports of the range connect() skips, not reserved: the "
		     "sum of twtop_ephemeral_port_holes.", s->eph.holes);
	prom_holes(w, s);
	pw_gauge_int(w, "twtop_ephemeral_ports_in_use",
		     "Distinct local ports of the range used by any socket.",
		     s->eph.ports_in_use);
	pw_gauge_int(w, "twtop_destination_groups",
		     "Destination groups (local address, remote address, "
		     "remote port) with sockets on ephemeral ports.",
		     s->eph.groups_total);
}

/* One sample of a destination-group family for group g. */
static void pw_group(struct pw *w, const char *name,
		     const struct snap_group *g)
{
	char local[ADDR_STRLEN], remote[ADDR_STRLEN], port[8];

	snprintf(port, sizeof(port), "%u", (unsigned)g->remote_port);
	pw_open(w, name);
	pw_label(w, "local", addr_format(&g->local, local, sizeof(local)));
	pw_label(w, "remote", addr_format(&g->remote, remote,
					  sizeof(remote)));
	pw_label(w, "remote_port", port);
}

/* Integer families per destination group: the snapshot's counts. */
static const struct {
	const char *metric, *help;
	size_t off;		/* of a uint32_t in struct snap_group */
} prom_group_ints[] = {
	{ "twtop_destination_ports_used",
	  "Sockets of the group on ports inside the ephemeral range, any "
	  "state (the fullest groups only, --top).",
	  offsetof(struct snap_group, used) },
	{ "twtop_destination_ports_free",
	  "Ports connect() can pick for the group without taking over a "
	  "TIME_WAIT.", offsetof(struct snap_group, free) },
	{ "twtop_destination_ports_reusable",
	  "The group's own TIME_WAIT connect() may take over now: "
	  "tcp_tw_reuse 1 (2: loopback tuples), tcp_timestamps on, older "
	  "than tcp_tw_reuse_delay; assumes the peer sent timestamps.",
	  offsetof(struct snap_group, reusable) },
	{ "twtop_destination_ports_available",
	  "Ports connect() can still pick for the group: free + reusable.",
	  offsetof(struct snap_group, available) },
	{ "twtop_destination_time_wait_sockets",
	  "Of the group's used ports, those held by TIME_WAIT.",
	  offsetof(struct snap_group, time_wait) },
};

/* A number family over the groups whose value is finite (v[i]); left
 * out when none is. */
static void pw_group_dbls(struct pw *w, const char *name, const char *help,
			  const struct snap_group *g, const double *v,
			  uint32_t n)
{
	uint32_t known = 0;

	for (uint32_t i = 0; i < n; i++)
		known += isfinite(v[i]);
	if (known == 0)
		return;
	pw_family(w, name, "gauge", help);
	for (uint32_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;	/* unknown: no sample rather than NaN */
		pw_group(w, name, &g[i]);
		pw_dbl(w, v[i]);
	}
}

/* The n fullest destination groups: the ephemeral-port capacity that
 * runs out is per group (KERNEL-FACTS.md, "Ephemeral port exhaustion is
 * per destination"), so it is exported per group, bounded to n. Every
 * figure is the snapshot's: counts, fc.pressure, the measured rate. */
static void prom_groups(struct pw *w, const struct snapshot *s, uint32_t n)
{
	const struct snap_group *g = s->eph.groups;
	double pressure[SNAP_TOP_MAX], rate[SNAP_TOP_MAX];

	if (!s->eph.present || s->dump_failed || n == 0)
		return;
	for (size_t k = 0; k < sizeof(prom_group_ints) /
	     sizeof(prom_group_ints[0]); k++) {
		pw_family(w, prom_group_ints[k].metric, "gauge",
			  prom_group_ints[k].help);
		for (uint32_t i = 0; i < n; i++) {
			const char *base = (const char *)&g[i];
			uint32_t v;

			memcpy(&v, base + prom_group_ints[k].off, sizeof(v));
			pw_group(w, prom_group_ints[k].metric, &g[i]);
			pw_int(w, v);
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		pressure[i] = g[i].fc.known && g[i].fc.capacity > 0 ?
			      g[i].fc.pressure : NAN;
		rate[i] = g[i].new_per_s >= 0 ? g[i].new_per_s : NAN;
	}
	pw_group_dbls(w, "twtop_destination_ports_used_ratio",
		      "1 - available / (used + free): the share of the group's "
		      "ports connect() cannot pick now. connect() slows past "
		      "0.5 and fails with EADDRNOTAVAIL at 1.", g, pressure, n);
	pw_group_dbls(w, "twtop_destination_time_wait_new_per_second",
		      "New TIME_WAIT per second in the group, measured from "
		      "TIME_WAIT ages (those younger than the sample interval).",
		      g, rate, n);
}

/* --- who closes (twtop/closers.h) --------------------------------------- */

/* One sample of a per-process family: pid, comm and cgroup labels. */
static void pw_process(struct pw *w, const char *name,
		       const struct snap_closer *c)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%u", (unsigned)c->pid);
	pw_open(w, name);
	pw_label(w, "pid", pid);
	pw_label(w, "comm", c->comm);
	pw_label(w, "cgroup", c->cgroup);
}

/* Totals whenever BPF runs (a fixed set of series); per process only
 * with --prometheus-processes N: the N holding the most TIME_WAIT, so
 * the series stay bounded (pids come and go). */
static void prom_closers(struct pw *w, const struct snapshot *s)
{
	const struct snap_closers *c = &s->closers;
	uint32_t n = MIN_U32(MIN_U32(c->n, SNAP_CLOSERS_MAX),
			     c->prom_processes);

	if (!c->present)
		return;
	pw_family(w, "twtop_closes_total", "counter",
		  "Connections closed since twtop started, in the namespace: "
		  "active (this side closed first; it keeps the TIME_WAIT), "
		  "passive (closed after the peer) (BPF).");
	pw_open(w, "twtop_closes_total");
	pw_label(w, "kind", "active");
	pw_int(w, (long long)c->active_closes);
	pw_open(w, "twtop_closes_total");
	pw_label(w, "kind", "passive");
	pw_int(w, (long long)c->passive_closes);
	pw_family(w, "twtop_connect_errors_total", "counter",
		  "connect() calls on TCP sockets of the namespace that "
		  "failed, since twtop started (BPF).");
	pw_open(w, "twtop_connect_errors_total");
	pw_int(w, (long long)c->connect_errors);
	if (!s->dump_failed)
		pw_gauge_int(w, "twtop_time_wait_unattributed",
			     "TIME_WAIT with no closer record: closed before "
			     "twtop started (or the record was evicted).",
			     c->unknown);
	if (n == 0)
		return;
	pw_family(w, "twtop_process_time_wait_sockets", "gauge",
		  "TIME_WAIT a process closed first and holds, by side "
		  "(--prometheus-processes: the top N).");
	for (uint32_t i = 0; i < n; i++) {
		pw_process(w, "twtop_process_time_wait_sockets", &c->v[i]);
		pw_label(w, "side", "server");
		pw_int(w, c->v[i].server_side);
		pw_process(w, "twtop_process_time_wait_sockets", &c->v[i]);
		pw_label(w, "side", "client");
		pw_int(w, c->v[i].client_side);
	}
	pw_family(w, "twtop_process_closes_total", "counter",
		  "Closes of a process since twtop started: active (it closed "
		  "first) or passive (--prometheus-processes).");
	for (uint32_t i = 0; i < n; i++) {
		pw_process(w, "twtop_process_closes_total", &c->v[i]);
		pw_label(w, "kind", "active");
		pw_int(w, (long long)c->v[i].active_closes);
		pw_process(w, "twtop_process_closes_total", &c->v[i]);
		pw_label(w, "kind", "passive");
		pw_int(w, (long long)c->v[i].passive_closes);
	}
	pw_family(w, "twtop_process_connect_errors_total", "counter",
		  "Failed connect() calls of a process since twtop started "
		  "(--prometheus-processes).");
	for (uint32_t i = 0; i < n; i++) {
		pw_process(w, "twtop_process_connect_errors_total", &c->v[i]);
		pw_int(w, (long long)c->v[i].connect_errors);
	}
}

/* An (id, level) pair and how many active advisories have it. */
struct adv_count {
	const char *id;
	int level;
	unsigned int n;
};

/* Active advisories per id and level: every known pair (0 when quiet),
 * then any other pair that is active. */
static void prom_advisories(struct pw *w, const struct snapshot *s)
{
	struct adv_count c[PROM_ADV_KNOWN + SNAP_ADV_MAX];
	size_t nc = PROM_ADV_KNOWN;

	for (size_t i = 0; i < PROM_ADV_KNOWN; i++)
		c[i] = (struct adv_count){ prom_adv_known[i].id,
					   prom_adv_known[i].level, 0 };
	for (uint32_t i = 0; i < MIN_U32(s->n_advisories, SNAP_ADV_MAX); i++) {
		const struct snap_advisory *a = &s->advisories[i];
		const char *lv = advice_level_name(a->level);
		size_t k;

		if (a->id == NULL)
			continue;
		/* compare level names: an out-of-range level is "info" */
		for (k = 0; k < nc; k++)
			if (strcmp(c[k].id, a->id) == 0 &&
			    strcmp(advice_level_name(c[k].level), lv) == 0)
				break;
		if (k == nc)
			c[nc++] = (struct adv_count){ a->id, a->level, 0 };
		c[k].n++;
	}

	pw_family(w, "twtop_advisories", "gauge",
		  "Active advisories by id and level (0 when quiet; "
		  "port-group-pressure: one per destination group, at most "
		  "3).");
	for (size_t k = 0; k < nc; k++) {
		pw_open(w, "twtop_advisories");
		pw_label(w, "id", c[k].id);
		pw_label(w, "level", advice_level_name(c[k].level));
		pw_int(w, c[k].n);
	}
}

int prom_write(FILE *f, const struct snapshot *s, unsigned int top)
{
	struct pw w = { .f = f, .netns = s->netns };
	uint32_t n = MIN_U32(s->eph.n_groups, SNAP_TOP_MAX);

	n = MIN_U32(n, top);
	errno = 0;
	prom_sample(&w, s);
	if (!s->dump_failed)
		prom_sockets(&w, s);
	prom_kernel(&w, s);
	prom_ephemeral(&w, s);
	prom_groups(&w, s, n);
	prom_closers(&w, s);
	prom_advisories(&w, s);
	if (fflush(f) != 0 || ferror(f)) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}
