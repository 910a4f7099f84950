/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dumpfloor: the least work that counts TCP sockets by state, the floor
 * bench/run measures twtop against. One NETLINK_SOCK_DIAG dump per family
 * (AF_INET, AF_INET6) of all TCP states with a 32 KiB buffer; nothing is
 * decoded beyond the state byte. Prints "time_wait N".
 *
 *   -v          also one "state S N" line per non-empty state
 *   -n PASSES   repeat the pass on one socket, printing "pass_ms X" for
 *               each: the floor for a resident sampler
 *   -d SECONDS  sleep that long before each pass after the first, as a
 *               sampler does between samples
 *   -w          before each pass, wait for one line on stdin, then -d:
 *               paces the floor's passes between those of a twtop --batch
 *               piped in, so both meet the same machine noise
 *   -s MASK     dump only the states in MASK (1 << state), to price the
 *               dumps of a pass one by one
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

/* The kernel fills at most ~32 KiB per recv (KERNEL-FACTS.md). */
#define BUFSZ		32768
#define NSTATES		16
#define TS_TIME_WAIT	6
#define ALL_STATES	0xffffffffu

struct counts {
	uint32_t mask;		/* idiag_states of the request */
	unsigned long state[NSTATES];
	int interrupted;
};

/* Counts one inet_diag_msg by its state. */
static int count_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct counts *c = arg;
	const struct inet_diag_msg *m;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return MNL_CB_OK;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		c->interrupted = 1;
	m = mnl_nlmsg_get_payload(nlh);
	c->state[m->idiag_state < NSTATES ? m->idiag_state : 0]++;
	return MNL_CB_OK;
}

/* Dumps all TCP sockets of one family into c; 0 or -1 with errno. */
static int dump_family(struct mnl_socket *nl, uint8_t family, uint32_t seq,
		       struct counts *c)
{
	static char buf[BUFSZ];
	uint32_t portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	ssize_t n;
	int rc = MNL_CB_OK;	/* EINTR before the first reply loops again */

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = c->mask;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, count_cb, c);
	} while (rc > MNL_CB_STOP);
	return rc < 0 ? -1 : 0;
}

/* Milliseconds on the monotonic clock. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sleeps for seconds (interrupted sleeps resume). */
static void nap(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9),
	};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One pass: both families, counts from zero. 0 or -1 with errno. */
static int dump_pass(struct mnl_socket *nl, uint32_t mask, uint32_t *seq,
		     struct counts *c)
{
	memset(c, 0, sizeof(*c));
	c->mask = mask;
	if (dump_family(nl, AF_INET, ++*seq, c) < 0 ||
	    dump_family(nl, AF_INET6, ++*seq, c) < 0)
		return -1;
	return 0;
}

struct opts {
	int verbose, wait_line;
	long passes;
	double delay;
	uint32_t mask;
};

/* Parses the command line into o; 0, or -1 after printing the usage. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int opt;

	*o = (struct opts){ .passes = 1, .mask = ALL_STATES };
	while ((opt = getopt(argc, argv, "vwn:d:s:")) != -1) {
		if (opt == 'v') {
			o->verbose = 1;
		} else if (opt == 'w') {
			o->wait_line = 1;
		} else if (opt == 'n' && atol(optarg) > 0) {
			o->passes = atol(optarg);
		} else if (opt == 'd' && atof(optarg) >= 0 && atof(optarg) < 60) {
			o->delay = atof(optarg);
		} else if (opt == 's') {
			o->mask = (uint32_t)strtoul(optarg, NULL, 0);
		} else {
			fputs("usage: dumpfloor [-vw] [-n PASSES] [-d SECONDS] "
			      "[-s STATEMASK]\n", stderr);
			return -1;
		}
	}
	return 0;
}

/* Waits for the cue of pass i (a line on stdin with -w, then the delay);
 * 0, or -1 when stdin ended. */
static int await_pass(const struct opts *o, long i)
{
	if (o->wait_line) {
		int ch;

		while ((ch = getchar()) != '\n')
			if (ch == EOF)
				return -1;
	}
	if ((i > 0 || o->wait_line) && o->delay > 0)
		nap(o->delay);
	return 0;
}

int main(int argc, char **argv)
{
	struct counts c;
	struct mnl_socket *nl;
	struct opts o;
	uint32_t seq = 0;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	memset(&c, 0, sizeof(c));
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("dumpfloor: NETLINK_SOCK_DIAG");
		return 1;
	}
	for (long i = 0; i < o.passes && await_pass(&o, i) == 0; i++) {
		double t0 = now_ms();

		if (dump_pass(nl, o.mask, &seq, &c) < 0) {
			perror("dumpfloor: dump");
			mnl_socket_close(nl);
			return 1;
		}
		if (o.passes > 1) {
			printf("pass_ms %.3f\n", now_ms() - t0);
			fflush(stdout);
		}
	}
	mnl_socket_close(nl);
	printf("time_wait %lu\n", c.state[TS_TIME_WAIT]);
	if (c.interrupted)
		fputs("dumpfloor: dump interrupted (NLM_F_DUMP_INTR)\n", stderr);
	for (int s = 0; o.verbose && s < NSTATES; s++)
		if (c.state[s])
			printf("state %d %lu\n", s, c.state[s]);
	return 0;
}
