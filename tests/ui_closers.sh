#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The "Who closes" panel end to end in tmux: twtop watches a namespace
# (ports 40000-40049) from before tests/closers_load.py runs there. At
# 120x40 Tab reaches the panel (in the ports panel's place): each closer
# with its TIME_WAIT and sides as ss counts them, the failed connect()
# rows under them (EADDRNOTAVAIL first, as many as twexhaust saw, to its
# destination); '>' sorts by act/s, 'I' inverts; 'c' shows them by
# container (one cgroup here: all five, their sums) and back; z zooms.
# At 80x24 it is usable in the same place, at 200x60 it is a third list
# column. A snapshot saved with 's' replays with the same rows (by
# container too); with --backend netlink the panel says why it is empty.
# Exit 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require python3
ui_netns
ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="40000 40049"

why=$("$twtop" --netns "$ns" --once --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["closers_reason"] or "")') ||
	fail "twtop --once --json"
[ -z "$why" ] || skip "$why"

UI_COLS=120 UI_ROWS=40 ui_start --netns "$ns" --snapshot-dir "$tmp"
wait_screen 'Top peers by TIME_WAIT'
ip netns exec "$ns" python3 "$here/closers_load.py" >"$tmp/load" ||
	fail "the load failed: $(cat "$tmp/load")"
pid() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])' "$tmp/load" "$1" "${2:-pid}"; }
client=$(pid twclient)
server=$(pid twserver)
exhaust=$(pid twexhaust)
eaddr=$(pid twexhaust eaddrnotavail)
held=$(pid twexhaust active)
srv_tw=$(ip netns exec "$ns" ss -Htan state time-wait '( sport = :8081 )' | wc -l)
[ "$srv_tw" -gt 0 ] || fail "no server-side TIME_WAIT"

# Tab from the peers: the ports, then who closes in their place
keys Tab Tab
wait_screen 'Who closes'
wait_screen_gone 'Top ports by TIME_WAIT'
# name, TIME_WAIT, server, client, act/s, err/s
row() { echo " $1\[$2\] +$3 +$4 +$5 +[0-9.]+ +[0-9.]+( |$)"; }
wait_screen "$(row twclient "$client" 40 0 40)"
wait_screen "$(row twexhaust "$exhaust" "$held" 0 "$held")"
wait_screen "$(row twserver "$server" "$srv_tw" "$srv_tw" 0)"
wait_screen "$((40 + held + srv_tw)) (TIME_WAIT )?named, 0 (from )?before twtop"
wait_screen "EADDRNOTAVAIL +$eaddr +[0-9.]+ twexhaust(\[$exhaust\])? .* 127\.0\.0\.3:9000"
wait_screen "ECONNREFUSED +8 +[0-9.]+ twclient(\[$client\])? .* 127\.0\.0\.1:9( |$)"
first=$(screen | grep -nE 'EADDRNOTAVAIL|ECONNREFUSED' | head -1)
case $first in *EADDRNOTAVAIL*) ;; *) fail "EADDRNOTAVAIL is not first" ;; esac

# sorting like the other lists; the passive closers are listed too
keys '>'
wait_screen 'Who closes \(sorted by act/s'
keys I
wait_screen 'sorted by act/s▲'
keys '<' I
wait_screen 'Who closes$|Who closes +'
screen | grep -Eq "twpeer\[[0-9]+\]" || fail "twpeer (passive) not listed"

# c: by container; the load's five processes share the test's cgroup:
# name, procs, TIME_WAIT, server, client, act/s, err/s
keys c
wait_screen 'Who closes by container$|Who closes by container +'
wait_screen 'container +procs +.TIME_WAIT +server +client'
wait_screen " [^ ]+ +5 +$((40 + held + srv_tw)) +$srv_tw +$((40 + held)) +[0-9.]+ +[0-9.]+( |$)"
screen | grep -Eq "$(row twclient "$client" 40 0 40)" &&
	fail "c: processes still listed"
keys '>'
wait_screen 'Who closes by container \(sorted by act/s'
keys '<'
wait_screen 'Who closes by container$|Who closes by container +'
keys c
wait_screen "$(row twclient "$client" 40 0 40)"
screen | grep -q 'Who closes by container' && fail "c again: still by container"

# z: the panel alone, every row and the errors with their destinations
keys z
wait_screen '^ Who closes'
wait_screen "failed connect\(\) \(2\)"
wait_screen "EADDRNOTAVAIL +$eaddr +[0-9.]+ twexhaust\[$exhaust\] → 127\.0\.0\.3:9000"
keys z

# 80x24: in the ports' place, the rows still readable
tmux -L "$ui_id" resize-window -t main -x 80 -y 24
wait_screen " twclient(\[$client\])? +40 +[0-9.]+ +[0-9.]+$"
# 200x60: under the ports, both shown
tmux -L "$ui_id" resize-window -t main -x 200 -y 60
wait_screen 'Top ports by TIME_WAIT'
wait_screen " twexhaust\[$exhaust\] +$held +0 +$held "
[ "$(screen_row 'Top ports by TIME_WAIT')" -lt "$(screen_row ' Who closes')" ] ||
	fail "200x60: who closes is not under the ports"

# a saved snapshot replays with the same rows
keys s
wait_screen 'snapshot saved'
snap=$(ls "$tmp"/twtop-*.json 2>/dev/null | head -1)
[ -n "$snap" ] || fail "no snapshot file"
keys q
wait_exit >/dev/null
tmux -L "$ui_id" kill-server 2>/dev/null
UI_COLS=120 UI_ROWS=40 ui_start --replay "$snap"
wait_screen 'Top peers by TIME_WAIT'
keys Tab Tab
wait_screen "$(row twclient "$client" 40 0 40)"
wait_screen "EADDRNOTAVAIL +$eaddr "
keys c
wait_screen " [^ ]+ +5 +$((40 + held + srv_tw)) +$srv_tw +$((40 + held)) +[0-9.]+ +[0-9.]+( |$)"
keys q
wait_exit >/dev/null
tmux -L "$ui_id" kill-server 2>/dev/null

# without BPF the panel says why, in one line
UI_COLS=120 UI_ROWS=40 ui_start --netns "$ns" --backend netlink
wait_screen 'Top peers by TIME_WAIT'
keys Tab Tab
wait_screen 'who closes needs BPF: not with --backend netlink'
keys q
[ "$(wait_exit)" = 0 ] || fail "twtop exited with an error"
echo "PASS: ui_closers"
