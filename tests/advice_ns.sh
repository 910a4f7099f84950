#!/bin/bash
# Integration: the advice engine on real kernels states, in a namespace of
# its own. A narrow ip_local_port_range with tcp_tw_reuse=0 drives one
# destination group past 50 % (port-group-pressure, with the numbers ss
# gives); a tiny tcp_max_tw_buckets makes TIME_WAIT overflow
# (tw-bucket-overflow, its counter equal to nstat's); a server-closes mix
# fires server-side-close.
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
python3 - "$tmp/groups" "$used" <<'PY' || fail "port-group-pressure"
import json, sys
d = json.load(open(sys.argv[1]))
used = int(sys.argv[2])
g = d["ephemeral"]["groups"][0]
assert (g["remote"], g["remote_port"], g["used"]) == ("127.0.0.2", 8080, used), g
assert g["available"] == 1000 - used, g
adv = [a for a in d["advisories"] if a["id"] == "port-group-pressure"]
assert adv, d["advisories"]
a = adv[0]
assert a["level"] == "warn", a          # 60 %: past 50, below 90
assert a["evidence"]["used"] == used and a["evidence"]["available"] == 1000 - used, a
assert "127.0.0.2:8080" in a["text"] and f"uses {used} of 1000" in a["text"], a["text"]
assert any(x["id"] == "tw-reuse-off" for x in d["advisories"]), d["advisories"]
# all of it client side: server-side-close stays quiet
assert not any(x["id"] == "server-side-close" for x in d["advisories"])
print("port-group-pressure ok:", a["text"][:80])
PY

# 2. tw-bucket-overflow: room for 50 timewait sockets, 300 more closes.
nsx sysctl -qw net.ipv4.ip_local_port_range="32768 60999"
cap=$(($(nsx awk '/^TCP:/ { for (i = 2; i < NF; i += 2) if ($i == "tw") print $(i + 1) }' /proc/net/sockstat) + 50))
nsx sysctl -qw net.ipv4.tcp_max_tw_buckets=$cap
two_samples overflow load -c 300 --close client --dst 127.0.0.3 --ports 8081
nsx nstat -saz TcpExtTCPTimeWaitOverflow >"$tmp/nstat"
python3 - "$tmp/overflow" "$tmp/nstat" <<'PY' || fail "tw-bucket-overflow"
import json, sys
d = json.load(open(sys.argv[1]))
nstat = {l.split()[0]: int(l.split()[1]) for l in open(sys.argv[2]) if not l.startswith("#")}
over = d["counters"]["TcpExtTCPTimeWaitOverflow"]
assert over == nstat["TcpExtTCPTimeWaitOverflow"], (over, nstat)
assert over >= 250, over                 # 300 closes, about 50 fitted
adv = [a for a in d["advisories"] if a["id"] == "tw-bucket-overflow"]
assert adv and adv[0]["level"] == "alarm", d["advisories"]
assert adv[0]["evidence"]["overflow_per_s"] > 0, adv[0]
assert "do not lower it" in adv[0]["text"], adv[0]["text"]
print("tw-bucket-overflow ok: overflow", over)
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
python3 - "$tmp/server" <<'PY' || fail "server-side-close"
import json, sys
d = json.load(open(sys.argv[1]))
tw = d["time_wait"]
adv = [a for a in d["advisories"] if a["id"] == "server-side-close"]
if tw["server_side"] * 2 > tw["total"]:
    assert adv, (tw, d["advisories"])
    assert "this host closes first" in adv[0]["text"], adv[0]["text"]
else:
    raise SystemExit(f"mix not server-heavy: {tw}")
print("server-side-close ok:", tw["server_side"], "of", tw["total"])
PY
echo "PASS: advisories fire on real kernel state in $ns"
