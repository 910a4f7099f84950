#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux on a namespace with the known twload mix, at 80x24,
# 120x40, 150x50 and 200x60: a click selects a peer (Enter drills into
# that one), the wheel scrolls the drill-down's socket list, Backspace
# and Left leave it as the help and man page say; z shows every
# ephemeral group at 80x24; markers stay on the trend after 'r', named
# at the left end of its axis. Exit 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require
ui_netns
ui_load

# The first socket line of the drill-down's list.
first_sock() {
	screen | grep -E -m 1 '127\.0\.0\.1:[0-9]+ +127\.0\.0\.2:8080 +TIME_WAIT'
}

for size in 80x24 120x40 150x50 200x60; do
	tmux -L "$ui_id" kill-server 2>/dev/null
	UI_COLS=${size%x*} UI_ROWS=${size#*x} ui_start --netns "$ns"
	wait_screen '^ 127\.0\.0\.2 +300 '
	wait_screen '^ 127\.0\.0\.1 +200 '

	# a click on the second peer selects it: Enter drills into it
	row=$(screen_row '^ 127\.0\.0\.1 +200 ')
	click "$row" 3
	keys Enter
	wait_screen 'Drill-down: peer 127\.0\.0\.1 '
	wait_screen '200 sockets|205 sockets|210 sockets'
	keys BSpace
	wait_screen 'Top peers by TIME_WAIT'
	# the selection stayed on the peer clicked
	keys Enter
	wait_screen 'Drill-down: peer 127\.0\.0\.1 '
	keys Left
	wait_screen 'Top peers by TIME_WAIT'
	wait_screen_gone 'Drill-down'

	# the wheel scrolls the socket list of the first peer (paused, so
	# the list holds still): three lines a step, and back
	click "$(screen_row '^ 127\.0\.0\.2 +300 ')" 3
	keys Enter
	wait_screen 'Drill-down: peer 127\.0\.0\.2 '
	keys p
	wait_screen 'PAUSED|p Resume'
	first_sock >/dev/null || wait_screen '127\.0\.0\.2:8080 +TIME_WAIT'
	sleep 0.5
	before=$(first_sock)
	row=$(screen_row '127\.0\.0\.1:[0-9]+ +127\.0\.0\.2:8080 +TIME_WAIT')
	wheel down "$row" 10
	for ((i = 0; i < 30; i++)); do
		[ "$(first_sock)" != "$before" ] && break
		sleep 0.1
	done
	[ "$(first_sock)" != "$before" ] || fail "$size: the wheel did not scroll"
	wheel up "$row" 10
	for ((i = 0; i < 30; i++)); do
		[ "$(first_sock)" = "$before" ] && break
		sleep 0.1
	done
	[ "$(first_sock)" = "$before" ] || fail "$size: the wheel did not scroll back"
	keys p Escape
	wait_screen 'Top peers by TIME_WAIT'

	# a marker shows on the trend's axis; 'r' empties the trend and the
	# marker, older than it now, is named at the axis's left end
	keys m
	wait_screen 'marker m1 at'
	wait_screen '▲m1'
	keys r
	wait_screen 'trend reset'
	wait_screen '└◂m1 '
	wait_screen_gone '▲m1'
	if [ "$size" = 80x24 ]; then
		# the ephemeral panel has room for one group; zoomed, both
		for ((i = 0; i < 6; i++)); do keys Tab; done
		keys z
		wait_screen '^ Ephemeral ports'
		wait_screen '127\.0\.0\.1.127\.0\.0\.2:8080'
		wait_screen '127\.0\.0\.1.127\.0\.0\.1:8081'
		wait_screen_gone 'TCP states'
		keys z
		wait_screen 'TCP states'
	fi
	keys q
	[ "$(wait_exit)" = 0 ] || fail "$size: q did not exit 0"
	echo "ok: $size: click, wheel, Backspace/Left, markers after r"
done
echo "PASS: mouse, drill-down keys, markers after r, zoom at 80x24"
