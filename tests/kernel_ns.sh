#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration: the rest of the teardown story, in a namespace of its own,
# against nstat in the same namespace.
# 1. RSTs instead of TIME_WAIT: 3000 SO_LINGER 0 closes (twload --linger0),
#    50 closes with unread data and 20 in FIN_WAIT2 with TCP_LINGER2 < 0
#    between two samples: each lands in its own counter, twtop's counters
#    are nstat's, its rates their deltas over the interval (--batch
#    --json and the Prometheus file), no TIME_WAIT is made, and the
#    rst-instead-of-tw advisory says so.
# 2. Listen overflows: 10 connects to a backlog-1 listener that never
#    accepts: 8 handshakes dropped, counted in ListenOverflows and
#    ListenDrops.
# 3. conntrack: the namespace's nf_conntrack_count and _max where
#    /proc/sys/net/netfilter has them, null (never 0) where not; the
#    fixture trees give both cases whatever this kernel has.
# 4. The Kernel panel under a SO_LINGER 0 load: RST/s and ListenOvf/s at
#    80x24, the aborts and conntrack too at 120x40.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ns_lib.sh"
ns_require nstat python3
ns_setup twtop-kern

keys="TcpExtTCPAbortOnData TcpExtTCPAbortOnClose TcpExtTCPAbortOnLinger
TcpOutRsts TcpExtListenOverflows TcpExtListenDrops TcpExtTW"

# The namespace's counters, absolute, nstat's history untouched.
counters() {
	# shellcheck disable=SC2086
	nsx nstat -saz $keys >"$tmp/$1" || fail "nstat"
}

# Samples twice, 4 s apart (and writes the Prometheus file each time),
# with "$@" run in the namespace once the first sample is out. Leaves
# $tmp/$1.jsonl, $tmp/$1.prom and nstat's counters before and after.
two_samples() {
	local out=$1 pid i
	shift
	counters "$out.before"
	nsx "$twtop" --batch --json -n 2 -d 4 --top 20 \
		--prometheus "$tmp/$out.prom" >"$tmp/$out.jsonl" &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		[ -s "$tmp/$out.jsonl" ] && break
		sleep 0.05
	done
	[ -s "$tmp/$out.jsonl" ] || fail "$out: no first sample"
	"$@" >/dev/null || fail "$out: $*"
	wait "$pid" || fail "twtop --batch exit $?"
	counters "$out.after"
}

# Checks the counters and rates of $1 against nstat: KEY=DELTA ... the
# deltas the load between the samples must have made.
check_counts() {
	python3 - "$tmp/$1" "$@" <<'PY' || fail "$1: counters against nstat"
import json, re, sys
base, want = sys.argv[1], dict(a.split("=") for a in sys.argv[3:])
nstat = lambda f: {l.split()[0]: int(l.split()[1])
                   for l in open(f) if not l.startswith("#")}
before, after = nstat(base + ".before"), nstat(base + ".after")
d1, d2 = [json.loads(l) for l in open(base + ".jsonl")]
dt = d2["unix_time"] - d1["unix_time"]
prom = {}
for l in open(base + ".prom"):
    m = re.match(r'(twtop_\w+)\{netns="[^"]*"\} (\S+)$', l)
    if m:
        prom[m.group(1)] = float(m.group(2))
metric = {"TcpExtTCPAbortOnData": "twtop_tcp_abort_on_data_total",
          "TcpExtTCPAbortOnClose": "twtop_tcp_abort_on_close_total",
          "TcpExtTCPAbortOnLinger": "twtop_tcp_abort_on_linger_total",
          "TcpOutRsts": "twtop_tcp_out_rsts_total",
          "TcpExtListenOverflows": "twtop_tcp_listen_overflows_total",
          "TcpExtListenDrops": "twtop_tcp_listen_drops_total",
          "TcpExtTW": "twtop_tcp_tw_total"}
for k in after:
    # the namespace is quiet but for the load: each sample reads what
    # nstat reads before and after it
    c1, c2 = d1["counters"].get(k, 0), d2["counters"].get(k, 0)
    assert (c1, c2) == (before[k], after[k]), (k, c1, c2, before, after)
    delta = c2 - c1
    assert delta == int(want.get(k, 0)), (k, delta, want)
    # the rate: that delta over the time between the samples (the
    # sampler's monotonic clock; unix_time is the wall clock)
    r = d2["rates"][k]
    assert d1["rates"][k] is None, (k, d1["rates"][k])
    assert abs(r * dt - delta) <= 0.01 * delta + 1e-9, (k, r, dt, delta)
    assert prom[metric[k]] == c2, (k, prom.get(metric[k]), c2)
print(base.rsplit("/", 1)[1], "counters ok:",
      {k: after[k] - before[k] for k in after if after[k] != before[k]},
      "in %.2f s" % dt)
PY
}

# 1. RSTs instead of TIME_WAIT
rst_load() {
	nsx "$twload" -q -c 3000 --linger0 --dst 127.0.0.2 --ports 8080 &&
		nsx python3 "$here/teardown_load.py" unread 50 &&
		nsx python3 "$here/teardown_load.py" linger2 20
}
two_samples rst rst_load
# SO_LINGER 0 counts in TCPAbortOnData (tcp_close), not TCPAbortOnClose
check_counts rst TcpExtTCPAbortOnData=3000 TcpExtTCPAbortOnClose=50 \
	TcpExtTCPAbortOnLinger=20 TcpOutRsts=3070
python3 - "$tmp/rst.jsonl" <<'PY' || fail "rst-instead-of-tw"
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])][1]
r = d["rates"]
assert d["time_wait"]["total"] == 0 and r["TcpExtTW"] == 0, d["time_wait"]
a = [x for x in d["advisories"] if x["id"] == "rst-instead-of-tw"]
assert a and a[0]["level"] == "info", d["advisories"]
ev = a[0]["evidence"]
assert ev["abort_on_data_per_s"] == r["TcpExtTCPAbortOnData"], (ev, r)
assert ev["tw_per_s"] == 0 and ev["out_rsts_per_s"] == r["TcpOutRsts"], ev
assert a[0]["text"].startswith("%.0f connections/s end in an RST instead "
                               "of a FIN" % r["TcpExtTCPAbortOnData"]), a
print("rst-instead-of-tw ok:", a[0]["text"][:80])
PY

# 2. Listen overflows: the accept queue of a backlog-1 listener holds 2
# (sk_acceptq_is_full: more than the backlog), the other 8 SYNs drop
two_samples ovf nsx python3 "$here/teardown_load.py" overflow 10
check_counts ovf TcpExtListenOverflows=8 TcpExtListenDrops=8 TcpOutRsts=2

# --once: the counters as nstat reads them, rates null (one sample)
nsx "$twtop" --once --json >"$tmp/once.json" || fail "twtop --once"
counters once.after
python3 - "$tmp/once.json" "$tmp/once.after" <<'PY' || fail "--once counters"
import json, sys
d = json.load(open(sys.argv[1]))
nstat = {l.split()[0]: int(l.split()[1]) for l in open(sys.argv[2])
         if not l.startswith("#")}
for k, v in nstat.items():
    assert d["counters"][k] == v and d["rates"][k] is None, (k, v, d["rates"])
PY

# 3. conntrack, as the namespace's /proc/sys/net/netfilter has it
nf=/proc/sys/net/netfilter
count=$(nsx cat "$nf/nf_conntrack_count" 2>/dev/null || echo null)
max=$(nsx cat "$nf/nf_conntrack_max" 2>/dev/null || echo null)
python3 - "$tmp/once.json" "$tmp/rst.prom" "$count" "$max" <<'PY' ||
import json, re, sys
d = json.load(open(sys.argv[1]))
prom = open(sys.argv[2]).read()
count, mx = (None if v == "null" else int(v) for v in sys.argv[3:5])
assert d["conntrack"] == {"count": count, "max": mx}, (d["conntrack"], count, mx)
# absent: no series (never 0); present: the value
for name, v in (("twtop_conntrack_entries", count),
                ("twtop_conntrack_entries_limit", mx)):
    # the netns label is the namespace's ip netns name (or "")
    line = re.search(r'^%s\{netns="[^"]*"\} (\S+)$' % name, prom, re.M)
    if v is None:
        assert line is None, name
    else:
        assert line is not None and int(line.group(1)) == v, (name, v)
print("conntrack ok:", d["conntrack"])
PY
	fail "conntrack against $nf"
# the fixtures: nf_conntrack loaded (k409) and not (k618)
for t in k409:65000:65536 k618:null:null; do
	IFS=: read -r tree c m <<<"$t"
	nsx "$twtop" --once --json --root "$here/fixtures/$tree" \
		--prometheus "$tmp/$tree.prom" >"$tmp/$tree.json" ||
		fail "twtop --root $tree"
	python3 - "$tmp/$tree.json" "$tmp/$tree.prom" "$c" "$m" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
prom = open(sys.argv[2]).read()
want = [None if v == "null" else int(v) for v in sys.argv[3:5]]
assert [d["conntrack"]["count"], d["conntrack"]["max"]] == want, d["conntrack"]
assert ("twtop_conntrack_entries{" in prom) == (want[0] is not None), prom
PY
		fail "conntrack of fixture $tree"
done

# 4. The Kernel panel under a SO_LINGER 0 load (tmux, when there is one)
if ! command -v tmux >/dev/null; then
	echo "kernel_ns: tmux not installed, Kernel panel not checked"
	exit 0
fi
tm=twtop-kern-$$
trap 'for c in 80 120; do tmux -L "$tm-$c" kill-server 2>/dev/null; done
ns_cleanup' EXIT
nsx "$twload" -q -c 100000 -r 1000 --linger0 --duration 40 \
	--dst 127.0.0.3 --ports 9000 >/dev/null &
pids+=($!)
# Starts the dashboard at COLS x ROWS (a tmux server of its own) and
# waits for each pattern; prints the Kernel panel's lines.
panel() {
	local cols=$1 rows=$2 t=$tm-$1 i
	shift 2
	tmux -L "$t" -f /dev/null new-session -d -s main -x "$cols" \
		-y "$rows" env TERM=xterm-256color LANG=C.UTF-8 \
		LC_ALL=C.UTF-8 ip netns exec "$ns" "$twtop" -d 1 ||
		fail "tmux new-session"
	for pat in "$@"; do
		for ((i = 0; i < 100; i++)); do
			tmux -L "$t" capture-pane -p -t main | grep -Eq "$pat" &&
				break
			sleep 0.1
		done
		((i < 100)) || {
			tmux -L "$t" capture-pane -p -t main
			fail "${cols}x$rows: no '$pat' on the screen"
		}
	done
	echo "--- Kernel panel, ${cols}x$rows, SO_LINGER 0 load:"
	tmux -L "$t" capture-pane -p -t main | sed -n '/ Kernel/,/Top peers/p'
	tmux -L "$t" kill-server
}
# 80x24: new and lost TIME_WAIT, RST/s and ListenOvf/s, sockstat
panel 80 24 'TW/s 0 +TWOverflow/s 0 +RST/s [1-9]' 'ListenOvf/s 0' \
	'sockstat tw/dumped'
# 120x40: the aborts by cause, listen drops and conntrack too
panel 120 40 'RST/s [1-9]' 'AbortData/s [1-9]' 'AbortClose/s 0( |$)' \
	'AbortLinger/s 0( |$)' 'ListenDrop/s 0( |$)' 'conntrack ' \
	'rst-instead-of-tw: [0-9]+ connections/s end in an RST'
exit 0
