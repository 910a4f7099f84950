#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What one --all-netns pass costs: N empty `ip netns` namespaces (plus
# those the host has) x each backend -> the pass, the mean per namespace
# (pass / namespaces sampled), the median namespace's socket dump and
# twtop's peak memory. Root only. Usage: bench/allns_cost.sh [N...]
# With LOAD=K, one more namespace first holds K TIME_WAIT (twload): the
# global hash both backends walk for every namespace is then not empty.
set -u
build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop
[ "$(id -u)" -eq 0 ] || { echo "needs root (ip netns add)"; exit 77; }
[ -x "$twtop" ] || { echo "$twtop not built"; exit 1; }
prefix=twtop-cost-$$
made=0
cleanup() { for i in $(seq 1 "$made"); do ip netns del "$prefix-$i"; done
	ip netns del "$prefix-load" 2>/dev/null; }
trap cleanup EXIT
grow() { while [ "$made" -lt "$1" ]; do made=$((made + 1));
	ip netns add "$prefix-$made" || exit 1; done; }
if [ "${LOAD:-0}" -gt 0 ]; then
	ip netns add "$prefix-load" || exit 1
	ip netns exec "$prefix-load" ip link set lo up
	ip netns exec "$prefix-load" "$build/src/twload" -q -c "$LOAD" \
		--dst 127.0.0.2,127.0.0.3 --duration 50 >/dev/null || exit 1
	echo "$LOAD TIME_WAIT in $prefix-load"
fi
printf '%6s %8s %6s %12s %12s %10s %10s %10s\n' namespaces backend found \
	first_pass_ms pass_ms per_ns_ms median_dump maxrss_MB
for n in "${@:-1 8 32 64}"; do
	grow "$n"
	for b in bpf netlink; do
		# two passes 5 s apart (a budget of 1 s): the first also makes
		# the samplers, the second is what each interval costs
		/usr/bin/time -f '%M' -o "/tmp/$prefix.rss" "$twtop" --all-netns \
			--batch --json -n 2 -d 5 --backend "$b" >"/tmp/$prefix.out" ||
			exit 1
		python3 - "/tmp/$prefix.out" "$n" "$b" \
			"$(($(tail -1 "/tmp/$prefix.rss") / 1024))" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
first, second = json.loads(lines[0]), json.loads(lines[1])
rows = [r for r in second["namespaces"] if r["sample"]]
dumps = sorted(r["sample"]["dump_ms"] for r in rows)
dump = dumps[len(dumps) // 2]		# the median: a typical namespace
p = second["pass"]
print("%6s %8s %6d %12.1f %12.1f %10.2f %10.2f %10s" % (sys.argv[2],
      sys.argv[3], p["found"], first["pass"]["pass_ms"], p["pass_ms"],
      p["pass_ms"] / max(p["sampled"], 1), dump, sys.argv[4]))
PY
	done
done
rm -f "/tmp/$prefix.rss" "/tmp/$prefix.out"
