#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks rows of `twtop --all-netns` JSON (a --once document or one
--batch --json line) for tests/allns_ns.sh.

  allns_check.py row DOC NAME SS [--server N] [--client N] [--kind K]
                 [--group REMOTE:PORT] [--own] [--pid PID]
      the row named NAME has exactly the states `ss -Htan` (file SS)
      shows in that namespace, and the given TIME_WAIT sides, kind,
      worst group, own flag and process
  allns_check.py order DOC NAME...   the rows come in this order
  allns_check.py idle DOC NAME...    these rows are idle (and last)
  allns_check.py absent DOC NAME     no row is named NAME
  allns_check.py clean DOC           no row has an error, every row of
                                     the pass that has a sample is valid
  allns_check.py run JSONL NAME SS [--server N] [--gone NAME:K]...
      every pass of a --batch --json run is clean and has the row NAME
      as ss (SS) shows it (or not sampled yet, but for the last pass); a namespace gone after K passes were written
      is in none after pass K + 1 (the pass under way may still hold it)
Exit 0 when it holds, 1 with the reasons.
"""
import json
import sys
from collections import Counter

SS_STATES = {
    "ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
    "FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2",
    "TIME-WAIT": "TIME_WAIT", "UNCONN": "CLOSE", "CLOSE-WAIT": "CLOSE_WAIT",
    "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN", "CLOSING": "CLOSING",
}


def load(path):
    with open(path) as f:
        return json.load(f)


def row_of(doc, name):
    rows = [r for r in doc["namespaces"] if r["name"] == name]
    if len(rows) != 1:
        sys.exit(f"FAIL: {len(rows)} rows named {name}: "
                 f"{[r['name'] for r in doc['namespaces']]}")
    return rows[0]


def ss_states(path):
    c = Counter()
    for line in open(path):
        f = line.split()
        if f:
            c[SS_STATES.get(f[0], f[0])] += 1
    return c


def opt(args, key, conv=str):
    if key in args:
        return conv(args[args.index(key) + 1])
    return None


def check_row(doc, name, ss, args):
    r = row_of(doc, name)
    errs = []
    if r["error"] is not None:
        errs.append(f"error {r['error']!r}")
        return r, errs
    want = ss_states(ss)
    for st, n in r["states"].items():
        if n != want.get(st, 0):
            errs.append(f"{st}: twtop {n}, ss {want.get(st, 0)}")
    for st in want:
        if st not in r["states"]:
            errs.append(f"ss state {st} unknown to twtop")
    if r["sockets"] != sum(want.values()):
        errs.append(f"sockets: twtop {r['sockets']}, ss "
                    f"{sum(want.values())}")
    tw = r["time_wait"]
    if tw["total"] != r["states"]["TIME_WAIT"]:
        errs.append("time_wait.total is not states.TIME_WAIT")
    for key, field in (("--server", "server_side"),
                       ("--client", "client_side")):
        n = opt(args, key, int)
        if n is not None and tw[field] != n:
            errs.append(f"{field}: {tw[field]}, want {n}")
    kind = opt(args, "--kind")
    if kind and r["kind"] != kind:
        errs.append(f"kind {r['kind']}, want {kind}")
    group = opt(args, "--group")
    if group:
        g = r["worst_group"]
        got = g and f"{g['remote']}:{g['remote_port']}"
        if got != group:
            errs.append(f"worst group {got}, want {group}")
    if "--own" in args and not r["own"]:
        errs.append("not marked own")
    pid = opt(args, "--pid", int)
    if pid is not None and pid not in [p["pid"] for p in r["processes"]]:
        errs.append(f"pid {pid} not among {r['processes']}")
    if r["age_s"] is None or r["age_s"] < 0:
        errs.append(f"age_s {r['age_s']}")
    return r, errs


def clean(doc):
    errs = []
    for r in doc["namespaces"]:
        if r["error"] is not None:
            errs.append(f"{r['name']}: error {r['error']!r}")
        elif r["sockets"] is not None and r["sample"]["dump_failed"]:
            errs.append(f"{r['name']}: dump failed")
    return errs


def check_run(path, name, ss, args):
    errs, dropped = [], 0
    gone = [(g.rsplit(":", 1)[0], int(g.rsplit(":", 1)[1]))
            for i, g in enumerate(args) if i and args[i - 1] == "--gone"]
    with open(path) as f:
        docs = [json.loads(line) for line in f]
    for k, doc in enumerate(docs, 1):
        errs += [f"pass {k}: {e}" for e in clean(doc)]
        # a short interval's budget may leave a row for a later pass:
        # it is listed all the same, its counts from its last sample
        if row_of(doc, name)["sockets"] is None and k < len(docs):
            continue
        errs += [f"pass {k}: {e}" for e in check_row(doc, name, ss, args)[1]]
        for g, after in gone:
            if k > after + 1 and any(r["name"] == g
                                     for r in doc["namespaces"]):
                errs.append(f"pass {k}: {g} listed, gone after {after}")
        dropped += doc["pass"]["dropped"]
    if not errs:
        print(f"ok: {len(docs)} passes: {name} as ss says in each, no "
              f"errors, {' '.join(g for g, _ in gone)} gone after their "
              f"end; {dropped} namespaces vanished mid-pass")
    return errs


def main():
    cmd, rest = sys.argv[1], sys.argv[3:]
    errs = []
    if cmd == "run":
        errs = check_run(sys.argv[2], rest[0], rest[1], rest[2:])
        for e in errs:
            print(f"FAIL: run: {e}")
        sys.exit(1 if errs else 0)
    doc = load(sys.argv[2])
    if cmd == "row":
        r, errs = check_row(doc, rest[0], rest[1], rest[2:])
        if not errs:
            print(f"ok: {r['name']} ({r['kind']}): {r['sockets']} sockets, "
                  f"TIME_WAIT {r['time_wait']['total']} (server "
                  f"{r['time_wait']['server_side']}, client "
                  f"{r['time_wait']['client_side']}) as ss says")
    elif cmd == "order":
        names = [r["name"] for r in doc["namespaces"]]
        pos = [names.index(n) if n in names else -1 for n in rest]
        if -1 in pos or pos != sorted(pos):
            errs.append(f"order {rest} not kept in {names}")
    elif cmd == "idle":
        rows = doc["namespaces"]
        first_idle = min([i for i, r in enumerate(rows) if r["idle"]],
                         default=len(rows))
        if any(r["idle"] for r in rows[first_idle:]) and \
           not all(r["idle"] for r in rows[first_idle:]):
            errs.append("idle rows are not all last")
        for n in rest:
            if not row_of(doc, n)["idle"]:
                errs.append(f"{n} is not idle")
        if doc["idle_namespaces"] != len(rows) - first_idle:
            errs.append(f"idle_namespaces {doc['idle_namespaces']}")
    elif cmd == "absent":
        if any(r["name"] == rest[0] for r in doc["namespaces"]):
            errs.append(f"{rest[0]} still listed")
    elif cmd == "clean":
        errs = clean(doc)
    else:
        sys.exit(f"unknown command {cmd}")
    for e in errs:
        print(f"FAIL: {cmd} {' '.join(rest[:1])}: {e}")
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
