/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One sample of a host's TCP state: immutable once published. */
#ifndef TWTOP_SNAPSHOT_H
#define TWTOP_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "twtop/addr.h"
#include "twtop/tcpstate.h"

#define SNAP_TOP_MAX	256	/* longest top list kept (--top bound) */
#define SNAP_AGE_STEP_MS 5000	/* TIME_WAIT age in 5 s steps over 60 s */
#define SNAP_AGE_BUCKETS (TW_LEN_MS / SNAP_AGE_STEP_MS)
#define SNAP_HIST_MAX	600	/* trend samples kept */
#define SNAP_COUNTERS_MAX 256
#define SNAP_SYSCTL_MAX	16
#define SNAP_ADV_MAX	16	/* advisories kept per sample */
#define SNAP_ADV_EVIDENCE 16	/* numbers behind one advisory */
#define SNAP_RATES_MAX	16	/* counter rates kept per sample */

#define SNAP_EXP_BANDS	6	/* TIME_WAIT by time left, 10 s bands */
#define SNAP_EXP_BAND_MS 10000
#define SNAP_EXP_SECS	60	/* the same in 1 s steps, for forecasts */

/* The smaller of two counts: a snapshot's n_* bounded by its array. */
#define MIN_U32(a, b) ((a) < (b) ? (a) : (b))

struct snap_peer {
	struct tw_addr addr;
	uint32_t states[TS_MAX];	/* all sockets to this peer by state */
	uint32_t time_wait;
	uint32_t total;
	double new_per_s;	/* new TIME_WAIT/s from ages; < 0 unknown */
};

struct snap_port {
	uint16_t port;
	bool listening;		/* a LISTEN socket holds it in this sample */
	bool server;		/* server side: listens now, listened within
				 * 60 s, or inferred (see snapshot.tw) */
	uint32_t time_wait;
	uint32_t total;
	double new_per_s;	/* new TIME_WAIT/s from ages; < 0 unknown */
};

/* Ports left out of a top list and counted together instead (agg): the
 * ephemeral local ports of client-side sockets, or the clients' ports
 * (remote) of connections accepted here. */
struct snap_port_fold {
	uint32_t ports;		/* distinct ports folded */
	uint32_t time_wait;
	uint32_t total;
	double new_per_s;	/* new TIME_WAIT/s from ages; < 0 unknown */
};

/* --- who closes first and failed connect() (twtop/closers.h) --- */
#define SNAP_CLOSERS_MAX 32	/* processes kept, most TIME_WAIT first */
#define SNAP_CONNERR_MAX 32	/* failed connect() rows kept */
#define SNAP_CONNFAIL_ERRNOS 4	/* errnos kept per destination group */
#define SNAP_COMM_LEN	16
#define SNAP_CGROUP_LEN	128

/* Failed connect() calls to one destination group's remote address and
 * port, since twtop started: by errno, most first. */
struct snap_connfail {
	bool known;		/* counted (BPF runs); else no figures */
	uint32_t n;
	struct {
		int err;	/* positive errno */
		uint32_t count;
	} e[SNAP_CONNFAIL_ERRNOS];
	uint32_t total;		/* all errnos */
	double per_s;		/* all errnos, since the last sample */
};

/* One process: the TIME_WAIT it closed first and holds, its closes. */
struct snap_closer {
	uint32_t pid;		/* the thread group id (root pid namespace) */
	char comm[SNAP_COMM_LEN];
	char cgroup[SNAP_CGROUP_LEN];	/* "" when unknown */
	char container[64];	/* cgname_short of cgroup, "" when none */
	uint64_t cgroup_id;	/* its cgroup v2 id, 0 when unknown */
	uint32_t time_wait;	/* held now, closed first by it */
	uint32_t server_side, client_side;	/* of time_wait */
	uint64_t active_closes;	/* since twtop started */
	uint64_t passive_closes;	/* closed after its peer */
	uint64_t connect_errors;
	double active_per_s;	/* since the last sample; < 0 unknown */
	double passive_per_s;
	double connect_errors_per_s;
	uint32_t destinations;	/* distinct remote address:port of its
				 * TIME_WAIT */
	struct tw_addr top_remote;	/* the one with the most */
	uint16_t top_remote_port;
	uint32_t top_remote_tw;
};

/* The processes listed of one cgroup (container) together: their sums,
 * and the one holding the most TIME_WAIT (closers_cgroup.c). */
struct snap_closer_cgroup {
	uint64_t cgroup_id;	/* 0: the processes whose id is unknown */
	char cgroup[SNAP_CGROUP_LEN];	/* its path, "" when unknown */
	char container[64];	/* cgname_short of cgroup, "" when none */
	uint32_t processes;	/* listed processes in it */
	uint32_t time_wait;
	uint32_t server_side, client_side;
	uint64_t active_closes, passive_closes, connect_errors;
	double active_per_s;	/* sums of the known rates; < 0 only when
				 * no process's is known */
	double passive_per_s;
	double connect_errors_per_s;
	uint32_t top_pid;	/* the process with the most TIME_WAIT */
	char top_comm[SNAP_COMM_LEN];
};

/* Failed connect() calls of one process to one destination. */
struct snap_connerr {
	uint32_t pid;
	char comm[SNAP_COMM_LEN];
	char cgroup[SNAP_CGROUP_LEN];
	int err;		/* positive errno */
	uint64_t count;		/* since twtop started */
	double per_s;		/* since the last sample; < 0 unknown */
	struct tw_addr remote;
	uint16_t remote_port;
};

struct snap_closers {
	bool present;		/* the BPF programs run: the rest is valid */
	char why[192];		/* when not: why, one line */
	uint32_t attributed;	/* TIME_WAIT with a closer */
	uint32_t unknown;	/* TIME_WAIT with none: closed before twtop
				 * started (or the record was lost) */
	uint32_t total;		/* processes with TIME_WAIT or closes now */
	uint32_t n;
	struct snap_closer v[SNAP_CLOSERS_MAX];
	uint32_t cgroups_total;	/* cgroups of all listed processes */
	uint32_t n_cgroups;	/* sorted as the processes */
	struct snap_closer_cgroup cgroups[SNAP_CLOSERS_MAX];
	uint32_t errors_total;	/* failed connect() rows before the cut */
	uint32_t n_errors;	/* EADDRNOTAVAIL first, then by count */
	struct snap_connerr errors[SNAP_CONNERR_MAX];
	uint64_t active_closes, passive_closes;	/* all processes */
	uint64_t peer_closes;	/* the peer closed first (no task named) */
	uint64_t connect_errors;
	uint64_t lost;		/* records full maps did not take */
	double since_s;		/* how long the counts have run */
	uint32_t prom_processes;	/* per-process Prometheus series to
					 * write (--prometheus-processes) */
};

/* Where a destination group is heading, computed once per sample by the
 * advice layer (advice_derive) and only formatted elsewhere. */
struct snap_forecast {
	bool known;		/* the group has a capacity to forecast */
	double failing_per_s;	/* failed connect()/s to it now (who closes,
				 * BPF); > 0: "failing now" */
	bool reuse;		/* connect() may take over its TIME_WAIT */
	double capacity;	/* ports connect() can pick: used + free */
	double share;		/* used / capacity */
	double pressure;	/* 1 - available / capacity */
	double rate_in;		/* the rate it settles on: long_per_s, or
				 * new_per_s under reuse; 0 when stopped */
	double sure_in;		/* low_per_s: "full in" only at this rate */
	double hold_s;		/* how long a TIME_WAIT keeps its port from
				 * connect(): the reuse delay, or 60 s */
	double steady_used;	/* rate_in x hold_s + non-TIME_WAIT sockets */
	double steady_share;	/* steady_used / capacity */
	bool fills;		/* surely heads for available 0 */
	bool may_fill;		/* only the estimate does ("may fill") */
	double full_in_s;	/* when fills: seconds left, < 0 unknown */
	char text[40];		/* "full in 43 s", "steady at 38 %" */
};

/* A destination group: the sockets that compete for one set of ephemeral
 * ports (see KERNEL-FACTS.md, "Ephemeral port exhaustion is per
 * destination"). */
struct snap_group {
	struct tw_addr local;
	struct tw_addr remote;
	uint16_t remote_port;
	uint32_t used;		/* group sockets on ports inside the range */
	uint32_t free;		/* ports connect() takes without a TIME_WAIT */
	uint32_t reusable;	/* own TIME_WAIT connect() may take over now
				 * (tcp_tw_reuse, timestamps, reuse delay) */
	uint32_t available;	/* free + reusable: what connect() can pick */
	bool reuse;		/* tcp_tw_reuse applies to this tuple */
	uint32_t time_wait;	/* of used, in TIME_WAIT */
	uint32_t tw_young;	/* of those, younger than 10 s */
	uint32_t tw_expiring;	/* of those, expiring within 10 s */
	uint32_t tw_exp[SNAP_EXP_BANDS];	/* by time left, 10 s bands */
	uint16_t tw_exp_s[SNAP_EXP_SECS];	/* by time left, 1 s steps
						 * (saturating; not saved) */
	double new_per_s;	/* new TIME_WAIT/s from ages; < 0 unknown */
	double low_per_s;	/* the rate it surely keeps: new_per_s less
				 * two standard deviations of its count
				 * (Poisson), or long_per_s less one */
	double long_per_s;	/* over the last 10 s (since the flow began
				 * when later); < 0 where connect() may have
				 * taken older ones over (reuse) */
	bool stopped;		/* its flow stopped: a gap after its youngest
				 * TIME_WAIT, none before them in the window
				 * before (forecasts take no rate) */
	struct snap_forecast fc;	/* advice_derive */
	struct snap_connfail cf;	/* closers_finish */
};

struct snap_sysctl {
	const char *name;	/* "net.ipv4.tcp_tw_reuse" (static string) */
	bool present;
	bool numeric;		/* value parses as one integer */
	long long num;
	char text[128];		/* raw value, trimmed */
};

struct snap_counter {
	char name[48];		/* nstat's name: TcpExtTW, TcpActiveOpens */
	long long value;
};

struct snap_rate {
	const char *name;	/* counter name */
	bool valid;		/* needs two samples */
	double per_s;
};

struct snap_hist {
	double t;		/* CLOCK_REALTIME seconds */
	uint32_t time_wait;
	uint32_t established;
	double new_tw_per_s;	/* < 0 when unknown */
};

/* One piece of advice (twtop/advice.h fills these; KERNEL-FACTS.md). */
struct snap_evidence {
	const char *key;	/* "tcp_max_tw_buckets" (static string) */
	double value;
};

struct snap_advisory {
	const char *id;		/* "tw-bucket-overflow" (static string) */
	int level;		/* enum adv_level in twtop/advice.h */
	uint32_t n_evidence;
	struct snap_evidence evidence[SNAP_ADV_EVIDENCE];
	char text[1024];	/* evidence and remedy, one paragraph */
};

/* Drill-down on one peer, port or process, filled when the UI asks for
 * it. */
enum focus_kind {
	FOCUS_NONE, FOCUS_PEER, FOCUS_LPORT, FOCUS_RPORT, FOCUS_PROC,
	FOCUS_CGROUP
};

struct focus_req {
	enum focus_kind kind;
	struct tw_addr addr;	/* FOCUS_PEER */
	uint16_t port;		/* FOCUS_LPORT, FOCUS_RPORT */
	uint32_t pid;		/* FOCUS_PROC: a closer's thread group id */
	uint64_t cgroup_id;	/* FOCUS_CGROUP: its processes' cgroup */
};

#define FOCUS_SOCKS_MAX	2000
#define FOCUS_PORTS_MAX	64
#define FOCUS_GROUPS_MAX 8
#define FOCUS_CLOSERS_MAX 8
#define FOCUS_DESTS_MAX	16
#define FOCUS_ERRORS_MAX 8

struct focus_sock {
	struct tw_addr local, remote;
	uint16_t lport, rport;
	uint8_t state, timer;
	uint32_t expires;	/* ms */
};

/* A process that closed some of a drill-down's TIME_WAIT first. */
struct focus_closer {
	uint32_t pid;
	char comm[SNAP_COMM_LEN];
	char container[64];	/* as snap_closer's */
	uint32_t time_wait, server_side, client_side;
};

/* Who closed a drill-down's TIME_WAIT first (BPF): its processes, most
 * TIME_WAIT first, and what no record names. */
struct focus_closers {
	bool present;		/* as s->closers.present */
	uint32_t attributed, unknown;	/* of the focus's TIME_WAIT */
	uint32_t total;		/* processes */
	uint32_t n;
	struct focus_closer v[FOCUS_CLOSERS_MAX];
};

/* Where a process's TIME_WAIT lead: client side, to remote:port (a
 * service); server side, from remote's clients to its own local port. */
struct focus_dest {
	struct tw_addr remote;
	uint16_t port;		/* remote port, or local when server */
	bool server;
	uint32_t time_wait;
};

struct snap_focus {
	struct focus_req req;
	uint32_t states[TS_MAX];
	uint32_t total;
	uint32_t tw_server, tw_client;
	uint32_t age[SNAP_AGE_BUCKETS];
	uint32_t tw_young;		/* TIME_WAIT younger than 10 s */
	double new_per_s;		/* new TIME_WAIT/s from ages */
	uint32_t n_lports, n_rports;	/* by time_wait, then total */
	struct snap_port lports[FOCUS_PORTS_MAX];
	struct snap_port rports[FOCUS_PORTS_MAX];
	struct snap_port_fold eph_local;	/* as snapshot.folded */
	struct snap_port_fold clients_inbound;
	uint32_t groups_total;		/* its destination groups */
	uint32_t n_groups;		/* the fullest, at most the max */
	struct snap_group groups[FOCUS_GROUPS_MAX];
	bool partial;			/* its dump was cut short */
	char expr[64];			/* the kernel filter that fetched it */
	uint32_t fetched;		/* sockets the kernel returned */
	double dump_ms;			/* its dump and aggregation */
	struct focus_closers closers;	/* peer, port: who closed first */
	/* FOCUS_PROC (FOCUS_CGROUP: its processes'): the process
	 * (proc_found: it is listed now, else
	 * only its pid is known), where its TIME_WAIT lead and its failed
	 * connect() calls; its TIME_WAIT are the states, ages, ports,
	 * groups and sockets above and below */
	bool proc_found;
	struct snap_closer proc;
	/* FOCUS_CGROUP: the container, as its Who closes row (cg_found: it
	 * is listed now); its processes are closers above, and what it
	 * does is what they do (destinations, errors, states, sockets) */
	bool cg_found;
	struct snap_closer_cgroup cg;
	uint32_t dests_total, n_dests;	/* most TIME_WAIT first */
	struct focus_dest dests[FOCUS_DESTS_MAX];
	uint32_t errors_total, n_errors;	/* as s->closers.errors */
	struct snap_connerr errors[FOCUS_ERRORS_MAX];
	uint32_t n_socks;		/* kept, at most FOCUS_SOCKS_MAX */
	struct focus_sock socks[FOCUS_SOCKS_MAX];
};

struct snapshot {
	int refs;		/* owned by snap_ref/snap_unref */
	uint64_t seq;		/* 1, 2, ... per sampler */
	struct timespec when;	/* CLOCK_REALTIME at sample start */
	double mono;		/* CLOCK_MONOTONIC seconds, for rates */
	double dump_ms;		/* time the netlink dumps took */
	double sockets_age_s;	/* age of the socket figures: 0 after a full
				 * pass, else since the last (CPU budget) */
	double full_every_s;	/* full passes spaced out to this by the
				 * budget; 0 when every interval has one */
	double cpu_budget;	/* --cpu-budget percent, 0 for none */
	double pass_ms;		/* the whole sample: dumps, /proc, advice */
	const char *backend;	/* "bpf" or "netlink": what dumped the
				 * sockets counted (static string) */
	char host[64];
	char kernel[64];
	char netns[64];		/* namespace description, "" for own */
	char filter[512];	/* the filter expression counted, "" for none */

	/* Sampling problems: the sample is still shown. */
	bool partial;		/* dump interrupted too often */
	bool dump_failed;	/* no socket data at all */
	char error[160];

	uint32_t states[TS_MAX];	/* BOUND_INACTIVE too (not shown) */
	uint32_t sockets;	/* as ss counts: every state but bound-inactive */

	struct {
		uint32_t total;
		/* server side: the local port listens now or listened in the
		 * last 60 s (the sampler remembers); while that memory is
		 * shorter than 60 s, a TIME_WAIT on a port outside the
		 * ephemeral range to a remote port inside it counts too */
		uint32_t server_side;
		uint32_t server_inferred;	/* of server_side, by that rule */
		uint32_t client_side;
		uint32_t eph_held;	/* client side on ephemeral ports */
		uint32_t age[SNAP_AGE_BUCKETS];	/* by age = 60 s - expires */
		bool rate_valid;
		double new_per_s;	/* TcpExtTW delta; under --filter the
					 * filtered sockets' ages */
		const char *rate_source;	/* "TcpExtTW", "ages" or NULL */
		double ages_per_s;	/* counted sockets' new TIME_WAIT/s,
					 * from ages; < 0 unknown */
		double window_s;	/* the age window of every *_per_s */
		bool rate_estimated;	/* no previous sample: the last
					 * second or two of ages */
	} tw;

	uint32_t n_peers, n_lports, n_rports;
	struct snap_peer peers[SNAP_TOP_MAX];	/* by time_wait, then total */
	/* by time_wait, then total; without the folded ports below */
	struct snap_port lports[SNAP_TOP_MAX];
	struct snap_port rports[SNAP_TOP_MAX];
	uint32_t peers_total;	/* distinct peers before the cut */
	/* Left out of lports: client-side local ports inside the ephemeral
	 * range (one per connection, connect() picked them). Left out of
	 * rports: remote ports whose sockets are mostly server side (the
	 * clients' ports of connections accepted here). */
	struct {
		struct snap_port_fold eph_local;
		struct snap_port_fold clients_inbound;
	} folded;

	struct {
		bool present;		/* ip_local_port_range readable */
		uint32_t low, high, size;
		uint32_t reserved;	/* reserved ports inside the range */
		uint32_t holes;		/* listen/bound ports inside, not reserved */
		uint32_t holes_listen;	/* of holes: listening now */
		uint32_t holes_bound;	/* bound-inactive sockets (6.8+) */
		uint32_t holes_closed;	/* closed listeners' leftovers */
		uint32_t holes_bind;	/* ports bind() took before connect()
					 * (BPF backend: the bind table) */
		const char *holes_source;	/* what holes could see */
		int tw_reuse;		/* sysctl, -1 absent */
		bool timestamps;	/* tcp_timestamps non-zero */
		uint32_t reuse_delay_ms;	/* tcp_tw_reuse_delay or 1000 */
		uint32_t ports_in_use;	/* distinct local ports inside the range */
		uint32_t n_groups;
		uint32_t groups_total;	/* distinct groups before the cut */
		struct snap_group groups[SNAP_TOP_MAX];	/* worst first */
	} eph;

	uint32_t n_sysctls;
	struct snap_sysctl sysctls[SNAP_SYSCTL_MAX];

	bool counters_present;
	uint32_t n_counters;
	struct snap_counter counters[SNAP_COUNTERS_MAX];
	uint32_t n_rates;
	struct snap_rate rates[SNAP_RATES_MAX];

	struct {
		bool present;
		long long inuse, orphan, tw, alloc, mem;
	} sockstat;

	/* nf_conntrack entries and its table size, from /proc/sys/net/
	 * netfilter; absent (not 0) where nf_conntrack is not loaded */
	struct {
		bool count_present, max_present;
		long long count, max;
	} conntrack;

	uint32_t n_advisories;	/* most severe first */
	struct snap_advisory advisories[SNAP_ADV_MAX];

	struct snap_focus *focus;	/* NULL unless a focus was requested */

	struct snap_closers closers;	/* twtop/closers.h */

	uint32_t n_hist;	/* oldest first */
	struct snap_hist hist[SNAP_HIST_MAX];
};

/* A zeroed snapshot with one reference; aborts on allocation failure. */
struct snapshot *snap_new(void);
struct snapshot *snap_ref(struct snapshot *s);
void snap_unref(struct snapshot *s);
/* A new snapshot (one reference) holding what f holds; f may be shared
 * with other threads. */
struct snapshot *snap_copy(const struct snapshot *f);
/* Do a and b name the same peer, port or process? */
bool focus_req_equal(const struct focus_req *a, const struct focus_req *b);

/* Lookups; NULL when absent. */
const struct snap_sysctl *snap_sysctl(const struct snapshot *s,
				      const char *name);
const struct snap_counter *snap_counter(const struct snapshot *s,
					const char *name);
const struct snap_rate *snap_rate(const struct snapshot *s, const char *name);

#endif
