#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux on a live load in a namespace (issue 11): at 80x24
# the server/client split shows and the ports panel folds the ephemeral
# ports and the clients' ports into a row each (no ":40000 local client
# 1" noise, no client port called "remote client"); an unfocused list
# shows its rows from the top again; sorting is a view, so Enter drills
# into the row shown; the drill-down's socket list brackets IPv6
# ([::1]:8444); --top cuts the dashboard's lists; the selected row's bar
# keeps the highlight behind it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require python3
ui_netns
nsx() { ip netns exec "$ns" "$@"; }

# ui_load's mix (300 client-closed to 127.0.0.2:8080, 200 server-closed
# on 127.0.0.1:8081, 5 held), 100 more to 127.0.0.3:8080 and 60 over
# IPv6 to [::1]:8444: four destination groups
nsx "$twload" -q -c 100 --dst 127.0.0.3 --ports 8080 >/dev/null ||
	fail "twload to 127.0.0.3"
nsx "$twload" -q -6 -c 60 --ports 8444 >/dev/null || fail "twload -6"
ui_load
tw=$(ss_tw)
[ "$tw" = 660 ] || fail "ss counts $tw TIME_WAIT, the loads make 660"
# the local ports in the ephemeral range, as ss lists them
read -r lo hi < <(nsx cat /proc/sys/net/ipv4/ip_local_port_range)
eph=$(nsx ss -Htan | awk -v lo="$lo" -v hi="$hi" '{
	n = split($4, a, ":"); p = a[n] + 0
	if ($1 != "LISTEN" && p >= lo && p <= hi) seen[p] = 1 }
	END { print length(seen) }')

# --- 80x24: who closes first, the ports without noise ------------------------
UI_COLS=80 UI_ROWS=24 ui_start --netns "$ns"
wait_screen '^ TIME_WAIT +660 '
wait_screen '^ TIME_WAIT server 200, client 460( |$)'
wait_screen ':8081 +local +server +200 '
wait_screen ":8080 +remote +400 "
wait_screen "ephemeral: $eph ports +460 "
wait_screen "clients' ports \\(inbound\\) +200 "
screen | grep -Eq ':(3[2-9]|[4-5][0-9]|60)[0-9]{3} ' &&
	fail "an ephemeral port has a row of its own"
screen | grep -q 'remote client' && fail "a remote port said 'client'"

# --- an unfocused list from the top -------------------------------------------
# focus the ephemeral groups (the compact layout shows the focused panel
# alone, whatever the Tab order), select the second group, come back
tmux -L "$ui_id" resize-window -t main -x 60 -y 20 || fail "resize"
for ((i = 0; i < 10; i++)); do
	screen | grep -q '^ Ephemeral ports' && break
	keys Tab
	sleep 0.3
done
wait_screen '^ Ephemeral ports'
keys Down
tmux -L "$ui_id" resize-window -t main -x 80 -y 24 || fail "resize"
wait_screen '127\.0\.0\.1.127\.0\.0\.3:8080 '
screen | grep -q '127\.0\.0\.2:8080 ' && fail "the selected group is not shown"
keys Tab
wait_screen '127\.0\.0\.1.127\.0\.0\.2:8080 '
screen | grep -q '127\.0\.0\.3:8080 ' &&
	fail "an unfocused panel kept the second group"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

# --- 120x40: names, sorting as a view, IPv6 in brackets -----------------------
UI_COLS=120 UI_ROWS=40 ui_start --netns "$ns"
wait_screen '^ 127\.0\.0\.2 +300 '
if getent services 8080/tcp >/dev/null 2>&1; then
	name=$(getent services 8080/tcp | awk '{ print $1 }')
	wait_screen ":8080 +$name +remote +400 "
fi
wait_screen "ephemeral( $lo-$hi)?: $eph ports +460 "
# the selected row's bar on the highlight's background (cyan in the
# default theme's "selected = black cyan")
bar_bg() {
	tmux -L "$ui_id" capture-pane -e -p -t main | python3 -c '
import re, sys
for line in sys.stdin:
    if " 127.0.0.2 " not in line:
        continue
    bg = None
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([\u2580-\u259f])", line):
        if m.group(2):
            print(bg)
            sys.exit()
        codes = m.group(1).split(";") if m.group(1) else ["0"]
        for c in codes:
            if c in ("0", "49"):
                bg = None
            elif c.startswith("4") and len(c) == 2:
                bg = c
    print("no bar")
'
}
got=$(bar_bg)
[ "$got" = 46 ] || fail "the selected row's bar has background '$got', want 46"
# by address, ascending: 127.0.0.1 first; Enter drills into it, not
# into the peer with the most TIME_WAIT
keys '<'
wait_screen '^ peer▲ '
wait_screen 'sorted by peer, ascending'
keys Up Up Up Up Enter
wait_screen 'Drill-down: peer 127\.0\.0\.1 '
keys Escape
wait_screen '^ peer▲ '
keys Down Down Down Down Enter
wait_screen 'Drill-down: peer ::1 '
wait_screen '^ \[::1\]:[0-9]+ +\[::1\]:8444 +TIME_WAIT '
keys Escape
wait_screen '^ peer▲ '
# the groups' new TIME_WAIT per second
wait_screen ' 300 used +[0-9]+ free +[0-9]+ avail +[0-9.]+ new/s '
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

# --- --top applies to the dashboard ------------------------------------------
UI_COLS=120 UI_ROWS=40 ui_start --netns "$ns" --top 1
wait_screen 'Top peers by TIME_WAIT \(1 of 4\)'
wait_screen '^ 127\.0\.0\.2 +300 '
screen | grep -Eq '^ (127\.0\.0\.1|127\.0\.0\.3|::1) +[0-9]+ ' &&
	fail "--top 1 shows a second peer"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
echo "PASS: live lists: split at 80x24, folded ports, unfocused from the top, sorted Enter, [::1]:8444, --top, the selected bar"
