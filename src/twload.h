/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twload.h: private interface between the parts of the twload program.
 *
 * twload is a loopback-only TCP load generator that runs both ends of every
 * connection in one process: twload.c parses options and reports,
 * twload_net.c prepares the process and its sockets, and the engine is
 * twload_loop.c (epoll loop, run phases) with twload_conn.c (per-connection
 * protocol), which share twload_engine.h.
 */
#ifndef TWLOAD_H
#define TWLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define TWL_MAX_DST	64	/* addresses accepted by --dst */
#define TWL_MAX_PORTS	64	/* ports accepted by --ports */
#define TWL_MAX_SYSCTL	16	/* --sysctl settings */
#define TWL_ERRLEN	256	/* size of an error message buffer */
#define TWL_CPU_CURRENT	(-1)	/* --cpu default: the CPU twload starts on */
#define TWL_CPU_ANY	(-2)	/* --cpu any: do not pin */

/* Which end sends the first FIN (and so keeps the TIME_WAIT). */
enum twl_closer {
	TWL_CLOSE_CLIENT,
	TWL_CLOSE_SERVER,
};

/* One destination: a loopback address and a port, ready for connect(). */
struct twl_target {
	struct sockaddr_storage sa;
	socklen_t len;
	char name[INET6_ADDRSTRLEN + 8];	/* "127.0.0.1:80", "[::1]:80" */
};

/* A "name=value" pair for --sysctl, written below /proc/sys. */
struct twl_sysctl {
	char name[128];		/* dotted, e.g. "net.ipv4.tcp_tw_reuse" */
	const char *value;
};

/* Everything the command line decides. */
struct twl_opts {
	unsigned long long connections;	/* -c */
	unsigned long long rate;	/* -r, connections/s, 0 = no limit */
	unsigned long concurrency;	/* -j */
	unsigned long requests;		/* --requests */
	unsigned long hold;		/* --hold */
	enum twl_closer closer;		/* --close */
	bool linger0;			/* --linger0 */
	bool unshare;			/* --unshare */
	bool quiet;			/* -q */
	int family;			/* -4/-6: AF_INET or AF_INET6 */
	double duration;		/* --duration, seconds */
	double linger_after;		/* --linger-after, seconds */
	double timeout;			/* --timeout, per connection, seconds */
	int ready_fd;			/* --ready-fd, -1 = none */
	int cpu;			/* --cpu, or TWL_CPU_CURRENT/ANY */
	struct sockaddr_storage dst[TWL_MAX_DST];	/* port 0 */
	size_t ndst;
	uint16_t ports[TWL_MAX_PORTS];
	size_t nports;
	struct twl_sysctl sysctl[TWL_MAX_SYSCTL];
	size_t nsysctl;
};

/* Exact counts of one load phase, printed as the summary line. */
struct twl_stats {
	unsigned long long connections;	/* load connections attempted */
	unsigned long long completed;	/* exchanges done, closed as asked */
	unsigned long long failed;	/* load + hold connections failed */
	unsigned long long held;	/* hold connections ESTABLISHED */
	unsigned long long client_closed; /* client sent first FIN/RST */
	unsigned long long server_closed; /* server sent first FIN/RST */
	unsigned long long rst;		/* first closes by RST (--linger0) */
	double elapsed;			/* seconds of the load phase */
};

/* twload_net.c */
int twload_net_raise_nofile(unsigned long long need, char *err);
int twload_net_pin(int cpu, char *err);
int twload_net_unshare(char *err);
int twload_net_sysctl(const struct twl_sysctl *s, char *err);
size_t twload_net_targets(const struct twl_opts *o, struct twl_target *out);
int twload_net_listen(const struct twl_target *t, char *err);
bool twload_net_is_loopback(const struct sockaddr_storage *ss);

/* twload_loop.c: the engine is opaque to the rest of the program. */
struct twl_engine;

struct twl_engine *twload_engine_new(const struct twl_opts *o,
				     const struct twl_target *targets,
				     size_t ntargets, char *err);
int twload_engine_load(struct twl_engine *e, struct twl_stats *st,
		       char *err);
void twload_engine_linger(struct twl_engine *e, double seconds);
void twload_engine_free(struct twl_engine *e);

#endif /* TWLOAD_H */
