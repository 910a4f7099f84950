#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end in tmux: `twtop --demo` starts twload in a private namespace
# and the panels come alive within seconds; a round of the load that ends
# starts again, in the same namespace; q ends the load too.
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
# A load that ends well starts again: the demo goes on until q. Ending
# one round early (SIGTERM: twload stops its load, exit 0) shows it.
first=$(pgrep -P "$pid" -x twload | head -n 1)
kill -TERM "$first"
wait_screen 'demo: the load starts again \(round 2\)' 10
for _ in $(seq 50); do
	now=$(pgrep -P "$pid" -x twload | wc -l)
	[ "$now" = 2 ] && ! pgrep -P "$pid" -x twload | grep -qx "$first" &&
		break
	sleep 0.2
done
[ "$now" = 2 ] || fail "$now twload processes after a round ended, want 2"
pgrep -P "$pid" -x twload | grep -qx "$first" && fail "twload $first still runs"
nsids=$(for p in $(pgrep -P "$pid" -x twload); do
	stat -L -c %i "/proc/$p/ns/net"; done | sort -u)
[ "$(echo "$nsids" | wc -l)" = 1 ] ||
	fail "the new round runs in another namespace: $nsids"
[ "$nsids" != "$(stat -L -c %i /proc/self/ns/net)" ] ||
	fail "the new round runs in the host's namespace"
pgrep -P "$pid" -x twload >"$tmp/loads"
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q exited with status $st"
while read -r p; do
	[ -d "/proc/$p" ] && fail "twload $p still runs after twtop ended"
done <"$tmp/loads"
echo "PASS: the demo comes alive, starts a new round, and ends with twtop"
