#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile command lines and config files: refused at startup with a clear
# message and exit 2, never a hang. Conflicting modes (--once with
# --batch or --count) are refused the same way. A FIFO as the config file or theme
# (the open blocked, --help and --version included), a missing --root, a
# --snapshot-dir that is missing, not a directory or not writable, and -d
# values strtod takes but a person does not mean (" 1", "0x10", "1e1").
# Exit 0 pass, 1 fail.
set -u
build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop

fail() { echo "FAIL: $*"; exit 1; }
[ -x "$twtop" ] || fail "$twtop not built"
tmp=$(mktemp -d /tmp/twtop-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config
mkdir -p "$tmp/config/twtop"

# refused WANT ARGS...: exit 2 within 10 s, stderr holds WANT
refused() {
	local want=$1 out rc
	shift
	out=$(timeout 10 "$twtop" "$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	[ "$rc" = 124 ] && fail "twtop $* hung"
	[ "$rc" = 2 ] || fail "twtop $*: exit $rc, wanted 2: $out"
	case $out in
	*"$want"*) echo "ok: twtop $*: ${out%%$'\n'*}" ;;
	*) fail "twtop $*: message '$out' lacks '$want'" ;;
	esac
}

# -d: only plain decimal numbers
for d in ' 1' '1 ' 0x10 1e1 +1 -1 inf nan '' . 1.2.3; do
	refused "option '--delay': '$d' is not a number of seconds" -d "$d" --once
done
for d in 1 0.5 .5 2. 3600; do
	out=$(timeout 10 "$twtop" -d "$d" --version 2>&1) ||
		fail "-d $d refused: $out"
done

# conflicting modes: refused whatever their order, never one silently
# winning (--once --batch ran batch forever; --batch --once -n 1 blamed
# --count)
refused "options '--once' and '--batch' conflict" --once --batch
refused "options '--once' and '--batch' conflict" --batch --once -n 1
refused "options '--once' and '--batch' conflict" --batch --json --once
refused "options '--once' and '--count' conflict" --once -n 2
refused "option '--demo': not with --once or --batch" --demo --batch
# --help names every spelling of the interval option
"$twtop" --help | grep -q -- '-d, --delay, --interval SECONDS' ||
	fail "--help does not name --interval"
out=$(timeout 10 "$twtop" --interval 0.5 --version 2>&1) ||
	fail "--interval 0.5 refused: $out"

# --root must be a directory
refused "option '--root': $tmp/nonexistent: No such file or directory" \
	--root "$tmp/nonexistent" --once
: > "$tmp/plain"
refused "option '--root': $tmp/plain: Not a directory" --root "$tmp/plain" --once

# --snapshot-dir: missing, not a directory, not writable (a user only:
# root writes anywhere)
refused "option '--snapshot-dir': $tmp/nonexistent: No such file or directory" \
	--snapshot-dir "$tmp/nonexistent"
refused "option '--snapshot-dir': $tmp/plain: Not a directory" \
	--snapshot-dir "$tmp/plain"
if [ "$(id -u)" != 0 ]; then
	mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
	refused "option '--snapshot-dir': $tmp/ro: Permission denied" \
		--snapshot-dir "$tmp/ro"
fi

# a FIFO as the config file: --help and --version work, the rest is
# refused naming the file
mkfifo "$tmp/config/twtop/config"
out=$(timeout 10 "$twtop" --help 2>&1) || fail "--help with a FIFO config: exit $?"
out=$(timeout 10 "$twtop" --version 2>&1) || fail "--version with a FIFO config: exit $?"
refused "$tmp/config/twtop/config: not a regular file" --once
rm "$tmp/config/twtop/config"
# (a FIFO as the theme is loaded by the dashboard only, in a terminal:
# tests/test_theme.c, test_not_regular)

# the licence: --version says it, and every source file carries it
for bin in "$twtop" "$build/src/twload"; do
	"$bin" --version | grep -q '^License GPL-2.0-or-later: ' ||
		fail "$bin --version states no GPL-2.0-or-later"
done
src=$(cd "$(dirname "$0")/.." && pwd)
for f in "$src"/src/*.[ch] "$src"/include/twtop/*.h "$src"/tests/*.[ch] \
	"$src"/tests/*.sh "$src"/tests/*.py "$src"/bench/*.c "$src"/setup \
	"$src"/configure.ac "$src"/Makefile.am "$src"/src/*.am \
	"$src"/themes/*.theme; do
	[ -e "$f" ] || continue
	head -n 2 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' ||
		fail "$f: no SPDX-License-Identifier line"
done
echo "ok: GPL-2.0-or-later in --version and every source file"
exit 0
