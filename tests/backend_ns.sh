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
# ones are marked, netlink marks none. Last, twtop --once on each backend:
# the same counts, and with BPF each bind() client's port is a hole
# (holes_bind, holes_source bind-table); unprivileged, --backend bpf
# fails with the reason.
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

# twtop itself on each backend: the same snapshot but for the bind table
nsx "$twtop" --once --json --backend bpf >"$tmp/bpf.json" ||
	fail "twtop --backend bpf"
nsx "$twtop" --once --json --backend netlink >"$tmp/netlink.json" ||
	fail "twtop --backend netlink"
python3 - "$tmp/bpf.json" "$tmp/netlink.json" "$expect" <<'PY' || fail "snapshots differ"
import json, sys
b, n = (json.load(open(f)) for f in sys.argv[1:3])
bind_clients = int(sys.argv[3])
bad = []
def same(what, x, y):
    if x != y:
        bad.append(f"{what}: bpf {x!r}, netlink {y!r}")
same("backend", (b["sample"]["backend"], n["sample"]["backend"]),
     ("bpf", "netlink"))
for k in ("sockets", "bound_inactive", "states", "peers_total"):
    same(k, b[k], n[k])
for k in ("total", "server_side", "server_inferred", "client_side"):
    same("time_wait." + k, b["time_wait"][k], n["time_wait"][k])
peer = lambda d: sorted((p["addr"], p["total"], p["time_wait"],
                         sorted(p["states"].items())) for p in d["top_peers"])
same("top_peers", peer(b), peer(n))
for lst in ("top_local_ports", "top_remote_ports"):
    nb = {p["port"]: p for p in n[lst]}
    both = [p for p in b[lst] if p["port"] in nb]
    if not both:
        bad.append(f"{lst}: no port in common")
    for p in both:
        same(f"{lst} {p['port']}", (p["total"], p["time_wait"]),
             (nb[p["port"]]["total"], nb[p["port"]]["time_wait"]))
eb, en = b["ephemeral"], n["ephemeral"]
for k in ("low", "high", "size", "reserved", "holes_listen", "holes_bound",
          "ports_in_use"):
    same("ephemeral." + k, eb[k], en[k])
# the bind table: each bind()+connect() client's port is a hole
same("holes_source", (eb["holes_source"], en["holes_source"]),
     ("bind-table", "sock_diag"))
same("holes_bind", (eb["holes_bind"], en["holes_bind"]), (bind_clients, 0))
same("holes", eb["holes"], en["holes"] + bind_clients)
print("\n".join(bad) if bad else
      f"twtop snapshots: same counts, {eb['holes_bind']} bind() holes "
      f"with BPF")
sys.exit(1 if bad else 0)
PY

# --backend bpf without the capabilities fails with the reason
if setpriv --help >/dev/null 2>&1; then
	out=$(nsx env XDG_CONFIG_HOME=/nonexistent setpriv --reuid=65534 \
		--regid=65534 --clear-groups \
		"$twtop" --once --json --backend bpf 2>&1) &&
		fail "--backend bpf ran without privileges"
	echo "$out" | grep -q "CAP_BPF" || fail "no reason given: $out"
	echo "unprivileged --backend bpf: ${out%%$'\n'*}"
fi
exec 7>&-
echo PASS
