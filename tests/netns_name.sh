#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The namespace's name as `ip netns identify` gives it: under
# `ip netns exec NAME` (no --netns) twtop's JSON, Prometheus label and
# header name NAME, as --netns NAME does; the host's own namespace is
# unnamed. Root only (exit 77 otherwise). Exit 0 pass, 1 fail.
set -u
build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
[ -x "$twtop" ] || fail "$twtop not built"
[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
command -v ip >/dev/null || skip "ip (iproute2) not installed"
command -v python3 >/dev/null || skip "python3 not installed"
ns=twtop-name-$$
tmp=$(mktemp -d /tmp/twtop-nsname.XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export XDG_CONFIG_HOME=$tmp/config
ip netns add "$ns" || skip "ip netns add failed (no namespaces here?)"

netns_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["netns"])'; }

got=$(ip netns exec "$ns" "$twtop" --once --json | netns_of) ||
	fail "twtop --once --json under ip netns exec"
[ "$got" = "$ns" ] || fail "under ip netns exec $ns: netns '$got'"
echo "ok: ip netns exec $ns: netns $got"

got=$("$twtop" --netns "$ns" --once --json | netns_of)
[ "$got" = "$ns" ] || fail "--netns $ns: netns '$got'"
echo "ok: --netns $ns: netns $got"

ip netns exec "$ns" "$twtop" --once --prometheus "$tmp/t.prom" >/dev/null ||
	fail "--prometheus under ip netns exec"
grep -q "^twtop_info{netns=\"$ns\"," "$tmp/t.prom" ||
	fail "Prometheus netns label: $(grep '^twtop_info' "$tmp/t.prom")"
echo "ok: Prometheus netns=\"$ns\""

# The host's namespace has no name unless someone gave it one.
self=$(stat -L -c %d:%i /proc/self/ns/net)
named=""
for f in /run/netns/*; do
	[ -e "$f" ] && [ "$(stat -L -c %d:%i "$f")" = "$self" ] && named=${f##*/}
done
got=$("$twtop" --once --json | netns_of)
if [ -z "$named" ]; then
	[ "$got" = None ] || fail "own namespace: netns '$got', wanted null"
else
	[ "$got" = "$named" ] || fail "own namespace: '$got', wanted $named"
fi
echo "ok: own namespace: $got"
