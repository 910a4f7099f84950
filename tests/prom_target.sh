#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --prometheus refuses, at startup and with exit 2, a target that exists
# and is not a regular file (FIFO, symbolic link, directory, device), and
# leaves it as it was: rename() would replace it (as root, /dev/null
# became a 0644 regular file). Exit 0 pass, 1 fail.
set -u
build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop

fail() { echo "FAIL: $*"; exit 1; }
[ -x "$twtop" ] || fail "$twtop not built"
tmp=$(mktemp -d /tmp/twtop-promtarget.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config

# refused TARGET KIND TEST: twtop exits 2 naming the option and the kind,
# and TARGET still passes test(1) TEST
refused() {
	local out rc
	out=$(timeout 20 "$twtop" --once --prometheus "$1" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] || fail "--prometheus $1 ($2): exit $rc, wanted 2: $out"
	case $out in
	*"option '--prometheus': $1: not a regular file ($2)"*) ;;
	*) fail "--prometheus $1: message '$out'" ;;
	esac
	test "$3" "$1" || fail "$1 ($2) was changed"
	echo "ok: --prometheus $2 refused: $out"
}

mkfifo "$tmp/fifo.prom"
refused "$tmp/fifo.prom" "a FIFO" -p
: > "$tmp/real"
ln -s "$tmp/real" "$tmp/link.prom"
refused "$tmp/link.prom" "a symbolic link" -L
mkdir "$tmp/dir.prom"
refused "$tmp/dir.prom" "a directory" -d
if [ "$(id -u)" = 0 ] && mknod "$tmp/null.prom" c 1 3 2>/dev/null; then
	refused "$tmp/null.prom" "a character device" -c
else
	echo "SKIP: the device case: mknod needs root"
fi
exit 0
