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
# Enter on it: the container's drill-down, its five processes' TIME_WAIT
keys Enter
wait_screen 'Drill-down: container '
wait_screen "TIME_WAIT $((40 + held + srv_tw)) (its 5 processes closed first )?\\(server( side)? $srv_tw, client( side)? $((40 + held))\\)"
wait_screen "TIME_WAIT to \\(3\\)"
wait_screen " to 127\\.0\\.0\\.3:9000 +$held "
wait_screen " to 127\\.0\\.0\\.2:8080 +40 "
wait_screen "closed first by \\(3\\)"
wait_screen "twexhaust\\[$exhaust\\] +$held "
wait_screen "failed connect\\(\\) \\(2\\)"
wait_screen "sockets \\($((40 + held + srv_tw)) of $((40 + held + srv_tw))\\)"
echo "ok: the container's drill-down: its processes, destinations, failures"
keys Escape
wait_screen_gone 'Drill-down'
keys c
wait_screen "$(row twclient "$client" 40 0 40)"
screen | grep -q 'Who closes by container' && fail "c again: still by container"

# z: the panel alone, every row and the errors with their destinations
keys z
wait_screen '^ Who closes'
wait_screen "failed connect\(\) \(2\)"
wait_screen "EADDRNOTAVAIL +$eaddr +[0-9.]+ twexhaust\[$exhaust\] → 127\.0\.0\.3:9000"
keys z

# Enter on a process: its drill-down, from its own TIME_WAIT as ss counts
# them: where they lead, its group, its failed connect() calls
click_on() {	# click the first screen line matching $1 where $2 starts
	local r c
	r=$(screen_row "$1")
	[ -n "$r" ] || fail "no line matches /$1/"
	c=$(screen | sed -n "$((r + 1))p" | python3 -c 'import sys; print(sys.stdin.read().index(sys.argv[1]))' "$2") ||
		fail "no '$2' in line $r"
	click "$r" "$c"
}
click_on "twexhaust\[$exhaust\] " "twexhaust[$exhaust]"
keys Enter
wait_screen "Drill-down: process twexhaust\[$exhaust\]"
ss_exh=$(ip netns exec "$ns" ss -Htan state time-wait '( dst 127.0.0.3 )' | wc -l)
[ "$ss_exh" = "$held" ] || fail "ss counts $ss_exh TIME_WAIT to 127.0.0.3, twexhaust closed $held"
wait_screen "TIME_WAIT $held (it closed first )?\(server( side)? 0, client( side)? $held\)"
wait_screen "TIME_WAIT to \(1\)"
wait_screen " to 127\.0\.0\.3:9000 +$held "
wait_screen "127\.0\.0\.1→127\.0\.0\.3:9000 +$held "
wait_screen "EADDRNOTAVAIL +$eaddr +[0-9.]+ twexhaust\[$exhaust\] → 127\.0\.0\.3:9000"
wait_screen "sockets \($held of $held\)"
n=$(screen | grep -cE '127\.0\.0\.3:9000 +TIME_WAIT')
[ "$n" -gt 3 ] || fail "the socket list shows $n of its TIME_WAIT"
echo "ok: process drill-down of twexhaust: $held TIME_WAIT (ss: $ss_exh), $eaddr EADDRNOTAVAIL"
keys Escape
wait_screen_gone 'Drill-down'
# the server: its TIME_WAIT come from its clients, to its own port
click_on "twserver\[$server\] " "twserver[$server]"
keys Enter
wait_screen "Drill-down: process twserver\[$server\]"
wait_screen "TIME_WAIT $srv_tw (it closed first )?\(server( side)? $srv_tw, client( side)? 0\)"
wait_screen " from 127\.0\.0\.1 to :8081 +$srv_tw "
wait_screen 'none of its TIME_WAIT holds an ephemeral port'
keys Escape
wait_screen_gone 'Drill-down'
# a peer's drill-down names who closed its TIME_WAIT first
click_on '^ 127\.0\.0\.2 ' '127.0.0.2'
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2'
wait_screen 'closed first by \(1\)'
wait_screen "twclient\[$client\] +40 "
keys Escape
wait_screen_gone 'Drill-down'
# a local port's: the server, then the names of no one else
click_on ' :8081 ' ':8081'
keys Enter
wait_screen 'Drill-down: local port :8081'
wait_screen 'closed first by \(1\)'
wait_screen "twserver\[$server\] +$srv_tw "
keys Escape
wait_screen_gone 'Drill-down'
echo "ok: peer and port drill-downs name their closers"
keys Tab	# from the ports, who closes takes their place again
wait_screen "$(row twclient "$client" 40 0 40)"

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
