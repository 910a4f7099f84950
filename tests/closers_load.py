#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/closers_load.py: the load of tests/closers_ns.sh, run inside a
# namespace whose ip_local_port_range is 40000-40049. Each role is a
# process of its own with a known name (prctl PR_SET_NAME):
#   twsink     listens on 127.0.0.2:8080 and 127.0.0.3:9000, closes each
#              connection after its peer did (passive)
#   twserver   listens on 127.0.0.1:8081, closes first (server side)
#   twpeer     the clients of twserver: closes after the server (passive)
#   twclient   connects to 127.0.0.2:8080 and closes first (client side),
#              then REFUSED connect() calls to 127.0.0.1:9 (no listener),
#              blocking, and ASYNC more non-blocking (the refusal comes
#              through SO_ERROR)
#   twexhaust  holds connections to 127.0.0.3:9000 until connect() fails
#              with EADDRNOTAVAIL, counts FAILS of them, then closes all
#              first (client side)
# It prints one JSON object: the roles' pids and what each saw.
# With TWTOP_TEST_CGROUP_FDS="twclient=5,twserver=6", those roles first
# move themselves into the cgroup whose cgroup.procs the descriptor is
# open on (writing "0" there moves the writer), before any connection.
import ctypes
import errno
import json
import os
import select
import socket
import sys

CLIENT_N = 40
PEER_N = 45
FAILS = 37
REFUSED = 5
ASYNC = 3


def set_name(name):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(15, name.encode(), 0, 0, 0) != 0:  # PR_SET_NAME
        raise OSError(ctypes.get_errno(), "prctl")


def listener(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(512)
    return s


def sink(lis, ctl, report):
    """Accepts; closes each connection once its peer has closed, until
    as many as ctl says (once told) are closed."""
    conns, closed, want = [], 0, None
    while want is None or closed < want:
        r, _, _ = select.select(lis + conns + [ctl], [], [], 30)
        if not r:
            raise SystemExit("twsink: timed out at %d of %s" % (closed, want))
        for s in r:
            if s is ctl:
                want = int(os.read(ctl, 64) or b"-1")
            elif s in lis:
                c, _ = s.accept()
                conns.append(c)
            elif s.recv(64) == b"":
                s.close()
                conns.remove(s)
                closed += 1
    report({"passive": closed})


def server(lis, want, report):
    """Reads a byte from each client and closes first."""
    for _ in range(want):
        c, _ = lis.accept()
        c.recv(1)
        c.close()
    report({"active": want})


def peer(report):
    """Clients of twserver: each waits for the server's close."""
    for _ in range(PEER_N):
        c = socket.create_connection(("127.0.0.1", 8081))
        c.sendall(b"x")
        assert c.recv(1) == b""
        c.close()
    report({"passive": PEER_N})


def client(report):
    """Closes first, then connect() calls that are refused."""
    for _ in range(CLIENT_N):
        c = socket.create_connection(("127.0.0.2", 8080))
        c.sendall(b"x")
        c.close()
    refused = 0
    for _ in range(REFUSED):
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", 9))
        except ConnectionRefusedError:
            refused += 1
        c.close()
    for _ in range(ASYNC):
        c = socket.socket()
        c.setblocking(False)
        if c.connect_ex(("127.0.0.1", 9)) == errno.EINPROGRESS:
            select.select([], [c], [], 5)
        if c.getsockopt(socket.SOL_SOCKET,
                        socket.SO_ERROR) == errno.ECONNREFUSED:
            refused += 1
        c.close()
    report({"active": CLIENT_N, "refused": refused})


def exhaust(report):
    """Holds ports to one destination until connect() fails, FAILS
    times; counts what connect() said; then closes first."""
    held, eaddr, other = [], 0, 0
    while eaddr < FAILS and len(held) < 1000:
        c = socket.socket()
        try:
            c.connect(("127.0.0.3", 9000))
            held.append(c)
        except OSError as e:
            c.close()
            if e.errno == errno.EADDRNOTAVAIL:
                eaddr += 1
            else:
                other += 1
    for c in held:
        c.close()
    report({"active": len(held), "eaddrnotavail": eaddr, "other": other})


def cgroup_fds():
    """The roles to move into a cgroup: {name: open cgroup.procs fd}."""
    spec = os.environ.get("TWTOP_TEST_CGROUP_FDS", "")
    return {k: int(v) for k, v in
            (kv.split("=", 1) for kv in spec.split(",") if kv)}


def spawn(name, fn, *args):
    """Runs fn in a child named name; returns (pid, pipe to read)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        set_name(name)

        def report(d):
            os.write(w, json.dumps(d).encode())
        try:
            fd = cgroup_fds().get(name)
            if fd is not None:
                os.write(fd, b"0")
            fn(*args, report)
        except BaseException as e:  # noqa: B902 - the child reports all
            os.write(w, json.dumps({"error": repr(e)}).encode())
            os._exit(1)
        os._exit(0)
    os.close(w)
    return pid, r


def collect(pid, r):
    data = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        data += chunk
    os.close(r)
    _, st = os.waitpid(pid, 0)
    d = json.loads(data or b"{}")
    d["pid"] = pid
    d["status"] = st
    return d


def main():
    lis_sink = [listener("127.0.0.2", 8080), listener("127.0.0.3", 9000)]
    lis_srv = listener("127.0.0.1", 8081)
    out = {}
    srv = spawn("twserver", server, lis_srv, PEER_N)
    lis_srv.close()
    ctl_r, ctl_w = os.pipe()
    snk = spawn("twsink", sink, lis_sink, ctl_r)
    os.close(ctl_r)
    for s in lis_sink:
        s.close()
    out["twpeer"] = collect(*spawn("twpeer", peer))
    out["twserver"] = collect(*srv)
    out["twclient"] = collect(*spawn("twclient", client))
    out["twexhaust"] = collect(*spawn("twexhaust", exhaust))
    # the sink closes after each client: twclient's and twexhaust's
    os.write(ctl_w, b"%d" % (CLIENT_N + out["twexhaust"].get("active", 0)))
    os.close(ctl_w)
    out["twsink"] = collect(*snk)
    json.dump(out, sys.stdout)
    print()
    bad = [k for k, v in out.items() if v["status"] != 0 or "error" in v]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
