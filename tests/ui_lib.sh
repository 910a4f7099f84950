# SPDX-License-Identifier: GPL-2.0-or-later
# tests/ui_lib.sh: helpers for the tmux end-to-end tests of the dashboard.
# Sourced by tests/ui_*.sh. Each test gets its own tmux server (-L), its
# own network namespace and temporary directory, all removed on exit.
# shellcheck shell=bash

build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop
twload=$build/src/twload
ui_id=twtop-ui-$$
ns=$ui_id
tmp=$(mktemp -d /tmp/twtop-ui.XXXXXX)
ui_pids=()
ui_have_ns=0

ui_cleanup() {
	tmux -L "$ui_id" kill-server 2>/dev/null
	for p in "${ui_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${ui_pids[@]}"; do wait "$p" 2>/dev/null; done
	[ "$ui_have_ns" = 1 ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap ui_cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	if tmux -L "$ui_id" has-session -t main 2>/dev/null; then
		echo "--- screen:"
		tmux -L "$ui_id" capture-pane -p -t main
	fi
	[ -s "$tmp/stderr" ] && { echo "--- twtop stderr:"; cat "$tmp/stderr"; }
	exit 1
}

skip() { echo "SKIP: $*"; exit 77; }

# Root, tmux and ip are needed; the binaries must be built.
ui_require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
	for tool in tmux ip ss "$@"; do
		command -v "$tool" >/dev/null || skip "$tool not installed"
	done
	[ -x "$twtop" ] || fail "$twtop not built"
	[ -x "$twload" ] || fail "$twload not built"
}

# A namespace with lo up, TIME_WAIT reuse off and rfc1337 on, so counts
# hold still.
ui_netns() {
	ip netns add "$ns" || fail "ip netns add $ns"
	ui_have_ns=1
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=0
	# a delayed ACK behind the FIN on loopback can make the closed peer
	# answer with an RST that (rfc1337=0) ends a TIME_WAIT early: keep
	# every TIME_WAIT so counts hold still
	ip netns exec "$ns" sysctl -qw net.ipv4.tcp_rfc1337=1
}

# The known mix: 300 client-closed connections to 127.0.0.2:8080 (client
# side TIME_WAIT), 200 server-closed on 127.0.0.1:8081 (server side) and
# 5 held ESTABLISHED, kept alive for the test.
ui_load_once() {
	ip netns exec "$ns" "$twload" -q -c 300 --close client \
		--dst 127.0.0.2 --ports 8080 >"$tmp/load-client" ||
		fail "twload (client close): $(cat "$tmp/load-client")"
	rm -f "$tmp/ready"
	mkfifo "$tmp/ready"
	ip netns exec "$ns" "$twload" -q -c 200 --close server \
		--dst 127.0.0.1 --ports 8081 --hold 5 --linger-after 120 \
		--ready-fd 3 3>"$tmp/ready" >"$tmp/load-server" &
	ui_pids+=($!)
	read -r -t 30 line <"$tmp/ready" || fail "twload did not get ready"
	[ "$line" = ready ] || fail "twload said '$line', not ready"
}

# ui_load: the mix, checked with ss: 500 more TIME_WAIT. Once in a great
# while (a loaded CI machine, sanitizer builds) a few connections of the
# mix end without one, and every count of the test would be off by them:
# what was seen is printed and, in a namespace that held no TIME_WAIT
# before, the mix runs again in a new one with the sysctls the test set.
ui_load() {
	local try i n n0
	n0=$(ss_tw)
	for try in 1 2 3; do
		ui_load_once
		for ((i = 0; i < 30; i++)); do
			n=$(ss_tw)
			[ "$n" = $((n0 + 500)) ] && return 0
			sleep 0.1
		done
		echo "ui_load: $n TIME_WAIT after the mix, not $((n0 + 500));" \
			"states: $(ip netns exec "$ns" ss -Htan |
			awk '{ print $1 }' | sort | uniq -c | tr -s ' \n' ' ')"
		echo "ui_load: twload: $(cat "$tmp/load-client" "$tmp/load-server" |
			tr '\n' ' ')"
		echo "ui_load: $(ip netns exec "$ns" nstat -saz TcpOutRsts \
			TcpEstabResets TcpExtTCPAbortOnClose TcpExtTCPAbortOnData \
			TcpExtTCPAbortOnTimeout 2>/dev/null | awk 'NR > 1 &&
			$2 != 0 { printf "%s=%s ", $1, $2 }')"
		[ "$try" = 3 ] || [ "$n0" != 0 ] && break
		echo "ui_load: the namespace again"
		ip netns exec "$ns" sysctl net.ipv4 >"$tmp/sysctl" 2>/dev/null
		kill "${ui_pids[-1]}" 2>/dev/null
		wait "${ui_pids[-1]}" 2>/dev/null
		unset 'ui_pids[-1]'
		ip netns del "$ns" || fail "ip netns del $ns"
		ui_netns
		ip netns exec "$ns" sysctl -q -e -p "$tmp/sysctl" >/dev/null 2>&1
	done
	fail "ui_load: $n TIME_WAIT, not $((n0 + 500))"
}

# TIME_WAIT sockets in the namespace, by ss.
ss_tw() {
	ip netns exec "$ns" ss -Htan state time-wait | wc -l
}

# Starts twtop (extra arguments passed on) in a detached tmux session,
# 100x30 unless UI_COLS and UI_ROWS say otherwise; its exit status lands
# in $tmp/exit (see twtop_pid).
ui_start() {
	rm -f "$tmp/exit" "$tmp/pid"
	# the shell survives Ctrl-C (a trap, unlike an ignore, is not
	# inherited) to record twtop's status
	printf '%s\n' "#!/bin/sh" "trap : INT" "echo \$\$ >'$tmp/pid'" \
		"'$twtop' \"\$@\" 2>'$tmp/stderr'" "echo \$? >'$tmp/exit'" \
		>"$tmp/run.sh"
	chmod +x "$tmp/run.sh"
	tmux -L "$ui_id" -f /dev/null new-session -d -s main \
		-x "${UI_COLS:-100}" -y "${UI_ROWS:-30}" \
		env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		"$tmp/run.sh" "$@" || fail "tmux new-session"
}

# The pid of the running twtop (a child of the session's shell).
twtop_pid() {
	pgrep -P "$(cat "$tmp/pid")" -x twtop | head -n 1
}

screen() {
	tmux -L "$ui_id" capture-pane -p -t main 2>/dev/null
}

keys() {
	tmux -L "$ui_id" send-keys -t main "$@" || fail "send-keys $*"
}

# Mouse events as a terminal reports them once twtop has turned mouse
# reporting on (SGR, mode 1006): click ROW COL presses and releases
# button 1 at 0-based screen row ROW, column COL; wheel up|down ROW COL
# turns the wheel one step there. Pasted, so each report reaches twtop
# in one write (send-keys writes key by key: a loaded machine may split
# the report past curses' Esc delay).
mouse_report() {
	tmux -L "$ui_id" set-buffer -b mouse "$1" &&
		tmux -L "$ui_id" paste-buffer -d -b mouse -t main ||
		fail "paste a mouse report"
}

click() {
	mouse_report $'\e[<0;'"$(($2 + 1));$(($1 + 1))M"
	mouse_report $'\e[<0;'"$(($2 + 1));$(($1 + 1))m"
}

wheel() {
	local b=64
	[ "$1" = down ] && b=65
	mouse_report $'\e[<'"$b;$(($3 + 1));$(($2 + 1))M"
}

# The 0-based screen row of the first line matching the extended regular
# expression $1 (empty when none).
screen_row() {
	screen | grep -En -m 1 -- "$1" | cut -d: -f1 | awk '{ print $1 - 1 }'
}

# Waits (up to $2 seconds, default 10) for the screen to match the
# extended regular expression $1.
wait_screen() {
	local i limit=$(( ${2:-10} * 10 ))
	for ((i = 0; i < limit; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	fail "screen never matched /$1/"
}

# Waits until the screen no longer matches $1.
wait_screen_gone() {
	local i limit=$(( ${2:-10} * 10 ))
	for ((i = 0; i < limit; i++)); do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
	done
	fail "screen still matches /$1/"
}

# Waits for twtop to end; prints its exit status.
wait_exit() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$tmp/exit" ] && { cat "$tmp/exit"; return 0; }
		sleep 0.1
	done
	fail "twtop did not exit"
}

# The count in the TIME_WAIT row of the states panel.
screen_tw() {
	screen | awk '$1 == "TIME_WAIT" && $2 ~ /^[0-9]+$/ { print $2; exit }'
}
