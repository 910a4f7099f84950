#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Forecast checks for twtop (tests/forecast_ns.sh): a scheduled loopback
load, and the comparison of twtop's JSON with what connect() then did.

  forecast_load.py run --dst 127.0.0.2 --port 8001 (--rate R |
      --ramp R0,R1,T | --burst N) [--start-at UNIX] [--max-time S]
      [--max-conns N] [--after-fail S] [--out FILE]

Runs a listener on dst:port and a client that connects to it on the
schedule and closes each connection first, so every connection leaves a
client-side TIME_WAIT holding an ephemeral port of the group
(local, dst, port). The listener closes its side on EOF. The first
EADDRNOTAVAIL is timed (wall clock, comparable with twtop's unix_time) and
the load stops --after-fail seconds later. Prints one JSON object.
Bounded: at most --max-conns connect() calls (<= 20000) and --max-time
seconds (<= 120). Only loopback destinations are accepted.

  forecast_load.py check SCENARIO ...   (see the check_* functions)

Compares twtop's --batch/--once JSON with the load records, prints a
table and exits 1 when a claim is off by more than the tolerance.
"""
import argparse
import errno
import ipaddress
import json
import math
import random
import selectors
import socket
import sys
import threading
import time

MAX_CONNS = 20000
MAX_TIME = 120.0
TOL = 0.20          # forecasts and rates: within 20 %
# Forecasts (steady share, full_in_s, stopped) are judged once the flow
# has run this long: before, one pulse or a few arrivals cannot tell a
# flow from a finished burst, nor its rate from chance (twtop says "full
# in" only at a rate it is sure of). Measured rates are judged from the
# first window on.
WARMUP_S = 2.5


# ---------------------------------------------------------------- load

class Listener:
    """Accepts on dst:port and closes each connection when the client's
    FIN arrives, so the client (which closed first) keeps the TIME_WAIT."""

    def __init__(self, dst, port):
        fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
        self.ls = socket.socket(fam, socket.SOCK_STREAM)
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind((dst, port))
        self.ls.listen(4096)
        self.ls.setblocking(False)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.ls, selectors.EVENT_READ, None)
        self.open = 0           # accepted, not yet closed
        self.accepted = 0
        self.last_close = 0.0   # wall time of the last server-side close
        self.stop = False
        self.lock = threading.Lock()
        self.th = threading.Thread(target=self.loop, daemon=True)
        self.th.start()

    def loop(self):
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.05):
                if key.data is None:
                    while True:
                        try:
                            c, _ = self.ls.accept()
                        except (BlockingIOError, InterruptedError):
                            break
                        c.setblocking(False)
                        self.sel.register(c, selectors.EVENT_READ, 1)
                        with self.lock:
                            self.open += 1
                            self.accepted += 1
                    continue
                c = key.fileobj
                try:
                    data = c.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    continue
                self.sel.unregister(c)
                c.close()
                with self.lock:
                    self.open -= 1
                    self.last_close = time.time()

    def drain(self, want, limit):
        """Waits (at most limit s) until want connections were accepted
        and closed again."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            with self.lock:
                if self.accepted >= want and self.open == 0:
                    return True
            time.sleep(0.002)
        return False

    def close(self):
        self.stop = True
        self.th.join(2)
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()
        self.sel.close()


def schedule(args):
    """Offsets (s from the start) of the connect() calls, lazily."""
    if args.rate is not None and args.poisson is not None:
        rnd = random.Random(args.poisson)
        t = 0.0
        while True:             # exponential gaps: Poisson arrivals
            yield t
            t += rnd.expovariate(args.rate)
    elif args.rate is not None:
        i = 0
        while True:
            yield i / args.rate
            i += 1
    elif args.ramp is not None:
        r0, r1, ramp_s = args.ramp
        a = (r1 - r0) / ramp_s          # rate(t) = r0 + a t up to ramp_s
        n_ramp = r0 * ramp_s + a * ramp_s * ramp_s / 2
        i = 0
        while True:
            if i <= n_ramp:             # solve r0 t + a t^2 / 2 = i
                t = (-r0 + math.sqrt(r0 * r0 + 2 * a * i)) / a if a else i / r0
            else:
                t = ramp_s + (i - n_ramp) / r1
            yield t
            i += 1
    elif args.pulse is not None:
        n, period = args.pulse
        j = 0
        while True:             # n back to back every period s
            for _ in range(int(n)):
                yield j * period
            j += 1
    else:
        for _ in range(args.burst):
            yield 0.0


def parse_pulse(s):
    v = [float(x) for x in s.split(",")]
    if len(v) != 2 or not 1 <= v[0] <= 1000 or v[1] <= 0:
        raise argparse.ArgumentTypeError("--pulse N,SECONDS")
    return v


def parse_ramp(s):
    v = [float(x) for x in s.split(",")]
    if len(v) != 3 or v[0] <= 0 or v[1] <= 0 or v[2] <= 0:
        raise argparse.ArgumentTypeError("--ramp R0,R1,SECONDS")
    return v


def cmd_run(args):
    if not ipaddress.ip_address(args.dst).is_loopback:
        sys.exit("forecast_load: --dst must be a loopback address")
    max_conns = min(args.max_conns, MAX_CONNS)
    max_time = min(args.max_time, MAX_TIME)
    lst = Listener(args.dst, args.port)
    fam = socket.AF_INET6 if ":" in args.dst else socket.AF_INET
    if args.start_at:
        delay = args.start_at - time.time()
        if 0 < delay < 30:
            time.sleep(delay)
    t0_wall, t0 = time.time(), time.monotonic()
    ok, other, failed = [], {}, []
    fails, first_fail, first_fail_idx = 0, None, None
    stop_at = t0 + max_time
    n = 0
    for off in schedule(args):
        if n >= max_conns:
            break
        due = t0 + off
        now = time.monotonic()
        if due > stop_at or now > stop_at:
            break
        if first_fail is not None and now > first_fail[1] + args.after_fail:
            break
        if due > now:
            time.sleep(due - now)
        s = socket.socket(fam, socket.SOCK_STREAM)
        w, m = time.time(), time.monotonic()
        try:
            s.connect((args.dst, args.port))
            ok.append(w)
        except OSError as e:
            if e.errno == errno.EADDRNOTAVAIL:
                fails += 1
                failed.append(w)
                if first_fail is None:
                    first_fail, first_fail_idx = (w, m), n
            else:
                other[errno.errorcode.get(e.errno, str(e.errno))] = \
                    other.get(errno.errorcode.get(e.errno, str(e.errno)), 0) + 1
        finally:
            s.close()           # the client closes first
        n += 1
    end_wall = time.time()
    drained = lst.drain(len(ok), 3.0)
    last_close = lst.last_close
    lst.close()
    out = {
        "dst": args.dst, "port": args.port,
        "schedule": ({"rate": args.rate, "poisson_seed": args.poisson}
                     if args.rate is not None else
                     {"ramp": args.ramp} if args.ramp is not None else
                     {"pulse": args.pulse} if args.pulse is not None else
                     {"burst": args.burst}),
        "start_wall": t0_wall, "end_wall": end_wall,
        "last_tw_wall": last_close, "drained": drained,
        "attempts": n, "ok": len(ok), "eaddrnotavail": fails,
        "first_eaddrnotavail_wall": first_fail[0] if first_fail else None,
        "first_eaddrnotavail_after_s":
            first_fail[1] - t0 if first_fail else None,
        "first_eaddrnotavail_index": first_fail_idx,
        "other_errors": other,
        "ok_wall": [round(x, 4) for x in ok],
        "fail_wall": [round(x, 4) for x in failed],
    }
    text = json.dumps(out)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


# ---------------------------------------------------------------- check

def read_jsonl(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def read_json(path):
    with open(path) as f:
        return json.load(f)


def group_of(s, dst, port):
    for g in s["ephemeral"]["groups"]:
        if g["remote"] == dst and g["remote_port"] == port:
            return g
    return None


def peer_of(s, dst):
    for p in s.get("top_peers", []):
        if p.get("addr", p.get("address")) == dst:
            return p
    return None


def rport_of(s, port):
    for p in s.get("top_remote_ports", []):
        if p["port"] == port:
            return p
    return None


def true_count(load, lo, hi):
    return sum(1 for t in load["ok_wall"] if lo < t <= hi)


def fmt(v, spec="6.2f"):
    if v is None:
        return "null".rjust(int(spec.split(".")[0]) if spec[0].isdigit() else 6)
    if isinstance(v, str):
        return v
    return format(v, spec)


def pct_err(got, want):
    if got is None or want is None or want == 0:
        return None
    return (got - want) / want


def ok_mark(good):
    return "ok" if good else "BAD"


class Verdict:
    def __init__(self, name):
        self.name = name
        self.bad = []

    def need(self, cond, what):
        if not cond:
            self.bad.append(what)

    def done(self):
        if self.bad:
            print(f"FAIL ({self.name}):")
            for b in self.bad:
                print("   -", b)
            return 1
        print(f"PASS ({self.name})")
        return 0


def rate_rows(samples, load, dst, port, v, skip, nominal=None,
              peers=True):
    """Per sample: twtop's group/peer/port new_per_s against the
    connections the load really made in the sample's window."""
    print(f"  {'k':>2} {'t_s':>6} {'win_s':>5} {'true/s':>6} {'group':>6} "
          f"{'err':>6} {'peer':>6} {'rport':>6} {'used':>4} {'avail':>5} "
          f"{'steady':>6} {'full_in':>7}  forecast")
    rows = []
    for k, s in enumerate(samples):
        u = s["unix_time"]
        g = group_of(s, dst, port)
        if k == 0:
            win, true = None, None
        else:
            win = u - samples[k - 1]["unix_time"]
            true = true_count(load, samples[k - 1]["unix_time"], u) / win
        gr = g["new_per_s"] if g else None
        p = peer_of(s, dst) if peers else None
        rp = rport_of(s, port) if peers else None
        pr = p.get("new_per_s") if p else None
        rpr = rp.get("new_per_s") if rp else None
        e = pct_err(gr, true) if true else None
        print(f"  {k:>2} {u - load['start_wall']:6.2f} "
              f"{fmt(win, '5.2f') if win else '  1st'} "
              f"{fmt(true, '6.2f') if true is not None else '     -'} "
              f"{fmt(gr)} {fmt(e * 100, '5.0f') + '%' if e is not None else '     -'} "
              f"{fmt(pr)} {fmt(rpr)} "
              f"{g['used'] if g else '-':>4} {g['available'] if g else '-':>5} "
              f"{fmt(g['steady_share'] * 100 if g and g['steady_share'] is not None else None, '5.1f')}% "
              f"{fmt(g['full_in_s'] if g else None, '7.2f')}  "
              f"{g['forecast'] if g else '(no group)'}")
        rows.append((k, s, g, win, true, gr, pr, rpr))
        if k < skip or true is None or true == 0:
            continue
        # a flow that goes on after the sample has not stopped
        if g is not None and g.get("stopped") and \
                u - load["start_wall"] >= WARMUP_S and \
                any(t > u for t in load["ok_wall"]):
            v.need(False, f"sample {k}: stopped=true (forecast rate 0, "
                   f"{g['forecast']!r}) though {true * win:.0f} connections "
                   "came in its window and the flow goes on")
        # measured: the TIME_WAIT younger than the window are the new ones;
        # 1 connection of slack for a close that straddles the boundary
        slack = 1.05 / win
        v.need(gr is not None and abs(gr - true) <= max(TOL * true, slack),
               f"sample {k}: group new_per_s {gr} vs true {true:.2f}/s")
        if peers:
            v.need(pr is not None and abs(pr - true) <= max(TOL * true, slack),
                   f"sample {k}: top_peers[{dst}].new_per_s {pr} vs true "
                   f"{true:.2f}/s")
            v.need(rpr is not None and abs(rpr - true) <= max(TOL * true, slack),
                   f"sample {k}: top_remote_ports[{port}].new_per_s {rpr} "
                   f"vs true {true:.2f}/s")
    if nominal:
        judged = [r[5] for r in rows if r[0] >= skip and r[4]]
        mean = sum(x or 0 for x in judged) / len(judged) if judged else None
        print(f"  mean group new_per_s over samples {skip}..: "
              f"{fmt(mean)} (schedule {nominal}/s)")
        v.need(mean is not None and abs(mean - nominal) <= TOL * nominal,
               f"mean group new_per_s {mean} vs schedule {nominal}/s")
    return rows


def fill_rows(rows, load, v, min_left, max_left=None, label="",
              may_fill=False):
    """twtop's full_in_s against the real first EADDRNOTAVAIL."""
    fail = load["first_eaddrnotavail_wall"]
    v.need(fail is not None, f"{label}connect() never failed: no "
           "EADDRNOTAVAIL to compare with")
    if fail is None:
        return
    print(f"  real first EADDRNOTAVAIL at t={fail - load['start_wall']:.2f} s "
          f"(connection #{load['first_eaddrnotavail_index'] + 1}, "
          f"{load['ok']} succeeded)")
    print(f"  {'k':>2} {'t_s':>6} {'left_s':>6} {'full_in':>7} "
          f"{'pred_t':>6} {'err':>6}  judged")
    judged = 0
    for k, s, g, *_ in rows:
        u = s["unix_time"]
        left = fail - u
        fi = g["full_in_s"] if g else None
        started = u - load["start_wall"] >= WARMUP_S
        in_scope = started and left >= min_left and \
            (max_left is None or left <= max_left)
        e = pct_err(fi, left) if fi is not None else None
        good = e is not None and abs(e) <= TOL
        # "may fill": the estimate fills, the sure rate not yet; a
        # warning with no time, judged neither way
        if may_fill and fi is None and g and g["forecast"] == "may fill":
            in_scope = False
        print(f"  {k:>2} {u - load['start_wall']:6.2f} {left:6.2f} "
              f"{fmt(fi, '7.2f')} "
              f"{fmt(u + fi - load['start_wall'] if fi is not None else None, '6.2f')} "
              f"{fmt(e * 100, '5.0f') + '%' if e is not None else '     -'}  "
              f"{ok_mark(good) if in_scope else '(not judged)'}")
        if in_scope and k > 0:
            judged += 1
            v.need(good, f"{label}sample {k}: full_in_s {fi} vs real "
                   f"{left:.2f} s left (forecast {g['forecast'] if g else None!r})")
    v.need(judged >= 2, f"{label}only {judged} samples to judge")


FIRST_WINDOW_S = 2.0    # sampler.c FIRST_WINDOW_MS: a first sample's ages


def probe_rows(a, load, v, nominal=None, fills=None, poisson=False):
    """twtop --once runs during the load: its first-sample estimate of the
    rate (from the last 2 s of ages) and its forecast."""
    for path in a.probe or []:
        s = read_json(path)
        u = s["unix_time"]
        g = group_of(s, a.dst, a.port)
        true = true_count(load, u - FIRST_WINDOW_S, u) / FIRST_WINDOW_S
        gr = g["new_per_s"] if g else None
        fail = load["first_eaddrnotavail_wall"]
        left = fail - u if fail else None
        fi = g["full_in_s"] if g else None
        print(f"  --once at t={u - load['start_wall']:.2f}: new_per_s {gr} "
              f"(last 2 s really {true:.2f}/s), used {g['used'] if g else '-'}"
              f", full_in_s {fi}, {g['forecast'] if g else '(no group)'!r}"
              + (f"; real EADDRNOTAVAIL {left:.2f} s later" if left else ""))
        if poisson:
            # 2 s of random arrivals say little about the rate, but a
            # flow still going is not a burst that ended
            v.need(gr is not None and (gr > 0 or true == 0),
                   f"--once at t={u - load['start_wall']:.2f}: new_per_s "
                   f"{gr} though {true * FIRST_WINDOW_S:.0f} connections "
                   "came in its last 2 s and the flow goes on")
        else:
            want = nominal if nominal else true
            v.need(gr is not None and abs(gr - want) <= max(TOL * want, 0.5),
                   f"--once at t={u - load['start_wall']:.2f}: new_per_s "
                   f"{gr} vs {want:.2f}/s")
        if fills is False:
            v.need(fi is None, f"--once: {g['forecast'] if g else None!r}")
        if fills and left is not None and left >= 5:
            e = pct_err(fi, left)
            print(f"    full_in_s {fi} vs {left:.2f} s: error "
                  f"{e * 100 if e is not None else float('nan'):.0f} %")
            v.need(e is not None and abs(e) <= TOL,
                   f"--once: full_in_s {fi} vs real {left:.2f} s left")


def no_fail(load, v, label=""):
    v.need(load["eaddrnotavail"] == 0,
           f"{label}connect() failed {load['eaddrnotavail']} times "
           f"(first at t={load['first_eaddrnotavail_after_s']})")
    v.need(not load["other_errors"], f"{label}other errors {load['other_errors']}")


def never_full(samples, dst, port, v, label=""):
    for k, s in enumerate(samples):
        g = group_of(s, dst, port)
        if g is None:
            continue
        v.need(g["full_in_s"] is None and not g["forecast"].startswith("full"),
               f"{label}sample {k}: says {g['forecast']!r} "
               f"(full_in_s {g['full_in_s']}, new_per_s {g['new_per_s']}, "
               f"used {g['used']}, available {g['available']})")


def check_steady(a):
    """(a) a rate below capacity: "steady at" rate x 60 s / capacity."""
    samples, load = read_jsonl(a.twtop), read_json(a.load)
    v = Verdict(a.name)
    want = a.rate * 60 / a.capacity
    print(f"[{a.name}] {a.rate}/s into {a.capacity} ports, tcp_tw_reuse=0: "
          f"expect steady at {want * 100:.0f} %")
    poisson = load["schedule"].get("poisson_seed") is not None
    if poisson:
        print(f"  Poisson arrivals (seed {load['schedule']['poisson_seed']}):"
              " rates are judged against each window's real count only")
    rows = rate_rows(samples, load, a.dst, a.port, v, skip=2,
                     nominal=None if poisson else a.rate)
    for k, s, g, win, true, *_ in rows:
        if k < 2 or g is None or poisson or \
                s["unix_time"] - load["start_wall"] < WARMUP_S:
            continue
        sh = g["steady_share"]
        v.need(sh is not None and abs(sh - want) <= TOL * want,
               f"sample {k}: steady_share {sh} vs {want:.2f}")
        v.need(g["forecast"].startswith("steady at"),
               f"sample {k}: forecast {g['forecast']!r}")
    never_full(samples, a.dst, a.port, v)
    probe_rows(a, load, v, nominal=None if poisson else a.rate, fills=False,
               poisson=poisson)
    if a.probe and not poisson:
        s = read_json(a.probe[0])
        g = group_of(s, a.dst, a.port)
        v.need(g is not None and g["steady_share"] is not None and
               abs(g["steady_share"] - want) <= TOL * want,
               f"--once: steady_share {g and g['steady_share']} vs {want:.2f}")
    no_fail(load, v)
    print(f"  connect(): {load['ok']} ok, {load['eaddrnotavail']} "
          "EADDRNOTAVAIL")
    return v.done()


def check_fill(a):
    """(b), (d): a group that fills; full_in_s vs the first EADDRNOTAVAIL."""
    samples, load = read_jsonl(a.twtop), read_json(a.load)
    v = Verdict(a.name)
    print(f"[{a.name}] {load['schedule']} into {a.capacity} ports, "
          "tcp_tw_reuse=0")
    rows = rate_rows(samples, load, a.dst, a.port, v, skip=1)
    # only samples taken before the first failure are forecasts
    fail = load["first_eaddrnotavail_wall"]
    rows = [r for r in rows if fail is None or r[1]["unix_time"] < fail]
    fill_rows(rows, load, v, a.min_left, a.max_left,
              may_fill=a.may_fill)
    probe_rows(a, load, v, fills=True)
    return v.done()


def check_burst(a):
    """(c) a burst that ended: no "full in", new_per_s ~0."""
    once = read_json(a.once)
    samples = read_jsonl(a.twtop)
    load = read_json(a.load)
    v = Verdict(a.name)
    end = max(load["last_tw_wall"], load["ok_wall"][-1])
    print(f"[{a.name}] burst of {load['ok']} connections in "
          f"{end - load['start_wall']:.3f} s into {a.capacity} ports, then "
          "nothing")
    print(f"  {'run':>9} {'after_s':>7} {'used':>4} {'avail':>5} "
          f"{'new/s':>6} {'peer/s':>6} {'full_in':>7}  forecast")
    for name, s in [("--once", once)] + [(f"batch {k}", s)
                                         for k, s in enumerate(samples)]:
        g = group_of(s, a.dst, a.port)
        p = peer_of(s, a.dst)
        after = s["unix_time"] - end
        print(f"  {name:>9} {after:7.3f} {g['used'] if g else '-':>4} "
              f"{g['available'] if g else '-':>5} "
              f"{fmt(g['new_per_s'] if g else None)} "
              f"{fmt(p.get('new_per_s') if p else None)} "
              f"{fmt(g['full_in_s'] if g else None, '7.2f')}  "
              f"{g['forecast'] if g else '(no group)'}")
        v.need(g is not None, f"{name}: no group {a.dst}:{a.port}")
        if g is None:
            continue
        if a.ss_count is not None:
            v.need(g["used"] == a.ss_count,
                   f"{name}: used {g['used']} but ss counts {a.ss_count}")
        # one TIME_WAIT whose timer restarted (a late segment on loopback)
        # looks new: at most one in the window
        v.need(g["new_per_s"] is not None and g["new_per_s"] <= 1.05,
               f"{name} ({after:.3f} s after the burst): new_per_s "
               f"{g['new_per_s']} for a burst that ended")
        v.need(g["full_in_s"] is None and not g["forecast"].startswith("full"),
               f"{name} ({after:.3f} s after the burst): {g['forecast']!r}")
        if p is not None and p.get("new_per_s") is not None:
            v.need(p["new_per_s"] <= 1.05,
                   f"{name}: top_peers[{a.dst}].new_per_s {p['new_per_s']}")
    if once["unix_time"] - end > a.within:
        print(f"  note: --once ran {once['unix_time'] - end:.3f} s after the "
              f"burst (wanted within {a.within} s)")
    no_fail(load, v)
    return v.done()


def check_two(a):
    """(e) a busy group and an idle one that had a burst: rates are each
    group's own; the busy one's full_in_s vs its EADDRNOTAVAIL."""
    samples = read_jsonl(a.twtop)
    busy, idle = read_json(a.load), read_json(a.idle_load)
    v = Verdict(a.name)
    print(f"[{a.name}] busy {a.dst}:{a.port} {busy['schedule']}; idle "
          f"{a.idle_dst}:{a.idle_port} had a burst of {idle['ok']} ending "
          f"{samples[0]['unix_time'] - idle['last_tw_wall']:.2f} s before "
          "the first sample")
    print("  busy group:")
    rows = rate_rows(samples, busy, a.dst, a.port, v, skip=1)
    fail = busy["first_eaddrnotavail_wall"]
    rows = [r for r in rows if fail is None or r[1]["unix_time"] < fail]
    fill_rows(rows, busy, v, a.min_left, None, "busy: ")
    probe_rows(a, busy, v, fills=True)
    for path in a.probe or []:
        g = group_of(read_json(path), a.idle_dst, a.idle_port)
        print(f"  --once, idle group: new_per_s {g and g['new_per_s']}, "
              f"{g and g['forecast']!r}")
        v.need(g is not None and g["new_per_s"] is not None and
               g["new_per_s"] <= 0.5 and g["full_in_s"] is None,
               f"--once, idle group: {g}")
    print("  idle group:")
    print(f"  {'k':>2} {'used':>4} {'new/s':>6} {'peer/s':>6} "
          f"{'full_in':>7}  forecast")
    for k, s in enumerate(samples):
        g = group_of(s, a.idle_dst, a.idle_port)
        p = peer_of(s, a.idle_dst)
        print(f"  {k:>2} {g['used'] if g else '-':>4} "
              f"{fmt(g['new_per_s'] if g else None)} "
              f"{fmt(p.get('new_per_s') if p else None)} "
              f"{fmt(g['full_in_s'] if g else None, '7.2f')}  "
              f"{g['forecast'] if g else '(no group)'}")
        v.need(g is not None, f"idle sample {k}: group missing")
        if g is None:
            continue
        # one TIME_WAIT whose timer restarted (a late segment on loopback)
        # looks new: at most one in the window
        v.need(g["new_per_s"] is not None and g["new_per_s"] <= 1.05,
               f"idle sample {k}: new_per_s {g['new_per_s']} (idle group)")
        if p is not None and p.get("new_per_s") is not None:
            v.need(p["new_per_s"] <= 1.05,
                   f"idle sample {k}: top_peers new_per_s {p['new_per_s']}")
        v.need(g["full_in_s"] is None, f"idle sample {k}: {g['forecast']!r}")
    no_fail(idle, v, "idle: ")
    return v.done()


def check_reuse(a):
    """(f) tcp_tw_reuse=2 on loopback: the group never fills."""
    samples, load = read_jsonl(a.twtop), read_json(a.load)
    v = Verdict(a.name)
    delay = samples[-1]["sysctl"].get("net.ipv4.tcp_tw_reuse_delay") or 1000
    want = a.rate * delay / 1000.0 / a.capacity
    print(f"[{a.name}] {a.rate}/s into {a.capacity} ports, tcp_tw_reuse=2, "
          f"delay {delay} ms: expect steady at ~{want * 100:.0f} %")
    rows = rate_rows(samples, load, a.dst, a.port, v, skip=2, nominal=a.rate)
    for k, s, g, *_ in rows:
        if k < 2 or g is None:
            continue
        sh = g["steady_share"]
        v.need(sh is not None and abs(sh - want) <= TOL * want,
               f"sample {k}: steady_share {sh} vs {want:.3f}")
    never_full(samples, a.dst, a.port, v)
    probe_rows(a, load, v, nominal=a.rate, fills=False)
    no_fail(load, v)
    c0 = samples[0]["counters"].get("TcpExtTWRecycled")
    c1 = samples[-1]["counters"].get("TcpExtTWRecycled")
    print(f"  connect(): {load['ok']} ok, {load['eaddrnotavail']} "
          f"EADDRNOTAVAIL; TcpExtTWRecycled {c0} -> {c1}")
    return v.done()


def check_saturated(a):
    """(h) tcp_tw_reuse=2 with more new connections per second than the
    group has ports: connect() fails while TIME_WAIT younger than the
    reuse delay hold every port. twtop must not call it steady."""
    samples, load = read_jsonl(a.twtop), read_json(a.load)
    v = Verdict(a.name)
    print(f"[{a.name}] {a.rate}/s into {a.capacity} ports, tcp_tw_reuse=2: "
          "more than the ports can turn over in the reuse delay")
    rows = rate_rows(samples, load, a.dst, a.port, v, skip=2, peers=False)
    print(f"  {'k':>2} {'t_s':>6} {'ok/s':>5} {'fail/s':>6}  forecast")
    for k, s, g, win, true, *_ in rows:
        if k == 0 or g is None:
            continue
        lo, hi = samples[k - 1]["unix_time"], s["unix_time"]
        nf = sum(1 for t in load["fail_wall"] if lo < t <= hi)
        print(f"  {k:>2} {hi - load['start_wall']:6.2f} {true:5.1f} "
              f"{nf / win:6.1f}  {g['forecast']}")
        if nf and lo > load["start_wall"] + 1:
            v.need(g["full_in_s"] is not None,
                   f"sample {k}: {g['forecast']!r} (new_per_s "
                   f"{g['new_per_s']}, available {g['available']}) while "
                   f"{nf} connect() of {nf + round(true * win)} failed with "
                   "EADDRNOTAVAIL in its window")
    v.need(load["eaddrnotavail"] > 0, "connect() never failed: not saturated")
    print(f"  connect(): {load['ok']} ok, {load['eaddrnotavail']} "
          "EADDRNOTAVAIL")
    return v.done()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--dst", required=True)
    r.add_argument("--port", type=int, required=True)
    m = r.add_mutually_exclusive_group(required=True)
    m.add_argument("--rate", type=float)
    m.add_argument("--ramp", type=parse_ramp)
    m.add_argument("--burst", type=int)
    m.add_argument("--pulse", type=parse_pulse,
                   help="N,SECONDS: N connections back to back every SECONDS")
    r.add_argument("--poisson", type=int, metavar="SEED",
                   help="with --rate: Poisson arrivals (exponential gaps)")
    r.add_argument("--start-at", type=float, default=0)
    r.add_argument("--max-time", type=float, default=40)
    r.add_argument("--max-conns", type=int, default=5000)
    r.add_argument("--after-fail", type=float, default=0.3)
    r.add_argument("--out")
    r.set_defaults(func=cmd_run)

    def common(p, func):
        p.add_argument("--name", required=True)
        p.add_argument("--twtop", required=True)
        p.add_argument("--load", required=True)
        p.add_argument("--dst", required=True)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--capacity", type=int, required=True)
        p.add_argument("--probe", action="append",
                       help="a twtop --once JSON taken during the load")
        p.set_defaults(func=func)
        return p

    p = common(sub.add_parser("steady"), check_steady)
    p.add_argument("--rate", type=float, required=True)
    p = common(sub.add_parser("fill"), check_fill)
    p.add_argument("--min-left", type=float, default=5.0)
    p.add_argument("--max-left", type=float)
    p.add_argument("--may-fill", action="store_true",
                   help='"may fill" (no time) is no failure')
    p = common(sub.add_parser("burst"), check_burst)
    p.add_argument("--once", required=True)
    p.add_argument("--within", type=float, default=0.3)
    p.add_argument("--ss-count", type=int,
                   help="the group's sockets as ss counts them after")
    p = common(sub.add_parser("two"), check_two)
    p.add_argument("--idle-load", required=True)
    p.add_argument("--idle-dst", required=True)
    p.add_argument("--idle-port", type=int, required=True)
    p.add_argument("--min-left", type=float, default=5.0)
    p = common(sub.add_parser("reuse"), check_reuse)
    p.add_argument("--rate", type=float, required=True)
    p = common(sub.add_parser("saturated"), check_saturated)
    p.add_argument("--rate", type=float, required=True)
    a = ap.parse_args()
    if a.cmd == "run":
        if a.rate is not None and not 0 < a.rate <= 5000:
            ap.error("--rate must be in (0, 5000]")
        if a.burst is not None and not 0 < a.burst <= MAX_CONNS:
            ap.error(f"--burst must be in 1..{MAX_CONNS}")
        a.func(a)
        return 0
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
