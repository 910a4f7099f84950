/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command line parsing into struct options. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "twtop/filter.h"
#include "twtop/options.h"
#include "twtop/prom.h"
#include "twtop/sampler.h"
#include "twtop/snapshot.h"

static const char usage_text[] =
"Usage: twtop [OPTION]...\n"
"Live dashboard of a Linux host's TCP sockets, focused on TIME_WAIT and\n"
"ephemeral port exhaustion (\"top for TCP teardown\").\n"
"\n"
"Mandatory arguments to long options are mandatory for short options too.\n"
"Modes:\n"
"      (none)              the interactive dashboard (needs a terminal)\n"
"      --once              take one sample, print it, exit\n"
"      --batch             print one line (or JSON object) per sample\n"
"      --demo              dashboard watching a bounded loopback load\n"
"      --replay FILE       dashboard on a saved snapshot or --batch --json\n"
"                          stream, read only (left/right step samples)\n"
"Output:\n"
"      --json              JSON: one object (--once) or JSON Lines (--batch);\n"
"                          --json alone implies --once\n"
"  -n, --count N           --batch: stop after N samples (implies --batch)\n"
"  -d, --delay, --interval SECONDS\n"
"                          sampling interval, fractions allowed (default 1)\n"
"      --top N             length of the top lists, 1-%d (default 10)\n"
"      --prometheus FILE   rewrite FILE atomically every sample in the\n"
"                          Prometheus text format (node_exporter textfile)\n"
"      --prometheus-processes N  --prometheus: also per-process series\n"
"                          of who closes, the N with the most TIME_WAIT\n"
"                          (1-32; BPF)\n"
"  -q, --quiet             --batch: print nothing (with --prometheus)\n"
"Filter:\n"
"      --filter EXPR       count only the sockets an ss(8) filter matches:\n"
"                          src|dst ADDR[/LEN][:PORT], sport|dport OP PORT\n"
"                          (OP: = != < > <= >=), state NAME, joined with\n"
"                          and, or, not and ( ), e.g. 'dport = :443 and\n"
"                          not state established'\n"
"Dashboard:\n"
"      --theme NAME|PATH   colour theme (default, light, mono, high-contrast)\n"
"      --snapshot-dir DIR  where 's' and SIGUSR1 save snapshots (default .)\n"
"Sockets:\n"
"      --backend auto|bpf|netlink  where socket records come from: BPF\n"
"                          iterators (root, a kernel with BTF; they also see\n"
"                          the bind table) or sock_diag; auto: BPF when it\n"
"                          loads (default)\n"
"      --cpu-budget PCT    full socket passes use at most PCT %% of one core\n"
"                          (default 5; 0: a full pass every interval); when\n"
"                          one would cost more they are spaced out and the\n"
"                          header says so\n"
"Namespaces:\n"
"      --netns NAME        sample the network namespace NAME (/run/netns)\n"
"      --netns-pid PID     sample the network namespace of process PID\n"
"      --all-netns         every network namespace at once, worst first\n"
"                          (root; Enter in the list opens one)\n"
"      --max-netns N       namespaces in the --all-netns Prometheus file,\n"
"                          the worst first (default 64)\n"
"Other:\n"
"      --root DIR          read /proc below DIR (tests and fixtures)\n"
"  -h, --help              display this help and exit\n"
"  -V, --version           output version information and exit\n"
"\n"
"Exit status: 0 on success, 1 on a runtime failure, 2 on bad usage.\n"
"Manual: man twtop (keys, JSON schema, TIME_WAIT facts).\n";

/* GNU style: name and version, then copyright, licence and warranty. */
static const char version_text[] =
"twtop %s\n"
"Copyright (C) 2026 twtop developers\n"
"License GPL-2.0-or-later: GNU GPL version 2 or later "
"<https://gnu.org/licenses/gpl.html>.\n"
"This is free software: you are free to change and redistribute it.\n"
"There is NO WARRANTY, to the extent permitted by law.\n";

enum {
	OPT_ONCE = 256, OPT_BATCH, OPT_JSON, OPT_TOP, OPT_ROOT, OPT_THEME,
	OPT_SNAPDIR, OPT_DEMO, OPT_NETNS, OPT_NETNS_PID, OPT_FILTER,
	OPT_REPLAY, OPT_PROMETHEUS, OPT_BACKEND, OPT_CPU_BUDGET,
	OPT_PROM_PROCESSES,
	OPT_ALL_NETNS, OPT_MAX_NETNS,
};

_Static_assert(FILTER_EXPR_MAX < sizeof(((struct options *)0)->filter),
	       "options.filter must hold a whole filter expression");

static const struct option longopts[] = {
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "count", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "interval", required_argument, NULL, 'd' },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "snapshot-dir", required_argument, NULL, OPT_SNAPDIR },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "netns-pid", required_argument, NULL, OPT_NETNS_PID },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "prometheus", required_argument, NULL, OPT_PROMETHEUS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "cpu-budget", required_argument, NULL, OPT_CPU_BUDGET },
	{ "prometheus-processes", required_argument, NULL,
	  OPT_PROM_PROCESSES },
	{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
	{ "max-netns", required_argument, NULL, OPT_MAX_NETNS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = MODE_DASHBOARD;
	o->top = 10;
	o->interval = 1.0;
	o->cpu_budget = 5.0;
	o->max_netns = 64;
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Parses a whole integer in [lo, hi]. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Whether s is a plain decimal number: digits with at most one '.', no
 * sign, blanks, exponent or hex (strtod takes " 1", "0x10", "1e1"). */
static bool plain_decimal(const char *s)
{
	size_t digits = 0, dots = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && dots++ == 0)
			;
		else
			return false;
	}
	return digits > 0;
}

/* 0 when path is a directory (writable too when write), else -1 with
 * "option 'name': path: reason" in err. */
static int check_dir(const char *name, const char *path, bool write,
		     char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return fail(err, errlen, "option '%s': %s: %s", name, path,
			    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, "option '%s': %s: %s", name, path,
			    strerror(ENOTDIR));
	if (write && access(path, W_OK | X_OK) < 0)
		return fail(err, errlen, "option '%s': %s: %s", name, path,
			    strerror(errno));
	return 0;
}

/* Copies a string option, refusing empty or overlong values. */
static int copy_arg(char *dst, size_t len, const char *arg)
{
	if (arg[0] == '\0' || strlen(arg) >= len)
		return -1;
	memcpy(dst, arg, strlen(arg) + 1);
	return 0;
}

/* Handles one option; -1 with err on a bad value. */
static int apply(struct options *o, int c, const char *arg, const char *name,
		 char *err, size_t errlen)
{
	long v;
	char *end;

	switch (c) {
	case OPT_ONCE: o->mode = MODE_ONCE; o->once = true; break;
	case OPT_BATCH: o->mode = MODE_BATCH; o->batch = true; break;
	case OPT_JSON: o->json = true; break;
	case OPT_DEMO: o->demo = true; break;
	case 'q': o->quiet = true; break;
	case OPT_ALL_NETNS: o->all_netns = true; break;
	case OPT_MAX_NETNS:
		if (parse_long(arg, 1, 100000, &v) < 0)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "whole number from 1 to 100000", name, arg);
		o->max_netns = (uint32_t)v;
		o->max_netns_set = true;
		break;
	case 'n':
		if (parse_long(arg, 1, 100000000, &v) < 0)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "whole number of samples >= 1", name, arg);
		o->count = v;
		break;
	case 'd':
		errno = 0;
		o->interval = strtod(arg, &end);
		if (!plain_decimal(arg) || errno || end == arg || *end ||
		    !isfinite(o->interval) ||
		    o->interval < 0.1 || o->interval > 3600)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "number of seconds from 0.1 to 3600",
				    name, arg);
		break;
	case OPT_TOP:
		if (parse_long(arg, 1, SNAP_TOP_MAX, &v) < 0)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "whole number from 1 to %d", name, arg,
				    SNAP_TOP_MAX);
		o->top = (uint32_t)v;
		o->top_set = true;
		break;
	case OPT_FILTER: {
		/* Compiled here only to report errors at startup. */
		char ferr[200];
		struct filter *f = filter_compile(arg, ferr, sizeof(ferr));

		if (f == NULL)
			return fail(err, errlen, "option '%s': %s", name, ferr);
		filter_free(f);
		memcpy(o->filter, arg, strlen(arg) + 1);
		break;
	}
	case OPT_CPU_BUDGET:
		errno = 0;
		o->cpu_budget = strtod(arg, &end);
		if (!plain_decimal(arg) || errno || end == arg || *end ||
		    !isfinite(o->cpu_budget) || o->cpu_budget < 0 ||
		    o->cpu_budget > 100)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "percentage from 0 to 100", name, arg);
		break;
	case OPT_BACKEND:
		if (strcmp(arg, "auto") == 0)
			o->backend = SAMPLER_BACKEND_AUTO;
		else if (strcmp(arg, "bpf") == 0)
			o->backend = SAMPLER_BACKEND_BPF;
		else if (strcmp(arg, "netlink") == 0)
			o->backend = SAMPLER_BACKEND_NETLINK;
		else
			return fail(err, errlen, "option '%s': '%s' is not "
				    "auto, bpf or netlink", name, arg);
		break;
	case OPT_PROM_PROCESSES:
		if (parse_long(arg, 1, SNAP_CLOSERS_MAX, &v) < 0)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "number from 1 to %d", name, arg,
				    SNAP_CLOSERS_MAX);
		o->prom_processes = (uint32_t)v;
		break;
	case OPT_NETNS_PID:
		if (parse_long(arg, 1, 0x3fffffff, &v) < 0)
			return fail(err, errlen, "option '%s': '%s' is not a "
				    "process id", name, arg);
		o->netns_pid = (pid_t)v;
		break;
	default: {
		char *dst = c == OPT_ROOT ? o->root : c == OPT_THEME ? o->theme :
			    c == OPT_SNAPDIR ? o->snapshot_dir :
			    c == OPT_REPLAY ? o->replay :
			    c == OPT_PROMETHEUS ? o->prometheus : o->netns;

		if (copy_arg(dst, PATH_MAX, arg) < 0)
			return fail(err, errlen, "option '%s': the value must "
				    "be non-empty and shorter than %d bytes",
				    name, PATH_MAX);
		break;
	}
	}
	return 0;
}

/* The name of the option at argv[optind - 1], for messages. */
static const char *opt_name(int c, char *buf, size_t len)
{
	for (const struct option *l = longopts; l->name; l++)
		if (l->val == c) {
			snprintf(buf, len, "--%s", l->name);
			return buf;
		}
	snprintf(buf, len, "-%c", c);
	return buf;
}

/* Checks combinations and fills derived fields. */
static int finish(struct options *o, bool count_set, char *err, size_t errlen)
{
	if (o->once && o->batch)
		return fail(err, errlen, "options '--once' and '--batch' "
			    "conflict: --once for one sample, --batch [-n N] "
			    "for one per interval");
	if (o->once && count_set)
		return fail(err, errlen, "options '--once' and '--count' "
			    "conflict: --batch -n N for N samples");
	if (o->json && o->mode == MODE_DASHBOARD && !o->demo)
		o->mode = MODE_ONCE;
	if (count_set && o->mode == MODE_DASHBOARD && !o->demo)
		o->mode = MODE_BATCH;
	if (count_set && o->mode != MODE_BATCH)
		return fail(err, errlen, "option '--count': only with --batch");
	if (o->demo && o->mode != MODE_DASHBOARD)
		return fail(err, errlen, "option '--demo': not with --once or "
			    "--batch");
	if (o->json && o->demo)
		return fail(err, errlen, "option '--json': not with --demo");
	if (o->replay[0] && (o->mode != MODE_DASHBOARD || o->json ||
			     o->demo || o->netns[0] || o->netns_pid ||
			     o->filter[0] || o->prometheus[0]))
		return fail(err, errlen, "option '--replay': opens the "
			    "dashboard on a file; not with --once, --batch, "
			    "--json, --demo, --netns, --filter or --prometheus");
	/* a missing --root made every value null, silently; a snapshot
	 * directory that is not there failed only at the first 's' */
	if (o->root[0] && check_dir("--root", o->root, false, err,
				    errlen) < 0)
		return -1;
	if (o->mode == MODE_DASHBOARD && o->snapshot_dir[0] &&
	    check_dir("--snapshot-dir", o->snapshot_dir, true, err,
		      errlen) < 0)
		return -1;
	if (o->prometheus[0]) {
		char perr[PATH_MAX + 100];

		if (prom_check_target(o->prometheus, perr, sizeof(perr)) < 0)
			return fail(err, errlen, "option '--prometheus': %s",
				    perr);
	}
	if (o->prom_processes && !o->prometheus[0])
		return fail(err, errlen, "option '--prometheus-processes': "
			    "only with --prometheus");
	if (o->quiet && o->mode != MODE_BATCH)
		return fail(err, errlen, "option '--quiet': only with --batch");
	if (o->netns[0] && o->netns_pid)
		return fail(err, errlen, "option '--netns-pid': not with "
			    "--netns");
	if (o->all_netns && (o->netns[0] || o->netns_pid || o->filter[0] ||
			     o->demo || o->replay[0]))
		return fail(err, errlen, "option '--all-netns': samples every "
			    "namespace whole; not with --netns, --netns-pid, "
			    "--filter, --demo or --replay");
	if (o->max_netns_set && !o->all_netns)
		return fail(err, errlen, "option '--max-netns': only with "
			    "--all-netns");
	if (o->demo && (o->netns[0] || o->netns_pid))
		return fail(err, errlen, "option '--demo': makes its own "
			    "namespace; not with --netns");
	if (o->netns[0]) {
		char name[PATH_MAX];

		memcpy(name, o->netns, sizeof(name));
		if (strlen(name) >= sizeof(o->netns_label))
			return fail(err, errlen, "option '--netns': name too "
				    "long");
		memcpy(o->netns_label, name, strlen(name) + 1);
		if (strchr(name, '/') == NULL &&
		    snprintf(o->netns, sizeof(o->netns), "/run/netns/%s",
			     name) >= (int)sizeof(o->netns))
			return fail(err, errlen, "option '--netns': name too "
				    "long");
	} else if (o->netns_pid) {
		snprintf(o->netns, sizeof(o->netns), "/proc/%d/ns/net",
			 (int)o->netns_pid);
		snprintf(o->netns_label, sizeof(o->netns_label), "pid %d",
			 (int)o->netns_pid);
	}
	return 0;
}

int options_parse(struct options *o, int argc, char **argv,
		  char *err, size_t errlen)
{
	bool count_set = false;
	char name[64];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hVqn:d:", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf(usage_text, SNAP_TOP_MAX);
			if (PACKAGE_BUGREPORT[0])
				printf("\nReport bugs to: %s\n",
				       PACKAGE_BUGREPORT);
			if (PACKAGE_URL[0])
				printf("%s home page: <%s>\n", PACKAGE_NAME,
				       PACKAGE_URL);
			return 1;
		}
		if (c == 'V') {
			printf(version_text, PACKAGE_VERSION);
			return 1;
		}
		if (c == '?')
			return fail(err, errlen, "unknown option '%s'",
				    argv[optind - 1]);
		if (c == ':')
			return fail(err, errlen, "option '%s' needs a value",
				    argv[optind - 1]);
		count_set |= c == 'n';
		if (apply(o, c, optarg, opt_name(c, name, sizeof(name)),
			  err, errlen) < 0)
			return -1;
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s'",
			    argv[optind]);
	return finish(o, count_set, err, errlen);
}

struct sampler *options_sampler_new(const struct options *o,
				    uint32_t top_min, const char *netns_path,
				    const char *netns_label, char *err,
				    size_t errlen)
{
	struct sampler_config c = {
		.root = o->root[0] ? o->root : NULL,
		.top = o->top > top_min ? o->top : top_min,
		.interval = o->interval,
		.cpu_budget = o->cpu_budget,
		.netns_path = o->netns[0] ? o->netns : NULL,
		.netns_label = o->netns_label[0] ? o->netns_label : NULL,
		.backend = (enum sampler_backend)o->backend,
		.prom_processes = o->prom_processes,
	};
	struct filter *filter = NULL;
	struct sampler *sp;
	char ferr[256];

	if (netns_path) {
		c.netns_path = netns_path;
		c.netns_label = netns_label;
	}
	/* options_parse compiled it once already: this cannot fail. */
	if (o->filter[0]) {
		filter = filter_compile(o->filter, ferr, sizeof(ferr));
		if (filter == NULL) {
			snprintf(err, errlen, "option '--filter': %s", ferr);
			return NULL;
		}
		c.filter = filter;
	}
	sp = sampler_new(&c, err, errlen);
	filter_free(filter);	/* the sampler keeps a copy */
	return sp;
}
