#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux at 120x45: the drill-down on a peer and on a remote
# port equals ss (sockets, TIME_WAIT, destination groups with their use
# and headroom), shows the new TIME_WAIT rate and the kernel filter that
# fetched exactly the focus's sockets among others, scrolls its socket
# list, and Esc comes back with the selection kept.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require
ui_netns
nsx() { ip netns exec "$ns" "$@"; }
count() { nsx ss -tanH "$@" | wc -l; }

# 1200 client-closed connections to 127.0.0.4:9090 (the noise the kernel
# filter leaves out), 300 to 127.0.0.2 over :8080 and :8081 (two groups),
# then one more to :8082 with 4 held ESTABLISHED (a third group).
nsx "$twload" -q -c 1200 --dst 127.0.0.4 --ports 9090 >/dev/null ||
	fail "twload to 127.0.0.4"
nsx "$twload" -q -c 300 --dst 127.0.0.2 --ports 8080,8081 >/dev/null ||
	fail "twload to 127.0.0.2"
mkfifo "$tmp/ready"
nsx "$twload" -q -c 1 --dst 127.0.0.2 --ports 8082 --hold 4 \
	--linger-after 120 --ready-fd 3 3>"$tmp/ready" >/dev/null &
ui_pids+=($!)
read -r -t 30 line <"$tmp/ready" || fail "twload did not get ready"

# ground truth, taken once: TIME_WAIT lasts 60 s, the test ~20 s
peer_all=$(count dst 127.0.0.2)
peer_tw=$(count state time-wait dst 127.0.0.2)
[ "$peer_tw" = 301 ] || fail "ss: $peer_tw TIME_WAIT to 127.0.0.2, want 301"
[ "$peer_all" = 305 ] || fail "ss: $peer_all sockets to 127.0.0.2, want 305"
port_all=$(count dport = :9090)
[ "$port_all" = 1200 ] || fail "ss: $port_all sockets to :9090, want 1200"
range=$(nsx cat /proc/sys/net/ipv4/ip_local_port_range)
size=$(( ${range#*[[:space:]]} - ${range%%[[:space:]]*} + 1 ))

ui_start --netns "$ns"
tmux -L "$ui_id" resize-window -t main -x 120 -y 45 || fail "resize"
wait_screen '127\.0\.0\.4 +1200 '
wait_screen '127\.0\.0\.2 +301 '

# the second peer: 127.0.0.2
keys Down Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2 '
wait_screen "^ $peer_all sockets, TIME_WAIT $peer_tw \\(server side 0, client side $peer_tw\\)"
wait_screen "new TIME_WAIT [0-9.]+/s.* from TIME_WAIT ages .*kernel filter 'dst 127\\.0\\.0\\.2' fetched $peer_all\$"
wait_screen 'destination groups \(3\) +used +free +reusable +available +full +forecast'
for p in 8080 8081 8082; do
	used=$(count dst "127.0.0.2:$p")
	# tcp_tw_reuse=0: nothing reusable ("-"), available == free
	wait_screen "^ +127\\.0\\.0\\.1.127\\.0\\.0\\.2:$p +$used +$((size - used)) +- +$((size - used)) +[0-9]+% +(steady at|draining to) [0-9]+%"
done
wait_screen "sockets \\($peer_all of $peer_all\\)"
wait_screen '^ ESTABLISHED +4 '

# the socket list scrolls: its first row changes with PgDn and back
first_row() {
	screen | awk 'p { print; exit } /sockets \([0-9]+ of/ { p = 1 }'
}
row0=$(first_row)
[ -n "$row0" ] || fail "no socket rows"
keys NPage
for ((i = 0; i < 50; i++)); do
	[ "$(first_row)" != "$row0" ] && break
	sleep 0.1
done
[ "$(first_row)" != "$row0" ] || fail "PgDn did not scroll the socket list"
keys Home

# Esc comes back; Enter opens the same peer, so the selection was kept
keys Escape
wait_screen 'Top peers by TIME_WAIT'
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2 '
keys Escape
wait_screen 'Top peers by TIME_WAIT'

# a remote port: its one group, fetched by 'dport = :9090'
keys Tab Enter
wait_screen 'Drill-down: remote port :9090 '
wait_screen "^ $port_all sockets, TIME_WAIT $port_all "
wait_screen "kernel filter 'dport = :9090' fetched $port_all\$"
wait_screen 'destination groups \(1\)'
wait_screen "127\\.0\\.0\\.1.127\\.0\\.0\\.4:9090 +$port_all +$((size - port_all)) +- +$((size - port_all)) "
wait_screen "sockets \\($port_all of $port_all\\)"
keys Escape
wait_screen 'Top ports by TIME_WAIT'
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q exited with status $st"
echo "PASS: peer and port drill-down = ss (sockets, groups, kernel filter)"
