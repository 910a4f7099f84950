#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: in a network namespace of its own, twload builds a known mix
# of sockets; every count of `twtop --once --json` must equal what ss,
# nstat and /proc say in that namespace at the same moment.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ns_lib.sh"
ns_require nstat python3
ns_setup twtop-it
top=$(cd "$here/.." && pwd)

# The mix: client-closed to two peers, server-closed on a listener,
# IPv6, RST (no TIME_WAIT) and held connections.
load -c 300 --close client --dst 127.0.0.2 --ports 8080
load -c 120 --close client --dst 127.0.0.3 --ports 8081,8082
load -c 50 --close client --linger0 --dst 127.0.0.4 --ports 8083
load -c 80 --close client -6 --dst ::1 --ports 8084
mkfifo "$tmp/ready"
ip netns exec "$ns" "$twload" -q -c 150 --close server --dst 127.0.0.1 --ports 9090 \
	--hold 7 --linger-after 50 --ready-fd 3 3>"$tmp/ready" >/dev/null &
pids+=($!)
read -r -t 20 line <"$tmp/ready" || fail "twload did not get ready"
[ "$line" = ready ] || fail "twload said '$line', not ready"

sysctls="net.ipv4.tcp_tw_reuse net.ipv4.tcp_tw_reuse_delay
net.ipv4.tcp_tw_recycle net.ipv4.tcp_max_tw_buckets net.ipv4.tcp_fin_timeout
net.ipv4.tcp_timestamps net.ipv4.ip_local_port_range
net.ipv4.ip_local_reserved_ports net.core.somaxconn"

# One look at the namespace, ss before and after twtop: equal means
# nothing moved while twtop sampled.
snapshot() {
	nsx ss -tanH | sort >"$tmp/ss1"
	nsx nstat -saz >"$tmp/nstat"
	nsx cat /proc/net/sockstat >"$tmp/sockstat"
	: >"$tmp/sysctl"
	for s in $sysctls; do
		v=$(nsx cat "/proc/sys/${s//.//}" 2>/dev/null || echo -)
		printf '%s\t%s\n' "$s" "$v" >>"$tmp/sysctl"
	done
	nsx "$twtop" --once --json --top 50 >"$tmp/tw.json" || fail "twtop exit $?"
	nsx ss -tanH | sort >"$tmp/ss2"
	cmp -s "$tmp/ss1" "$tmp/ss2"
}
for try in 1 2 3; do
	snapshot && break
	[ $try = 3 ] && fail "the namespace kept changing under ss"
done

python3 "$top/tests/compare_ss.py" "$tmp/tw.json" "$tmp/ss1" "$tmp/nstat" \
	"$tmp/sockstat" "$tmp/sysctl" || fail "twtop disagrees with ss/nstat"

# The mix itself, so a twtop and ss that agree on nothing cannot pass.
python3 - "$tmp/tw.json" <<'PY' || fail "unexpected mix"
import json, sys
d = json.load(open(sys.argv[1]))
tw = d["time_wait"]
want = {"total": 300 + 120 + 80 + 150, "server_side": 150,
        "client_side": 300 + 120 + 80}
for k, v in want.items():
    assert tw[k] == v, f"time_wait.{k} = {tw[k]}, want {v}"
assert d["states"]["ESTABLISHED"] == 14, d["states"]
assert d["states"]["LISTEN"] == 1, d["states"]
peers = {p["addr"]: p["time_wait"] for p in d["top_peers"]}
assert peers.get("127.0.0.2") == 300 and peers.get("::1") == 80, peers
assert d["top_peers"][0]["addr"] == "127.0.0.2", d["top_peers"][0]
assert d["ephemeral"]["groups"][0]["remote"] == "127.0.0.2"
assert d["ephemeral"]["groups"][0]["used"] == 300
assert d["sysctl"]["net.ipv4.tcp_tw_reuse"] == 0
assert d["counters"]["TcpExtTW"] >= 650, d["counters"]["TcpExtTW"]
print("mix ok: time_wait", tw["total"], "server", tw["server_side"], "client", tw["client_side"])
PY

# --netns NAME enters the namespace itself and must see the same sockets.
"$twtop" --netns "$ns" --once --json --top 50 >"$tmp/tw2.json" ||
	fail "twtop --netns exit $?"
python3 - "$tmp/tw.json" "$tmp/tw2.json" "$ns" <<'PY' || fail "--netns differs"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["states"] == b["states"], (a["states"], b["states"])
assert a["time_wait"]["total"] == b["time_wait"]["total"]
assert a["ephemeral"]["groups"] == b["ephemeral"]["groups"]
assert b["netns"] == sys.argv[3], b["netns"]
print("--netns ok")
PY

# Without the privilege: exit 1 and the capability named, for a named
# namespace and for another user's process (this shell, run by root).
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	asnobody() {
		HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent \
			setpriv --reuid=nobody --regid="$(id -g nobody)" \
				--clear-groups "$twtop" "$@" 2>&1 >/dev/null
	}
	msg=$(asnobody --netns "$ns" --once); st=$?
	[ "$st" = 1 ] || fail "--netns as nobody: exit $st, want 1"
	grep -q "cannot enter namespace /run/netns/$ns: .*CAP_SYS_ADMIN" \
		<<<"$msg" || fail "--netns as nobody: '$msg'"
	msg=$(asnobody --netns-pid $$ --once); st=$?
	[ "$st" = 1 ] || fail "--netns-pid as nobody: exit $st, want 1"
	grep -q "cannot open namespace /proc/$$/ns/net: .*CAP_SYS_PTRACE" \
		<<<"$msg" || fail "--netns-pid as nobody: '$msg'"
	echo "unprivileged --netns and --netns-pid refused, capability named"
fi
# A bound, unconnected socket (bind(0), no connect) under --filter: it is
# no connection, so no state may underflow and "sockets" stays ss's count
# (ss lists no bound-inactive sockets) and the sum of the states.
nsx python3 - "$twtop" <<'PY' || fail "bound socket under --filter"
import json, socket, subprocess, sys
b = socket.socket(); b.bind(("127.0.0.1", 0))
l = socket.socket(); l.bind(("127.0.0.1", 18080)); l.listen()
c = socket.create_connection(("127.0.0.1", 18080))
ss = subprocess.run(["ss", "-tanH", "sport = :18080 or dport = :18080"],
                    capture_output=True, text=True).stdout.splitlines()
for f in ["dport = :18080", "sport = :18080 or dport = :18080",
          "state established"]:
    d = json.loads(subprocess.run([sys.argv[1], "--once", "--json",
                                   "--filter", f], capture_output=True,
                                  text=True, check=True).stdout)
    assert all(0 <= v < 1 << 20 for v in d["states"].values()), (f, d["states"])
    assert d["sockets"] == sum(d["states"].values()), (f, d["sockets"], d["states"])
    if f.startswith("sport"):
        assert d["sockets"] == len(ss), (f, d["sockets"], ss)
    assert d["ephemeral"]["holes_bound"] >= 1, d["ephemeral"]
print("bound socket under --filter: no underflow, sockets =", len(ss), "as ss")
PY

echo "PASS: twtop agrees with ss, nstat and /proc in $ns"
