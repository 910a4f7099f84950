#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/run_test.sh: the LOG_COMPILER of make check (Makefile.am). Runs
# one test, its output going to the test's .log as before, then copies the
# test's "SKIP: reason" lines to fd 9, which AM_TESTS_FD_REDIRECT points
# at the console of make check: a test that is skipped (exit 77), or skips
# a part, says why where the person running make check reads, not only in
# tests/*.log. Exits with the test's status. One test, one process, one
# log: automake's parallel harness is unchanged.
"$@"
rc=$?
# Our stdout is the test's .log (test-driver opened it): read it back.
log=/proc/$$/fd/1
if [ -f "$log" ] && { : >&9; } 2>/dev/null; then
	case $1 in
	*/tests/*) name=tests/${1##*/tests/} ;;	# VPATH: ../tests/x.sh
	*) name=${1#./} ;;
	esac
	grep '^SKIP: ' "$log" 2>/dev/null | while IFS= read -r line; do
		printf '%s: skipped: %s\n' "$name" "${line#SKIP: }" >&9
	done
	if [ "$rc" -eq 77 ] && ! grep -q '^SKIP: ' "$log" 2>/dev/null; then
		printf '%s: skipped, no reason given\n' "$name" >&9
	fi
fi
exit "$rc"
