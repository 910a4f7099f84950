#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Socket shapes twload does not make, for tests/backend_ns.sh.

Run as root inside a test namespace with loopback up (127.0.0.1, ::1).
It makes these, prints one "name count" line each, then "ready", and
holds every socket until stdin closes:

  bind_tw        clients that bind(0) before connect(), closed first:
                 TIME_WAIT on a bind()-made port
  bind_est       the same kept ESTABLISHED
  bound          bound-inactive sockets (bind(), no listen or connect),
                 IPv4 and IPv6; the IPv6 one under two descriptors
  mapped         a dual-stack listener's IPv4 connection (::ffff:...)
  keepalive      an ESTABLISHED socket with its keepalive timer armed
  syn_sent       connect() to a listener whose accept queue is full: the
                 SYN is dropped, SYN_SENT with its retransmit timer
  syn_sent_dev   the same with SO_BINDTODEVICE lo (an ifindex)
  syn_recv       a listener with TCP_DEFER_ACCEPT and a client that sends
                 nothing: a request socket (SYN_RECV) on the server side
  fin_wait2      client closes, server does not: TIME_WAIT minisocket in
                 FIN_WAIT2 (the server side stays in CLOSE_WAIT)
  orphan_probe   owned by uid 65534: data queued against a zero window,
                 then closed: an orphaned FIN_WAIT1 with its zero-window
                 probe timer, keeping its uid and losing its inode
"""
import os
import socket
import sys
import time

BIND_TW = 12
BIND_EST = 3
LISTEN_PORT = 7070
DUAL_PORT = 7171
HALF_PORT = 7272
PROBE_PORT = 7373
FULL_PORT = 7474
DEFER_PORT = 7575

held = []


def listener(family, addr, port, v6only=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    s.listen(128)
    held.append(s)
    return s


def bind_clients(lsn):
    """bind(0) then connect(): the port's bucket is bind()'s."""
    for i in range(BIND_TW + BIND_EST):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.bind(("127.0.0.1", 0))
        c.connect(("127.0.0.1", LISTEN_PORT))
        a, _ = lsn.accept()
        if i < BIND_TW:
            c.close()           # client first: TIME_WAIT on the client
            a.recv(1)           # EOF
            a.close()
        else:
            held.extend((c, a))


def bound_inactive():
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.bind((addr, 0))
        held.append(s)
    held.append(held[-1].dup())     # two descriptors, one socket
    return 2


def mapped():
    lsn = listener(socket.AF_INET6, "::", DUAL_PORT, v6only=0)
    c = socket.create_connection(("127.0.0.1", DUAL_PORT))
    a, _ = lsn.accept()
    held.extend((c, a))


def keepalive(lsn):
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 300)
    c.connect(("127.0.0.1", LISTEN_PORT))
    a, _ = lsn.accept()
    held.extend((c, a))


def syn_sent():
    """listen(0) holds one connection; SYNs beyond it are dropped."""
    lsn = listener(socket.AF_INET, "127.0.0.1", FULL_PORT)
    lsn.listen(0)
    first = socket.create_connection(("127.0.0.1", FULL_PORT))
    held.append(first)
    time.sleep(0.2)
    for dev in (False, True):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if dev:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", FULL_PORT))
        except BlockingIOError:
            pass
        held.append(c)


def syn_recv():
    lsn = listener(socket.AF_INET, "127.0.0.1", DEFER_PORT)
    lsn.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 30)
    held.append(socket.create_connection(("127.0.0.1", DEFER_PORT)))


def fin_wait2():
    lsn = listener(socket.AF_INET, "127.0.0.1", HALF_PORT)
    c = socket.create_connection(("127.0.0.1", HALF_PORT))
    a, _ = lsn.accept()
    c.close()                   # the server never closes: CLOSE_WAIT
    held.append(a)


def orphan_probe():
    """As uid 65534 in a child: fill the peer's zero window, close."""
    lsn = listener(socket.AF_INET, "127.0.0.1", PROBE_PORT)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.setgid(65534)
        os.setuid(65534)
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.connect(("127.0.0.1", PROBE_PORT))
        c.setblocking(False)
        try:
            while True:
                c.send(b"x" * 65536)
        except BlockingIOError:
            pass
        time.sleep(0.5)         # the window closes
        c.close()               # FIN_WAIT1, orphaned, data unsent
        os.write(w, b"x")
        os._exit(0)
    os.close(w)
    a, _ = lsn.accept()         # never read: the window stays shut
    held.append(a)
    os.read(r, 1)
    os.waitpid(pid, 0)
    os.close(r)


def main():
    lsn = listener(socket.AF_INET, "127.0.0.1", LISTEN_PORT)
    bind_clients(lsn)
    counts = {
        "bind_tw": BIND_TW,
        "bind_est": BIND_EST,
        "bound": bound_inactive(),
    }
    mapped()
    keepalive(lsn)
    syn_sent()
    syn_recv()
    fin_wait2()
    orphan_probe()
    counts.update(mapped=1, keepalive=1, syn_sent=1, syn_sent_dev=1,
                  syn_recv=1, fin_wait2=1, orphan_probe=1)
    for k, v in counts.items():
        print(k, v)
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
