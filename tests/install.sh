#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/install.sh: "make install" does what the README and the man pages
# promise, and an installed twtop finds its installed themes.
#
# 1. make install DESTDIR=$tmp/dest from this build: twtop in $(bindir),
#    twload in $(pkglibexecdir) and not in $(bindir), the four themes and
#    the two man pages under $(prefix); the pages have no roff warnings and
#    render; the staged programs answer --help and --version as GNU asks
#    and hold no path of the build or source tree; make uninstall
#    DESTDIR=... leaves no file.
# 2. The distributed tree (make distdir) is configured with
#    --prefix=$tmp/prefix, built, installed, and then deleted, so the
#    installed twtop cannot fall back to a source tree's themes/. In tmux
#    it must come up in the "default" theme, cycle to the other installed
#    themes with 't', take --theme light, ignore $TWTOP_THEME_DIR (a hook
#    for the build tree only), and name the installed directory when a
#    theme is missing. --demo looks for twload in $(pkglibexecdir) alone
#    and, as root or in a user namespace, runs the installed one.
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
	@echo "prefix='$(prefix)'"
	@echo "bindir='$(bindir)'"
	@echo "pkglibexecdir='$(pkglibexecdir)'"
	@echo "abs_top_builddir='$(abs_top_builddir)'"
	@echo "abs_top_srcdir='$(abs_top_srcdir)'"
	@echo "pkgdatadir='$(pkgdatadir)'"
	@echo "man1dir='$(man1dir)'"
	@echo "VERSION='$(VERSION)'"
	@echo "CC='$(CC)'"
EOF
vars=$(make -s --no-print-directory -f Makefile -f "$tmp/vars.mk" \
	twtop-install-vars) || fail "reading the directories from Makefile"
eval "$vars"
echo "bindir=$bindir pkglibexecdir=$pkglibexecdir pkgdatadir=$pkgdatadir man1dir=$man1dir"
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

# An installed program holds no path of the tree it was built in (dir...),
# except where that is the prefix it was installed to (make distcheck
# installs below its build tree). The debug sections name the compile
# directory, as they should; packages strip them, and so does this check.
check_no_build_path() {
	local prog=$1 inst=$2 d hits
	shift 2
	strip --strip-debug -o "$tmp/stripped" "$prog" 2>/dev/null ||
		cp "$prog" "$tmp/stripped"
	for d in "$@"; do
		hits=$(tr '\0' '\n' <"$tmp/stripped" | grep -aF "$d" |
			grep -avF "$inst")
		[ -z "$hits" ] || fail "$prog holds the build path $d: $hits"
	done
}

# --- 1. DESTDIR install from this build ---------------------------------------
dest=$tmp/dest
make install DESTDIR="$dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install DESTDIR=$dest"; }
for f in "$bindir/twtop" "$pkglibexecdir/twload"; do
	[ -x "$dest$f" ] || fail "not installed: $f"
done
[ -e "$dest$bindir/twload" ] && fail "twload installed in $bindir: a test tool, not a command"
check_no_build_path "$dest$bindir/twtop" "$prefix" "$abs_top_builddir" "$abs_top_srcdir"
check_no_build_path "$dest$pkglibexecdir/twload" "$prefix" "$abs_top_builddir" "$abs_top_srcdir"
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
check_gnu "$dest$pkglibexecdir/twload" twload
make uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1 ||
	{ cat "$tmp/uninstall.log"; fail "make uninstall DESTDIR=$dest"; }
left=$(find "$dest" ! -type d)
[ -z "$left" ] || fail "left after make uninstall: $left"
echo "ok: DESTDIR install, twload in $pkglibexecdir, no build path, man pages, --help/--version, uninstall"

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
twload=$prefix/libexec/twtop/twload
[ -x "$inst" ] || fail "$inst not installed"
[ -x "$twload" ] || fail "$twload not installed"
[ -e "$prefix/bin/twload" ] && fail "twload installed in $prefix/bin"
check_no_build_path "$inst" "$prefix" "$src"
check_no_build_path "$twload" "$prefix" "$src"
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
# config file and no theme directory of the environment (but what
# $extra_env sets);
# its exit status lands in $tmp/exit, its shell's pid in $tmp/pid. $wrap
# goes before the program (unshare).
extra_env=
wrap=
start() {
	rm -f "$tmp/exit" "$tmp/stderr" "$tmp/pid"
	printf '%s\n' "#!/bin/sh" "trap : INT" "echo \$\$ >'$tmp/pid'" \
		"$wrap '$inst' \"\$@\" 2>'$tmp/stderr'" "echo \$? >'$tmp/exit'" \
		>"$tmp/run.sh"
	chmod +x "$tmp/run.sh"
	tmux -L "$sock" kill-server 2>/dev/null
	tmux -L "$sock" -f /dev/null new-session -d -s main -x 100 -y 30 \
		env -u TWTOP_THEME_DIR -u NO_COLOR $extra_env HOME="$tmp/home" \
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

# $TWTOP_THEME_DIR is for a twtop run from its build tree: the installed
# one neither loads nor lists a theme found only there.
mkdir "$tmp/envthemes"
echo "header = green" >"$tmp/envthemes/envonly.theme"
extra_env="TWTOP_THEME_DIR=$tmp/envthemes"
start --theme envonly
[ "$(wait_exit)" = 2 ] || fail "--theme envonly from \$TWTOP_THEME_DIR: exit status $(cat "$tmp/exit")"
grep -qF "theme 'envonly' not found (looked for envonly.theme in $prefix/share/twtop)" \
	"$tmp/stderr" || fail "--theme envonly: $(cat "$tmp/stderr")"
extra_env=
echo "ok: the installed twtop finds its installed themes, and only those"

# --demo: twload is looked for in $(pkglibexecdir) only (not next to
# twtop, not in PATH): without it the error names that place.
mv "$twload" "$tmp/twload.away"
mkdir "$tmp/path" && cp "$tmp/twload.away" "$tmp/path/twload"
extra_env="PATH=$tmp/path:$PATH"
start --demo
st=$(wait_exit)
extra_env=
mv "$tmp/twload.away" "$twload"
[ "$st" = 1 ] || fail "--demo without twload: exit status $st"
grep -qxF "twtop: demo: twload not found (looked for $twload)" "$tmp/stderr" ||
	fail "--demo without twload: $(cat "$tmp/stderr")"
echo "ok: --demo looks for twload in $prefix/libexec/twtop"

# With it, the load runs the installed twload. As root the demo makes a
# private namespace; a normal user gets one with unshare -rn, if allowed.
if [ "$(id -u)" -ne 0 ]; then
	if unshare -rn true 2>/dev/null; then
		wrap="unshare -rn"
	else
		echo "SKIP: --demo running the installed twload: not root, and no user namespace (unshare -rn)"
		exit 0
	fi
fi
start --demo
wait_screen 'demo \(private\)'
for ((i = 0; i < 50; i++)); do
	pid=$(pgrep -P "$(cat "$tmp/pid")" -x twtop | head -n 1)
	loads=$([ -n "$pid" ] && pgrep -P "$pid" -x twload)
	[ "$(printf '%s\n' "$loads" | grep -c .)" = 2 ] && break
	sleep 0.1
done
[ -n "$loads" ] || fail "--demo: no twload under twtop"
for p in $loads; do
	exe=$(readlink "/proc/$p/exe")
	[ "$exe" = "$twload" ] || fail "--demo runs $exe, not $twload"
done
keys q
[ "$(wait_exit)" = 0 ] || fail "--demo, q: exit status $(cat "$tmp/exit")"
echo "ok: --demo runs $twload${wrap:+ (in $wrap)}"
