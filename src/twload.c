/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twload.c: command line and reporting of twload, a loopback-only TCP load
 * generator that leaves TIME_WAIT (or RST) on whichever side it is told to.
 *
 * Exit status: 0 the run happened (failures are counted in the summary),
 * 1 a setup error (bind, unshare, limits), 2 a usage error.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twload.h"
#include "twtop/xalloc.h"

#define EXIT_USAGE	2
#define MAX_COUNT	10000000ULL	/* -c and -r */
#define MAX_SLOTS	1000000ULL	/* -j, --hold, --requests */
#define MAX_SECONDS	(7.0 * 86400.0)

enum {
	OPT_CLOSE = 256, OPT_REQUESTS, OPT_LINGER0, OPT_DST, OPT_PORTS,
	OPT_HOLD, OPT_DURATION, OPT_LINGER_AFTER, OPT_UNSHARE, OPT_READY_FD,
	OPT_TIMEOUT, OPT_SYSCTL, OPT_CPU,
};

static const struct option long_opts[] = {
	{ "connections", required_argument, NULL, 'c' },
	{ "rate", required_argument, NULL, 'r' },
	{ "concurrency", required_argument, NULL, 'j' },
	{ "close", required_argument, NULL, OPT_CLOSE },
	{ "requests", required_argument, NULL, OPT_REQUESTS },
	{ "linger0", no_argument, NULL, OPT_LINGER0 },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "ports", required_argument, NULL, OPT_PORTS },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "linger-after", required_argument, NULL, OPT_LINGER_AFTER },
	{ "unshare", no_argument, NULL, OPT_UNSHARE },
	{ "sysctl", required_argument, NULL, OPT_SYSCTL },
	{ "ready-fd", required_argument, NULL, OPT_READY_FD },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_text[] =
"Usage: twload [OPTION]...\n"
"Open loopback TCP connections, run small HTTP-like exchanges on them and\n"
"close them from the chosen side, to produce TIME_WAIT on demand. twload\n"
"listens on every destination itself and runs both ends in one process.\n"
"\n"
"Mandatory arguments to long options are mandatory for short options too.\n"
"  -c, --connections N   connections to open (default 1000; 1..10000000)\n"
"  -r, --rate N          new connections per second, 0 = no limit (default 0)\n"
"  -j, --concurrency N   connections in flight at once (default 64)\n"
"      --close client|server  side that sends the first FIN and keeps the\n"
"                        TIME_WAIT (default client). Server-side TIME_WAITs\n"
"                        are ended by new SYNs once client ports wrap: use\n"
"                        several --dst/--ports for large counts\n"
"      --requests N      request/response exchanges per connection\n"
"                        (default 1)\n"
"      --linger0         the closing side sends RST (SO_LINGER 0):\n"
"                        no TIME_WAIT\n"
"  -4, -6                default destination 127.0.0.1 or ::1 (default -4)\n"
"      --dst LIST        comma list of loopback addresses (127.0.0.0/8, ::1)\n"
"      --ports LIST      comma list of server ports (default 8080)\n"
"      --hold N          also keep N connections ESTABLISHED until exit\n"
"      --duration S      bound on the load phase in seconds (default 30)\n"
"      --linger-after S  stay S seconds after the load phase (default 0)\n"
"      --timeout S       per-connection timeout in seconds (default 5)\n"
"      --cpu N|any       run on CPU N (default: the starting CPU; any = no\n"
"                        pinning, loopback may then reorder under load)\n"
"      --unshare         run in a private network namespace (root only)\n"
"      --sysctl K=V      with --unshare: set net.* sysctl K in that namespace\n"
"      --ready-fd FD     write \"ready\\n\" to FD when the load phase is done\n"
"  -q, --quiet           no progress or informational messages\n"
"  -h, --help            display this help and exit\n"
"  -V, --version         output version information and exit\n"
"\n"
"Summary on stdout: twload: connections=N completed=N failed=N held=N\n"
"client_closed=N server_closed=N rst=N elapsed=S rate=N/s (one line).\n"
"connections counts load connections attempted (completed + failed, plus\n"
"failed --hold ones in failed). Exit status: 0 ran (see failed=), 1 setup\n"
"error, 2 usage error.\n"
"Manual: man twload.\n";

/* GNU style, as twtop's. */
static const char version_text[] =
"twload (twtop) %s\n"
"Copyright (C) 2026 twtop developers\n"
"License GPL-2.0-or-later: GNU GPL version 2 or later "
"<https://gnu.org/licenses/gpl.html>.\n"
"This is free software: you are free to change and redistribute it.\n"
"There is NO WARRANTY, to the extent permitted by law.\n";

/* Print a one-line usage error naming the option; return exit status 2. */
static int bad_value(const char *opt, const char *val, const char *expect)
{
	fprintf(stderr, "twload: %s: invalid value '%s' (expected %s)\n", opt,
		val, expect);
	return EXIT_USAGE;
}

/* Print a one-line error for a list item given twice; return status 2. */
static int dup_value(const char *opt, const char *val)
{
	fprintf(stderr, "twload: %s: %s given twice\n", opt, val);
	return EXIT_USAGE;
}

/* Parse a decimal integer in [lo, hi]. */
static bool parse_count(const char *s, unsigned long long lo,
			unsigned long long hi, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Parse a number of seconds (fractions allowed) in [lo, hi]. */
static bool parse_seconds(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Parse one --dst address into @ss; return 0 or an exit status. */
static int parse_addr(const char *tok, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (void *)ss;
	struct sockaddr_in6 *sin6 = (void *)ss;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t len = strlen(tok);

	memset(ss, 0, sizeof(*ss));
	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, tok, len + 1);
	if (len > 2 && buf[0] == '[' && buf[len - 1] == ']') {
		buf[len - 1] = '\0';
		memmove(buf, buf + 1, len - 1);
	}
	if (inet_pton(AF_INET, buf, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	else
		goto bad;
	if (!twload_net_is_loopback(ss)) {
		fprintf(stderr, "twload: --dst: %s is not a loopback address "
			"(twload only connects to 127.0.0.0/8 and ::1)\n", tok);
		return EXIT_USAGE;
	}
	return 0;
bad:
	fprintf(stderr, "twload: --dst: '%s' is not a numeric IPv4 or IPv6 "
		"address\n", tok);
	return EXIT_USAGE;
}

/* Tell whether two parsed addresses are the same. */
static bool addr_equal(const struct sockaddr_storage *a,
		       const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
			((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return true;	/* the only IPv6 address allowed is ::1 */
}

/* Appends one --dst address; 0 or an exit status. */
static int add_dst(struct twl_opts *o, const char *tok, const char *arg)
{
	int rc;

	if (o->ndst == TWL_MAX_DST)
		return bad_value("--dst", arg, "at most 64 addresses");
	rc = parse_addr(tok, &o->dst[o->ndst]);
	for (size_t i = 0; !rc && i < o->ndst; i++)
		if (addr_equal(&o->dst[i], &o->dst[o->ndst]))
			rc = dup_value("--dst", tok);
	o->ndst++;
	return rc;
}

/* Appends one --ports port; 0 or an exit status. */
static int add_port(struct twl_opts *o, const char *tok, const char *arg)
{
	unsigned long long v;

	if (o->nports == TWL_MAX_PORTS)
		return bad_value("--ports", arg, "at most 64 ports");
	if (!parse_count(tok, 1, 65535, &v))
		return bad_value("--ports", tok, "ports 1..65535");
	for (size_t i = 0; i < o->nports; i++)
		if (o->ports[i] == v)
			return dup_value("--ports", tok);
	o->ports[o->nports++] = (uint16_t)v;
	return 0;
}

/* Walks a comma list of option opt, calling add for each item; refuses
 * empty items. Returns 0 or an exit status. */
static int parse_list(struct twl_opts *o, const char *opt, const char *arg,
		      const char *what,
		      int (*add)(struct twl_opts *, const char *, const char *))
{
	char *copy = xstrdup(arg), *tok, *save = NULL, *s;
	int rc = 0;

	if (!*arg || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,") ||
	    arg[0] == ',')
		rc = bad_value(opt, arg, what);
	for (s = copy; !rc && (tok = strtok_r(s, ",", &save)); s = NULL)
		rc = add(o, tok, arg);
	free(copy);
	return rc;
}

/* Parse --sysctl net.x.y=value; return 0 or an exit status. */
static int parse_sysctl(struct twl_opts *o, char *arg)
{
	const char *eq = strchr(arg, '=');
	struct twl_sysctl *s;
	size_t i, len;

	if (o->nsysctl == TWL_MAX_SYSCTL)
		return bad_value("--sysctl", arg, "at most 16 settings");
	len = eq ? (size_t)(eq - arg) : 0;
	if (!eq || !eq[1] || strchr(eq, '\n') || strncmp(arg, "net.", 4) ||
	    len >= sizeof(s->name) || strstr(arg, ".."))
		return bad_value("--sysctl", arg, "net.NAME=VALUE");
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)arg[i]) &&
		    !strchr("._-", arg[i]))
			return bad_value("--sysctl", arg, "net.NAME=VALUE");
	s = &o->sysctl[o->nsysctl++];
	memcpy(s->name, arg, len);
	s->name[len] = '\0';
	s->value = eq + 1;
	return 0;
}

/* Parse one option that takes a number; return 0 or an exit status. */
static int parse_number_opt(struct twl_opts *o, int c, const char *arg)
{
	unsigned long long v = 0;

	switch (c) {
	case 'c':
		if (!parse_count(arg, 1, MAX_COUNT, &o->connections))
			return bad_value("--connections", arg, "1..10000000");
		return 0;
	case 'r':
		if (!parse_count(arg, 0, MAX_COUNT, &o->rate))
			return bad_value("--rate", arg, "0..10000000");
		return 0;
	case 'j':
		if (!parse_count(arg, 1, MAX_SLOTS, &v))
			return bad_value("--concurrency", arg, "1..1000000");
		o->concurrency = (unsigned long)v;
		return 0;
	case OPT_REQUESTS:
		if (!parse_count(arg, 1, MAX_SLOTS, &v))
			return bad_value("--requests", arg, "1..1000000");
		o->requests = (unsigned long)v;
		return 0;
	case OPT_HOLD:
		if (!parse_count(arg, 0, MAX_SLOTS, &v))
			return bad_value("--hold", arg, "0..1000000");
		o->hold = (unsigned long)v;
		return 0;
	case OPT_READY_FD:
		if (!parse_count(arg, 0, 1 << 30, &v) ||
		    fcntl((int)v, F_GETFD) < 0)
			return bad_value("--ready-fd", arg,
					 "an open file descriptor");
		o->ready_fd = (int)v;
		return 0;
	case OPT_DURATION:
		if (!parse_seconds(arg, 0.001, MAX_SECONDS, &o->duration))
			return bad_value("--duration", arg, "seconds > 0");
		return 0;
	case OPT_LINGER_AFTER:
		if (!parse_seconds(arg, 0, MAX_SECONDS, &o->linger_after))
			return bad_value("--linger-after", arg, "seconds >= 0");
		return 0;
	case OPT_TIMEOUT:
		if (!parse_seconds(arg, 0.001, 3600, &o->timeout))
			return bad_value("--timeout", arg,
					 "0 < seconds <= 3600");
		return 0;
	case OPT_CPU:
		if (!strcmp(arg, "any"))
			o->cpu = TWL_CPU_ANY;
		else if (parse_count(arg, 0, CPU_SETSIZE - 1, &v))
			o->cpu = (int)v;
		else
			return bad_value("--cpu", arg, "a CPU number or 'any'");
		return 0;
	}
	return EXIT_USAGE;
}

/* Handle one getopt result; return -1 to go on, else an exit status. */
static int parse_one(struct twl_opts *o, int c, char *arg)
{
	switch (c) {
	case OPT_CLOSE:
		if (!strcmp(arg, "client"))
			o->closer = TWL_CLOSE_CLIENT;
		else if (!strcmp(arg, "server"))
			o->closer = TWL_CLOSE_SERVER;
		else
			return bad_value("--close", arg, "client or server");
		return -1;
	case OPT_LINGER0:
		o->linger0 = true;
		return -1;
	case OPT_UNSHARE:
		o->unshare = true;
		return -1;
	case '4':
		o->family = AF_INET;
		return -1;
	case '6':
		o->family = AF_INET6;
		return -1;
	case 'q':
		o->quiet = true;
		return -1;
	case 'h':
		fputs(usage_text, stdout);
		if (PACKAGE_BUGREPORT[0])
			printf("\nReport bugs to: %s\n", PACKAGE_BUGREPORT);
		if (PACKAGE_URL[0])
			printf("%s home page: <%s>\n", PACKAGE_NAME,
			       PACKAGE_URL);
		return 0;
	case 'V':
		printf(version_text, PACKAGE_VERSION);
		return 0;
	case OPT_DST:
		return parse_list(o, "--dst", arg, "a comma list of addresses",
				  add_dst) ? EXIT_USAGE : -1;
	case OPT_PORTS:
		return parse_list(o, "--ports", arg, "a comma list of ports",
				  add_port) ? EXIT_USAGE : -1;
	case OPT_SYSCTL:
		return parse_sysctl(o, arg) ? EXIT_USAGE : -1;
	case '?':	/* getopt_long said what is wrong */
		return EXIT_USAGE;
	}
	return parse_number_opt(o, c, arg) ? EXIT_USAGE : -1;
}

/* Fill @o from the command line; return -1 to run, else an exit status. */
static int opts_parse(struct twl_opts *o, int argc, char **argv)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->connections = 1000;
	o->concurrency = 64;
	o->requests = 1;
	o->family = AF_INET;
	o->duration = 30.0;
	o->timeout = 5.0;
	o->ready_fd = -1;
	o->cpu = TWL_CPU_CURRENT;
	while ((c = getopt_long(argc, argv, "c:r:j:46qhV", long_opts,
				NULL)) != -1)
		if ((rc = parse_one(o, c, optarg)) >= 0)
			return rc;
	if (optind < argc) {
		fprintf(stderr, "twload: unexpected argument '%s'\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (o->nsysctl && !o->unshare) {
		fputs("twload: --sysctl: needs --unshare (it only changes "
		      "twload's private namespace)\n", stderr);
		return EXIT_USAGE;
	}
	if (o->ndst == 0) {
		o->ndst = 1;
		o->dst[0].ss_family = (sa_family_t)o->family;
		if (o->family == AF_INET)
			((struct sockaddr_in *)&o->dst[0])->sin_addr.s_addr =
				htonl(INADDR_LOOPBACK);
		else
			((struct sockaddr_in6 *)&o->dst[0])->sin6_addr =
				in6addr_loopback;
	}
	if (o->nports == 0)
		o->ports[o->nports++] = 8080;
	return -1;
}

/* Print the one-line summary of the load phase on stdout. */
static void print_summary(const struct twl_stats *st)
{
	double rate = st->elapsed > 0 ? (double)st->completed / st->elapsed
		: 0.0;

	printf("twload: connections=%llu completed=%llu failed=%llu held=%llu "
	       "client_closed=%llu server_closed=%llu rst=%llu "
	       "elapsed=%.2fs rate=%.0f/s\n", st->connections, st->completed,
	       st->failed, st->held, st->client_closed, st->server_closed,
	       st->rst, st->elapsed, rate);
	fflush(stdout);
}

/* Tell the --ready-fd reader that the load phase is over, then close it
 * (unless it is stdin/out/err) so that a reader waiting for end of file
 * also wakes up.
 */
static void signal_ready(int fd)
{
	static const char msg[] = "ready\n";

	if (fd < 0)
		return;
	if (write(fd, msg, sizeof(msg) - 1) != (ssize_t)(sizeof(msg) - 1))
		fprintf(stderr, "twload: --ready-fd %d: %s\n", fd,
			strerror(errno));
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Prepare the process: file limit, namespace and its sysctls. */
static int setup_process(const struct twl_opts *o, size_t ntargets,
			 char *err)
{
	unsigned long long need;
	size_t i;

	/* Both ends of each connection in flight or held, plus the server
	 * ends that lag behind by one loop turn, plus listeners.
	 */
	need = 3ULL * o->concurrency + 2ULL * o->hold + ntargets + 64;
	if (twload_net_raise_nofile(need, err) < 0 ||
	    twload_net_pin(o->cpu, err) < 0)
		return -1;
	if (!o->unshare)
		return 0;
	if (twload_net_unshare(err) < 0)
		return -1;
	for (i = 0; i < o->nsysctl; i++)
		if (twload_net_sysctl(&o->sysctl[i], err) < 0)
			return -1;
	if (!o->quiet)
		fprintf(stderr, "twload: private network namespace: "
			"/proc/%d/ns/net\n", (int)getpid());
	return 0;
}

int main(int argc, char **argv)
{
	struct twl_target *targets;
	struct twl_engine *e;
	struct twl_stats st;
	struct twl_opts o;
	char err[TWL_ERRLEN];
	size_t n;
	int rc;

	rc = opts_parse(&o, argc, argv);
	if (rc == EXIT_USAGE)
		fputs("Try 'twload --help' for more information.\n", stderr);
	if (rc >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	targets = xcalloc(o.ndst * o.nports, sizeof(*targets));
	n = twload_net_targets(&o, targets);
	if (setup_process(&o, n, err) < 0 ||
	    !(e = twload_engine_new(&o, targets, n, err))) {
		fprintf(stderr, "twload: %s\n", err);
		free(targets);
		return 1;
	}
	rc = 0;
	if (twload_engine_load(e, &st, err) < 0) {
		fprintf(stderr, "twload: %s\n", err);
		rc = 1;
	} else {
		print_summary(&st);
		signal_ready(o.ready_fd);
		twload_engine_linger(e, o.linger_after);
	}
	twload_engine_free(e);
	free(targets);
	return rc;
}
