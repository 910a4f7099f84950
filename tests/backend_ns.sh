#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration (issue 12): the BPF backend and the one-walk netlink dump
# against sock_diag on one namespace. A known load -- twload's client-closed
# IPv4 and server-closed IPv6 TIME_WAIT with ESTABLISHED connections and
# listeners, and backend_load.py's bind()-before-connect() clients,
# bound-inactive sockets, a dual-stack listener's IPv4 peer, keepalive,
# SYN_SENT (one bound to a device), SYN_RECV, FIN_WAIT2 and an orphaned
# FIN_WAIT1 of another uid -- then tests/backend_cmp compares, socket by
# socket, the BPF backend and the legacy one-walk dump with per-family
# SOCK_DIAG_BY_FAMILY dumps taken before and after each: same sockets,
# same state, timer, uid, inode and device, each timer between the
# netlink values around it. Also with the state masks the sampler uses
# (listeners; the rest plus bound-inactive). Then the bind-bucket fact:
# the sockets the BPF backend marks bound_by_bind outside listening ports
# are exactly the bind()-before-connect() clients, the bound-inactive
# ones are marked, netlink marks none.
# Skips (77) when not root or when the BPF backend cannot load here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ns_lib.sh"
ns_require python3
cmp=$build/tests/backend_cmp
[ -x "$cmp" ] || { echo "SKIP: $cmp not built (make check builds it)"; exit 77; }
ns_setup twtop-be

why=$(nsx "$cmp" list bpf 2>&1 >/dev/null)
case $? in
0) ;;
77) echo "SKIP: ${why#backend_cmp: }"; exit 77 ;;
*) fail "backend_cmp list bpf: $why" ;;
esac

mkfifo "$tmp/ready1" "$tmp/ready2" "$tmp/hold"
nsx "$twload" -q -c 300 -j 32 --dst 127.0.0.1,127.0.0.2 --ports 8080 \
	--hold 4 --linger-after 50 --ready-fd 3 3>"$tmp/ready1" >/dev/null &
pids+=($!)
nsx "$twload" -q -6 -c 200 -j 32 --close server --ports 9090,9091 \
	--hold 2 --linger-after 50 --ready-fd 3 3>"$tmp/ready2" >/dev/null &
pids+=($!)
nsx python3 "$here/backend_load.py" <"$tmp/hold" >"$tmp/shapes" &
pids+=($!)
exec 7>"$tmp/hold"	# closing it ends backend_load.py
for f in ready1 ready2; do
	read -r -t 30 line <"$tmp/$f" || fail "twload ($f) did not get ready"
	[ "$line" = ready ] || fail "twload ($f) said '$line'"
done
for ((i = 0; i < 100; i++)); do
	grep -qx ready "$tmp/shapes" 2>/dev/null && break
	sleep 0.1
done
grep -qx ready "$tmp/shapes" || fail "backend_load.py did not get ready"
shape() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/shapes"; }

# Timers that fire and re-arm between the dumps (SYN retransmits, the
# zero-window probe) can break the sandwich once: three tries.
compare() {
	local try out
	for try in 1 2 3; do
		out=$(nsx "$cmp" compare "$@" 2>&1) && break
		echo "try $try ($*):"; echo "$out"
		sleep 0.3
	done
	echo "$out" | grep -qx "legacy_one_walk 1" ||
		fail "the legacy request was refused: $out"
	echo "$out" | grep -q "^ok " || fail "backends differ ($*): $out"
	echo "compare ${*:-all states}: ${out##*ok }"
}
compare
compare $((1 << 10))				# LISTEN: the sampler's first dump
compare $(((1 << 14) - 1 & ~1 & ~(1 << 10)))	# the rest, bound-inactive

nsx "$cmp" list bpf >"$tmp/bpf" || fail "backend_cmp list bpf"
nsx "$cmp" list netlink >"$tmp/netlink" || fail "backend_cmp list netlink"
tw=$(grep -c " TIME_WAIT " "$tmp/bpf")
[ "$tw" -ge $((300 + 200 + $(shape bind_tw))) ] ||
	fail "BPF backend sees $tw TIME_WAIT, expected at least 512"
for st in LISTEN ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 \
	CLOSE_WAIT BOUND_INACTIVE; do
	grep -q " $st " "$tmp/bpf" || fail "no $st socket in the BPF dump"
done
grep -q "^ipv6 .* if=0 " "$tmp/bpf" || fail "no IPv6 socket"
grep -q " if=1 " "$tmp/bpf" || fail "no socket bound to a device"
grep -q " uid=65534 " "$tmp/bpf" || fail "no socket of uid 65534"

# bound_by_bind: outside the listening ports, exactly the bind() clients
expect=$(($(shape bind_tw) + $(shape bind_est)))
got=$(awk '$6 == "LISTEN" { l[$3] = 1; next }
	$6 != "BOUND_INACTIVE" && / bind=1 / { c[$3]++ }
	END { for (p in c) if (!(p in l)) n += c[p]; print n + 0 }' "$tmp/bpf")
[ "$got" -eq "$expect" ] ||
	fail "bound_by_bind on $got client sockets, $expect bind()+connect() made"
got=$(grep " BOUND_INACTIVE " "$tmp/bpf" | grep -c " bind=1 ")
[ "$got" -eq "$(shape bound)" ] ||
	fail "$got bound-inactive sockets marked, $(shape bound) made (one per socket)"
! grep -q " bind=1 " "$tmp/netlink" || fail "netlink set bound_by_bind"
echo "bound_by_bind: $expect bind()+connect() clients, $(shape bound) bound-inactive"
exec 7>&-
echo PASS
