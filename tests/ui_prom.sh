#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The dashboard with --prometheus on a slow disk, in tmux. tests/hooked/twtop
# is twtop whose syncfile sleeps TWTOP_TEST_SYNC_DELAY_MS before each fsync.
# With 3 s writes: keys are handled while a write is in progress (the
# write's temporary file still there), as the file is written by a thread
# of its own (the UI thread wrote it, and stalled for the whole write); the
# next file holds the newest snapshot, not the next one in line (latest
# wins); quitting during a write that outlasts the 2 s bound exits within
# it, says so, and leaves the terminal restored (stty after twtop). Without
# the delay, a write that fails (the directory removed) shows in the
# status line. Needs tmux; no root.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

hooked=$build/tests/hooked/twtop
command -v tmux >/dev/null || skip "tmux not installed"
command -v stty >/dev/null || skip "stty not installed"
[ -x "$hooked" ] || fail "$hooked not built (make builds it)"
export XDG_CONFIG_HOME=$tmp/config	# no user config in the way
# twtop is run by a wrapper that records the terminal's modes after it
printf '%s\n' "#!/bin/sh" "'$hooked' \"\$@\"" "rc=\$?" \
	"stty -a >'$tmp/stty' 2>&1" "exit \$rc" >"$tmp/twtop.sh"
chmod +x "$tmp/twtop.sh"
twtop=$tmp/twtop.sh
mkdir "$tmp/out"
prom=$tmp/out/twtop.prom

# The temporary file of the write in progress (.twtop.prom.XXXXXX), if any.
tmpfile() {
	find "$tmp/out" -maxdepth 1 -name '.twtop.prom.*' | head -n 1
}

# Waits (up to 10 s) for a write to start, other than the one in
# progress now (seen within 50 ms of its start, so most of its 3 s are
# left); prints its temporary file.
wait_new_write() {
	local i t old
	old=$(tmpfile)
	for ((i = 0; i < 200; i++)); do
		t=$(tmpfile)
		[ -n "$t" ] && [ "$t" != "$old" ] && { echo "$t"; return 0; }
		sleep 0.05
	done
	return 1
}

# The sample timestamp of the file written last.
stamp() {
	sed -n 's/^twtop_sample_timestamp_seconds{netns=""} //p' "$prom" 2>/dev/null
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# True when $1 < $2 (decimals).
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# --- 3 s writes: keys go on while one is in progress -------------------------
export TWTOP_TEST_SYNC_DELAY_MS=3000
ui_start -d 0.2 --prometheus "$prom"
wait_screen 'TIME_WAIT'
for round in 1 2; do
	t=$(wait_new_write) || fail "no write of $prom started"
	t0=$(now)
	keys h
	wait_screen 'this help \(any key closes it\)' 2
	took=$(elapsed "$t0")
	[ -e "$t" ] || fail "the write ended before the help showed ($took s): cannot tell"
	lt "$took" 1.5 || fail "'h' took $took s while a write was slow"
	keys Escape
	wait_screen_gone 'this help \(any key closes it\)' 2
	echo "ok: round $round: help in $took s while $(basename "$t") was being written"
done

# the first file lands after its 3 s; the next one holds the newest sample
for ((i = 0; i < 100; i++)); do
	[ -s "$prom" ] && break
	sleep 0.1
done
first=$(stamp)
[ -n "$first" ] || fail "no $prom after 10 s"
for ((i = 0; i < 100; i++)); do
	second=$(stamp)
	[ -n "$second" ] && [ "$second" != "$first" ] && break
	sleep 0.1
done
[ "$second" != "$first" ] || fail "$prom not rewritten in 10 s"
# a queue would write the sample 0.2 s after the first; latest wins writes
# one taken about when the first write ended, some 3 s later
lt "$(awk -v a="$first" 'BEGIN { printf "%.6f", a + 2 }')" "$second" ||
	fail "second file's sample at $second, first at $first: not the newest"
echo "ok: files of samples $first and $second (latest wins)"

# --- quitting during a write that outlasts the bound --------------------------
wait_new_write >/dev/null || fail "no new write started"
t0=$(now)
keys q
st=$(wait_exit)
took=$(elapsed "$t0")
[ "$st" = 0 ] || fail "exit status $st after q"
# the sampler's last pass, then 2 s for the writer (a sanitizer build is
# slower); without the bound, the write in progress and the pending one
# would take up to 6 s
lt "$took" 5 || fail "q took $took s with a write hanging"
grep -qF -- "twtop: --prometheus: $prom: still writing after 2 s; not waiting for it" \
	"$tmp/stderr" || fail "no word of the hanging write: $(cat "$tmp/stderr")"
grep -Eq '(^|[ ;])icanon' "$tmp/stty" && grep -Eq '(^|[ ;])echo([ ;]|$)' "$tmp/stty" ||
	fail "terminal not restored: $(cat "$tmp/stty")"
echo "ok: q during a hanging write: exit in $took s, terminal restored"
unset TWTOP_TEST_SYNC_DELAY_MS
tmux -L "$ui_id" kill-server 2>/dev/null
# the abandoned write's temporary file ended with the process
rm -f "$tmp"/out/.twtop.prom.*

# --- a failed write shows in the status line ---------------------------------
mkdir "$tmp/gone"
ui_start -d 0.2 --prometheus "$tmp/gone/twtop.prom"
wait_screen 'TIME_WAIT'
for ((i = 0; i < 100; i++)); do
	[ -s "$tmp/gone/twtop.prom" ] && break
	sleep 0.1
done
[ -s "$tmp/gone/twtop.prom" ] || fail "$tmp/gone/twtop.prom not written"
rm -rf "$tmp/gone"
wait_screen "--prometheus: $tmp/gone/twtop\\.prom: No such file or directory" 5
screen | grep -q 'TIME_WAIT' || fail "the dashboard is gone"
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "exit status $st"
echo "ok: a failed write shows in the status line"
echo PASS
