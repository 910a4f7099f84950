#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux: `twtop --demo` starts twload in a private namespace
# and the panels come alive within seconds; q ends the load too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/ui_lib.sh
. "$here/ui_lib.sh"

ui_require
ui_start --demo
wait_screen 'netns demo \(private\)' 10
# TIME_WAIT grows past a thousand; the client-closed destination leads
wait_screen '^ TIME_WAIT +[0-9]{4,} ' 20
wait_screen '127\.0\.0\.2 +[0-9]{3,} ' 10
wait_screen ':18080 +([a-z][a-z0-9-]* +)?remote +[0-9]+ ' 10
wait_screen ':18081 +([a-z][a-z0-9-]* +)?local +server ' 20
wait_screen '127\.0\.0\.1.127\.0\.0\.2:18080( |$)' 10
wait_screen ' [0-9]{3,} used +[0-9]+ (free|avail) ' 10
wait_screen 'TW/s [0-9]{2,}' 10
pid=$(twtop_pid)
loads=$(pgrep -P "$pid" -x twload | wc -l)
[ "$loads" = 2 ] || fail "$loads twload processes under twtop, want 2"
pgrep -P "$pid" -x twload >"$tmp/loads"
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q exited with status $st"
while read -r p; do
	[ -d "/proc/$p" ] && fail "twload $p still runs after twtop ended"
done <"$tmp/loads"
echo "PASS: the demo comes alive and ends with twtop"
