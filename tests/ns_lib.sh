# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the root-only namespace tests: sourced, not run.
# Sets build, twtop, twload; ns_setup PREFIX makes a namespace "$ns" with
# loopback up and tcp_tw_reuse=0 (so TIME_WAIT is not reused away while a
# test counts it), a scratch dir "$tmp", and a trap that kills the PIDs in
# "pids" and removes both.

build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop
twload=$build/src/twload
pids=()

fail() { echo "FAIL: $*"; exit 1; }

# Exits 77 (automake SKIP) with the reason when a need is not met.
ns_require() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root to create a network namespace (ip netns add)"
		exit 77
	fi
	for tool in ip ss "$@"; do
		command -v "$tool" >/dev/null ||
			{ echo "SKIP: $tool not installed"; exit 77; }
	done
}

ns_cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}

ns_setup() {
	ns=$1-$$
	tmp=$(mktemp -d "/tmp/$1.XXXXXX")
	trap ns_cleanup EXIT
	ip netns add "$ns" || fail "ip netns add $ns"
	nsx ip link set lo up
	nsx ip addr add ::1/128 dev lo 2>/dev/null
	nsx sysctl -qw net.ipv4.tcp_tw_reuse=0
}

nsx() { ip netns exec "$ns" "$@"; }

# One bounded twload run in the namespace; its summary is dropped.
load() { nsx "$twload" -q --duration 20 "$@" >/dev/null || fail "twload $*"; }
