#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux: 's' and SIGUSR1 write snapshot files that parse and
# match the screen; a vanished snapshot directory is an error in the
# status line, not the end of the dashboard. Also the refusals: no
# terminal, a bad theme file, a bad config line (exit status 2).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require python3
ui_netns
ui_load

# no terminal: refused with a pointer to --once/--batch, status 2
"$twtop" --netns "$ns" </dev/null >"$tmp/out" 2>&1
st=$?
[ "$st" = 2 ] || fail "without a terminal: status $st, want 2"
grep -q -- '--once' "$tmp/out" || fail "no --once hint: $(cat "$tmp/out")"

# a bad theme file: file:line: message, status 2
printf 'header = white blue\ntitle = pink\n' >"$tmp/bad.theme"
ui_start --theme "$tmp/bad.theme"
st=$(wait_exit)
[ "$st" = 2 ] || fail "bad theme: status $st, want 2"
grep -q "$tmp/bad.theme:2: unknown foreground colour 'pink'" "$tmp/stderr" ||
	fail "bad theme message: $(cat "$tmp/stderr")"
tmux -L "$ui_id" kill-server 2>/dev/null

# a bad line in ~/.config/twtop/config: reported the same way
mkdir -p "$tmp/xdg/twtop"
printf 'theme = light\ninterval = soon\n' >"$tmp/xdg/twtop/config"
XDG_CONFIG_HOME=$tmp/xdg "$twtop" --once >/dev/null 2>"$tmp/cfgerr"
st=$?
[ "$st" = 2 ] || fail "bad config: status $st, want 2"
grep -q "$tmp/xdg/twtop/config:2: interval 'soon'" "$tmp/cfgerr" ||
	fail "bad config message: $(cat "$tmp/cfgerr")"

# 's' writes a snapshot into --snapshot-dir
mkdir "$tmp/snaps"
ui_start --netns "$ns" --snapshot-dir "$tmp/snaps"
wait_screen '^ TIME_WAIT +500 '
wait_screen '127\.0\.0\.2 +300 '
keys s
wait_screen "snapshot saved to $tmp/snaps/twtop-[0-9]{8}-[0-9]{6}(-[0-9]+)?\\.json"
files=("$tmp"/snaps/twtop-*.json)
[ "${#files[@]}" = 1 ] && [ -f "${files[0]}" ] || fail "files: ${files[*]}"
python3 - "${files[0]}" <<'PY' || fail "snapshot content"
import json, sys
d = json.load(open(sys.argv[1]))
tw = d["time_wait"]
assert tw["total"] == 500, tw
assert tw["server_side"] == 200 and tw["client_side"] == 300, tw
assert d["states"]["ESTABLISHED"] == 10, d["states"]
peers = d["top_peers"]
assert peers[0]["addr"] == "127.0.0.2", peers[0]
assert peers[0]["time_wait"] == 300, peers[0]
hist = d["history"]
assert len(hist) >= 1 and hist[-1]["time_wait"] == 500, hist[-1:]
PY

# SIGUSR1 writes another, never over the first
kill -USR1 "$(twtop_pid)" || fail "kill -USR1"
for ((i = 0; i < 100; i++)); do
	n=$(find "$tmp/snaps" -name 'twtop-*.json' | wc -l)
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
[ "$n" = 2 ] || fail "after SIGUSR1: $n snapshot files, want 2"
for f in "$tmp"/snaps/twtop-*.json; do
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" ||
		fail "$f does not parse"
done
[ -z "$(find "$tmp/snaps" -name '.*' -type f)" ] || fail "temporary left"

# the directory vanishes: the reason shows, the dashboard goes on
rm -rf "$tmp/snaps"
keys s
wait_screen 'snapshot not saved: .*No such file or directory'
wait_screen '^ TIME_WAIT +500 '
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q exited with status $st"
echo "PASS: snapshot files, SIGUSR1, vanished directory, refusals"
