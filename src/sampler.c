/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sampler: dumps, /proc reads and aggregation into snapshots, run
 * in a thread that publishes them for the UI. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "twtop/advice.h"
#include "twtop/agg.h"
#include "twtop/backend_bpf.h"
#include "twtop/closers.h"
#include "twtop/diag.h"
#include "twtop/filter.h"
#include "twtop/history.h"
#include "twtop/kern.h"
#include "twtop/netns.h"
#include "twtop/sampler.h"
#include "twtop/xalloc.h"

#define PASS_TRIES	3	/* dump passes before a sample is partial */
#define LISTEN_MASK	(1u << TS_LISTEN)
#define BOUND_MASK	(1u << TS_BOUND_INACTIVE)
#define OTHER_MASK	(((1u << TS_MAX) - 1) & ~LISTEN_MASK & ~BOUND_MASK & ~1u)

_Static_assert(FILTER_EXPR_MAX < sizeof(((struct snapshot *)0)->filter),
	       "snapshot->filter must hold a whole filter expression");

/* Counters whose per-second rate twtop shows: TIME_WAIT made, reused and
 * lost; opens; connections that ended in an RST instead (close() with
 * unread data, SO_LINGER 0 or data after close(), TCP_LINGER2 < 0; every
 * RST sent); handshakes dropped at a full accept queue. */
static const char *const rate_names[] = {
	"TcpExtTW", "TcpExtTWRecycled", "TcpExtTCPTimeWaitOverflow",
	"TcpExtTWKilled", "TcpActiveOpens", "TcpPassiveOpens",
	"TcpExtTCPAbortOnClose", "TcpExtTCPAbortOnData",
	"TcpExtTCPAbortOnLinger", "TcpOutRsts", "TcpExtListenOverflows",
	"TcpExtListenDrops",
};
#define N_RATES (sizeof(rate_names) / sizeof(rate_names[0]))
_Static_assert(N_RATES <= SNAP_RATES_MAX, "SNAP_RATES_MAX too small");

struct sampler {
	struct sampler_config cfg;
	struct kern_paths paths;
	struct diag *diag;		/* per-family dumps (filters) */
	struct backend_bpf *bpf;	/* BPF iterators, or NULL */
	struct closers *closers;	/* who closes (BPF), or NULL: */
	char closers_why[192];		/* why not */
	struct agg *agg;
	struct history hist;
	uint8_t reserved[65536 / 8];
	struct utsname uts;
	char ns_name[64];	/* ip netns name of our namespace, if any */
	uint64_t seq;
	/* listening ports remembered for sides and holes: when each last
	 * listened (ms since the first dump + 1; 0 never) */
	uint32_t listen_ms[65536];
	uint8_t remembered[65536 / 8];
	bool have_dump;
	double first_dump, prev_dump;	/* CLOCK_MONOTONIC of dump starts */
	/* tcp_timestamps as last read, and its last change seen: the old
	 * value was last read at ts_old_seen, the new first at ts_new_seen */
	bool ts_value, ts_changed, ts_old;
	double ts_old_seen, ts_new_seen, ts_read;
	/* previous sample, for rates */
	bool have_prev;
	double prev_mono;
	long long prev[N_RATES];
	bool prev_ok[N_RATES];
	struct filter *filter;		/* owned, used by the sampling thread */
	struct filter *focus_filter;	/* the drill-down's, compiled from */
	char focus_text[ADDR_STRLEN + 16];	/* this; sampling thread */

	/* shared with the UI thread, under lock */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running;			/* a thread to join: set and cleared by
					 * sampler_start/stop, under lock too */
	bool stop, kick, paused, reset_hist;
	double interval;
	struct focus_req focus;
	struct filter *next_filter;	/* from sampler_set_filter, owned */
	bool filter_changed;
	struct snapshot *cur;
	void (*notify)(void *);
	void *notify_arg;

	/* the CPU budget (sampling thread): the last full pass, its CPU
	 * cost (smoothed) and when the next may run */
	struct snapshot *full;		/* a reference, or NULL */
	double full_cost;		/* CPU seconds per full pass */
	double next_full;		/* CLOCK_MONOTONIC */
	bool force_full;		/* focus or filter changed: do not wait */
};

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Enters the network namespace at path in the calling thread. */
static int enter_netns(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		/* /proc/PID/ns/net of another user's process takes ptrace
		 * access; entering any namespace then takes CAP_SYS_ADMIN */
		snprintf(err, errlen, "cannot open namespace %s: %s%s", path,
			 strerror(e), e == EACCES || e == EPERM ?
			 " (needs CAP_SYS_PTRACE for another user's process, "
			 "then CAP_SYS_ADMIN to enter it: run as root)" : "");
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(fd);
		snprintf(err, errlen, "cannot enter namespace %s: %s%s", path,
			 strerror(e), e == EPERM ?
			 " (needs CAP_SYS_ADMIN, e.g. run as root)" : "");
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The one-walk netlink dump (optional: per-family dumps without it) and,
 * unless --backend netlink, the BPF backend: --backend bpf fails with its
 * reason, auto falls back to netlink. 0, or -1 with err.
 */
static int open_backends(struct sampler *sp, char *err, size_t errlen)
{
	char why[256];

	/* A test's fake transport stands for the kernel: no BPF then. */
	if (sp->cfg.backend == SAMPLER_BACKEND_NETLINK ||
	    (sp->cfg.transport != NULL &&
	     sp->cfg.backend == SAMPLER_BACKEND_AUTO)) {
		snprintf(sp->closers_why, sizeof(sp->closers_why),
			 "who closes needs BPF: %s",
			 sp->cfg.transport ? "not with a test transport" :
			 "not with --backend netlink");
		return 0;
	}
	if (sp->cfg.bpf != NULL) {
		/* --all-netns: the shared backend; who closes is for one
		 * namespace's dashboard, not loaded per namespace */
		sp->bpf = sp->cfg.bpf;
		snprintf(sp->closers_why, sizeof(sp->closers_why),
			 "who closes: not with --all-netns");
		return 0;
	}
	/* who closes: BPF tracepoints, whichever backend dumps */
	sp->closers = closers_open(sp->cfg.root, sp->closers_why,
				   sizeof(sp->closers_why));
	sp->bpf = backend_bpf_open(why, sizeof(why));
	if (sp->bpf == NULL && sp->cfg.backend == SAMPLER_BACKEND_BPF) {
		snprintf(err, errlen, "--backend bpf: %s", why);
		return -1;
	}
	return 0;
}

struct sampler *sampler_new(const struct sampler_config *cfg, char *err,
			    size_t errlen)
{
	struct sampler *sp = xcalloc(1, sizeof(*sp));

	sp->cfg = *cfg;
	sp->interval = cfg->interval > 0 ? cfg->interval : 1.0;
	if (sp->cfg.top == 0 || sp->cfg.top > SNAP_TOP_MAX)
		sp->cfg.top = SNAP_TOP_MAX;
	kern_paths_init(&sp->paths, cfg->root);
	uname(&sp->uts);
	if (cfg->netns_path && enter_netns(cfg->netns_path, err, errlen) < 0) {
		free(sp);
		return NULL;
	}
	/* Under `ip netns exec NAME` the namespace has a name: the one ip
	 * netns identify gives (its bind mount in /run/netns). */
	if (cfg->netns_label == NULL &&
	    netns_identify_self(sp->ns_name, sizeof(sp->ns_name)) == 1)
		sp->cfg.netns_label = sp->ns_name;
	sp->diag = diag_open_transport(cfg->transport, cfg->transport_ctx);
	if (sp->diag == NULL) {
		snprintf(err, errlen, "cannot open NETLINK_SOCK_DIAG: %s",
			 strerror(errno));
		free(sp);
		return NULL;
	}
	if (open_backends(sp, err, errlen) < 0) {
		closers_free(sp->closers);
		diag_close(sp->diag);
		free(sp);
		return NULL;
	}
	sp->filter = cfg->filter ? filter_dup(cfg->filter) : NULL;
	sp->cfg.filter = NULL;		/* the caller's; sp->filter is ours */
	sp->agg = agg_new();
	history_reset(&sp->hist);
	pthread_mutex_init(&sp->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&sp->wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	return sp;
}

void sampler_free(struct sampler *sp)
{
	if (sp == NULL)
		return;
	sampler_stop(sp);
	snap_unref(sp->cur);
	snap_unref(sp->full);
	diag_close(sp->diag);
	if (sp->bpf != sp->cfg.bpf)
		backend_bpf_close(sp->bpf);
	closers_free(sp->closers);
	agg_free(sp->agg);
	filter_free(sp->filter);
	filter_free(sp->focus_filter);
	filter_free(sp->next_filter);
	pthread_mutex_destroy(&sp->lock);
	pthread_cond_destroy(&sp->wake);
	free(sp);
}

/* The ephemeral range and reserved ports from s's sysctls. The reserved
 * list is read again from its file only when it may not have fitted in
 * the sysctl's text. */
static void read_range(struct sampler *sp, const struct snapshot *s,
		       uint32_t *low, uint32_t *high)
{
	const struct snap_sysctl *r =
		snap_sysctl(s, "net.ipv4.ip_local_port_range");
	const struct snap_sysctl *res =
		snap_sysctl(s, "net.ipv4.ip_local_reserved_ports");
	char path[PATH_MAX + 64], buf[65536];
	const char *list = NULL;

	if (r == NULL || !r->present ||
	    kern_parse_port_range(r->text, low, high) < 0)
		*low = *high = 0;
	memset(sp->reserved, 0, sizeof(sp->reserved));
	if (res == NULL || !res->present)
		return;
	list = res->text;
	if (strlen(res->text) >= sizeof(res->text) - 1) {
		snprintf(path, sizeof(path),
			 "%s/net/ipv4/ip_local_reserved_ports", sp->paths.sys);
		list = kern_read_file(path, buf, sizeof(buf)) >= 0 ? buf : NULL;
	}
	if (list != NULL && kern_parse_reserved_ports(list, sp->reserved) < 0)
		memset(sp->reserved, 0, sizeof(sp->reserved));
}

#define MEMORY_MS	TW_LEN_MS	/* listeners remembered */
#define FIRST_WINDOW_MS	2000	/* ages that give a first sample's rates */

/* The tcp_tw_reuse inputs of s's sysctls (KERNEL-FACTS.md: the reuse
 * delay is 1000 ms where tcp_tw_reuse_delay is absent). */
static void read_reuse(const struct snapshot *s, struct agg_params *p)
{
	const struct snap_sysctl *r = snap_sysctl(s, "net.ipv4.tcp_tw_reuse");
	const struct snap_sysctl *t =
		snap_sysctl(s, "net.ipv4.tcp_timestamps");
	const struct snap_sysctl *d =
		snap_sysctl(s, "net.ipv4.tcp_tw_reuse_delay");

	p->tw_reuse = r && r->present && r->numeric ? (int)r->num : -1;
	p->timestamps = t && t->present && t->numeric && t->num != 0;
	p->reuse_delay_ms = d && d->present && d->numeric && d->num >= 0 &&
			    d->num < 1000000 ? (uint32_t)d->num : 1000;
}

/*
 * Whether a TIME_WAIT carried timestamps follows tcp_timestamps when its
 * connection was made: a change the sampler sees is kept for 60 s, the
 * life of a TIME_WAIT made before it (agg_params).
 */
static void timestamps_history(struct sampler *sp, struct agg_params *p,
			       double now)
{
	if (sp->have_dump && p->timestamps != sp->ts_value) {
		sp->ts_changed = true;
		sp->ts_old = sp->ts_value;
		sp->ts_old_seen = sp->ts_read;
		sp->ts_new_seen = now;
	}
	sp->ts_value = p->timestamps;
	sp->ts_read = now;
	if (sp->ts_changed && now - sp->ts_old_seen > MEMORY_MS / 1000.0 + 1)
		sp->ts_changed = false;
	p->ts_new_before_ms = UINT32_MAX;
	if (!sp->ts_changed)
		return;
	p->ts_old = sp->ts_old;
	p->ts_old_after_ms = (uint32_t)((now - sp->ts_old_seen) * 1000.0);
	p->ts_new_before_ms = (uint32_t)((now - sp->ts_new_seen) * 1000.0);
}

/* The ports that listened within MEMORY_MS of now (ms since the first
 * dump), into sp->remembered. */
static void recall_listeners(struct sampler *sp, uint32_t now_ms)
{
	memset(sp->remembered, 0, sizeof(sp->remembered));
	for (uint32_t p = 0; p < 65536; p++)
		if (sp->listen_ms[p] != 0 &&
		    now_ms + 1 - sp->listen_ms[p] <= MEMORY_MS)
			sp->remembered[p >> 3] |= (uint8_t)(1u << (p & 7));
}

/*
 * Updates the memory after a sample: listening ports are stamped now. A
 * remembered port keeps its listener's bind bucket, so it stays a hole
 * and server side while sockets remain on it, and is forgotten as soon
 * as none do (connect() may take it then). Under a filter the sockets
 * are not all seen, so only the 60 s clock forgets.
 */
static void remember_listeners(struct sampler *sp, uint32_t now_ms)
{
	const uint8_t *lis = agg_listening(sp->agg);

	for (uint32_t p = 0; p < 65536; p++) {
		if ((lis[p >> 3] >> (p & 7)) & 1u)
			sp->listen_ms[p] = now_ms + 1;
		else if (sp->filter == NULL &&
			 ((sp->remembered[p >> 3] >> (p & 7)) & 1u))
			sp->listen_ms[p] = agg_port_busy(sp->agg, (uint16_t)p) ?
					   now_ms + 1 : 0;
	}
}

/* What the sample starting at t0 is counted against: the range, reuse
 * inputs, listener memory and rate window. Returns ms since the first
 * dump, the memory's clock. */
static uint32_t sample_params(struct sampler *sp, const struct snapshot *s,
			      double t0, struct agg_params *p)
{
	uint32_t now_ms;

	memset(p, 0, sizeof(*p));
	p->reserved = sp->reserved;
	p->remembered = sp->remembered;
	p->bind_table = sp->bpf != NULL && sp->filter == NULL;
	read_range(sp, s, &p->low, &p->high);
	read_reuse(s, p);
	timestamps_history(sp, p, t0);
	if (!sp->have_dump)
		sp->first_dump = t0;
	now_ms = (uint32_t)((t0 - sp->first_dump) * 1000.0);
	recall_listeners(sp, now_ms);
	p->infer_sides = now_ms < MEMORY_MS;
	p->first = !sp->have_dump;
	p->window_ms = p->first ? FIRST_WINDOW_MS :
		       (uint32_t)((t0 - sp->prev_dump) * 1000.0 + 0.5);
	sp->have_dump = true;
	sp->prev_dump = t0;
	return now_ms;
}

/* Where dumped sockets go: to agg, unless the filter (when user space
 * has to check it) rejects them. */
struct dump_ctx {
	struct agg *agg;
	diag_cb add;		/* agg_add, or agg_focus_add */
	struct closers *closers;	/* TIME_WAIT to join, or NULL */
	const struct filter *check;	/* NULL: the kernel filtered */
	bool keep_rejected;	/* listeners: agg still sees them */
	int family;		/* of the dump under way, 0 for both */
	uint32_t rejected[TS_MAX];	/* kept, not to be counted */
};

static void dump_cb(const struct diag_sock *sk, void *arg)
{
	struct dump_ctx *c = arg;

	if (c->check == NULL ||
	    (c->family ? filter_match_family(c->check, sk, c->family) :
	     filter_match(c->check, sk))) {
		c->add(sk, c->agg);
		if (c->closers && agg_state(sk) == TS_TIME_WAIT)
			closers_add(c->closers, sk, agg_tw_server(c->agg, sk));
	} else if (c->keep_rejected) {
		agg_add(sk, c->agg);
		c->rejected[agg_state(sk)]++;	/* as agg counted it */
	}
}

/*
 * One dump of both families in one walk: the BPF backend when it is
 * loaded and there is no kernel filter, else the one-walk netlink request
 * (which runs bytecode too; diag_dump_all falls back to per-family dumps
 * where the kernel refuses it). 0 or -1 as dump_families.
 */
static int dump_one_walk(struct sampler *sp, struct dump_ctx *c,
			 uint32_t mask, const struct filter_pass *pass,
			 int *intr, int *err)
{
	struct diag_result r;
	int rc;

	c->family = 0;
	if (pass == NULL && sp->bpf != NULL)
		rc = backend_bpf_dump(sp->bpf, mask, dump_cb, c, &r);
	else
		rc = diag_dump_all(sp->diag, mask,
				   pass ? pass->bytecode : NULL,
				   pass ? pass->bclen : 0, dump_cb, c, &r);
	if (rc < 0) {
		*err = r.error;
		return -1;
	}
	if (rc > 0)
		*intr = 1;
	return 0;
}

/* One dump of both families with the given state mask and bytecode. A
 * filter that user space checks too keeps per-family dumps: it needs
 * each socket's family, which one walk loses when it folds IPv4-mapped
 * addresses. */
static int dump_families(struct sampler *sp, struct dump_ctx *c,
			 uint32_t mask, const struct filter_pass *pass,
			 int *intr, int *err)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	if (c->check == NULL)
		return dump_one_walk(sp, c, mask, pass, intr, err);
	for (size_t i = 0; i < 2; i++) {
		struct diag_result r;
		int rc;

		c->family = fams[i];
		rc = diag_dump(sp->diag, fams[i], mask,
			       pass ? pass->bytecode : NULL,
			       pass ? pass->bclen : 0, dump_cb, c, &r);

		if (rc < 0) {
			*err = r.error;
			return -1;
		}
		if (rc > 0)
			*intr = 1;
	}
	return 0;
}

/*
 * Listeners first, then the rest. With a filter, the listener dump stays
 * whole: agg needs every listening or bound port to tell server-side
 * TIME_WAIT and to count holes in the ephemeral range, whatever is being
 * counted; listeners the filter rejects are taken out of the counts after
 * agg_finish. The rest comes through the filter's kernel passes.
 */
static int dump_all(struct sampler *sp, struct dump_ctx *c, int *intr,
		    int *err)
{
	const struct filter *f = sp->filter;

	memset(c, 0, sizeof(*c));
	c->agg = sp->agg;
	c->add = agg_add;
	c->closers = sp->closers;
	c->check = f;
	c->keep_rejected = true;
	/* The BPF iterator walks both hashes whatever it is asked for, and
	 * hands over bound-inactive sockets, then listeners, then the rest:
	 * one walk does it all. */
	if (f == NULL && sp->bpf != NULL)
		return dump_families(sp, c, LISTEN_MASK | OTHER_MASK |
				     BOUND_MASK, NULL, intr, err);
	/* A LISTEN-only dump walks only the listening hash; asking for bound
	 * sockets too costs a bind-table walk and an established-table walk
	 * that finds nothing. Unfiltered, bound sockets come with the rest:
	 * the kernel returns them before that dump's established sockets. */
	if (dump_families(sp, c, f ? LISTEN_MASK | BOUND_MASK : LISTEN_MASK,
			  NULL, intr, err) < 0)
		return -1;
	c->keep_rejected = false;
	if (f == NULL)
		return dump_families(sp, c, OTHER_MASK | BOUND_MASK, NULL, intr,
				     err);
	c->check = filter_needs_match(f) ? f : NULL;
	for (size_t i = 0; i < filter_npasses(f); i++) {
		const struct filter_pass *p = filter_pass(f, i);

		if ((p->states & OTHER_MASK) != 0 &&
		    dump_families(sp, c, p->states & OTHER_MASK, p, intr,
				  err) < 0)
			return -1;
	}
	return 0;
}

/* Takes listeners the filter rejected out of the counts agg made
 * (bound-inactive ones were never in "sockets"). */
static void uncount_rejected(const struct dump_ctx *c, struct snapshot *s)
{
	for (unsigned int st = 0; st < TS_MAX; st++) {
		s->states[st] -= c->rejected[st];
		if (st != TS_BOUND_INACTIVE)
			s->sockets -= c->rejected[st];
	}
}

/* Who closes: the closer records joined with the TIME_WAIT just dumped
 * (after agg_finish: failed connect() counts go to its groups). */
static void sample_closers(struct sampler *sp, struct snapshot *s)
{
	s->closers.prom_processes = sp->cfg.prom_processes;
	if (sp->closers == NULL) {
		s->closers.present = false;
		snprintf(s->closers.why, sizeof(s->closers.why), "%s",
			 sp->closers_why);
		return;
	}
	closers_finish(sp->closers, s, now_mono());
}

/* The socket part of a sample, redone from scratch when the kernel says
 * the dump was interrupted. */
static void sample_sockets(struct sampler *sp, struct snapshot *s)
{
	struct dump_ctx c;
	struct agg_params p;
	double t0 = now_mono();
	uint32_t now_ms = sample_params(sp, s, t0, &p);
	int tries, err = 0;

	for (tries = 0; tries < PASS_TRIES; tries++) {
		int intr = 0;

		agg_begin(sp->agg, &p);
		if (sp->closers)
			closers_begin(sp->closers, now_mono());
		if (dump_all(sp, &c, &intr, &err) < 0)
			break;
		if (!intr)
			break;
	}
	s->dump_ms = (now_mono() - t0) * 1000.0;
	s->backend = sp->bpf != NULL && sp->filter == NULL ? "bpf" : "netlink";
	if (err != 0) {
		s->dump_failed = true;
		snprintf(s->error, sizeof(s->error), "socket dump failed: %s",
			 strerror(err));
		/* No socket data at all (README, JSON "dump_failed"): not the
		 * part counted before the failure. */
		agg_begin(sp->agg, &p);
		if (sp->closers)
			closers_begin(sp->closers, now_mono());
		memset(c.rejected, 0, sizeof(c.rejected));
	} else if (tries == PASS_TRIES) {
		s->partial = true;
		snprintf(s->error, sizeof(s->error),
			 "socket dump interrupted %d times: counts may be "
			 "incomplete", PASS_TRIES);
	}
	agg_finish(sp->agg, s, sp->cfg.top);
	uncount_rejected(&c, s);
	sample_closers(sp, s);
	if (err == 0)
		remember_listeners(sp, now_ms);
}

/* The ss filter that selects a drill-down's sockets. IPv6 addresses in
 * brackets: unbracketed, a last group like ":80" would read as a port. */
static void focus_expr(const struct focus_req *f, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	if (f->kind == FOCUS_PEER)
		snprintf(buf, len, f->addr.family == AF_INET6 ? "dst [%s]" :
			 "dst %s", addr_format(&f->addr, a, sizeof(a)));
	else
		snprintf(buf, len, "%s = :%u", f->kind == FOCUS_LPORT ?
			 "sport" : "dport", f->port);
}

/* The kernel pass of the drill-down's filter, compiled again only when
 * the focus changes (it stays the same sample after sample). */
static const struct filter_pass *focus_pass(struct sampler *sp,
					    const struct focus_req *focus)
{
	char expr[sizeof(sp->focus_text)], ferr[128];
	struct filter *f;

	focus_expr(focus, expr, sizeof(expr));
	if (sp->focus_filter && strcmp(expr, sp->focus_text) == 0)
		return filter_pass(sp->focus_filter, 0);
	f = filter_compile(expr, ferr, sizeof(ferr));
	if (f == NULL || filter_npasses(f) != 1 || filter_needs_match(f)) {
		fprintf(stderr, "twtop: bug: drill-down filter '%s': %s\n",
			expr, f ? "not one kernel pass" : ferr);
		abort();
	}
	filter_free(sp->focus_filter);
	sp->focus_filter = f;
	memcpy(sp->focus_text, expr, sizeof(expr));
	return filter_pass(f, 0);
}

static void focus_proc_sock(const struct diag_sock *sk, bool server,
			    void *arg)
{
	(void)server;	/* agg tells it the same way */
	agg_focus_add(sk, arg);
}

static void focus_proc_dest(const struct tw_addr *remote, uint16_t rport,
			    void *arg)
{
	agg_focus_dest(arg, remote, rport);
}

/* A process's or a container's drill-down: no dump of its own (a socket
 * does not say which process closed it), but the TIME_WAIT of the
 * whole-host dump that the closer records give to its processes.
 * Without them it is empty, and the view says why. */
static void sample_focus_proc(struct sampler *sp, struct snapshot *s,
			      const struct focus_req *focus)
{
	static const struct closers_focus_cb cb = {
		focus_proc_sock, focus_proc_dest
	};
	double t0 = now_mono();

	agg_focus_begin(sp->agg, focus);
	if (sp->closers && s->closers.present)
		closers_focus_socks(sp->closers, focus, &cb, sp->agg);
	agg_focus_finish(sp->agg, s);
	if (s->focus == NULL)
		return;
	if (sp->closers && s->closers.present) {
		closers_focus_owner(sp->closers, focus, s->focus);
	} else {
		s->focus->proc.pid = focus->pid;
		s->focus->cg.cgroup_id = focus->cgroup_id;
	}
	s->focus->partial = s->partial || s->dump_failed;
	s->focus->dump_ms = (now_mono() - t0) * 1000.0;
}

/*
 * The drill-down's own dump, after the whole-host one: the kernel runs
 * the focus as INET_DIAG_REQ_BYTECODE and returns only its sockets, so
 * the per-socket list stays cheap among 200k others. The dashboard's
 * filter, if any, is checked here in user space on that small set.
 */
static void sample_focus(struct sampler *sp, struct snapshot *s,
			 const struct focus_req *focus)
{
	const struct filter_pass *pass;
	struct dump_ctx c;
	double t0 = now_mono();
	int tries, err = 0;

	if (focus->kind == FOCUS_NONE)
		return;
	if (focus->kind == FOCUS_PROC || focus->kind == FOCUS_CGROUP) {
		sample_focus_proc(sp, s, focus);
		return;
	}
	pass = focus_pass(sp, focus);
	for (tries = 0; tries < PASS_TRIES; tries++) {
		int intr = 0;

		agg_focus_begin(sp->agg, focus);
		if (sp->closers && s->closers.present)
			closers_focus_begin(sp->closers, now_mono());
		memset(&c, 0, sizeof(c));
		c.agg = sp->agg;
		c.add = agg_focus_add;
		c.check = sp->filter;
		c.closers = sp->closers && s->closers.present ? sp->closers :
			    NULL;
		if (dump_families(sp, &c, OTHER_MASK, pass, &intr, &err) < 0 ||
		    !intr)
			break;
	}
	agg_focus_finish(sp->agg, s);
	if (s->focus) {
		s->focus->partial = err != 0 || tries == PASS_TRIES;
		snprintf(s->focus->expr, sizeof(s->focus->expr), "%s",
			 sp->focus_text);
		s->focus->dump_ms = (now_mono() - t0) * 1000.0;
		if (c.closers)
			closers_focus_finish(sp->closers, &s->focus->closers);
	}
}

/* Per-second rates of the counters in rate_names against the previous
 * sample; new TIME_WAIT per second is TcpExtTW's (KERNEL-FACTS.md). */
static void compute_rates(struct sampler *sp, struct snapshot *s)
{
	double dt = s->mono - sp->prev_mono;

	s->n_rates = N_RATES;
	for (size_t i = 0; i < N_RATES; i++) {
		const struct snap_counter *c = snap_counter(s, rate_names[i]);
		struct snap_rate *r = &s->rates[i];

		r->name = rate_names[i];
		r->valid = c != NULL && sp->have_prev && sp->prev_ok[i] &&
			   dt > 0 && c->value >= sp->prev[i];
		r->per_s = r->valid ? (double)(c->value - sp->prev[i]) / dt : 0;
		sp->prev_ok[i] = c != NULL;
		sp->prev[i] = c ? c->value : 0;
	}
	sp->prev_mono = s->mono;
	sp->have_prev = true;
	/* TcpExtTW is the whole namespace's; under a filter the rate is the
	 * filtered sockets' own, from their ages */
	if (sp->filter != NULL) {
		s->tw.rate_valid = s->tw.ages_per_s >= 0;
		s->tw.new_per_s = s->tw.rate_valid ? s->tw.ages_per_s : 0;
		s->tw.rate_source = "ages";
	} else {
		s->tw.rate_valid = s->rates[0].valid;
		s->tw.new_per_s = s->rates[0].per_s;
		s->tw.rate_source = s->tw.rate_valid ? "TcpExtTW" : NULL;
	}
}

/* The figures read from /proc every interval, and what derives from
 * them: cheap, so they never wait for the budget. */
static void sample_cheap(struct sampler *sp, struct snapshot *s)
{
	s->seq = ++sp->seq;
	clock_gettime(CLOCK_REALTIME, &s->when);
	s->mono = now_mono();
	snprintf(s->host, sizeof(s->host), "%.63s", sp->uts.nodename);
	snprintf(s->kernel, sizeof(s->kernel), "%.63s", sp->uts.release);
	if (sp->cfg.netns_label)
		snprintf(s->netns, sizeof(s->netns), "%.63s", sp->cfg.netns_label);
	kern_read_sysctls(&sp->paths, s);
}

/* A full pass: the socket dumps and the drill-down's. */
static void sample_full(struct sampler *sp, struct snapshot *s)
{
	struct focus_req focus;
	struct filter *old = NULL;

	pthread_mutex_lock(&sp->lock);
	focus = sp->focus;
	if (sp->filter_changed) {
		old = sp->filter;
		sp->filter = sp->next_filter;
		sp->next_filter = NULL;
		sp->filter_changed = false;
	}
	sp->force_full = false;
	pthread_mutex_unlock(&sp->lock);
	filter_free(old);
	if (sp->filter)
		snprintf(s->filter, sizeof(s->filter), "%s",
			 filter_expr(sp->filter));
	sample_sockets(sp, s);
	sample_focus(sp, s, &focus);
}

/* The rest of a sample after its sockets: counters, rates, advice and
 * the trend (which only full passes feed: the socket counts of a sample
 * between them are the last pass's). */
static void sample_finish(struct sampler *sp, struct snapshot *s, bool full)
{
	struct snap_hist h;
	bool reset;

	kern_read_counters(&sp->paths, s);
	kern_read_sockstat(&sp->paths, s);
	kern_read_conntrack(&sp->paths, s);
	compute_rates(sp, s);
	advice_eval(s);
	pthread_mutex_lock(&sp->lock);
	reset = sp->reset_hist;
	sp->reset_hist = false;
	pthread_mutex_unlock(&sp->lock);
	if (reset)
		history_reset(&sp->hist);
	/* A failed dump has no socket counts: the trend keeps the samples
	 * that have (a partial one is a full pass, only interrupted). */
	if (full && !s->dump_failed) {
		h.t = (double)s->when.tv_sec + (double)s->when.tv_nsec / 1e9;
		h.time_wait = s->tw.total;
		h.established = s->states[TS_ESTABLISHED];
		h.new_tw_per_s = s->tw.rate_valid ? s->tw.new_per_s : -1;
		history_push(&sp->hist, &h);
	}
	s->n_hist = history_copy(&sp->hist, s->hist, SNAP_HIST_MAX);
	s->pass_ms = (now_mono() - s->mono) * 1000.0;
}

struct snapshot *sampler_sample(struct sampler *sp)
{
	struct snapshot *s = snap_new();

	sample_cheap(sp, s);
	sample_full(sp, s);
	sample_finish(sp, s, true);
	return s;
}

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * One sample of the running sampler under the CPU budget: a full pass
 * when it is due (its smoothed CPU cost / budget after the last one, at
 * least the interval), else the cheap figures over a copy of the last
 * full pass's socket figures, whose age the snapshot carries.
 */
struct snapshot *sampler_next(struct sampler *sp)
{
	double budget = sp->cfg.cpu_budget / 100.0, t0 = now_mono();
	bool force, full;
	struct snapshot *s;

	pthread_mutex_lock(&sp->lock);
	force = sp->force_full || sp->filter_changed || sp->reset_hist;
	pthread_mutex_unlock(&sp->lock);
	full = sp->full == NULL || force || budget <= 0 || t0 >= sp->next_full;
	if (full) {
		double c0 = thread_cpu(), cost;

		s = sampler_sample(sp);
		cost = thread_cpu() - c0;
		sp->full_cost = sp->full == NULL ? cost :
				0.7 * sp->full_cost + 0.3 * cost;
		sp->next_full = t0 + (budget > 0 ? sp->full_cost / budget : 0);
		snap_unref(sp->full);
		sp->full = snap_ref(s);
	} else {
		const struct snapshot *f = sp->full;

		s = snap_copy(f);
		sample_cheap(sp, s);
		sample_finish(sp, s, false);
		s->sockets_age_s = s->mono - f->mono;
	}
	s->full_every_s = budget > 0 && sp->full_cost / budget > sp->interval ?
			  sp->full_cost / budget : 0;
	s->cpu_budget = sp->cfg.cpu_budget;
	return s;
}

/* Publishes s as the current snapshot (takes over its reference). */
static void publish(struct sampler *sp, struct snapshot *s)
{
	struct snapshot *old;

	pthread_mutex_lock(&sp->lock);
	old = sp->cur;
	sp->cur = s;
	pthread_mutex_unlock(&sp->lock);
	snap_unref(old);
	if (sp->notify)
		sp->notify(sp->notify_arg);
}

/* Waits until the next sample is due (last + interval), a kick, or stop.
 * Returns false to stop. Called with the lock held. */
static bool wait_turn(struct sampler *sp, double last)
{
	for (;;) {
		double due = sp->paused ? now_mono() + 3600 : last + sp->interval;
		struct timespec ts;
		int rc;

		if (sp->stop || sp->kick || now_mono() >= due)
			break;
		ts.tv_sec = (time_t)due;
		ts.tv_nsec = (long)((due - (double)ts.tv_sec) * 1e9);
		rc = pthread_cond_timedwait(&sp->wake, &sp->lock, &ts);
		if (rc != 0 && rc != ETIMEDOUT)
			break;
	}
	sp->kick = false;
	return !sp->stop;
}

static void *sampler_thread(void *arg)
{
	struct sampler *sp = arg;
	sigset_t all;
	double last = -1e9;

	/* Signals belong to the UI thread (STYLE.md). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&sp->lock);
	while (wait_turn(sp, last)) {
		last = now_mono();
		pthread_mutex_unlock(&sp->lock);
		publish(sp, sampler_next(sp));
		pthread_mutex_lock(&sp->lock);
	}
	pthread_mutex_unlock(&sp->lock);
	return NULL;
}

int sampler_start(struct sampler *sp, void (*notify)(void *), void *arg)
{
	int rc;

	/* Everything the thread reads is set under the lock it takes first,
	 * running included (it was written after pthread_create, unlocked,
	 * next to flags the thread reads under the lock). */
	pthread_mutex_lock(&sp->lock);
	if (sp->running) {
		pthread_mutex_unlock(&sp->lock);
		errno = EBUSY;
		return -1;
	}
	sp->notify = notify;
	sp->notify_arg = arg;
	sp->stop = false;
	rc = pthread_create(&sp->thread, NULL, sampler_thread, sp);
	sp->running = rc == 0;
	pthread_mutex_unlock(&sp->lock);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

void sampler_stop(struct sampler *sp)
{
	bool running;

	pthread_mutex_lock(&sp->lock);
	running = sp->running;
	sp->stop = true;
	pthread_cond_signal(&sp->wake);
	pthread_mutex_unlock(&sp->lock);
	if (!running)
		return;
	pthread_join(sp->thread, NULL);
	pthread_mutex_lock(&sp->lock);
	sp->running = false;
	pthread_mutex_unlock(&sp->lock);
}

struct snapshot *sampler_current(struct sampler *sp)
{
	struct snapshot *s;

	pthread_mutex_lock(&sp->lock);
	s = snap_ref(sp->cur);
	pthread_mutex_unlock(&sp->lock);
	return s;
}

/* Runs fn under the lock and wakes the thread. */
#define SAMPLER_SET(sp, stmt) do {			\
	pthread_mutex_lock(&(sp)->lock);		\
	stmt;						\
	pthread_cond_signal(&(sp)->wake);		\
	pthread_mutex_unlock(&(sp)->lock);		\
} while (0)

void sampler_set_interval(struct sampler *sp, double seconds)
{
	if (!(seconds > 0) || !isfinite(seconds))
		return;
	SAMPLER_SET(sp, sp->interval = seconds);
}

void sampler_set_paused(struct sampler *sp, bool paused)
{
	SAMPLER_SET(sp, sp->paused = paused);
}

void sampler_reset_history(struct sampler *sp)
{
	SAMPLER_SET(sp, sp->reset_hist = true; sp->kick = true);
}

void sampler_set_focus(struct sampler *sp, const struct focus_req *f)
{
	SAMPLER_SET(sp, {
		if (f)
			sp->focus = *f;
		else
			sp->focus.kind = FOCUS_NONE;
		sp->kick = true;
		sp->force_full = true;
	});
}

void sampler_set_filter(struct sampler *sp, const struct filter *f)
{
	struct filter *copy = f ? filter_dup(f) : NULL, *dropped;

	/* The sampling thread swaps it in (and frees the one it used) at
	 * the start of its next sample. */
	pthread_mutex_lock(&sp->lock);
	dropped = sp->next_filter;
	sp->next_filter = copy;
	sp->filter_changed = true;
	sp->reset_hist = true;
	sp->kick = true;
	pthread_cond_signal(&sp->wake);
	pthread_mutex_unlock(&sp->lock);
	filter_free(dropped);
}
