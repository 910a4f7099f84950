/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twload_engine.h: state shared by the two halves of the twload engine,
 * twload_conn.c (endpoints and the per-connection protocol) and
 * twload_loop.c (the epoll loop and the run phases). Not used elsewhere.
 */
#ifndef TWLOAD_ENGINE_H
#define TWLOAD_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "twload.h"

#define EP_CHUNK	1024	/* endpoints allocated at a time */

enum ep_kind { EP_FREE, EP_LISTEN, EP_SIGNAL, EP_CLIENT, EP_SERVER };

enum ep_state {
	ST_CONNECTING,	/* client: connect() in progress */
	ST_SEND,	/* sending a request (client) or a response (server) */
	ST_RECV,	/* reading a response (client) or a request (server) */
	ST_WAIT_EOF,	/* client: all done, the server closes first */
	ST_HELD,	/* client of --hold: established, left alone */
};

/* One socket the loop watches; epoll's data.ptr points at it. */
struct ep {
	int fd;
	uint8_t kind;		/* enum ep_kind */
	uint8_t state;		/* enum ep_state */
	bool held;		/* belongs to a --hold connection */
	bool listed;		/* on the engine's in-flight list */
	uint32_t done;		/* exchanges finished */
	uint32_t pos;		/* bytes of the current message moved */
	uint32_t target;	/* index into the engine's targets */
	double deadline;	/* clients: fail when still in flight then */
	struct ep *prev, *next;	/* in-flight list, or free list (next) */
};

/* Endpoints are allocated in chunks and never move. */
struct ep_chunk {
	struct ep_chunk *next;
	struct ep ep[EP_CHUNK];
};

enum phase { PH_HOLD, PH_LOAD, PH_DONE };

/* The engine: counters, in-flight list and endpoint pool of one run. */
struct twl_engine {
	const struct twl_opts *o;
	const struct twl_target *tg;
	size_t ntg;
	int epfd;
	struct ep_chunk *chunks;
	struct ep *free;
	struct ep *head, *tail;	/* clients in flight, earliest deadline first */
	enum phase phase;
	bool stop;		/* a SIGINT/SIGTERM arrived */
	bool abort;		/* a second one: fail everything in flight */
	bool progress;		/* print a progress line every second */
	bool accept_warned;	/* an accept() error was reported */
	double now;		/* CLOCK_MONOTONIC, seconds */
	size_t rr;		/* round-robin position over targets */
	unsigned long long hold_started;
	unsigned long inflight;	/* clients on the in-flight list */
	unsigned long srv_load;	/* open server ends of load connections */
	unsigned long srv_held;	/* open server ends of held connections */
	struct twl_stats st;
	char first_err[TWL_ERRLEN];
};

/* twload_conn.c */
struct ep *twload_ep_alloc(struct twl_engine *e, int fd, enum ep_kind kind);
void twload_ep_close(struct twl_engine *e, struct ep *p, bool rst);
int twload_ep_watch(struct twl_engine *e, struct ep *p, uint32_t events);
void twload_conn_start(struct twl_engine *e, bool held);
void twload_conn_fail(struct twl_engine *e, struct ep *p, const char *op,
		      const char *why);
void twload_conn_dispatch(struct twl_engine *e, struct ep *p, uint32_t ev);

#endif /* TWLOAD_ENGINE_H */
