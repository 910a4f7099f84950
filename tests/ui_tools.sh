#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux at 120x40: the drill-down equals ss and keeps the
# selection, the '/' filter prompt (apply, bad expression, clear), 'm'
# markers saved with their phases by 's', and the advisories panel
# showing the advice the namespace's tcp_fin_timeout=30 calls for.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require python3
ui_netns
# fin_timeout changed as if it shortened TIME_WAIT: fin-timeout-not-tw
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_fin_timeout=30
ui_load
mkdir "$tmp/snaps"
ui_start --netns "$ns" --snapshot-dir "$tmp/snaps"
tmux -L "$ui_id" resize-window -t main -x 120 -y 40 || fail "resize"
wait_screen '^ TIME_WAIT +500 '
wait_screen '127\.0\.0\.2 +300 '

# the advisories panel sits under the states and names the advice
wait_screen ' Advisories: [1-9][0-9]* '
wait_screen 'info +fin-timeout-not-tw: '

# drill-down on the first peer: its TIME_WAIT equals ss's for that peer
want=$(ip netns exec "$ns" ss -tanH state time-wait dst 127.0.0.2 | wc -l)
[ "$want" = 300 ] || fail "ss: $want TIME_WAIT to 127.0.0.2, want 300"
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2 '
wait_screen "[0-9]+ sockets, TIME_WAIT $want \\("
keys Escape
wait_screen 'Top peers by TIME_WAIT'
# Esc kept the selection: Enter opens the same peer; the second peer
# too, so the first is not merely the default
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2 '
keys Escape Down Enter
want=$(ip netns exec "$ns" ss -tanH state time-wait dst 127.0.0.1 | wc -l)
wait_screen 'Drill-down: peer 127\.0\.0\.1 '
wait_screen "[0-9]+ sockets, TIME_WAIT $want \\("
keys Escape
wait_screen 'Top peers by TIME_WAIT'
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.1 '
keys Escape
wait_screen 'Top peers by TIME_WAIT'

# '/' filter: the header shows it, TIME_WAIT equals ss with the filter
want=$(ip netns exec "$ns" ss -tanH state time-wait dport = :8080 | wc -l)
[ "$want" = 300 ] || fail "ss: $want TIME_WAIT to :8080, want 300"
keys /
wait_screen '^filter \(Enter: apply'
keys -l 'dport = :8080'
keys Enter
wait_screen '^ twtop .* filter: dport = :8080 *$'
wait_screen "^ TIME_WAIT +$want "
got=$(screen_tw)
[ "$got" = "$want" ] || fail "filtered: screen TIME_WAIT $got, ss $want"
# the prompt opens with the filter in it; a bad expression is refused
# with its position and the old filter stays
keys /
wait_screen '^filter \(Enter: apply.*: dport = :8080'
keys -l ' and'
keys Enter
wait_screen 'filter: position 18: expected src, dst, sport, dport, state'
wait_screen '^ twtop .* filter: dport = :8080 *$'
[ "$(screen_tw)" = "$want" ] || fail "bad filter changed the count"
# an empty line clears it; Esc cancels without a change
keys / C-u Enter
wait_screen 'filter cleared'
wait_screen '^ TIME_WAIT +500 '
wait_screen_gone 'filter: dport'
keys / -l 'sport = :1'
keys Escape
wait_screen_gone '^filter \(Enter'
sleep 1.5
[ "$(screen_tw)" = 500 ] || fail "Esc applied the filter"

# markers: m twice, s saves them with the phases between
keys m
wait_screen 'marker m1 at [0-9]{2}:[0-9]{2}:[0-9]{2} \(TIME_WAIT 500\)'
sleep 1.2
keys m
wait_screen 'marker m2 at [0-9]{2}:[0-9]{2}:[0-9]{2}'
wait_screen 'markers m1-m2'
# a pointer on the trend's time axis at each marker's sample (m1's name
# gives way when m2 is too close)
wait_screen '▲(m1)? {0,2}▲m2'
tmux -L "$ui_id" capture-pane -p -t main >"$tmp/screen-120x40.txt"
[ -n "${TWTOP_UI_SCREEN:-}" ] && cp "$tmp/screen-120x40.txt" "$TWTOP_UI_SCREEN"
keys s
wait_screen "snapshot saved to $tmp/snaps/"
files=("$tmp"/snaps/twtop-*.json)
[ -f "${files[0]}" ] || fail "no snapshot file"
cat >"$tmp/check.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m, p = d["markers"], d["phases"]
assert [x["label"] for x in m] == ["m1", "m2"], m
assert all(x["time_wait"] == 500 for x in m), m
assert m[1]["t"] > m[0]["t"], m
for x in m:
    for k in ("TcpExtTW", "TcpExtTWRecycled", "TcpExtTCPTimeWaitOverflow",
              "TcpActiveOpens", "TcpPassiveOpens"):
        assert isinstance(x[k], int), (k, x)
assert [(x["from"], x["to"]) for x in p] == [("m1", "m2"), ("m2", "now")], p
assert abs(p[0]["seconds"] - (m[1]["t"] - m[0]["t"])) < 1e-6, p[0]
assert p[0]["TcpExtTW"] == m[1]["TcpExtTW"] - m[0]["TcpExtTW"], p[0]
assert p[0]["time_wait_change"] == 0 and p[0]["TcpActiveOpens"] == 0, p[0]
assert p[1]["seconds"] >= 0, p[1]
ids = [a["id"] for a in d["advisories"]]
assert "fin-timeout-not-tw" in ids, ids
print(ids.index("fin-timeout-not-tw"))
PY
idx=$(python3 "$tmp/check.py" "${files[0]}") || fail "markers in the snapshot"

# Tab reaches the advisories in screen order (peers, ports, states,
# advisories); a click selects one by its first line, Enter shows its
# evidence
keys Tab Tab Tab
row=$(screen_row ' fin-timeout-not-tw: ')
[ -n "$row" ] || fail "fin-timeout-not-tw shows no first line"
click "$row" 10
keys Enter
wait_screen 'tcp_fin_timeout = 30|fin_timeout = 30'

# at 80x24 the advisories keep a summary line under the states (and
# the server/client split: a state without a count gives way to it)
tmux -L "$ui_id" resize-window -t main -x 80 -y 24 || fail "resize"
wait_screen '^ LAST_ACK +0 '
wait_screen '^ TIME_WAIT server 200, client 300( |$)'
wait_screen '^ Advisories: 1 +'
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q exited with status $st"
echo "PASS: drill-down = ss, filter prompt, markers + phases, advisories"
