#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux: --replay opens a --batch --json stream (JSON Lines)
# and a snapshot saved with 's', marked REPLAY, showing the file's numbers;
# Right and '>' step through the records; read-only keys say so; 's'
# saves a copy identical to the file; a bad file exits 2 with
# file:line:column before the terminal is touched. The stream part needs
# no root (it loads the host's loopback then); the 's' part needs a
# namespace, so root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

for tool in tmux python3; do
	command -v "$tool" >/dev/null || skip "$tool not installed"
done
[ -x "$twtop" ] || fail "$twtop not built"
[ -x "$twload" ] || fail "$twload not built"
root=0
[ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && root=1

# Prints what the screen must show for record k (1-based) of a file, one
# value per line: TIME_WAIT, ESTABLISHED, sockets, the first peer's
# address and TIME_WAIT, the local time, the number of records.
expect() {
	python3 - "$1" "$2" <<'PY'
import json, sys, time
text = open(sys.argv[1]).read()
dec, recs, i = json.JSONDecoder(), [], 0
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i == len(text):
        break
    d, i = dec.raw_decode(text, i)
    recs.append(d)
d = recs[int(sys.argv[2]) - 1]
p = d["top_peers"][0] if d["top_peers"] else {"addr": "-", "time_wait": 0}
print(d["states"]["TIME_WAIT"], d["states"]["ESTABLISHED"], d["sockets"],
      p["addr"], p["time_wait"],
      time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(d["unix_time"])),
      len(recs), sep="\n")
PY
}

# Asserts the screen shows record k of file $1 (basename $2).
check_record() {
	local file=$1 name=$2 k=$3 v
	mapfile -t v < <(expect "$file" "$k")
	[ "${#v[@]}" = 7 ] || fail "cannot read record $k of $file"
	wait_screen "^ twtop  REPLAY ${name//./\\.}  ${v[5]} .*\\[$k/${v[6]}\\]"
	wait_screen "^ TIME_WAIT +${v[0]} "
	wait_screen "^ ESTABLISHED +${v[1]} "
	wait_screen "TCP states \\(${v[2]} sockets\\)"
	[ "${v[3]}" = - ] ||
		wait_screen "^ ${v[3]//./\\.} +${v[4]} +[-0-9.]+ +[0-9]+%"
}

# --- a JSON Lines stream, with TIME_WAIT growing between samples ---------
inns=()
if [ "$root" = 1 ]; then
	ui_netns
	inns=(ip netns exec "$ns")
fi
port=$((20000 + $$ % 20000))
"${inns[@]}" "$twload" -q -c 3000 -r 150 --duration 10 --dst 127.0.0.1 \
	--ports "$port" >/dev/null 2>&1 &
ui_pids+=($!)
sleep 0.5
"${inns[@]}" "$twtop" --batch --json -n 3 -d 0.3 >"$tmp/b.jsonl" ||
	fail "twtop --batch --json"
kill "${ui_pids[0]}" 2>/dev/null
[ "$(wc -l <"$tmp/b.jsonl")" = 3 ] || fail "want 3 lines: $(cat "$tmp/b.jsonl")"
tw1=$(expect "$tmp/b.jsonl" 1 | sed -n 1p)
tw2=$(expect "$tmp/b.jsonl" 2 | sed -n 1p)
[ "$tw1" != "$tw2" ] || fail "records 1 and 2 both count $tw1 TIME_WAIT"

ui_start --replay "$tmp/b.jsonl"
check_record "$tmp/b.jsonl" b.jsonl 1
# the trend of a stream is its records so far
wait_screen 'TIME_WAIT trend \(1 samples'
keys Right
check_record "$tmp/b.jsonl" b.jsonl 2
wait_screen 'TIME_WAIT trend \(2 samples'
keys '>'
check_record "$tmp/b.jsonl" b.jsonl 3
keys Right
wait_screen 'replay: the last record'
keys '<'
check_record "$tmp/b.jsonl" b.jsonl 1
keys Left
wait_screen 'replay: the first record'
for k in p + / m r; do
	keys Escape
	wait_screen_gone '^replay: '
	keys "$k"
	wait_screen '^replay: read only'
done
wait_screen_gone 'filter \(Enter'
wait_screen_gone 'PAUSED'
keys '?'
wait_screen 'replay: the previous, next record'
keys Escape
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q exited with status $st"

# a stream cut inside its last record opens with a warning
head -c "$(( $(head -n 2 "$tmp/b.jsonl" | wc -c) + 50 ))" "$tmp/b.jsonl" \
	>"$tmp/cut.jsonl"
ui_start --replay "$tmp/cut.jsonl"
wait_screen "cut\\.jsonl:3: the last record is cut short; showing the 2"
wait_screen '\[1/2\]'
keys q
[ "$(wait_exit)" = 0 ] || fail "cut stream: q did not exit 0"

# --- text from the file made printable, 10M-scale counts never cut -------
# (issue 10, items 1 and 8) a record whose host, filter and marker label
# carry a bidi override, zero-width characters and ESC, and whose counts
# run to 4294967295
python3 - "$here/fixtures/replay/format1.json" "$tmp/h.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
big = 4294967295
d["host"] = "\u202e\x1b[2J"
d["kernel"] = "6"
d["filter"] = "x\u202e\u200by"
d["markers"] = [{"label": "m1\u202elabel\x1b]0;PWNED\x07",
                 "t": d["unix_time"], "time_wait": 1,
                 "new_tw_per_s": None}]
d["sockets"] = big
d["states"]["TIME_WAIT"] = big
d["states"]["ESTABLISHED"] = 12345678
d["time_wait"]["total"] = big
d["sockstat"]["tw"] = 995584
d["top_peers"][0].update(time_wait=big, total=big,
                         states={"TIME_WAIT": big, "ESTABLISHED": big})
d["top_local_ports"][0].update(time_wait=big, total=big)
d["ephemeral"]["groups"][0].update(used=12345678, time_wait=12345678)
open(sys.argv[2], "w").write(json.dumps(d))
PY
ui_start --replay "$tmp/h.json"
wait_screen 'REPLAY h\.json .* \\u202e\\x1b\[2J  \['
wait_screen 'filter: x\\u202e\\u200by'
wait_screen 'markers m1-m1'
wait_screen '^ 127\.0\.0\.2 +4\.3G +- +100% +4\.3G '
screen | grep -q $'\xe2\x80\xae\|\xe2\x80\x8b\|\xe2\x81\xa6' &&
	fail "a bidi or zero-width character reached the screen"
keys q
[ "$(wait_exit)" = 0 ] || fail "h.json: q did not exit 0"
UI_COLS=80 UI_ROWS=24 ui_start --replay "$tmp/h.json"
wait_screen 'TCP states \(4\.3G sockets\)'
wait_screen '^ ESTABLISHED +12\.3M +0% '
wait_screen '^ TIME_WAIT +4\.3G +100% '
wait_screen 'now 4\.3G +min 4\.3G +max 4\.3G'
wait_screen '^ 127\.0\.0\.2 +4\.3G +- '
wait_screen ':8081 +local +client +4\.3G +-$'
wait_screen 'sockstat tw/dumped 995584 / 4294967295$'
wait_screen '12\.3M used'
screen | grep -q '4295\|429496729[0-4]' &&
	fail "a count is cut at 80x24"
keys q
[ "$(wait_exit)" = 0 ] || fail "h.json at 80x24: q did not exit 0"
# tall: the Kernel panel one item a line, its value column as wide as
# the widest value needs: both counts exact
UI_COLS=150 UI_ROWS=50 ui_start --replay "$tmp/h.json"
wait_screen 'sockstat tw / dumped TW 995584 / 4294967295$'
keys q
[ "$(wait_exit)" = 0 ] || fail "h.json at 150x50: q did not exit 0"

# --- bad files: status 2, file:line:column, the terminal untouched ---------
tmux -L "$ui_id" -f /dev/null new-session -d -s sh -x 100 -y 30 \
	env TERM=xterm-256color PS1='$ ' bash --norc --noprofile ||
	fail "tmux new-session (shell)"
head -c 2000 "$tmp/b.jsonl" >"$tmp/trunc.json"
printf 'hello\n' >"$tmp/text.txt"
printf '{"format": 1, "name": "not twtop"}\n' >"$tmp/other.json"
sed -E 's/"format":[0-9]+/"format":9/' "$tmp/b.jsonl" >"$tmp/newer.jsonl"
for f in trunc.json text.txt other.json newer.jsonl; do
	tmux -L "$ui_id" send-keys -t sh "clear; '$twtop' --replay '$tmp/$f';"\
" echo \"rc-$f=\$?\"" Enter
	for ((i = 0; i < 50; i++)); do
		tmux -L "$ui_id" capture-pane -p -t sh | grep -q "^rc-$f=" &&
			break
		sleep 0.1
	done
	out=$(tmux -L "$ui_id" capture-pane -p -J -t sh)
	grep -q "^rc-$f=2\$" <<<"$out" || fail "$f: not status 2: $out"
	[ "$(tmux -L "$ui_id" display -p -t sh '#{alternate_on}')" = 0 ] ||
		fail "$f: the terminal was left in the alternate screen"
	case $f in
	trunc.json) want="$tmp/trunc.json:1:[0-9]+: the file ends too early" ;;
	text.txt) want="$tmp/text.txt:1:1: not a twtop snapshot \\(not JSON" ;;
	other.json) want="$tmp/other.json:1: not a twtop snapshot: no \"twtop_version\"" ;;
	newer.jsonl) want="$tmp/newer.jsonl:1: format 9 is newer than this twtop understands \\([0-9]+\\)" ;;
	esac
	grep -Eq "^twtop: $want" <<<"$out" || fail "$f: message: $out"
done
# the terminal still echoes and reads lines
tmux -L "$ui_id" send-keys -t sh "echo typed-ok-\$((6 * 7))" Enter
for ((i = 0; i < 50; i++)); do
	tmux -L "$ui_id" capture-pane -p -t sh | grep -q '^typed-ok-42$' && break
	sleep 0.1
done
out=$(tmux -L "$ui_id" capture-pane -p -t sh)
grep -q '^typed-ok-42$' <<<"$out" && grep -qF 'echo typed-ok-$((6 * 7))' \
	<<<"$out" || fail "the shell does not echo after a refused replay: $out"
tmux -L "$ui_id" kill-session -t sh

# --- a snapshot saved with 's' in a live dashboard (root) ------------------
if [ "$root" != 1 ]; then
	echo "PASS: replay of a JSON Lines stream, bad files (the 's'" \
		"snapshot part needs root for a namespace: not run)"
	exit 0
fi
kill "${ui_pids[0]}" 2>/dev/null
wait "${ui_pids[0]}" 2>/dev/null
ui_pids=()
ip netns del "$ns" || fail "ip netns del"
ui_netns
ui_load
mkdir "$tmp/snaps" "$tmp/copies"
ui_start --netns "$ns" --snapshot-dir "$tmp/snaps"
wait_screen '^ TIME_WAIT +500 '
wait_screen '127\.0\.0\.2 +300 '
keys m
wait_screen 'marker m1 at'
# saved inside the drill-down of the first peer: the file has its sockets
keys Enter
wait_screen '300 sockets, TIME_WAIT 300'
keys s
wait_screen "snapshot saved to $tmp/snaps/"
keys Escape q
[ "$(wait_exit)" = 0 ] || fail "live dashboard: q did not exit 0"
snap=$(find "$tmp/snaps" -name 'twtop-*.json' | sed -n 1p)
[ -f "$snap" ] || fail "no snapshot file"
name=$(basename "$snap")

ui_start --replay "$snap" --snapshot-dir "$tmp/copies"
check_record "$snap" "$name" 1
wait_screen 'TIME_WAIT server side 200, client side 300'
wait_screen '127\.0\.0\.2 +300 +[-0-9.]+ +60%'
wait_screen ':8081 +([a-z][a-z0-9-]* +)?local +server +200 '
wait_screen 'TIME_WAIT trend \([0-9]+ samples, markers m1-m[0-9]+(, every [0-9.]+s)?\)'
keys Enter
wait_screen 'Drill-down: peer 127\.0\.0\.2'
wait_screen 'sockets \(300 of 300\)'
wait_screen '127\.0\.0\.1:[0-9]+ +127\.0\.0\.2:8080 +TIME_WAIT'
keys Escape
wait_screen 'Top peers by TIME_WAIT'
keys Down Enter
wait_screen 'replay: this record has the drill-down of peer 127\.0\.0\.2 only'
keys Right
wait_screen 'replay: the last record'
keys s
wait_screen "snapshot saved to $tmp/copies/"
keys q
[ "$(wait_exit)" = 0 ] || fail "replay: q did not exit 0"
copy=$(find "$tmp/copies" -name 'twtop-*.json' | sed -n 1p)
cmp "$snap" "$copy" || fail "the copy saved in the replay differs: $(
	diff "$snap" "$copy" | head -n 20)"

# a snapshot file cut short is refused
head -c 3000 "$snap" >"$tmp/cut.json"
ui_start --replay "$tmp/cut.json"
[ "$(wait_exit)" = 2 ] || fail "cut snapshot: not status 2"
grep -Eq "^twtop: $tmp/cut\\.json:[0-9]+:[0-9]+: the file ends too early" \
	"$tmp/stderr" || fail "cut snapshot: $(cat "$tmp/stderr")"
echo "PASS: replay of a JSON Lines stream and of an 's' snapshot, bad files"
