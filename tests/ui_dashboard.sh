#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux: twtop watches a namespace with a known twload mix.
# The screen shows the counts ss sees, Enter drills into the first peer,
# ? shows help, a resize to 50x14 and back survives, q exits with 0.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require
ui_netns
ui_load
ui_start --netns "$ns"

# counts: the states panel equals ss, and the mix
wait_screen '^ TIME_WAIT +[0-9]+ '
want=$(ss_tw)
[ "$want" -eq 500 ] || fail "ss counts $want TIME_WAIT, the mix makes 500"
got=$(screen_tw)
[ "$got" = "$want" ] || fail "screen shows TIME_WAIT $got, ss $want"
wait_screen 'TIME_WAIT server side 200, client side 300'
wait_screen 'ESTABLISHED +10 '
# the top peer holds the 300 client-closed; local ports carry their side
# (a remote port claims none: it may be a server's or a client's port)
wait_screen '127\.0\.0\.2 +300 +[0-9.]+ +60%'
# (named as /etc/services names them, where it does)
wait_screen ':8080 +([a-z][a-z0-9-]* +)?remote +300 '
wait_screen ':8081 +([a-z][a-z0-9-]* +)?local +server +200 '
# the ephemeral panel: the group's free and available ports, as ss and
# the range make them (tcp_tw_reuse=0 here: nothing is reusable, so
# available == free == range - used; no reserved port, no hole)
range=$(ip netns exec "$ns" cat /proc/sys/net/ipv4/ip_local_port_range)
size=$(( ${range#*[[:space:]]} - ${range%%[[:space:]]*} + 1 ))
used=$(ip netns exec "$ns" ss -tanH dst 127.0.0.2:8080 | wc -l)
[ "$used" = 300 ] || fail "ss counts $used sockets to 127.0.0.2:8080, want 300"
free=$((size - used))
wait_screen 'in use [0-9]+/[0-9]+  holes 0'
# (the burst is over: its TIME_WAIT drain)
wait_screen '127\.0\.0\.1.127\.0\.0\.2:8080 +(steady at|draining to) [0-9]+%'
wait_screen " $used used +$free free +$free avail(able)? +([0-9.]+ new/s +)?$((100 * used / size))%( |$)"
wait_screen 'sockstat tw/dumped 500 / 500|sockstat tw / dumped TW +500 / 500'
wait_screen 'TW/s 0 '

# Enter drills into the first peer (focus starts on the top peers)
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2'
wait_screen '300 sockets, TIME_WAIT 300 \(server side 0, client side 300\)'
wait_screen '127\.0\.0\.1:[0-9]+ +127\.0\.0\.2:8080 +TIME_WAIT +[0-9.]+s'
keys Escape
wait_screen 'Top peers by TIME_WAIT'
wait_screen_gone 'Drill-down'

# Tab to the ports panel: its first row is the remote port 8080, the
# second our listening 8081
keys Tab Enter
wait_screen 'Drill-down: remote port :8080'
wait_screen 'TIME_WAIT 300 \(server side 0, client side 300\)'
keys Escape
wait_screen 'Top ports by TIME_WAIT'
keys Down Enter
wait_screen 'Drill-down: local port :8081'
wait_screen 'TIME_WAIT 200 \(server side 200, client side 0\)'
keys Escape
wait_screen 'Top ports by TIME_WAIT'

# help, and any key closes it
keys '?'
wait_screen 'twtop help: keys'
wait_screen 'drill down into the selected peer, port or process'
keys Escape
wait_screen_gone 'twtop help'

# resize to 50x14 (compact), too small, and back
tmux -L "$ui_id" resize-window -t main -x 50 -y 14 || fail "resize"
wait_screen '^ Top ports by TIME_WAIT'
wait_screen_gone 'TCP states'
tmux -L "$ui_id" resize-window -t main -x 20 -y 5 || fail "resize"
wait_screen 'too small'
tmux -L "$ui_id" resize-window -t main -x 100 -y 30 || fail "resize"
wait_screen 'TCP states \([0-9]+ sockets\)'
wait_screen '127\.0\.0\.2 +300 '

# pause, interval, theme keys answer in the status line
keys p
wait_screen 'PAUSED'
keys p +
wait_screen 'interval 2s'
wait_screen 'every 2s'
keys t
wait_screen 'theme [a-z-]+'

keys q
status=$(wait_exit)
[ "$status" = 0 ] || fail "q exited with status $status"

# Ctrl-C and SIGTERM end it too, with the terminal restored (128 + signal)
ui_start --netns "$ns"
wait_screen '^ TIME_WAIT +500 '
keys C-c
status=$(wait_exit)
[ "$status" = 130 ] || fail "Ctrl-C: status $status, want 130"
ui_start --netns "$ns"
wait_screen '^ TIME_WAIT +500 '
kill -TERM "$(twtop_pid)"
status=$(wait_exit)
[ "$status" = 143 ] || fail "SIGTERM: status $status, want 143"
echo "PASS: counts match ss ($want), drill-down, help, resize, q, signals"
