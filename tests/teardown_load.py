#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Teardowns that end in an RST or a dropped handshake, for
tests/kernel_ns.sh, on loopback in the caller's namespace:

  unread N    the server closes with unread data: RST (TCPAbortOnClose)
  linger2 N   the client closes in FIN_WAIT2 with TCP_LINGER2 < 0: RST
              (TCPAbortOnLinger)
  overflow N  N connects to a backlog-1 listener that never accepts: the
              handshakes that find its accept queue full are dropped
              (ListenOverflows); all closed after 0.5 s, before any SYN
              is retransmitted

Prints one line, "mode=... n=N", when done."""
import socket
import struct
import sys
import time

TCP_FIN_WAIT2 = 5
PORT = 7001


def listener(backlog):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", PORT))
    ls.listen(backlog)
    return ls


def state(s):
    """The socket's TCP state (tcp_info's first byte)."""
    return struct.unpack("B", s.getsockopt(socket.IPPROTO_TCP,
                                           socket.TCP_INFO, 1))[0]


def unread(n):
    ls = listener(128)
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", PORT))
        s, _ = ls.accept()
        c.sendall(b"x")
        while not s.recv(1, socket.MSG_PEEK):
            pass                  # arrived, and left unread
        s.close()
        c.close()
    ls.close()


def linger2(n):
    ls = listener(128)
    for _ in range(n):
        c = socket.create_connection(("127.0.0.1", PORT))
        s, _ = ls.accept()
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_LINGER2, -1)
        c.shutdown(socket.SHUT_WR)
        # the peer may delay its ACK of our FIN: wait for FIN_WAIT2
        deadline = time.monotonic() + 5
        while state(c) != TCP_FIN_WAIT2:
            if time.monotonic() > deadline:
                sys.exit("linger2: no FIN_WAIT2 within 5 s")
            time.sleep(0.001)
        c.close()
        s.close()
    ls.close()


def overflow(n):
    ls = listener(1)
    cs = []
    for _ in range(n):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", PORT))
        except BlockingIOError:
            pass
        cs.append(c)
    time.sleep(0.5)
    for c in cs:
        c.close()
    ls.close()


mode, n = sys.argv[1], int(sys.argv[2])
{"unread": unread, "linger2": linger2, "overflow": overflow}[mode](n)
print(f"mode={mode} n={n}")
