#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The --all-netns view in tmux: the list shows each namespace with its
# TIME_WAIT (worst first) and folds the empty one into the idle line;
# Enter on a row opens the normal dashboard of that namespace (its
# header names it, its states panel counts its sockets), Esc comes back
# to the list (Esc in a zoom only unzooms), q quits with 0. Root only
# (exit 77 otherwise).
set -u
. "$(dirname "$0")/ui_lib.sh"
ui_require
nsb=$ui_id-b
nsi=$ui_id-idle
trap 'ip netns del "$nsb" 2>/dev/null; ip netns del "$nsi" 2>/dev/null;
      ui_cleanup' EXIT
export XDG_CONFIG_HOME=$tmp/config

ui_netns
ui_load				# $ns: 500 TIME_WAIT, 5 held
ip netns add "$nsb" || fail "ip netns add $nsb"
ip netns exec "$nsb" ip link set lo up
ip netns exec "$nsb" sysctl -qw net.ipv4.tcp_tw_reuse=0
ip netns exec "$nsb" "$twload" -q -c 120 --close client --dst 127.0.0.3 \
	--ports 9090 >/dev/null || fail "twload in $nsb"
ip netns add "$nsi" || fail "ip netns add $nsi"
tw_a=$(ss_tw)
tw_b=$(ip netns exec "$nsb" ss -Htan state time-wait | wc -l)
[ "$tw_a" = 500 ] && [ "$tw_b" = 120 ] || fail "loads: $tw_a, $tw_b"

UI_COLS=140 ui_start --all-netns
wait_screen "All network namespaces: [0-9]+ \\([0-9]+ idle"
# each row: name, kind, sockets, TIME_WAIT (all columns fit at 140)
row_re() { printf '^ %s +netns-name +[0-9]+ +%s ' "$1" "$2"; }
wait_screen "$(row_re "$ns" "$tw_a")"
wait_screen "$(row_re "$nsb" "$tw_b")"
ra=$(screen_row "$(row_re "$ns" "$tw_a")")
rb=$(screen_row "$(row_re "$nsb" "$tw_b")")
[ "$ra" -lt "$rb" ] || fail "$ns (500) not above $nsb (120)"
# the idle line names as many as fit (other tests' namespaces may be
# there too): that $nsi is one of the folded is asked of the JSON
"$twtop" --all-netns --once --json | python3 -c '
import json, sys
rows = {r["name"]: r for r in json.load(sys.stdin)["namespaces"]}
sys.exit(0 if rows.get(sys.argv[1], {}).get("idle") else 1)' "$nsi" ||
	fail "$nsi not idle in --all-netns --once --json"
screen | grep -Eq "idle namespaces? \\(nothing open\\)" ||
	fail "no idle line"
screen | grep -Eq "^ $nsi " && fail "$nsi listed as a row"
screen | grep -q "Enter Open" || fail "no list hints"
echo "ok: list: $ns ($tw_a) above $nsb ($tw_b), $nsi folded as idle"

# select a row: to the top (Up: tmux's Home is not always the
# terminfo's), then Down until the detail line names it
select_row() {
	local i
	for ((i = 0; i < 40; i++)); do keys Up; done
	sleep 0.3
	for ((i = 0; i < 60; i++)); do
		screen | grep -Eq "^ $1  inode [0-9]+  /run/netns/$1" && return 0
		keys Down
		sleep 0.1
	done
	fail "could not select $1"
}

select_row "$nsb"
keys Enter
wait_screen "netns $nsb "
wait_screen "^ TIME_WAIT +$tw_b "
screen | grep -Eq "Esc returns to all namespaces|Esc All netns" ||
	fail "no hint to go back"
echo "ok: Enter on $nsb: its dashboard (TIME_WAIT $tw_b)"
# Esc in a zoom leaves the zoom only
keys z
sleep 0.3
keys Escape
sleep 0.5
screen | grep -q "netns $nsb " || fail "Esc in a zoom left the namespace"
keys Escape
wait_screen "All network namespaces: "
screen | grep -q "netns $nsb " && fail "still in $nsb"
echo "ok: Esc: back to the list (a zoom first unzoomed)"

select_row "$ns"
keys Enter
wait_screen "netns $ns "
wait_screen "^ TIME_WAIT +$tw_a "
keys Escape
wait_screen "All network namespaces: "
echo "ok: Enter on $ns: TIME_WAIT $tw_a; Esc back"

keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "exit status $st"
[ -s "$tmp/stderr" ] && fail "stderr: $(cat "$tmp/stderr")"
echo "ok: q quits with 0"
