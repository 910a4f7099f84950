#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --all-netns against ss in each namespace: two `ip netns` namespaces and
# one held only by a process (twload --unshare), each with its own load,
# and 70 empty ones (twtop's table of namespaces grows past 16, 32 and
# 64 in one pass). Every row equals ss in its namespace (both
# backends); the process-held one is named comm:pid; the empty ones fold
# into the idle line; a namespace twtop runs in is sampled right on every
# pass; a namespace deleted while passes run, or whose process ends,
# drops out without disturbing the others; a short interval spreads the
# namespaces over passes (ages). Root only (exit 77 otherwise).
set -u
. "$(dirname "$0")/ns_lib.sh"
ns_require unshare nsenter python3
check=$(dirname "$0")/allns_check.py
[ -x "$twtop" ] || fail "$twtop not built"

tag=tan-$$
A=twtop-$tag-a
B=twtop-$tag-b
tmp=$(mktemp -d /tmp/twtop-allns.XXXXXX)
export XDG_CONFIG_HOME=$tmp/config
idle=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in "$A" "$B" "$tag-gone" "${idle[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

mkns() {
	ip netns add "$1" || fail "ip netns add $1"
	ip netns exec "$1" ip link set lo up
	ip netns exec "$1" sysctl -qw net.ipv4.tcp_tw_reuse=0
}
mkns "$A"
mkns "$B"
for i in $(seq 1 70); do
	idle+=("twtop-$tag-idle-$i")
	ip netns add "twtop-$tag-idle-$i" || fail "ip netns add"
done

# A: 300 client-closed connections to 127.0.0.2:8080 (the load ends; the
# namespace is held by its mount only).
ip netns exec "$A" "$twload" -q -c 300 --close client --dst 127.0.0.2 \
	--ports 8080 >/dev/null || fail "twload in $A"
# B: 200 server-closed on 127.0.0.1:8081, 5 held ESTABLISHED.
mkfifo "$tmp/rb" "$tmp/rc"
ip netns exec "$B" "$twload" -q -c 200 --close server --dst 127.0.0.1 \
	--ports 8081 --hold 5 --linger-after 120 --ready-fd 3 \
	3>"$tmp/rb" >/dev/null &
pids+=($!)
read -r -t 30 line <"$tmp/rb" || fail "twload in $B not ready"
# C: a namespace of its own (unshare), held by the twload process only:
# 150 client-closed to 127.0.0.3:9090, 3 held.
"$twload" -q --unshare -c 150 --close client --dst 127.0.0.3 \
	--ports 9090 --hold 3 --linger-after 120 --ready-fd 3 \
	3>"$tmp/rc" >/dev/null &
cpid=$!
pids+=($cpid)
read -r -t 30 line <"$tmp/rc" || fail "twload --unshare not ready"
C=twload:$cpid
[ "$(stat -L -c %i /proc/$cpid/ns/net)" != "$(stat -L -c %i /proc/self/ns/net)" ] ||
	fail "twload --unshare did not make a namespace"

ssA() { ip netns exec "$A" ss -Htan; }
ssB() { ip netns exec "$B" ss -Htan; }
ssC() { nsenter -t "$cpid" -n ss -Htan; }

# One --once pass whose rows must equal ss read before and after it (a
# count that moved meanwhile is tried again).
once_vs_ss() {
	local backend=$1 try
	for try in 1 2 3; do
		ssA >"$tmp/a1"; ssB >"$tmp/b1"; ssC >"$tmp/c1"
		"$twtop" --all-netns --once --json --backend "$backend" \
			>"$tmp/once.json" 2>"$tmp/err" ||
			fail "--all-netns --once --backend $backend: $(cat "$tmp/err")"
		ssA >"$tmp/a2"; ssB >"$tmp/b2"; ssC >"$tmp/c2"
		cmp -s "$tmp/a1" "$tmp/a2" && cmp -s "$tmp/b1" "$tmp/b2" &&
			cmp -s "$tmp/c1" "$tmp/c2" && break
	done
	python3 "$check" row "$tmp/once.json" "$A" "$tmp/a1" --server 0 \
		--client 300 --kind netns-name --group 127.0.0.2:8080 ||
		fail "$backend: $A"
	python3 "$check" row "$tmp/once.json" "$B" "$tmp/b1" --server 200 \
		--client 0 --kind netns-name --group 127.0.0.1:8081 ||
		fail "$backend: $B"
	python3 "$check" row "$tmp/once.json" "$C" "$tmp/c1" --server 0 \
		--client 150 --kind process --pid "$cpid" \
		--group 127.0.0.3:9090 || fail "$backend: $C"
	# worst first: all three only have TIME_WAIT (no group under
	# pressure), so the most TIME_WAIT first
	python3 "$check" order "$tmp/once.json" "$A" "$B" "$C" ||
		fail "$backend: order"
	python3 "$check" idle "$tmp/once.json" "${idle[@]}" ||
		fail "$backend: idle"
	python3 "$check" clean "$tmp/once.json" || fail "$backend: errors"
	echo "ok: $backend: rows of $A, $B, $C equal ss; 70 empty ones idle"
}

once_vs_ss netlink
if "$twtop" --once --backend bpf >/dev/null 2>&1; then
	once_vs_ss bpf
else
	echo "NOTE: the BPF backend does not load here; netlink only"
fi

# The text table: a row each, the empty ones folded into one line.
"$twtop" --all-netns --once >"$tmp/once.txt" || fail "--all-netns --once"
grep -q "^$A  *netns-name  *[0-9]*  *300  *0  *300 " "$tmp/once.txt" ||
	fail "table row of $A: $(grep "^$A" "$tmp/once.txt")"
grep -q "^$C  *process " "$tmp/once.txt" ||
	fail "table names the process: $(cat "$tmp/once.txt")"
line=$(grep -E '^[0-9]+ idle namespaces \(nothing open\): ' "$tmp/once.txt") ||
	fail "no idle line: $(cat "$tmp/once.txt")"
n=${line%% *}
[ "$n" -ge 70 ] || fail "idle line counts $n: $line"
grep -q "^twtop-$tag-idle-1 " "$tmp/once.txt" && fail "an idle row shown"
echo "ok: table: $A and $C as rows, $n idle folded"

# Prometheus: every namespace's series with its netns label, each family
# one group; --max-netns keeps the worst.
"$twtop" --all-netns --once --prometheus "$tmp/all.prom" >/dev/null ||
	fail "--prometheus"
python3 "$(dirname "$0")/prom_parse.py" "$tmp/all.prom" ||
	fail "the merged file does not parse"
for want in "twtop_time_wait_sockets{netns=\"$A\",side=\"client\"} 300" \
	    "twtop_time_wait_sockets{netns=\"$B\",side=\"server\"} 200" \
	    "twtop_time_wait_sockets{netns=\"$C\",side=\"client\"} 150"; do
	grep -qxF "$want" "$tmp/all.prom" || fail "no line: $want"
done
[ "$(grep -c '^# HELP twtop_info ' "$tmp/all.prom")" = 1 ] ||
	fail "twtop_info's HELP more than once"
"$twtop" --all-netns --once --max-netns 2 --prometheus "$tmp/two.prom" \
	>/dev/null || fail "--max-netns 2"
[ "$(grep -c '^twtop_info{' "$tmp/two.prom")" = 2 ] ||
	fail "--max-netns 2: $(grep '^twtop_info{' "$tmp/two.prom")"
echo "ok: Prometheus: a netns label per namespace, one group per family"

# twtop inside B: its own namespace is B, sampled right on every pass
# (the pass thread comes back to it after entering the others).
for backend in netlink bpf; do
	[ "$backend" = bpf ] && ! "$twtop" --once --backend bpf \
		>/dev/null 2>&1 && continue
	ip netns exec "$B" "$twtop" --all-netns --batch --json -n 3 -d 0.3 \
		--backend "$backend" >"$tmp/own.jsonl" || fail "twtop in $B"
	ssB >"$tmp/b3"
	k=0
	while read -r doc; do
		k=$((k + 1))
		printf '%s\n' "$doc" >"$tmp/own.json"
		python3 "$check" row "$tmp/own.json" "$B" "$tmp/b3" --own \
			--server 200 >/dev/null ||
			fail "$backend: pass $k in $B: $(python3 "$check" row \
				"$tmp/own.json" "$B" "$tmp/b3" --own)"
	done <"$tmp/own.jsonl"
	[ "$k" = 3 ] || fail "$k passes"
	echo "ok: $backend: twtop in $B sees its own namespace right in 3 passes"
done

# Deleted during the passes: namespaces made and deleted over and over
# while passes run back to back; then A deleted and C's process ended
# between passes. B keeps its counts, nothing shows an error.
"$twtop" --all-netns --batch --json -d 0.1 -n 40 >"$tmp/run.jsonl" \
	2>"$tmp/run.err" &
tp=$!
pids+=($tp)
( for i in $(seq 1 200); do
	ip netns add "$tag-gone" && ip netns del "$tag-gone"
  done ) &
churn=$!
sleep 1
ip netns del "$A" || fail "ip netns del $A"
deleted=$(wc -l <"$tmp/run.jsonl")
sleep 0.5
kill "$cpid"
wait "$cpid" 2>/dev/null
ended=$(wc -l <"$tmp/run.jsonl")
wait "$churn"
wait "$tp" || fail "--batch during deletions: $(cat "$tmp/run.err")"
[ -s "$tmp/run.err" ] && fail "stderr: $(cat "$tmp/run.err")"
[ "$(wc -l <"$tmp/run.jsonl")" = 40 ] || fail "not 40 passes"
[ "$deleted" -lt 38 ] && [ "$ended" -lt 38 ] ||
	fail "the run ended before the deletions ($deleted, $ended)"
python3 "$check" run "$tmp/run.jsonl" "$B" "$tmp/b3" --server 200 \
	--gone "$A:$deleted" --gone "$C:$ended" || fail "passes with deletions"

# A short interval: a pass may take 20 % of 0.1 s, so the 70-odd
# namespaces are spread over passes; every row is still there, with its
# age, and each is sampled again within a few passes.
"$twtop" --all-netns --batch --json -d 0.1 -n 30 >"$tmp/spread.jsonl" ||
	fail "--batch -d 0.1"
python3 - "$tmp/spread.jsonl" <<'EOF' || fail "spreading over passes"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
short = [d for d in docs[1:] if d["pass"]["sampled"] < d["pass"]["found"]]
assert short, "every pass sampled every namespace: no budget at work"
# oldest first: a row waits no more passes than it takes to go round
# all namespaces at the fewest a pass sampled (each pass 0.1 s + itself)
least = min(d["pass"]["sampled"] for d in docs[1:])
found = max(d["pass"]["found"] for d in docs)
slowest = max(d["pass"]["pass_ms"] for d in docs[1:]) / 1000
bound = (-(-found // max(least, 1)) + 2) * (0.1 + slowest) + 0.5
for d in docs[1:]:
    assert abs(d["pass"]["budget_ms"] - 20) < 1e-6, d["pass"]
    for r in d["namespaces"]:
        assert r["sockets"] is not None or r["error"] is None, r
        assert r["age_s"] is None or r["age_s"] < bound, \
            (r["name"], r["age_s"], bound)
last = docs[-1]
assert all(r["age_s"] is not None for r in last["namespaces"]), \
    [r["name"] for r in last["namespaces"] if r["age_s"] is None]
ages = sorted(r["age_s"] for r in last["namespaces"])
print("ok: budget 20 ms: %d of %d passes cut short (at least %d of %d "
      "sampled); ages %.2f..%.2f s (bound %.1f s)" % (len(short),
      len(docs) - 1, least, found, ages[0], ages[-1], bound))
EOF
