#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux, on a replayed snapshot (no root needed), at 80x24,
# 120x40, 150x50 and 200x60:
# - advisories: every advisory's first line shows, the selected one reads
#   whole by line (its middle and end appear), Down goes on to the next,
#   the wheel scrolls it, z gives it the screen (80x24: title line only);
#   the title counts by level the same way for one advisory or three;
# - trend: a scale, a time axis placed by the samples' own times (5 s
#   apart, then 1 s: a label under the sample of that age, not at
#   count x interval), the samples drawn in the title, markers on the
#   axis and the one older than the trend at its left end;
# - Tab goes through the panels in screen order (z names the focused one);
# - z and e zoom, Esc and z come back; a click focuses a panel;
# - the help box is closed at its four corners and lists every key.
# Exit 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

for tool in tmux python3; do
	command -v "$tool" >/dev/null || skip "$tool not installed"
done
[ -x "$twtop" ] || fail "$twtop not built"

# --- the replay file: a sample of this host with advisories, history and
# markers put in -------------------------------------------------------
"$twtop" --once --json >"$tmp/once.json" 2>"$tmp/stderr" ||
	fail "twtop --once --json"
python3 - "$tmp/once.json" "$tmp/snap.json" "$tmp/one.json" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
now = d["unix_time"]
filler = ("the quick brown fox jumps over the lazy dog while the "
          "kernel keeps every socket sixty seconds in TIME_WAIT ")

def text(tag):
    return (f"BEGIN{tag} " + filler * 3 + f"MIDDLE{tag} " + filler * 3 +
            f"END{tag}.")

d["advisories"] = [
    {"id": "tw-bucket-overflow", "level": "alarm",
     "evidence": {"overflow_per_s": 2.5, "tcp_max_tw_buckets": 262144},
     "text": text("ONE")},
    {"id": "port-group-pressure", "level": "warn",
     "evidence": {"used": 60}, "text": text("TWO")},
    {"id": "server-side-close", "level": "info",
     "evidence": {"time_wait": 500}, "text": text("THREE")},
]
# 100 samples 5 s apart, then 20 one second apart (the interval was
# changed with '-'): ages 519, 514, ..., 24, then 19, 18, ..., 0
ages = [19 + 5 * k for k in range(100, 0, -1)] + list(range(19, -1, -1))
d["history"] = [{"t": now - a, "time_wait": 1000 + (i * 37) % 4000,
                 "established": 0, "new_tw_per_s": 1.0}
                for i, a in enumerate(ages)]
marker = {"new_tw_per_s": None, "TcpExtTW": None, "TcpExtTWRecycled": None,
          "TcpExtTCPTimeWaitOverflow": None, "TcpActiveOpens": None,
          "TcpPassiveOpens": None, "time_wait": 1}
d["markers"] = [dict(marker, label="m1", t=now - 1000),
                dict(marker, label="m2", t=now - 10)]
d["phases"] = []
json.dump(d, open(sys.argv[2], "w"), indent=1)
d["advisories"] = d["advisories"][2:]
json.dump(d, open(sys.argv[3], "w"), indent=1)
PY
	fail "cannot write the replay files"

# Checks the trend's axis row on the screen: arguments are label=AGE
# pairs; each label must be centred under the sample AGE seconds old
# (ages counted in samples from the fixture above), "now" under the
# newest and the marker m2 under the sample 10 s old.
axis_check() {
	screen | python3 -c '
import sys
ages = [19 + 5 * k for k in range(100, 0, -1)] + list(range(19, -1, -1))
rows = sys.stdin.read().split("\n")
axis = [r for r in rows if "\u2514" in r and "now" in r]
if not axis:
    sys.exit("no axis row")
row = axis[0]
newest = row.index("now") + 2        # "now" ends under the newest sample
def col(age):                        # the column of the sample that age
    best = min(range(len(ages)), key=lambda i: abs(ages[i] - age))
    return newest - (len(ages) - 1 - best)
for pair in sys.argv[1:]:
    label, age = pair.split("=")
    want = col(float(age)) - len(label) // 2
    got = row.find(label)
    if got != want:
        sys.exit(f"{label} at column {got}, want {want}: {row!r}")
m2 = row.find("\u25b2m2")
if m2 != col(10):
    sys.exit(f"m2 at column {m2}, want {col(10)}: {row!r}")
if "\u25c2m1" not in row:
    sys.exit(f"no m1 (older than the trend) at the left end: {row!r}")
' "$@" || fail "trend axis: $*"
}

# The number of TIME_WAIT sparkline columns on the scale's 0 row.
spark_cols() {
	screen | python3 -c '
import re, sys
for r in sys.stdin.read().split("\n"):
    i = r.find("0\u2524")
    if i >= 0:
        m = re.match("[\u2581-\u2588]*", r[i + 2:])
        print(len(m.group(0)))
        break
'
}

# The panel whose title is on row 1 while zoomed (z), then back.
zoomed_title() {
	keys z
	wait_screen 'zoom: z or Esc back'
	screen | sed -n 2p | sed 's/^ //; s/ *$//'
	keys z
	wait_screen_gone 'zoom: z or Esc back'
}

start_size() {
	UI_COLS=$1 UI_ROWS=$2 ui_start --replay "$tmp/snap.json"
	wait_screen 'REPLAY snap\.json'
}

check_size() {
	local cols=$1 rows=$2 drawn=$3 i t
	shift 3
	tmux -L "$ui_id" kill-server 2>/dev/null
	start_size "$cols" "$rows"

	# the title counts the samples drawn, and that many are drawn
	wait_screen "TIME_WAIT trend \\($drawn of 120 samples"
	[ "$(spark_cols)" = "$drawn" ] ||
		fail "${cols}x$rows: $(spark_cols) sparkline columns, title says $drawn"
	wait_screen '[0-9]{4}┤'
	axis_check "$@"

	# Tab: screen order from the peers, all the way round
	for t in 'Top ports by TIME_WAIT' 'Who closes' 'TCP states' \
		'Advisories: 3' \
		'TIME_WAIT trend' 'Ephemeral ports' 'Kernel' \
		'Top peers by TIME_WAIT'; do
		keys Tab
		i=$(zoomed_title)
		case $i in
		"$t"*) ;;
		*) fail "${cols}x$rows: Tab focused '$i', want '$t'" ;;
		esac
	done
	# Shift-Tab goes back
	keys BTab
	i=$(zoomed_title)
	case $i in
	'Kernel'*) ;;
	*) fail "${cols}x$rows: Shift-Tab focused '$i', want Kernel" ;;
	esac
	keys Tab

	# the help box is closed: corners on its top and bottom lines
	keys '?'
	wait_screen '┌─ twtop help: keys \(top for TCP teardown\) ─+┐'
	wait_screen '└─+ theme [a-z-]+ ─┘'
	wait_screen 'z, e +zoom: the focused panel alone'
	wait_screen 'Esc, Backspace +back from the drill-down \(Left too\)'
	screen | python3 -c '
import sys
rows = sys.stdin.read().split("\n")
top = [r for r in rows if "twtop help" in r][0]
bot = [r for r in rows if "\u2518" in r][0]
l, r = top.index("\u250c"), top.index("\u2510")
assert bot.index("\u2514") == l and bot.index("\u2518") == r, (top, bot)
mid = rows[rows.index(top) + 1]
assert mid[l] == "\u2502" and mid[r] == "\u2502", mid
' || fail "${cols}x$rows: the help box is not closed"
	keys Escape
	wait_screen_gone 'twtop help'
}

# 80x24: 33 samples fit (38 columns less the scale's 5): the last 20 one
# second apart and 13 five seconds apart, 84 s: "-1m" stands under the
# sample 59 s old, 27 columns left of now (not 60: count x 1 s)
check_size 80 24 33 -30s=29 -1m=59
# the advisories are a title line here: counted by level (the last level
# gives way to the width); z reads them
wait_screen '^ Advisories: 3 \(1 alarm, 1 warn\) '
keys Tab Tab Tab Tab
keys z
wait_screen '^ Advisories: 3 \(1 alarm, 1 warn, 1 info\) *$'
wait_screen 'alarm  tw-bucket-overflow: BEGINONE'
wait_screen 'ENDONE\.'
wait_screen '^ warn   port-group-pressure: BEGINTWO .*…$'
wait_screen '^ info   server-side-close: BEGINTHREE .*…$'
keys Escape
wait_screen_gone 'ENDONE'

# 120x40: 53 samples; four lines for three advisories
check_size 120 40 53 -1m=59 -2m=119
wait_screen '^ alarm  tw-bucket-overflow: BEGINONE '
wait_screen '^ warn   port-group-pressure: BEGINTWO .*…  '
wait_screen '^ info   server-side-close: BEGINTHREE .*…  '
wait_screen '^      ↓ '
screen | grep -q 'MIDDLEONE' && fail "120x40: the whole first advisory fits?"
# Tab to the advisories; Down reads the first one line by line: its middle
# and its end appear, then Down goes on to the second
keys Tab Tab Tab Tab
for ((i = 0; i < 30; i++)); do
	screen | grep -q 'MIDDLEONE' && break
	keys Down
	sleep 0.1
done
wait_screen '^ alarm↑|^ alarm↕'
for ((i = 0; i < 30; i++)); do
	screen | grep -q 'ENDONE\.' && break
	keys Down
	sleep 0.1
done
wait_screen 'ENDONE\.'
wait_screen '^ warn   port-group-pressure: BEGINTWO .*…  '
keys Down
wait_screen '^ alarm  tw-bucket-overflow: BEGINONE .*…  '
wait_screen '^ warn   port-group-pressure: BEGINTWO [^…]*  '
# Enter shows the evidence of the selected one
keys Enter
wait_screen '^ +used = 60 '
# a click on the first advisory's line selects it, from its top; the
# wheel over it scrolls it (three lines a step)
row=$(screen_row 'tw-bucket-overflow: BEGINONE')
click "$row" 20
wait_screen '^ alarm  tw-bucket-overflow: BEGINONE [^…]*  '
wait_screen_gone 'ENDTWO'
wheel down "$row" 20
wait_screen '^ alarm↑'
wheel up "$row" 20
wait_screen '^ alarm  tw-bucket-overflow: BEGINONE'
# a click on the kernel panel focuses it
row=$(screen_row ' Kernel')
click "$((row + 1))" 100
[ "$(zoomed_title)" = Kernel ] || fail "a click did not focus the kernel panel"
# z and e: the focused panel alone, Esc or z back
keys Tab Tab Tab Tab Tab e
wait_screen 'zoom: z or Esc back'
wait_screen '^ Advisories: 3 '
wait_screen_gone 'TCP states'
wait_screen 'ENDTHREE|ENDONE'
keys Escape
wait_screen 'TCP states'

check_size 150 50 42 -1m=59
wait_screen '^ alarm  tw-bucket-overflow: BEGINONE '
wait_screen '^ info   server-side-close: BEGINTHREE .*…( |$)'
check_size 200 60 35 -30s=29 -1m=59
wait_screen '^ alarm  tw-bucket-overflow: BEGINONE '
wait_screen '^ info   server-side-close: BEGINTHREE .*…( |$)'
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

# one info advisory: counted the same way
tmux -L "$ui_id" kill-server 2>/dev/null
UI_COLS=120 UI_ROWS=40 ui_start --replay "$tmp/one.json"
wait_screen '^ Advisories: 1 \(1 info\) '
wait_screen '^ info   server-side-close: BEGINTHREE '
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
echo "PASS: advisories read whole, trend axes, Tab order, zoom, help box"
