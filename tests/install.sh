#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/install.sh: "make install" does what the README and the man pages
# promise, and an installed twtop finds its installed themes.
#
# 1. make install DESTDIR=$tmp/dest from this build: the programs, the four
#    themes and the two man pages land under $(prefix); the pages have no
#    roff warnings and render; the staged programs answer --help and
#    --version as GNU asks; make uninstall DESTDIR=... leaves no file.
# 2. The distributed tree (make distdir) is configured with
#    --prefix=$tmp/prefix, built, installed, and then deleted, so the
#    installed twtop cannot fall back to a source tree's themes/. In tmux
#    it must come up in the "default" theme, cycle to the other installed
#    themes with 't', take --theme light, and name the installed directory
#    when a theme is missing.
# Writes only below a temporary directory (make distcheck's source tree is
# read-only). Needs make; the terminal part needs tmux (else SKIP).
set -u

build=$(pwd)
tmp=$(mktemp -d /tmp/twtop-install.XXXXXX) || { echo "ERROR: mktemp"; exit 99; }
sock=twtop-install-$$

cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	if tmux -L "$sock" has-session -t main 2>/dev/null; then
		echo "--- screen:"
		tmux -L "$sock" capture-pane -p -t main
	fi
	[ -s "$tmp/stderr" ] && { echo "--- twtop stderr:"; cat "$tmp/stderr"; }
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

command -v make >/dev/null || skip "make not installed"
[ -f "$build/Makefile" ] || fail "run from the build directory (no Makefile)"
# The make that runs this test must not steer the ones started here.
unset MAKEFLAGS MFLAGS MAKELEVEL DESTDIR TWTOP_THEME_DIR NO_COLOR

# The installation directories as this build's Makefile has them.
cat >"$tmp/vars.mk" <<'EOF'
twtop-install-vars:
	@echo "bindir='$(bindir)'"
	@echo "pkgdatadir='$(pkgdatadir)'"
	@echo "man1dir='$(man1dir)'"
	@echo "VERSION='$(VERSION)'"
	@echo "CC='$(CC)'"
EOF
vars=$(make -s --no-print-directory -f Makefile -f "$tmp/vars.mk" \
	twtop-install-vars) || fail "reading the directories from Makefile"
eval "$vars"
echo "bindir=$bindir pkgdatadir=$pkgdatadir man1dir=$man1dir"
# No config file of the user's: twtop reads it before its options.
mkdir "$tmp/home" "$tmp/config"
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config

themes="default high-contrast light mono"

# The man pages: no roff warnings, they render, nothing left unfilled.
check_man() {
	local page=$1 out
	grep -n '@[A-Za-z_]*@' "$page" && fail "$page: unsubstituted @VAR@"
	if command -v groff >/dev/null; then
		out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$out" ] || fail "groff warnings in $page: $out"
	fi
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
		[ -z "$out" ] || fail "mandoc warnings in $page: $out"
	fi
	if command -v man >/dev/null; then
		out=$(MANPAGER=cat PAGER=cat MANWIDTH=80 man -l "$page" \
			2>"$tmp/man.err") || fail "man -l $page: $(cat "$tmp/man.err")"
		printf '%s\n' "$out" | grep -q "^NAME" ||
			fail "man -l $page: no NAME section"
		printf '%s\n' "$out" | grep -q "twtop $VERSION" ||
			fail "man -l $page: no 'twtop $VERSION' in the footer"
	fi
}

# --help and --version of an installed program, as GNU asks.
check_gnu() {
	local prog=$1 name=$2 first out
	out=$("$prog" --help 2>"$tmp/err") || fail "$name --help: exit $?"
	[ -s "$tmp/err" ] && fail "$name --help wrote to stderr"
	first=$(printf '%s\n' "$out" | head -n 1)
	[ "$first" = "Usage: $name [OPTION]..." ] ||
		fail "$name --help starts '$first'"
	out=$("$prog" --version 2>"$tmp/err") || fail "$name --version: exit $?"
	first=$(printf '%s\n' "$out" | head -n 1)
	case $first in
	"$name $VERSION" | "$name (twtop) $VERSION") ;;
	*) fail "$name --version starts '$first'" ;;
	esac
	printf '%s\n' "$out" | grep -q '^Copyright (C) [0-9]' ||
		fail "$name --version: no copyright line"
	"$prog" --no-such-option >/dev/null 2>"$tmp/err"
	[ $? -eq 2 ] || fail "$name --no-such-option: exit status not 2"
	grep -q "^Try '$name --help' for more information\.$" "$tmp/err" ||
		fail "$name --no-such-option: no Try line: $(cat "$tmp/err")"
}

# --- 1. DESTDIR install from this build ---------------------------------------
dest=$tmp/dest
make install DESTDIR="$dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install DESTDIR=$dest"; }
for f in "$bindir/twtop" "$bindir/twload"; do
	[ -x "$dest$f" ] || fail "not installed: $f"
done
for t in $themes; do
	[ -f "$dest$pkgdatadir/$t.theme" ] || fail "not installed: $t.theme"
done
for p in twtop twload; do
	[ -f "$dest$man1dir/$p.1" ] || fail "not installed: $man1dir/$p.1"
	check_man "$dest$man1dir/$p.1"
done
grep -qF "$(printf '%s' "$pkgdatadir" | sed 's/-/\\-/g')" \
	"$dest$man1dir/twtop.1" || fail "twtop.1 does not name $pkgdatadir"
check_gnu "$dest$bindir/twtop" twtop
check_gnu "$dest$bindir/twload" twload
make uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1 ||
	{ cat "$tmp/uninstall.log"; fail "make uninstall DESTDIR=$dest"; }
left=$(find "$dest" ! -type d)
[ -z "$left" ] || fail "left after make uninstall: $left"
echo "ok: DESTDIR install, man pages, --help/--version, uninstall"

# --- 2. a real install of the distributed tree, source tree deleted ----------
src=$tmp/twtop-src
prefix=$tmp/prefix
make distdir distdir="$src" >"$tmp/distdir.log" 2>&1 ||
	{ cat "$tmp/distdir.log"; fail "make distdir"; }
(
	cd "$src" &&
	./configure -q --prefix="$prefix" CC="$CC" &&
	make -s -j2 &&
	make -s install
) >"$tmp/build.log" 2>&1 || { tail -n 40 "$tmp/build.log"; fail "build and install under $prefix"; }
rm -rf "$src"
inst=$prefix/bin/twtop
[ -x "$inst" ] || fail "$inst not installed"
for t in $themes; do
	[ -f "$prefix/share/twtop/$t.theme" ] || fail "no $t.theme under $prefix"
done
if command -v man >/dev/null; then
	[ "$(man -M "$prefix/share/man" -w twtop 2>/dev/null)" = \
	  "$prefix/share/man/man1/twtop.1" ] ||
		fail "man -M $prefix/share/man does not find twtop"
fi
echo "ok: installed under $prefix, source tree removed"

command -v tmux >/dev/null || skip "tmux not installed: themes of the installed twtop not checked"

# Runs the installed twtop in a detached 100x30 tmux session, with no
# config file and no theme directory of the environment; its exit status
# lands in $tmp/exit.
start() {
	rm -f "$tmp/exit" "$tmp/stderr"
	printf '%s\n' "#!/bin/sh" "trap : INT" \
		"'$inst' \"\$@\" 2>'$tmp/stderr'" "echo \$? >'$tmp/exit'" \
		>"$tmp/run.sh"
	chmod +x "$tmp/run.sh"
	tmux -L "$sock" kill-server 2>/dev/null
	tmux -L "$sock" -f /dev/null new-session -d -s main -x 100 -y 30 \
		env -u TWTOP_THEME_DIR -u NO_COLOR HOME="$tmp/home" \
		XDG_CONFIG_HOME="$tmp/config" TERM=xterm-256color \
		LANG=C.UTF-8 LC_ALL=C.UTF-8 "$tmp/run.sh" "$@" ||
		fail "tmux new-session"
}
screen() { tmux -L "$sock" capture-pane -p -t main 2>/dev/null; }
keys() { tmux -L "$sock" send-keys -t main "$@" || fail "send-keys $*"; }
wait_screen() {
	local i
	for ((i = 0; i < 100; i++)); do
		screen | grep -Eq -- "$1" && return 0
		[ -s "$tmp/exit" ] && fail "twtop exited ($(cat "$tmp/exit")) before /$1/"
		sleep 0.1
	done
	fail "screen never matched /$1/"
}
wait_exit() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$tmp/exit" ] && { cat "$tmp/exit"; return 0; }
		sleep 0.1
	done
	fail "twtop did not exit"
}

# No --theme: "default" from the installed directory (without it twtop
# would fall back to its built-in mono).
start
wait_screen '^ twtop '
keys h
wait_screen ' theme default [─-]'
# 't' walks the installed themes, sorted: high-contrast follows default
keys x
sleep 0.2
keys t
wait_screen '^theme high-contrast'
keys h
wait_screen ' theme high-contrast [─-]'
keys q
[ "$(wait_exit)" = 0 ] || fail "q: exit status $(cat "$tmp/exit")"

# --theme NAME finds the installed file
start --theme light
wait_screen '^ twtop '
keys h
wait_screen ' theme light [─-]'
keys q
[ "$(wait_exit)" = 0 ] || fail "--theme light: exit status $(cat "$tmp/exit")"

# a missing theme is an error that names the installed directory
start --theme no-such-theme
[ "$(wait_exit)" = 2 ] || fail "--theme no-such-theme: exit status $(cat "$tmp/exit")"
grep -qF "$prefix/share/twtop" "$tmp/stderr" ||
	fail "the error does not name $prefix/share/twtop: $(cat "$tmp/stderr")"
echo "ok: the installed twtop finds its installed themes"
