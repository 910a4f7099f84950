#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare one `twtop --once --json` sample with ss, nstat and /proc
read in the same namespace at the same moment. Prints every mismatch and
exits 1 if there is any; exit 0 means every count agreed.

usage: compare_ss.py TWTOP.json SS.txt NSTAT.txt SOCKSTAT.txt SYSCTL.txt
  SS.txt      `ss -tanH` (all states)
  NSTAT.txt   `nstat -saz` (absolute, zeros, no history update)
  SYSCTL.txt  lines "name<TAB>value" ("-" when the file is absent)
"""
import ipaddress
import json
import sys
from collections import Counter

SS_STATES = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
    "FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2",
    "TIME-WAIT": "TIME_WAIT", "UNCONN": "CLOSE", "CLOSE-WAIT": "CLOSE_WAIT",
    "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN", "CLOSING": "CLOSING",
}

errors = []


def check(what, got, want):
    if got != want:
        errors.append(f"{what}: twtop says {got!r}, ground truth {want!r}")


def split_hostport(s):
    host, _, port = s.rpartition(":")
    host = host.strip("[]")
    if "%" in host:
        host = host.split("%")[0]
    if host == "*":
        host = "0.0.0.0"
    ip = ipaddress.ip_address(host)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped          # twtop folds ::ffff:a.b.c.d
    return str(ip), int(port) if port != "*" else 0


def parse_ss(path):
    socks = []
    for line in open(path):
        f = line.split()
        if len(f) < 5:
            continue
        state = SS_STATES.get(f[0])
        if state is None:
            errors.append(f"ss: unknown state {f[0]!r}")
            continue
        la, lp = split_hostport(f[3])
        ra, rp = split_hostport(f[4])
        socks.append((state, la, lp, ra, rp))
    return socks


def compare_states(tw, socks):
    want = Counter(s[0] for s in socks)
    for name in SS_STATES.values():
        check(f"states.{name}", tw["states"][name], want.get(name, 0))
    check("sockets", tw["sockets"], len(socks))


def compare_time_wait(tw, socks):
    listening = {s[2] for s in socks if s[0] == "LISTEN"}
    tws = [s for s in socks if s[0] == "TIME_WAIT"]
    server = sum(1 for s in tws if s[2] in listening)
    check("time_wait.total", tw["time_wait"]["total"], len(tws))
    check("time_wait.server_side", tw["time_wait"]["server_side"], server)
    check("time_wait.client_side", tw["time_wait"]["client_side"],
          len(tws) - server)
    peers = Counter(s[3] for s in tws)
    for p in tw["top_peers"]:
        check(f"top_peers[{p['addr']}].time_wait", p["time_wait"],
              peers.get(p["addr"], 0))
    if peers:
        check("top_peers[0] is the peer with most TIME_WAIT",
              tw["top_peers"][0]["time_wait"], max(peers.values()))
    lports = Counter(s[2] for s in tws)
    for p in tw["top_local_ports"]:
        check(f"top_local_ports[{p['port']}].time_wait", p["time_wait"],
              lports.get(p["port"], 0))
        check(f"top_local_ports[{p['port']}].side", p["side"],
              "server" if p["port"] in listening else "client")
    rports = Counter(s[4] for s in tws)
    for p in tw["top_remote_ports"]:
        check(f"top_remote_ports[{p['port']}].time_wait", p["time_wait"],
              rports.get(p["port"], 0))


def compare_ephemeral(tw, socks, sysctl):
    eph = tw["ephemeral"]
    low, high = (int(x) for x in sysctl["net.ipv4.ip_local_port_range"].split())
    check("ephemeral.low", eph["low"], low)
    check("ephemeral.high", eph["high"], high)
    inrange = lambda p: low <= p <= high
    check("ephemeral.ports_in_use", eph["ports_in_use"],
          len({s[2] for s in socks if inrange(s[2])}))
    holes = {s[2] for s in socks if s[0] == "LISTEN" and inrange(s[2])}
    groups = Counter((s[1], s[3], s[4]) for s in socks
                     if s[0] != "LISTEN" and inrange(s[2])
                     and s[2] not in holes)
    check("ephemeral.groups_total", eph["groups_total"], len(groups))
    base = high - low + 1 - eph["reserved"] - len(holes)
    for g in eph["groups"]:
        key = (g["local"], g["remote"], g["remote_port"])
        check(f"group {key} used", g["used"], groups.get(key, 0))
        check(f"group {key} available", g["available"],
              base - groups.get(key, 0))
    if groups:
        check("worst group used", eph["groups"][0]["used"],
              max(groups.values()))


def compare_counters(tw, path):
    nstat = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 2 and not line.startswith("#"):
            nstat[f[0]] = int(f[1])
    seen = 0
    for name, value in tw["counters"].items():
        if name in nstat:
            seen += 1
            check(f"counters.{name}", value, nstat[name])
    for name in ("TcpExtTW", "TcpExtTWRecycled", "TcpExtTWKilled",
                 "TcpExtTCPTimeWaitOverflow", "TcpActiveOpens",
                 "TcpPassiveOpens"):
        if name in nstat and name not in tw["counters"]:
            errors.append(f"counters.{name} missing from twtop")
    if seen < 20:
        errors.append(f"only {seen} counters in common with nstat")


def compare_sockstat(tw, path):
    for line in open(path):
        if line.startswith("TCP:"):
            f = line.split()[1:]
            kv = dict(zip(f[::2], (int(x) for x in f[1::2])))
            check("sockstat.tw", tw["sockstat"]["tw"], kv["tw"])
            check("sockstat.inuse", tw["sockstat"]["inuse"], kv["inuse"])


def compare_sysctl(tw, sysctl):
    for name, value in sysctl.items():
        got = tw["sysctl"].get(name, "missing")
        if value == "-":
            check(f"sysctl.{name}", got, None)
        elif got is None or isinstance(got, str):
            check(f"sysctl.{name}", " ".join(str(got).split()),
                  " ".join(value.split()))
        else:
            check(f"sysctl.{name}", got, int(value))


def main():
    tw = json.load(open(sys.argv[1]))
    socks = parse_ss(sys.argv[2])
    sysctl = {}
    for line in open(sys.argv[5]):
        name, _, value = line.rstrip("\n").partition("\t")
        sysctl[name] = value
    compare_states(tw, socks)
    compare_time_wait(tw, socks)
    compare_ephemeral(tw, socks, sysctl)
    compare_counters(tw, sys.argv[3])
    compare_sockstat(tw, sys.argv[4])
    compare_sysctl(tw, sysctl)
    for e in errors:
        print("MISMATCH", e)
    print(f"compared {len(socks)} sockets: {len(errors)} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
