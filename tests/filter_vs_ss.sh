#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: `twtop --once --json --filter EXPR` must count, state by
# state, exactly the sockets `ss -tanH EXPR` lists, in a network namespace
# of its own holding a known twload mix plus IPv4-mapped sockets on a
# dual-stack listener. ss applies its filters as kernel bytecode, so this
# also checks twtop's bytecode, its state passes and its user-space path
# (listeners) against the kernel's own matching.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ns_lib.sh"
ns_require python3
ns_setup twtop-flt

# Bad expressions: exit 2 and the position (before any load).
out=$("$twtop" --once --json --filter 'dport = :8080 and (' 2>&1 >/dev/null)
[ $? -eq 2 ] || fail "a bad --filter did not exit 2"
# the first line names the problem; a "Try 'twtop --help'" line follows
[ "${out%%$'\n'*}" = "twtop: option '--filter': position 20: expected src, dst, sport, dport, state, not or (" ] ||
	fail "bad --filter message: $out"

load -c 300 --close client --dst 127.0.0.2 --ports 8080
load -c 120 --close client --dst 127.0.0.3 --ports 8081,8082
load -c 80 --close client -6 --dst ::1 --ports 8084
mkfifo "$tmp/ready" "$tmp/ready2"
ip netns exec "$ns" "$twload" -q -c 100 --close server --dst 127.0.0.1 \
	--ports 9090 --hold 7 --linger-after 50 --ready-fd 3 \
	3>"$tmp/ready" >/dev/null &
pids+=($!)
read -r -t 20 line <"$tmp/ready" || fail "twload did not get ready"
[ "$line" = ready ] || fail "twload said '$line', not ready"

# IPv4 clients of a dual-stack IPv6 listener: the server ends are AF_INET6
# sockets with ::ffff:127.0.0.4 addresses (5 held, 3 server-closed).
cat >"$tmp/mapped.py" <<'PY'
import socket, sys, time
l = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
l.bind(("::", 7070))
l.listen(64)
held = []
for i in range(8):
    c = socket.create_connection(("127.0.0.4", 7070), timeout=5)
    s, _ = l.accept()
    if i < 5:
        held += [c, s]
    else:
        s.close()
        time.sleep(0.05)
        c.close()
time.sleep(0.2)
with open(sys.argv[1], "w") as f:
    f.write("ready\n")
time.sleep(float(sys.argv[2]))
PY
ip netns exec "$ns" python3 "$tmp/mapped.py" "$tmp/ready2" 50 &
pids+=($!)
read -r -t 20 line <"$tmp/ready2" || fail "mapped.py did not get ready"

# twtop expression | ss arguments (|| joins several ss runs whose lines
# are united: ss cannot put state in an or) | lowest total that makes the
# case mean something
cat >"$tmp/cases" <<'EOF'
dport = :8080|dport = :8080|300
dst 127.0.0.2|dst 127.0.0.2|300
dst 127.0.0.3:8082|dst 127.0.0.3:8082|1
src 127.0.0.0/8 and not dport = 8081|src 127.0.0.0/8 and not dport = 8081|400
( sport > :40000 or dport = 9090 ) and state time-wait|state time-wait ( sport > :40000 or dport = 9090 )|1
dst ::1|dst [::1]|80
dst ::/0|dst ::/0|80
sport != 9090|sport != 9090|500
sport = :9090|sport = :9090|108
sport = :9090 and state listening|state listening sport = :9090|1
dport >= 8081 and dport <= 8082|dport >= 8081 and dport <= 8082|120
not ( dport = 8080 or sport = 9090 )|not ( dport = 8080 or sport = 9090 )|200
dport = 8080 or dport = 8081 and src 127.0.0.1|dport = 8080 or dport = 8081 and src 127.0.0.1|1
src 127.0.0.4|src 127.0.0.4|8
src [::ffff:127.0.0.4]|src [::ffff:127.0.0.4]|8
dst 127.0.0.4:7070|dst 127.0.0.4:7070|5
state established|state established|24
not state time-wait and not state listening|state connected exclude time-wait|24
state time-wait or dport = 9090|state time-wait || dport = 9090|600
EOF

python3 - "$ns" "$twtop" "$tmp/cases" <<'PY' || fail "twtop --filter disagrees with ss"
import json, subprocess, sys
from collections import Counter

ns, twtop, cases = sys.argv[1:4]
SS = {"ESTAB": "ESTABLISHED", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV",
      "FIN-WAIT-1": "FIN_WAIT1", "FIN-WAIT-2": "FIN_WAIT2",
      "TIME-WAIT": "TIME_WAIT", "UNCONN": "CLOSE", "CLOSE-WAIT": "CLOSE_WAIT",
      "LAST-ACK": "LAST_ACK", "LISTEN": "LISTEN", "CLOSING": "CLOSING"}

def nsx(*args):
    r = subprocess.run(["ip", "netns", "exec", ns, *args],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        sys.exit(f"{args}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout

# ss leaves out the State column when one state is asked for.
ONE = {"time-wait": "TIME-WAIT", "listening": "LISTEN",
       "established": "ESTAB"}

def ss_lines(ssargs):
    lines = set()
    for run in ssargs.split("||"):
        args = run.split()
        st = [args[i + 1] for i, a in enumerate(args) if a == "state"]
        one = ONE.get(st[0]) if len(st) == 1 and "exclude" not in args \
            else None
        out = nsx("ss", "-tanH", *args)
        lines |= {(one + " " if one else "") + " ".join(l.split())
                  for l in out.splitlines() if l.strip()}
    return lines

bad = 0
for case in open(cases):
    expr, rest = case.rstrip("\n").split("|", 1)
    ssargs, least = rest.rsplit("|", 1)
    for attempt in range(3):
        before = ss_lines(ssargs)
        d = json.loads(nsx(twtop, "--once", "--json", "--filter", expr))
        after = ss_lines(ssargs)
        if before == after:
            break
    else:
        sys.exit(f"{expr}: the namespace kept changing under ss")
    want = Counter(SS[l.split()[0]] for l in before)
    got = {k: v for k, v in d["states"].items() if v}
    total = sum(got.values())
    ok = got == dict(want) and d["filter"] == expr and \
        total >= int(least) and d["sockets"] == total
    print(f"{'ok ' if ok else 'BAD'} {expr!r}: twtop {got} ss {dict(want)}")
    bad += not ok

# Listeners the filter drops still mark their ports as listening, so
# TIME_WAIT on them stays server-side (9090: 100, 7070: 3).
d = json.loads(nsx(twtop, "--once", "--json", "--filter", "state time-wait"))
tw = d["time_wait"]
if (tw["server_side"], tw["client_side"], d["states"]["LISTEN"]) != \
        (103, 500, 0):
    print(f"BAD sides under a filter: {tw} LISTEN {d['states']['LISTEN']}")
    bad += 1
sys.exit(bad)
PY
# Without a filter, JSON says null.
nsx "$twtop" --once --json | python3 -c \
	'import json,sys; assert json.load(sys.stdin)["filter"] is None' ||
	fail "filter is not null without --filter"
echo "PASS: twtop --filter agrees with ss in $ns"
