#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux, from replay files (tests/fixtures/lists, made by
# gen.py there), the lists of the dashboard at 80x24, 120x40, 150x50 and
# 200x60 (issue 11): long IPv6 addresses that differ only at the end
# stay apart (elided in the middle, whole where the screen has room);
# the forecast shows at every width, "draining" where the old words said
# "steady at 0 %" beside 53 % used; ephemeral and clients' ports fold
# into one row each; counts of 10^9 and a sockstat pair of 995584 show
# whole or compact, never cut; an unfocused list follows the worst group
# from one record to the next; F6 and I (or a click on a heading) sort a
# list, marked in its
# heading; the server/client split shows at 80x24; ASCII cuts with '~'.
# Needs tmux only (no namespace).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

command -v tmux >/dev/null || skip "tmux not installed"
[ -x "$twtop" ] || fail "$twtop not built"
fx=$here/fixtures/lists
V6=fd00:1111:2222:3333:4444:5555:6666

# Starts a replay of $1 at $2 columns and $3 rows.
replay() {
	UI_COLS=$2 UI_ROWS=$3 ui_start --replay "$fx/$1"
	[ "$2" -lt 80 ] || wait_screen "REPLAY $1"
}

quit() {
	keys q
	[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
}

# The screen lines between a panel's title $1 and the next blank-led
# line of that column are hard to cut out of two columns; these helpers
# look at whole screen lines instead.
line_of() {
	screen | grep -E -m1 -- "$1"
}

# --- long IPv6 groups at every size ----------------------------------------
for size in 80x24 120x40 150x50 200x60; do
	replay ipv6.json "${size%x*}" "${size#*x}"
	# peers: each address keeps its distinguishing tail, on its own row
	for t in 7771 7772 7773 7774; do
		wait_screen "^ fd00[^ ]*6666:$t +[0-9]+ "
	done
	# nothing cut at the first difference as before
	screen | grep -q 'fd00:1111:2222:3333:4444: ' &&
		fail "$size: an address cut where the addresses differ"
	# the forecast of the worst group at every width, abbreviated at
	# most to "full 14s"; "draining" where it settles below its use
	wait_screen "7771\\]:8444 .*(full in 14s|full 14s)"
	# (at 80x24 one group has the room)
	[ "$size" = 80x24 ] ||
		wait_screen "7772\\]:8444 .*(draining to 0%|draining)( |$)"
	screen | grep -q 'steady at 0 %' && fail "$size: steady at 0 % shown"
	# the ephemeral local ports and the clients' ports fold
	wait_screen '(ephemeral 32768-60999: 15000 ports|ephemeral: 15000 ports)'
	wait_screen "clients' ports"
	screen | grep -Eq ':(40001|40003|51234|38000) ' &&
		fail "$size: an ephemeral port listed"
	quit
done

# at 200x60 the peers' addresses have the room: whole
replay ipv6.json 200 60
for t in 7771 7772 7773 7774; do
	wait_screen "^ $V6:$t +[0-9]+ "
done
quit

# at 80x24: the server/client split on the default screen, shares and
# the forecast in one style ("5%", no "5 %")
replay ipv6.json 80 24
wait_screen '^ TIME_WAIT server 1234, client 32000 '
screen | grep -Eq '[0-9] %' && fail "a share written '5 %' at 80x24"
wait_screen '^ TIME_WAIT +33234 +99% '
quit

# 120x40: one rounding for shares, down as the advisories round (::1
# holds 1234 of 33234 TIME_WAIT, 3.7%: "3%" in both lists, never "4%");
# services by name, where /etc/services has them
replay ipv6.json 120 40
wait_screen '^ ::1 +1234 +21 +3% '
wait_screen "clients' ports \\(inbound\\) +1234 +21 +3% "
if getent services 443/tcp >/dev/null 2>&1; then
	name=$(getent services 443/tcp | awk '{ print $1 }')
	wait_screen ":443 +$name +remote "
fi
quit

# --- counts of 10^9, sockstat 995584: whole or compact, never cut -----------
replay big.json 80 24
wait_screen '^ 10\.0\.0\.2 +1\.2G +503 '
wait_screen 'sockstat tw/dumped 995584 / 995584'
wait_screen ':8081 +local +client +5254 +1( |$)'
wait_screen '10\.0\.0\.1.10\.0\.0\.2:8080 +full in 3s'
screen | grep -Eq '[0-9]…|99558( |$)|/ 99( |$)|1234567( |$)' &&
	fail "a count cut at 80x24"
quit
# 30x8: the compact layout, one panel at a time (Tab)
replay big.json 30 8
wait_screen '^ 10\.0\.0\.2 +1\.2G'
for ((i = 0; i < 8; i++)); do
	screen | grep -q '^ Top ports' && break
	keys Tab
	sleep 0.3
done
wait_screen ':8081 +local +5254( |$)'
screen | grep -Eq ' 52( |$)|525( |$)' && fail "5254 cut at 30x8"
tmux -L "$ui_id" resize-window -t main -x 30 -y 14 || fail "resize"
for ((i = 0; i < 8; i++)); do
	screen | grep -q '^ Kernel' && break
	keys Tab
	sleep 0.3
done
wait_screen 'sockstat tw/dumped (996k/996k|996k / 996k)'
screen | grep -Eq '995584 / 9|99558…' && fail "995584 cut at 30x14"
quit

# --- two records: the fullest group changes; the unfocused list follows ----
replay worst.jsonl 80 24
wait_screen '127\.0\.0\.1.127\.0\.0\.20:8080 +draining'
keys Right
wait_screen '\[2/2\]'
wait_screen '127\.0\.0\.1.127\.0\.0\.21:8080 +(steady at 91%|steady 91%)'
screen | grep -q '127\.0\.0\.20:8080' &&
	fail "the ephemeral panel kept the idle group"
keys Left
wait_screen '127\.0\.0\.1.127\.0\.0\.20:8080 +draining'
quit

# --- sorting: F6 the next column, I the other way, marked in the heading ----
replay ipv6.json 120 40
# focus starts on the peers, by TIME_WAIT (marked)
wait_screen '^ peer +▼TIME_WAIT +new/s'
first_peer() {
	screen | awk '/^ peer/ { getline; print $1; exit }'
}
[[ "$(first_peer)" == *7772 ]] || fail "first peer $(first_peer), want 7772"
keys F6
wait_screen '^ peer +TIME_WAIT +▼new/s'
wait_screen 'sorted by new/s, descending'
wait_screen 'Top peers by TIME_WAIT \(sorted by new/s▼\)'
[[ "$(first_peer)" == *7771 ]] || fail "by new/s: $(first_peer), want 7771"
keys I
wait_screen '^ peer +TIME_WAIT +▲new/s'
[[ "$(first_peer)" == *7772 ]] || fail "by new/s up: $(first_peer)"
keys I F6 F6 F6
wait_screen '^ peer▲ +TIME_WAIT'
[ "$(first_peer)" = ::1 ] || fail "by address: $(first_peer), want ::1"
# a click on a column's heading sorts by it; again inverts (htop)
hy=$(screen_row '^ peer. +TIME_WAIT')
hx=$(screen | sed -n "$((hy + 1))p" | awk '{ print index($0, "new/s") }')
[ -n "$hy" ] && [ "$hx" -gt 0 ] || fail "no peers heading to click"
click "$hy" "$((hx + 1))"
wait_screen '^ peer +TIME_WAIT +▼new/s'
wait_screen 'sorted by new/s, descending'
[[ "$(first_peer)" == *7771 ]] || fail "click new/s: $(first_peer), want 7771"
click "$hy" "$((hx + 1))"
wait_screen '^ peer +TIME_WAIT +▲new/s'
quit

# --- ASCII: a cut ends in '~', the arrow is '->' --------------------------------
# (again after a moment: the tmux server of the last session may still be
# exiting, "server exited unexpectedly")
for try in 1 2 3; do
	tmux -L "$ui_id" -f /dev/null new-session -d -s main -x 80 -y 24 \
		env TERM=xterm-256color LANG=C LC_ALL=C "$twtop" --replay \
		"$fx/ipv6.json" && break
	[ "$try" = 3 ] && fail "tmux new-session (ASCII)"
	sleep 0.5
done
wait_screen '^ fd00~[^ ]*6666:7772 +15000 '
wait_screen '~[^ ]*->\[fd[^ ]*7771\]:8444'
keys q
echo "PASS: lists from replays at 80x24 to 200x60: IPv6 tails, forecasts, folded ports, whole counts, the worst group followed, sorting, ASCII"
