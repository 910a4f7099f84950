/* SPDX-License-Identifier: GPL-2.0-or-later */
/* twload_conn.c: the endpoints of the twload engine and the protocol each
 * connection runs: non-blocking connect and accept, small HTTP-like
 * request/response exchanges, and a close by the side that was asked to.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "twload_engine.h"
#include "twtop/xalloc.h"

#define ACCEPT_BATCH	256	/* accept() calls per listener event */

static const char request[] = "GET / HTTP/1.1\r\nHost: twload\r\n\r\n";
static const char response[] =
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
#define REQ_LEN		(sizeof(request) - 1)
#define RESP_LEN	(sizeof(response) - 1)

/* Take an endpoint from the free list, growing the pool by a chunk. */
struct ep *twload_ep_alloc(struct twl_engine *e, int fd, enum ep_kind kind)
{
	struct ep *p;

	if (!e->free) {
		struct ep_chunk *c = xcalloc(1, sizeof(*c));
		size_t i;

		for (i = 0; i < EP_CHUNK; i++) {
			c->ep[i].fd = -1;
			c->ep[i].next = i + 1 < EP_CHUNK ? &c->ep[i + 1] : NULL;
		}
		c->next = e->chunks;
		e->chunks = c;
		e->free = &c->ep[0];
	}
	p = e->free;
	e->free = p->next;
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->kind = kind;
	return p;
}

/* Close an endpoint's socket, with an RST if @rst, and free it. */
void twload_ep_close(struct twl_engine *e, struct ep *p, bool rst)
{
	if (rst) {
		/* SO_LINGER {1, 0}: close() sends RST and skips TIME_WAIT. */
		struct linger lg = { 1, 0 };

		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(p->fd);
	p->fd = -1;
	p->kind = EP_FREE;
	p->next = e->free;
	e->free = p;
}

/* Register @p with epoll for @events. */
int twload_ep_watch(struct twl_engine *e, struct ep *p, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = p };

	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, p->fd, &ev);
}

/* Send the rest of @msg; 1 = all sent, 0 = would block, -1 = error. */
static int ep_send(struct ep *p, const char *msg, size_t len)
{
	while (p->pos < len) {
		ssize_t n = send(p->fd, msg + p->pos, len - p->pos,
				 MSG_NOSIGNAL);

		if (n >= 0)
			p->pos += (uint32_t)n;
		else if (errno == EAGAIN)
			return 0;
		else if (errno != EINTR)
			return -1;
	}
	p->pos = 0;
	return 1;
}

/* Append a client to the in-flight list; deadlines only grow, so the list
 * stays sorted by deadline and the timeout sweep only looks at its head.
 */
static void list_add(struct twl_engine *e, struct ep *p)
{
	p->deadline = e->now + e->o->timeout;
	p->prev = e->tail;
	p->next = NULL;
	if (e->tail)
		e->tail->next = p;
	else
		e->head = p;
	e->tail = p;
	p->listed = true;
	e->inflight++;
}

/* Remove a client from the in-flight list. */
static void list_del(struct twl_engine *e, struct ep *p)
{
	if (!p->listed)
		return;
	if (p->prev)
		p->prev->next = p->next;
	else
		e->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		e->tail = p->prev;
	p->listed = false;
	e->inflight--;
}

/* Count a failure; the first one is reported on stderr. */
static void note_failure(struct twl_engine *e, const char *op,
			 const char *where, const char *why)
{
	e->st.failed++;
	if (e->first_err[0])
		return;
	snprintf(e->first_err, sizeof(e->first_err), "%s %s: %s", op, where,
		 why);
	fprintf(stderr, "twload: first failure: %s\n", e->first_err);
}

/* Fail a client: count it, reset the connection (no TIME_WAIT), free it. */
void twload_conn_fail(struct twl_engine *e, struct ep *p, const char *op,
		      const char *why)
{
	note_failure(e, op, e->tg[p->target].name, why);
	list_del(e, p);
	twload_ep_close(e, p, true);
}

/* Finish a client whose exchanges are all done; @first: it closes first. */
static void client_finish(struct twl_engine *e, struct ep *p, bool first)
{
	bool rst = first && e->o->linger0;

	if (first)
		e->st.client_closed++;
	if (rst)
		e->st.rst++;
	e->st.completed++;
	list_del(e, p);
	twload_ep_close(e, p, rst);
}

/* Start one client connection to the next target in round-robin order. */
void twload_conn_start(struct twl_engine *e, bool held)
{
	size_t ti = e->rr++ % e->ntg;
	const struct twl_target *t = &e->tg[ti];
	struct ep *p;
	int fd;

	if (held)
		e->hold_started++;
	else
		e->st.connections++;
	fd = socket(t->sa.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		note_failure(e, "socket for", t->name, strerror(errno));
		return;
	}
	if (connect(fd, (const struct sockaddr *)&t->sa, t->len) < 0 &&
	    errno != EINPROGRESS) {
		/* EADDRNOTAVAIL here: this target's ephemeral ports ran out. */
		note_failure(e, "connect to", t->name, strerror(errno));
		close(fd);
		return;
	}
	p = twload_ep_alloc(e, fd, EP_CLIENT);
	p->state = ST_CONNECTING;
	p->held = held;
	p->target = (uint32_t)ti;
	if (twload_ep_watch(e, p, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
			    EPOLLET) < 0) {
		note_failure(e, "epoll_ctl for", t->name, strerror(errno));
		twload_ep_close(e, p, true);
		return;
	}
	list_add(e, p);
}

/* Send (the rest of) the request; returns ep_send()'s result. */
static int client_send(struct twl_engine *e, struct ep *p)
{
	int r = ep_send(p, request, REQ_LEN);

	if (r < 0)
		twload_conn_fail(e, p, "send to", strerror(errno));
	else if (r > 0)
		p->state = ST_RECV;
	return r;
}

/* A whole response arrived; return true when no more reading is due now. */
static bool client_response(struct twl_engine *e, struct ep *p)
{
	p->pos = 0;
	if (++p->done < e->o->requests) {
		p->state = ST_SEND;
		client_send(e, p);
		return true;
	}
	if (e->o->closer == TWL_CLOSE_CLIENT) {
		client_finish(e, p, true);
		return true;
	}
	p->state = ST_WAIT_EOF;	/* the server's FIN may already be queued */
	return false;
}

/* Read what the server sent: responses, then (--close server) its EOF. */
static void client_recv(struct twl_engine *e, struct ep *p)
{
	char buf[512];

	for (;;) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

		if (n > 0) {
			if (p->state != ST_RECV ||
			    p->pos + (size_t)n > RESP_LEN) {
				twload_conn_fail(e, p, "exchange with",
						 "unexpected data from server");
				return;
			}
			p->pos += (uint32_t)n;
			if (p->pos == RESP_LEN && client_response(e, p))
				return;
		} else if (n == 0) {
			if (p->state == ST_WAIT_EOF)
				client_finish(e, p, false);
			else
				twload_conn_fail(e, p, "exchange with",
						 "closed before answering");
			return;
		} else if (errno == EAGAIN) {
			return;
		} else if (errno == ECONNRESET && p->state == ST_WAIT_EOF &&
			   e->o->linger0) {
			client_finish(e, p, false);	/* the expected RST */
			return;
		} else if (errno != EINTR) {
			twload_conn_fail(e, p, "recv from", strerror(errno));
			return;
		}
	}
}

/* Pending error of a socket whose connect() failed. */
static int sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err ? err : ECONNRESET;
}

/* Handle epoll events on a client socket. */
static void client_event(struct twl_engine *e, struct ep *p, uint32_t ev)
{
	if (p->state == ST_HELD)
		return;
	if (p->state == ST_CONNECTING) {
		if (ev & (EPOLLERR | EPOLLHUP)) {
			twload_conn_fail(e, p, "connect to",
					 strerror(sock_error(p->fd)));
			return;
		}
		if (!(ev & EPOLLOUT))
			return;
		if (p->held) {
			list_del(e, p);
			p->state = ST_HELD;
			e->st.held++;
			return;
		}
		p->state = ST_SEND;
	}
	if (p->state == ST_SEND && client_send(e, p) <= 0)
		return;
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		client_recv(e, p);
}

/* Close a server end; @first: it closes first (after its last response). */
static void server_close(struct twl_engine *e, struct ep *p, bool first)
{
	bool rst = first && e->o->linger0;

	if (first)
		e->st.server_closed++;
	if (rst)
		e->st.rst++;
	if (p->held)
		e->srv_held--;
	else
		e->srv_load--;
	twload_ep_close(e, p, rst);
}

/* Send (the rest of) a response, then close first or wait for the next
 * request; return false when the endpoint is gone.
 */
static bool server_respond(struct twl_engine *e, struct ep *p)
{
	int r = ep_send(p, response, RESP_LEN);

	if (r < 0) {
		server_close(e, p, false);
		return false;
	}
	if (r == 0)
		return true;
	if (p->done >= e->o->requests && e->o->closer == TWL_CLOSE_SERVER) {
		server_close(e, p, true);
		return false;
	}
	p->state = ST_RECV;
	return true;
}

/* Read requests; answer each; close on the client's EOF or RST. */
static void server_recv(struct twl_engine *e, struct ep *p)
{
	char buf[512];

	for (;;) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

		if (n > 0) {
			if (p->state != ST_RECV ||
			    p->pos + (size_t)n > REQ_LEN) {
				server_close(e, p, false);	/* garbage */
				return;
			}
			p->pos += (uint32_t)n;
			if (p->pos < REQ_LEN)
				continue;
			p->pos = 0;
			p->done++;
			p->state = ST_SEND;
			/* The client sends nothing more before this answer. */
			server_respond(e, p);
			return;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		server_close(e, p, false);	/* EOF, RST or error */
		return;
	}
}

/* Handle epoll events on a server end. */
static void server_event(struct twl_engine *e, struct ep *p, uint32_t ev)
{
	if (p->state == ST_SEND && !server_respond(e, p))
		return;
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		server_recv(e, p);
}

/* Accept pending connections on a listener (level-triggered). */
static void listener_accept(struct twl_engine *e, struct ep *l)
{
	int i, fd;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct ep *p;

		fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* EMFILE and the like: say it once; the clients
			 * waiting for this accept will time out.
			 */
			if (errno != EAGAIN && !e->accept_warned) {
				e->accept_warned = true;
				fprintf(stderr, "twload: accept on %s: %s\n",
					e->tg[l->target].name, strerror(errno));
			}
			return;
		}
		p = twload_ep_alloc(e, fd, EP_SERVER);
		p->state = ST_RECV;
		p->target = l->target;
		/* Load starts only after every held connection is accepted. */
		p->held = e->phase == PH_HOLD;
		if (twload_ep_watch(e, p, EPOLLIN | EPOLLOUT | EPOLLRDHUP |
				    EPOLLET) < 0) {
			twload_ep_close(e, p, true);
			continue;
		}
		if (p->held)
			e->srv_held++;
		else
			e->srv_load++;
	}
}

/* Drain the signalfd: the first signal stops new work, a second aborts. */
static void signal_event(struct twl_engine *e, struct ep *p)
{
	struct signalfd_siginfo si;

	while (read(p->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (e->stop)
			e->abort = true;
		e->stop = true;
	}
}

/* Dispatch one epoll event. */
void twload_conn_dispatch(struct twl_engine *e, struct ep *p, uint32_t ev)
{
	switch (p->kind) {
	case EP_CLIENT:
		client_event(e, p, ev);
		break;
	case EP_SERVER:
		server_event(e, p, ev);
		break;
	case EP_LISTEN:
		listener_accept(e, p);
		break;
	case EP_SIGNAL:
		signal_event(e, p);
		break;
	default:
		fputs("twload: bug: event on a free endpoint\n", stderr);
		abort();
	}
}
