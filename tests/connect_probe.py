#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Ground truth for twtop's ephemeral headroom: what connect() really does.
Loopback only, run inside a test namespace; every loop is bounded in count
and seconds. Output is one JSON object per line on stdout.

usage:
  connect_probe.py probe HOST PORT [--max N] [--secs S]
      connect() from a fresh socket again and again, KEEPING each
      connected socket, until one fails (EADDRNOTAVAIL when the group is
      out of ports) or the bound; prints {"ok": successes, "errno": name}
      and closes all with RST (SO_LINGER 0: no TIME_WAIT is left).
  connect_probe.py hold HOST PORT -n N [--bind-first] [--secs S]
      connect N sockets (with --bind-first each calls bind(port 0) before
      connect(), so its port is a bind() port), print {"ok": n, ...},
      keep them until SIGTERM or S seconds, then close with RST.
  connect_probe.py tw HOST[,HOST...] PORT -n N [--wait-eof] [--secs S]
      N times per HOST: connect, close first (client-side TIME_WAIT); with
      --wait-eof wait for the server's FIN first (the server closes first:
      server-side TIME_WAIT). Prints {"ok": n, "errno": name or null}.
  connect_probe.py serve ADDR:PORT... [--server-close] [--secs S]
      listen (backlog 4096) and serve: an accepted connection is closed
      when its peer closes (so a client that closes first gets the
      TIME_WAIT), or at once with --server-close. Prints {"ready": true}.
      SIGUSR1 closes the listeners and keeps the accepted connections
      (a listener that goes away while its connections remain); SIGTERM
      or S seconds end it (accepted ones with RST).
  connect_probe.py bind ADDR:PORT... [--secs S]
      bind() without listen() or connect() (bound-inactive sockets),
      print {"bound": [ports]}, keep them until SIGTERM or S seconds.
Background jobs of a script get /dev/null as stdin, so SIGTERM (kill PID)
is how a test ends hold, serve and bind.
"""
import argparse
import errno
import ipaddress
import json
import selectors
import signal
import socket
import struct
import sys
import time

LINGER0 = struct.pack("ii", 1, 0)


def loopback(host):
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"connect_probe: {host} is not a loopback address")
    return host


def loopbacks(hosts):
    for host in hosts.split(","):
        loopback(host)
    return hosts


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def say(obj):
    print(json.dumps(obj), flush=True)


def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno)) if e.errno else str(e)


def rst_close(socks):
    for s in socks:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
        except OSError:
            pass
        s.close()


def connect_one(host, port, timeout=2.0, bind_first=False):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        if bind_first:
            s.bind(("::1" if ":" in host else "127.0.0.1", 0))
        s.connect((host, port))
    except OSError:
        s.close()
        raise
    return s


def connect_until(host, port, limit, secs, bind_first=False):
    """Connects until an error or the bound; returns (socks, errno name)."""
    socks, err = [], None
    end = time.monotonic() + secs
    while len(socks) < limit:
        if time.monotonic() > end:
            err = "TIMEOUT"
            break
        try:
            socks.append(connect_one(host, port, bind_first=bind_first))
        except OSError as e:
            err = errname(e)
            break
    return socks, err


def wait_for_end(secs):
    """Returns on SIGTERM or after secs seconds."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    end = time.monotonic() + secs
    while not stop and time.monotonic() < end:
        time.sleep(0.05)


def cmd_probe(a):
    t0 = time.monotonic()
    socks, err = connect_until(a.host, a.port, a.max, a.secs)
    say({"ok": len(socks), "errno": err,
         "secs": round(time.monotonic() - t0, 3)})
    rst_close(socks)


def cmd_hold(a):
    socks, err = connect_until(a.host, a.port, a.n, a.secs, a.bind_first)
    say({"ok": len(socks), "errno": err,
         "ports": sorted(s.getsockname()[1] for s in socks)})
    wait_for_end(a.secs)
    rst_close(socks)


def cmd_tw(a):
    n, err = 0, None
    end = time.monotonic() + a.secs
    hosts = a.host.split(",")
    while n < a.n * len(hosts) and time.monotonic() < end:
        try:
            s = connect_one(hosts[n % len(hosts)], a.port)
        except OSError as e:
            err = errname(e)
            break
        if a.wait_eof:
            try:
                while s.recv(4096):
                    pass
            except OSError:
                pass
        s.close()
        n += 1
    say({"ok": n, "errno": err})


def split_addr(spec):
    host, _, port = spec.rpartition(":")
    return host.strip("[]"), int(port)


def cmd_serve(a):
    sel = selectors.DefaultSelector()
    listeners, conns = [], set()
    for spec in a.addrs:
        host, port = split_addr(spec)
        ls = socket.socket(family(host), socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, port))
        ls.listen(4096)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, "listen")
        listeners.append(ls)
    stop, unlisten = [], []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGUSR1, lambda *a: unlisten.append(1))
    say({"ready": True})
    end = time.monotonic() + a.secs
    while not stop and time.monotonic() < end:
        if unlisten and listeners:
            for ls in listeners:
                sel.unregister(ls)
                ls.close()
            listeners = []
            say({"unlistened": True})
        for key, _ in sel.select(timeout=0.1):
            if key.data == "listen":
                while True:
                    try:
                        c, _ = key.fileobj.accept()
                    except (BlockingIOError, OSError):
                        break
                    if a.server_close:
                        c.close()   # this side sends the first FIN
                        continue
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "conn")
                    conns.add(c)
            else:
                c = key.fileobj
                try:
                    data = c.recv(4096)
                except OSError:
                    data = b""
                if not data:        # the peer closed first
                    sel.unregister(c)
                    conns.discard(c)
                    c.close()
    rst_close(list(conns))
    for ls in listeners:
        ls.close()


def cmd_bind(a):
    socks = []
    for spec in a.addrs:
        host, port = split_addr(spec)
        s = socket.socket(family(host), socket.SOCK_STREAM)
        s.bind((host, port))
        socks.append(s)
    say({"bound": [s.getsockname()[1] for s in socks]})
    wait_for_end(a.secs)
    for s in socks:
        s.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("probe", "hold", "tw"):
        q = sub.add_parser(name)
        q.add_argument("host", type=loopbacks if name == "tw" else loopback)
        q.add_argument("port", type=int)
        q.add_argument("--secs", type=float, default=10)
        if name == "probe":
            q.add_argument("--max", type=int, default=5000)
        else:
            q.add_argument("-n", type=int, required=True)
        if name == "tw":
            q.add_argument("--wait-eof", action="store_true")
        if name == "hold":
            q.add_argument("--bind-first", action="store_true")
    for name in ("serve", "bind"):
        q = sub.add_parser(name)
        q.add_argument("addrs", nargs="+")
        q.add_argument("--secs", type=float, default=120)
        if name == "serve":
            q.add_argument("--server-close", action="store_true")
    a = p.parse_args()
    for spec in getattr(a, "addrs", []):
        host = split_addr(spec)[0]
        if host not in ("0.0.0.0", "::"):   # the namespace has lo only
            loopback(host)
    {"probe": cmd_probe, "hold": cmd_hold, "tw": cmd_tw,
     "serve": cmd_serve, "bind": cmd_bind}[a.cmd](a)


if __name__ == "__main__":
    main()
