#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: the advice engine on real kernels states, in a namespace of
# its own. A narrow ip_local_port_range with tcp_tw_reuse=0 drives one
# destination group past 50 % (port-group-pressure and tw-reuse-off, with
# the numbers ss gives, and "connect() can take N" checked by connecting
# until EADDRNOTAVAIL); a tiny tcp_max_tw_buckets makes TIME_WAIT overflow
# (tw-bucket-overflow, its counter equal to nstat's, the cap it names
# computed from the rates); a server-closes mix fires server-side-close.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ns_lib.sh"
ns_require nstat python3
ns_setup twtop-adv

# Samples twice, 2 s apart, with "$@" run in the namespace in between, so
# the second sample has rates. Leaves the second JSON object in $tmp/$1.
two_samples() {
	local out=$1
	shift
	nsx "$twtop" --batch --json -n 2 -d 2 --top 20 >"$tmp/$out.jsonl" &
	local pid=$!
	sleep 1
	"$@"
	wait "$pid" || fail "twtop --batch exit $?"
	tail -n 1 "$tmp/$out.jsonl" >"$tmp/$out"
}

# 1. port-group-pressure: 1000 ports, 600 used toward 127.0.0.2:8080.
nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40999"
two_samples groups load -c 600 --close client --dst 127.0.0.2 --ports 8080
used=$(nsx ss -tanH state time-wait dst 127.0.0.2 dport = :8080 | wc -l)
held=$(nsx ss -tanH state time-wait sport '>= :40000' and sport '<= :40999' | wc -l)
python3 - "$tmp/groups" "$used" "$held" <<'PY' || fail "port-group-pressure"
import json, sys
d = json.load(open(sys.argv[1]))
used, held = int(sys.argv[2]), int(sys.argv[3])
assert used == 600 and held == 600, (used, held)
g = d["ephemeral"]["groups"][0]
assert (g["remote"], g["remote_port"], g["used"]) == ("127.0.0.2", 8080, used), g
# tcp_tw_reuse=0: nothing reusable, connect() can take the free ports only
assert (g["free"], g["reusable"], g["available"]) == (1000 - used, 0, 1000 - used), g
adv = [a for a in d["advisories"] if a["id"] == "port-group-pressure"]
assert adv, d["advisories"]
a = adv[0]
assert a["level"] == "warn", a          # 60 %: past 50, below 90
ev = a["evidence"]
assert (ev["used"], ev["free"], ev["reusable"], ev["available"],
        ev["capacity"]) == (used, 1000 - used, 0, 1000 - used, 1000), ev
head = (f"127.0.0.1 -> 127.0.0.2:8080 holds {used} of 1000 ephemeral ports "
        f"({used // 10} %); connect() can take {1000 - used} "
        f"({1000 - used} free); ")
assert a["text"].startswith(head), (head, a["text"])
assert "each holding its port 60 s (no reuse)" in a["text"], a["text"]
assert "net.ipv4.tcp_tw_reuse=1 lets connect() reuse" in a["text"], a["text"]
assert "(now 40000-40999)" in a["text"], a["text"]
# tw-reuse-off cites the client-side TIME_WAIT on ephemeral ports
r = [x for x in d["advisories"] if x["id"] == "tw-reuse-off"]
assert r, d["advisories"]
assert d["time_wait"]["eph_held"] == held and r[0]["evidence"]["eph_held"] == held, r
assert (f"net.ipv4.tcp_tw_reuse is 0 while {held} client-side TIME_WAIT hold "
        f"ephemeral ports (worst destination group at {used // 10} %)") in r[0]["text"], r[0]["text"]
assert "never helps inbound connections" in r[0]["text"], r[0]["text"]
# all of it client side: server-side-close stays quiet
assert not any(x["id"] == "server-side-close" for x in d["advisories"])
assert d["time_wait"]["server_side"] == 0 and d["time_wait"]["client_side"] == used
print("port-group-pressure ok:", a["text"][:100])
PY
# "connect() can take 400": connect() really takes that many, no more.
ip netns exec "$ns" python3 "$here/connect_probe.py" serve 127.0.0.2:8080 \
	--secs 30 >"$tmp/serve.out" &
pids+=($!)
for i in $(seq 100); do [ -s "$tmp/serve.out" ] && break; sleep 0.05; done
nsx python3 "$here/connect_probe.py" probe 127.0.0.2 8080 --max 1100 \
	>"$tmp/probe" || fail "connect_probe.py"
python3 - "$tmp/groups" "$tmp/probe" <<'PY' || fail "available vs connect()"
import json, sys
g = json.load(open(sys.argv[1]))["ephemeral"]["groups"][0]
p = json.load(open(sys.argv[2]))
assert p["errno"] == "EADDRNOTAVAIL" and p["ok"] == g["available"], (p, g)
print("connect() took", p["ok"], "= available")
PY
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null

# 2. tw-bucket-overflow: room for 50 timewait sockets, 300 more closes.
nsx sysctl -qw net.ipv4.ip_local_port_range="32768 60999"
cap=$(($(nsx awk '/^TCP:/ { for (i = 2; i < NF; i += 2) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat) + 50))
nsx sysctl -qw net.ipv4.tcp_max_tw_buckets=$cap
two_samples overflow load -c 300 --close client --dst 127.0.0.3 --ports 8081
nsx nstat -saz TcpExtTCPTimeWaitOverflow >"$tmp/nstat"
python3 - "$tmp/overflow" "$tmp/nstat" "$cap" <<'PY' || fail "tw-bucket-overflow"
import json, sys
d = json.load(open(sys.argv[1]))
nstat = {l.split()[0]: int(l.split()[1]) for l in open(sys.argv[2]) if not l.startswith("#")}
cap = int(sys.argv[3])
over = d["counters"]["TcpExtTCPTimeWaitOverflow"]
assert over == nstat["TcpExtTCPTimeWaitOverflow"], (over, nstat)
assert over >= 250, over                 # 300 closes, about 50 fitted
adv = [a for a in d["advisories"] if a["id"] == "tw-bucket-overflow"]
assert adv and adv[0]["level"] == "alarm", d["advisories"]
a, ev = adv[0], adv[0]["evidence"]
rates = d["rates"]
assert ev["overflow_per_s"] > 0 and ev["overflow_per_s"] == rates["TcpExtTCPTimeWaitOverflow"], (ev, rates)
assert ev["overflow_total"] == over and ev["tcp_max_tw_buckets"] == cap, ev
assert ev["sockstat_tw"] == d["sockstat"]["tw"] == cap, (ev, d["sockstat"])
# the cap it names: 60 s of every close that wanted a TIME_WAIT
need = (rates["TcpExtTW"] + rates["TcpExtTCPTimeWaitOverflow"]) * 60
assert abs(ev["needed"] - need) < 1e-6 * need, (ev, need)
assert need > cap, (need, cap)          # a remedy the current cap does not meet
t = a["text"]
for want in (f"TcpExtTCPTimeWaitOverflow {over} since this network namespace was created",
             f"net.ipv4.tcp_max_tw_buckets ({cap}) is full",
             f"(sockstat tw {cap} now)",
             f"({rates['TcpExtTW']:.1f} new + {rates['TcpExtTCPTimeWaitOverflow']:.1f} "
             f"overflowed)/s x 60 s = {need:.0f}: raise net.ipv4.tcp_max_tw_buckets above that",
             "do not lower it"):
    assert want in t, (want, t)
assert all("since boot" not in x["text"] for x in d["advisories"]), d["advisories"]
print("tw-bucket-overflow ok: overflow", over, "needed", round(need))
PY
nsx sysctl -qw net.ipv4.tcp_max_tw_buckets=262144

# 3. server-side-close: the server closes first on :9090 and keeps
# listening (TIME_WAIT is server side only while the port is listening).
server_load() {
	mkfifo "$tmp/ready"
	ip netns exec "$ns" "$twload" -q -c 1500 --close server --dst 127.0.0.4 \
		--ports 9090 --linger-after 20 --ready-fd 3 3>"$tmp/ready" \
		>/dev/null &
	pids+=($!)
	read -r -t 20 line <"$tmp/ready" || fail "twload did not get ready"
}
two_samples server server_load
nsx ss -tanH >"$tmp/server.ss"
python3 - "$tmp/server" "$tmp/server.ss" <<'PY' || fail "server-side-close"
import json, sys
d = json.load(open(sys.argv[1]))
socks = [l.split() for l in open(sys.argv[2])]
port = lambda a: int(a.rpartition(":")[2])
listening = {port(f[3]) for f in socks if f[0] == "LISTEN"}
tws = [(port(f[3]), port(f[4])) for f in socks if f[0] == "TIME-WAIT"]
server = sum(1 for l, r in tws if l in listening)
held = sum(1 for l, r in tws if l not in listening and 32768 <= l <= 60999)
tw = d["time_wait"]
assert listening == {9090} and server >= 1400, (listening, server)
assert (tw["total"], tw["server_side"], tw["client_side"], tw["eph_held"]) == \
    (len(tws), server, len(tws) - server, held), (tw, len(tws), server, held)
adv = [a for a in d["advisories"] if a["id"] == "server-side-close"]
assert tw["server_side"] * 2 > tw["total"], f"mix not server-heavy: {tw}"
assert adv and adv[0]["evidence"]["port"] == 9090, (tw, d["advisories"])
t = adv[0]["text"]
want = (f"{server} of {len(tws)} TIME_WAIT ({server * 100 // len(tws)} %) sit "
        "on server-side ports (listening now or within the last 60 s), most "
        "on :9090: this host closes first")
assert want in t, (want, t)
assert "tcp_tw_reuse does not help inbound connections" in t, t
# tw-reuse-off counts only the client side on ephemeral ports
for a in d["advisories"]:
    if a["id"] == "tw-reuse-off":
        assert a["evidence"]["eph_held"] == held, (a, held)
        assert f"while {held} client-side TIME_WAIT" in a["text"], a["text"]
print("server-side-close ok:", tw["server_side"], "of", tw["total"])
PY
echo "PASS: advisories fire on real kernel state in $ns"
