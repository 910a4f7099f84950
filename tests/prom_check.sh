#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --prometheus end to end: the file twtop --batch -q writes on this host
# must parse, by two independent parsers that must agree (tests/
# prom_parse.py, and the official client's
# prometheus_client.parser.text_string_to_metric_families through
# tests/prom_client.py; promtool check metrics too when promtool is
# installed or $PROMTOOL names it), and its numbers, as each parser reads
# them, must equal what /proc says (sysctls exactly, kernel counters
# between a read before and one after). As root, a network namespace with a known twload mix
# checks the socket, side and destination-group series against ss and the
# netns label, and that tcp_tw_reuse=2 makes its loopback TIME_WAIT
# reusable once older than the reuse delay; where tmux exists, the
# dashboard must write the file too.
# Exit 0 pass, 1 fail, 77 skip (python3 or its prometheus_client module
# missing; $PYTHON names another interpreter).
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop
twload=$build/src/twload
parse=$here/prom_parse.py
client=$here/prom_client.py
ns=""
tmux_id=twtop-prom-$$
pids=()

fail() { echo "FAIL: $*"; exit 1; }

# the interpreter with the client module: Debian's package installs it for
# /usr/bin/python3, which another python3 first on the PATH may not see
py=""
for cand in ${PYTHON:-} python3 /usr/bin/python3; do
	if "$cand" -c 'import prometheus_client.parser' 2>/dev/null; then
		py=$cand
		break
	fi
done
if [ -z "$py" ]; then
	if command -v python3 >/dev/null; then
		echo "SKIP: python3 has no prometheus_client module (Debian:" \
			"python3-prometheus-client; or set PYTHON)"
	else
		echo "SKIP: python3 not installed"
	fi
	exit 77
fi
[ -x "$twtop" ] || fail "$twtop not built"

tmp=$(mktemp -d /tmp/twtop-prom.XXXXXX)
cleanup() {
	tmux -L "$tmux_id" kill-server 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# no user config (theme, interval) in the way
export XDG_CONFIG_HOME=$tmp/config

promtool=${PROMTOOL:-$(command -v promtool || true)}

# Validates a file with both parsers (which must read the same families
# and samples from it) and, when present, promtool.
validate() {
	# one copy: the dashboard may replace the file between two reads
	cp "$1" "$tmp/validate.prom" || fail "cannot copy $1"
	"$py" "$parse" "$tmp/validate.prom" --prefix twtop_ >"$tmp/parse.out" 2>&1 ||
		{ cat "$tmp/parse.out"; fail "$1 does not parse"; }
	"$py" "$client" "$tmp/validate.prom" --prefix twtop_ --compare \
		>"$tmp/client.out" 2>&1 ||
		{ cat "$tmp/client.out"; fail "$1: prometheus_client disagrees"; }
	if [ -n "$promtool" ]; then
		"$promtool" check metrics <"$tmp/validate.prom" >"$tmp/promtool.out" 2>&1 ||
			{ cat "$tmp/promtool.out"; fail "promtool rejects $1"; }
	fi
}

# --- the parser itself must reject what the collector would ----------------
# Each case: the reason it must report, then the text.
parser_rejects() {
	printf '%b' "$2" >"$tmp/bad.prom"
	"$py" "$parse" "$tmp/bad.prom" --prefix twtop_ >"$tmp/bad.out" 2>&1
	[ $? -eq 1 ] || fail "parser accepted: $2"
	grep -qF -- "$1" "$tmp/bad.out" ||
		fail "parser said $(cat "$tmp/bad.out"), not '$1', for: $2"
}
H='# HELP twtop_a a.\n# TYPE twtop_a gauge\n'
printf '%b' "${H}twtop_a{l=\"a\\\\\\\\b\\\\\"c\\\\nd\",m=\"\"} -1.5e3\n" >"$tmp/ok.prom"
"$py" "$parse" "$tmp/ok.prom" --prefix twtop_ >/dev/null ||
	fail "parser rejected a valid file: $(cat "$tmp/ok.prom")"
# the client reads the escapes the same way
"$py" "$client" "$tmp/ok.prom" --prefix twtop_ --compare ||
	fail "prometheus_client and prom_parse.py read $(cat "$tmp/ok.prom") differently"
parser_rejects "no TYPE line" '# HELP twtop_a a.\ntwtop_a 1\n'
parser_rejects "no HELP line" '# TYPE twtop_a gauge\ntwtop_a 1\n'
parser_rejects "twice" "${H}twtop_a{l=\"1\"} 1\ntwtop_a{l=\"1\"} 2\n"
parser_rejects "invalid escape" "${H}twtop_a{l=\"\\\\t\"} 1\n"
parser_rejects "unterminated" "${H}twtop_a{l=\"1} 1\n"
parser_rejects "ends in _total but is a gauge" \
	'# HELP twtop_a_total a.\n# TYPE twtop_a_total gauge\ntwtop_a_total 1\n'
parser_rejects "does not end in _total" \
	'# HELP twtop_a a.\n# TYPE twtop_a counter\ntwtop_a 1\n'
parser_rejects "not contiguous" \
	"${H}twtop_a{l=\"1\"} 1\n# HELP twtop_b b.\n# TYPE twtop_b gauge\ntwtop_b 1\ntwtop_a{l=\"2\"} 1\n"
parser_rejects "timestamp" "${H}twtop_a 1 1700000000000\n"
parser_rejects "bad sample value" "${H}twtop_a 1,5\n"
parser_rejects "label names" "${H}twtop_a{l=\"1\"} 1\ntwtop_a{m=\"1\"} 1\n"
parser_rejects "no newline at the end" "${H}twtop_a 1"
parser_rejects "after its samples" '# HELP twtop_a a.\ntwtop_a 1\n# TYPE twtop_a gauge\n'
parser_rejects "not UTF-8" "${H}twtop_a{l=\"\\xff\"} 1\n"
parser_rejects "does not start with twtop_" '# HELP a a.\n# TYPE a gauge\na 1\n'
parser_rejects "no samples" "${H}"

# --- this host: --batch -q writes a valid file with the right numbers ------
cat /proc/net/snmp /proc/net/netstat >"$tmp/before" 2>/dev/null
t0=$(date +%s.%N)
"$twtop" --batch -n 2 -d 0.2 -q --top 3 --prometheus "$tmp/out/twtop.prom" \
	>"$tmp/stdout" 2>"$tmp/stderr" && fail "a missing directory was accepted"
# first: the directory is missing, a setup error at the first sample
[ "$(cat "$tmp/stderr")" = "twtop: --prometheus: $tmp/out/twtop.prom: No such file or directory" ] ||
	fail "missing directory message: $(cat "$tmp/stderr")"
mkdir "$tmp/out"
"$twtop" --batch -n 2 -d 0.2 -q --top 3 --prometheus "$tmp/out/twtop.prom" \
	>"$tmp/stdout" 2>"$tmp/stderr" || fail "twtop --batch exited $?: $(cat "$tmp/stderr")"
t1=$(date +%s.%N)
cat /proc/net/snmp /proc/net/netstat >"$tmp/after" 2>/dev/null
[ -s "$tmp/stdout" ] && fail "-q printed: $(head -c 200 "$tmp/stdout")"
[ -s "$tmp/stderr" ] && fail "twtop wrote to stderr: $(cat "$tmp/stderr")"
[ "$(ls -A "$tmp/out")" = twtop.prom ] ||
	fail "directory holds $(ls -A "$tmp/out" | tr '\n' ' ') (a temporary left?)"
[ "$(stat -c %a "$tmp/out/twtop.prom")" = 644 ] ||
	fail "mode $(stat -c %a "$tmp/out/twtop.prom"), not 644"
validate "$tmp/out/twtop.prom"
version=$("$twtop" --version | awk 'NR == 1 { print $2 }')

# The checks read the parsed file and /proc; every failure is listed.
cat >"$tmp/check.py" <<'PY'
import os, re, sys
sys.path.insert(0, os.environ['HERE'])
parser = __import__(os.environ['PARSER'])   # prom_parse or prom_client

fams, errs = parser.load(sys.argv[1], 'twtop_')
assert not errs, errs
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

def one(name, labels=None):
    """The value of the series name{netns, labels}, or None."""
    if name not in fams:
        return None
    want = dict(labels or {}, netns=os.environ.get('NETNS', ''))
    for _, l, v in fams[name].samples:
        if l == want:
            return v
    return None

def proc_counters(path):
    """nstat-style names from /proc/net/snmp + netstat text."""
    out, lines = {}, open(path).read().splitlines()
    for h, v in zip(lines, lines[1:]):
        hp, vp = h.split(), v.split()
        if hp and vp and hp[0] == vp[0] and hp[0] in ('Tcp:', 'TcpExt:') \
                and not vp[1][0].isalpha():
            for k, x in zip(hp[1:], vp[1:]):
                out[hp[0][:-1] + k] = int(x)
    return out

before = proc_counters(sys.argv[2])
after = proc_counters(sys.argv[3])
t0, t1 = float(sys.argv[4]), float(sys.argv[5])
top = int(sys.argv[6])

# every series carries netns; the info line names version and kernel
check(all('netns' in l for f in fams.values() for _, l, _ in f.samples),
      'a series without the netns label')
info = fams['twtop_info'].samples
check(len(info) == 1 and info[0][2] == 1, 'twtop_info is not one series of 1')
check(info[0][1].get('version') == os.environ['VERSION'],
      'version %r' % info[0][1].get('version'))
check(info[0][1].get('kernel') == os.uname().release,
      'kernel %r' % info[0][1].get('kernel'))
check(info[0][1].get('backend') in ('bpf', 'netlink'),
      'backend %r' % info[0][1].get('backend'))
ts = one('twtop_sample_timestamp_seconds')
check(ts is not None and t0 <= ts <= t1,
      'sample timestamp %r outside the run [%r, %r]' % (ts, t0, t1))
check(one('twtop_sample_dump_failed') == 0, 'dump failed')
check(0 <= one('twtop_sample_dump_duration_seconds') <=
      one('twtop_sample_duration_seconds') <= t1 - t0,
      'sample durations out of order')

# sysctls: exactly /proc/sys, absent when the file is absent
sysctls = {
    'tcp_tw_reuse': ('twtop_sysctl_tcp_tw_reuse', 1),
    'tcp_tw_reuse_delay': ('twtop_sysctl_tcp_tw_reuse_delay_seconds', 1000),
    'tcp_tw_recycle': ('twtop_sysctl_tcp_tw_recycle', 1),
    'tcp_max_tw_buckets': ('twtop_sysctl_tcp_max_tw_buckets', 1),
    'tcp_fin_timeout': ('twtop_sysctl_tcp_fin_timeout_seconds', 1),
    'tcp_timestamps': ('twtop_sysctl_tcp_timestamps', 1),
    'tcp_rfc1337': ('twtop_sysctl_tcp_rfc1337', 1),
}
for sc, (metric, div) in sysctls.items():
    try:
        want = int(open('/proc/sys/net/ipv4/' + sc).read()) / div
    except FileNotFoundError:
        want = None
    check(one(metric) == want, '%s = %r, /proc/sys says %r' %
          (metric, one(metric), want))
    if want is not None:
        check(fams[metric].type == 'gauge', metric + ' not a gauge')
low, high = map(int, open('/proc/sys/net/ipv4/ip_local_port_range').read().split())
check(one('twtop_ephemeral_port_range_low') == low, 'range low')
check(one('twtop_ephemeral_port_range_high') == high, 'range high')
check(one('twtop_ephemeral_ports') == high - low + 1, 'range size')

# counters: between the reads before and after, typed counter
counters = {
    'TcpExtTW': 'twtop_tcp_tw_total',
    'TcpExtTWKilled': 'twtop_tcp_tw_killed_total',
    'TcpExtTWRecycled': 'twtop_tcp_tw_recycled_total',
    'TcpExtTCPTimeWaitOverflow': 'twtop_tcp_time_wait_overflow_total',
    'TcpActiveOpens': 'twtop_tcp_active_opens_total',
    'TcpPassiveOpens': 'twtop_tcp_passive_opens_total',
    'TcpExtTCPAbortOnClose': 'twtop_tcp_abort_on_close_total',
}
for c, metric in counters.items():
    v = one(metric)
    if c not in before:
        check(v is None, '%s written but %s is absent' % (metric, c))
        continue
    check(v is not None and before[c] <= v <= after[c],
          '%s = %r, /proc said %r before and %r after' %
          (metric, v, before[c], after[c]))
    check(fams[metric].type == 'counter', metric + ' not a counter')
# two samples 0.2 s apart at least: the rate cannot exceed delta / 0.2 s
rate = one('twtop_time_wait_new_per_second')
if 'TcpExtTW' in before:
    check(rate is not None and 0 <= rate * 0.2 <=
          after['TcpExtTW'] - before['TcpExtTW'] + 1e-9,
          'new TIME_WAIT/s %r vs TcpExtTW %r..%r' %
          (rate, before['TcpExtTW'], after['TcpExtTW']))

# socket series: the eleven states, the sides add up to TIME_WAIT
states = {l['state']: v for _, l, v in fams['twtop_sockets'].samples}
check(sorted(states) == sorted(['established', 'syn_sent', 'syn_recv',
      'fin_wait1', 'fin_wait2', 'time_wait', 'close', 'close_wait',
      'last_ack', 'listen', 'closing']), 'states %s' % sorted(states))
sides = {l['side']: v for _, l, v in fams['twtop_time_wait_sockets'].samples}
check(sorted(sides) == ['client', 'server'] and
      sides['client'] + sides['server'] == states.get('time_wait'),
      'sides %r vs time_wait %r' % (sides, states.get('time_wait')))
inferred = one('twtop_time_wait_server_inferred_sockets')
check(inferred is not None and 0 <= inferred <= sides.get('server', 0),
      'server side inferred %r of %r' % (inferred, sides.get('server')))

# groups: at most --top, consistent with the range
ngroups = one('twtop_destination_groups')
used = fams.get('twtop_destination_ports_used')
series = used.samples if used else []
check(len(series) == min(top, int(ngroups)),
      '%d group series, %r groups, --top %d' % (len(series), ngroups, top))
# holes by kind add up to the ports connect() skips
holes = {l['kind']: v for _, l, v in fams['twtop_ephemeral_port_holes'].samples}
check(sorted(holes) == ['bind', 'bound', 'closed_listener', 'listen'] and
      sum(holes.values()) == one('twtop_ephemeral_ports_bound'),
      'holes %r vs ports_bound %r' % (holes, one('twtop_ephemeral_ports_bound')))
cap = (one('twtop_ephemeral_ports') - one('twtop_ephemeral_ports_reserved')
       - one('twtop_ephemeral_ports_bound'))
reuse = os.environ.get('TW_REUSE')
for _, l, u in series:
    g = {k: l[k] for k in ('local', 'remote', 'remote_port')}
    f = one('twtop_destination_ports_free', g)
    ru = one('twtop_destination_ports_reusable', g)
    a = one('twtop_destination_ports_available', g)
    tw = one('twtop_destination_time_wait_sockets', g)
    # connect() picks among used + free; reusable are of the used
    check(f is not None and (u + f == cap or (f == 0 and u >= cap)),
          'group %r: used %r + free %r != %r' % (g, u, f, cap))
    check(a is not None and ru is not None and a == f + ru,
          'group %r: available %r != free %r + reusable %r' % (g, a, f, ru))
    check(tw is not None and tw <= u, 'group %r: time_wait %r > used' % (g, tw))
    check(ru is not None and tw is not None and ru <= tw,
          'group %r: reusable %r > time_wait %r' % (g, ru, tw))
    if reuse == '0':
        check(ru == 0, 'group %r: %r reusable with tcp_tw_reuse=0' % (g, ru))
    r = one('twtop_destination_ports_used_ratio', g)
    check(r is not None and abs(r - (1 - a / (u + f))) < 1e-12,
          'group %r ratio %r, not 1 - %r / %r' % (g, r, a, u + f))
    nr = one('twtop_destination_time_wait_new_per_second', g)
    check(nr is None or nr >= 0, 'group %r: new TIME_WAIT/s %r' % (g, nr))
check(one('twtop_ephemeral_ports_in_use') <= one('twtop_ephemeral_ports'),
      'ports in use above the range size')

# advisories: every id of src/advice.c has its stable series
src = open(os.path.join(os.environ['HERE'], '..', 'src', 'advice.c')).read()
ids = set(re.findall(r'adv_add\(s, "([a-z0-9-]+)"', src))
have = {l['id'] for _, l, _ in fams['twtop_advisories'].samples}
check(ids and ids <= have, 'advisory ids without a series: %s' %
      sorted(ids - have))
check(all(l['level'] in ('info', 'warn', 'alarm') and v >= 0
          for _, l, v in fams['twtop_advisories'].samples), 'advisory levels')

# the families twtop always writes on a live Linux host
for name in ('twtop_info', 'twtop_sockets', 'twtop_time_wait_sockets',
             'twtop_ephemeral_ports', 'twtop_sysctl_tcp_max_tw_buckets',
             'twtop_advisories', 'twtop_sample_duration_seconds'):
    check(name in fams, name + ' missing')
for p in problems:
    print('FAIL: ' + p)
sys.exit(1 if problems else 0)
PY
# the checks run on what each parser read
for parser in prom_parse prom_client; do
	HERE=$here VERSION=$version PARSER=$parser "$py" "$tmp/check.py" \
		"$tmp/out/twtop.prom" "$tmp/before" "$tmp/after" "$t0" "$t1" 3 ||
		fail "the host's file, read by $parser, does not match /proc"
done
echo "ok: host file parses (prom_parse.py, prometheus_client$([ -n "$promtool" ] && echo ", promtool")) and matches /proc"
[ -z "$promtool" ] && echo "note: promtool not found (set PROMTOOL=...); parsed by prom_parse.py and prometheus_client only"

# --- root: a namespace with a known mix, counted by ss ----------------------
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v ss >/dev/null &&
	[ -x "$twload" ]; then
	ns=twtop-prom-$$
	ip netns add "$ns" || fail "ip netns add $ns"
	nsx() { ip netns exec "$ns" "$@"; }
	nsx ip link set lo up
	nsx sysctl -qw net.ipv4.tcp_tw_reuse=0
	nsx "$twload" -q -c 300 --close client --dst 127.0.0.2 --ports 8080 \
		>/dev/null || fail "twload (client close)"
	mkfifo "$tmp/ready"
	nsx "$twload" -q -c 120 --close server --dst 127.0.0.1 --ports 8081 \
		--hold 4 --linger-after 60 --ready-fd 3 3>"$tmp/ready" >/dev/null &
	pids+=($!)
	read -r -t 30 line <"$tmp/ready" || fail "twload did not get ready"
	[ "$line" = ready ] || fail "twload said '$line'"

	nsx cat /proc/net/snmp /proc/net/netstat >"$tmp/nbefore"
	t0=$(date +%s.%N)
	"$twtop" --netns "$ns" --batch -n 2 -d 0.2 -q --top 1 \
		--prometheus "$tmp/out/ns.prom" 2>"$tmp/stderr" ||
		fail "twtop --netns exited $?: $(cat "$tmp/stderr")"
	t1=$(date +%s.%N)
	nsx cat /proc/net/snmp /proc/net/netstat >"$tmp/nafter"
	tw=$(nsx ss -Htan state time-wait | wc -l)
	tw_client=$(nsx ss -Htan state time-wait dst 127.0.0.2 dport = :8080 | wc -l)
	tw_server=$(nsx ss -Htan state time-wait sport = :8081 | wc -l)
	estab=$(nsx ss -Htan state established | wc -l)
	validate "$tmp/out/ns.prom"
	# the same checks against the namespace's own /proc and /proc/sys
	for parser in prom_parse prom_client; do
		nsx env HERE="$here" VERSION="$version" NETNS="$ns" TW_REUSE=0 \
			PARSER=$parser "$py" "$tmp/check.py" "$tmp/out/ns.prom" \
			"$tmp/nbefore" "$tmp/nafter" "$t0" "$t1" 1 ||
			fail "the namespace's file, read by $parser, does not match its /proc"
	done
	cat >"$tmp/ns.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['HERE'])
parser = __import__(os.environ['PARSER'])   # prom_parse or prom_client
fams, errs = parser.load(sys.argv[1], 'twtop_')
assert not errs, errs
tw, tw_client, tw_server, estab = map(int, sys.argv[2:6])
ns = os.environ['NETNS']
def get(name, **labels):
    labels['netns'] = ns
    for _, l, v in fams[name].samples:
        if l == labels:
            return v
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)
check(get('twtop_sockets', state='time_wait') == tw,
      'time_wait %r, ss %d' % (get('twtop_sockets', state='time_wait'), tw))
check(get('twtop_sockets', state='established') == estab,
      'established %r, ss %d' % (get('twtop_sockets', state='established'), estab))
check(tw == tw_client + tw_server == 420, 'the mix: ss %d = %d + %d, not 420'
      % (tw, tw_client, tw_server))
check(get('twtop_time_wait_sockets', side='server') == tw_server,
      'server side %r, ss %d' % (get('twtop_time_wait_sockets', side='server'), tw_server))
check(get('twtop_time_wait_sockets', side='client') == tw_client,
      'client side %r, ss %d' % (get('twtop_time_wait_sockets', side='client'), tw_client))
g = [l for _, l, _ in fams['twtop_destination_ports_used'].samples
     if l['remote'] == '127.0.0.2' and l['remote_port'] == '8080']
check(len(g) == 1, 'the 127.0.0.2:8080 group: %r' % g)
if g:
    lab = {k: g[0][k] for k in ('local', 'remote', 'remote_port')}
    check(get('twtop_destination_ports_used', **lab) == tw_client,
          'group used %r, ss %d' % (get('twtop_destination_ports_used', **lab), tw_client))
    check(get('twtop_destination_time_wait_sockets', **lab) == tw_client,
          'group time_wait %r' % get('twtop_destination_time_wait_sockets', **lab))
check(get('twtop_destination_groups') == 2,
      'destination groups %r, not 2 (8080 and 8081)' % get('twtop_destination_groups'))
info = fams['twtop_info'].samples[0][1]
check(info['netns'] == ns, 'netns label %r' % info['netns'])
for p in problems:
    print('FAIL: ' + p)
sys.exit(1 if problems else 0)
PY
	for parser in prom_parse prom_client; do
		HERE=$here NETNS=$ns PARSER=$parser "$py" "$tmp/ns.py" \
			"$tmp/out/ns.prom" "$tw" "$tw_client" "$tw_server" "$estab" ||
			fail "the namespace's file, read by $parser, does not match ss"
	done
	echo "ok: namespace $ns: $tw TIME_WAIT ($tw_client client, $tw_server server) as ss counts them"

	# tcp_tw_reuse=2 and a loopback destination: once older than the
	# reuse delay (1000 ms where tcp_tw_reuse_delay is absent), connect()
	# may take over every client-side TIME_WAIT of 127.0.0.2:8080, so
	# they count as reusable and available (KERNEL-FACTS.md)
	nsx sysctl -qw net.ipv4.tcp_tw_reuse=2
	delay=$(nsx cat /proc/sys/net/ipv4/tcp_tw_reuse_delay 2>/dev/null || echo 1000)
	sleep "$(awk -v d="$delay" 'BEGIN { print d / 1000 + 0.5 }')"
	# --top 5: reusable ports rank a group lower (it is less full)
	"$twtop" --netns "$ns" --batch -n 2 -d 0.2 -q --top 5 \
		--prometheus "$tmp/out/reuse.prom" 2>"$tmp/stderr" ||
		fail "twtop --netns (reuse 2) exited $?: $(cat "$tmp/stderr")"
	validate "$tmp/out/reuse.prom"
	tw_client=$(nsx ss -Htan state time-wait dst 127.0.0.2 dport = :8080 | wc -l)
	cat >"$tmp/reuse.py" <<'PY'
import os, sys
sys.path.insert(0, os.environ['HERE'])
parser = __import__(os.environ['PARSER'])   # prom_parse or prom_client
fams, errs = parser.load(sys.argv[1], 'twtop_')
assert not errs, errs
assert not errs, errs
tw = int(sys.argv[2])
lab = None
for _, l, _ in fams['twtop_destination_ports_used'].samples:
    if l['remote'] == '127.0.0.2' and l['remote_port'] == '8080':
        lab = l
def get(name):
    for _, l, v in fams[name].samples:
        if l == lab:
            return v
if lab is None:
    print('FAIL: no 127.0.0.2:8080 group')
    sys.exit(1)
ru = get('twtop_destination_ports_reusable')
f = get('twtop_destination_ports_free')
a = get('twtop_destination_ports_available')
problems = []
if ru != tw or tw != 300:
    problems.append('reusable %r, ss %d TIME_WAIT (300 made)' % (ru, tw))
if a != f + ru:
    problems.append('available %r != free %r + reusable %r' % (a, f, ru))
for p in problems:
    print('FAIL: ' + p)
sys.exit(1 if problems else 0)
PY
	for parser in prom_parse prom_client; do
		HERE=$here PARSER=$parser "$py" "$tmp/reuse.py" \
			"$tmp/out/reuse.prom" "$tw_client" ||
			fail "tcp_tw_reuse=2 ($parser): the loopback group's TIME_WAIT are not reusable"
	done
	echo "ok: tcp_tw_reuse=2: $tw_client loopback TIME_WAIT reusable after ${delay} ms"
else
	echo "SKIP: the namespace check: needs root, ip, ss and twload"
fi

# --- the dashboard writes the file on every new sample -----------------------
if command -v tmux >/dev/null; then
	rm -f "$tmp/out/ui.prom"
	tmux -L "$tmux_id" -f /dev/null new-session -d -s main -x 100 -y 30 \
		env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
		XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
		"$twtop" -d 0.2 --prometheus "$tmp/out/ui.prom" ||
		fail "tmux new-session"
	stamp() {
		sed -n 's/^twtop_sample_timestamp_seconds{netns=""} //p' \
			"$tmp/out/ui.prom" 2>/dev/null
	}
	first=""
	for ((i = 0; i < 100; i++)); do
		first=$(stamp)
		[ -n "$first" ] && break
		sleep 0.1
	done
	[ -n "$first" ] || fail "the dashboard wrote no $tmp/out/ui.prom"
	for ((i = 0; i < 100; i++)); do
		[ "$(stamp)" != "$first" ] && break
		sleep 0.1
	done
	[ "$(stamp)" != "$first" ] || fail "the dashboard did not rewrite the file"
	validate "$tmp/out/ui.prom"
	tmux -L "$tmux_id" send-keys -t main q
	for ((i = 0; i < 50; i++)); do
		tmux -L "$tmux_id" has-session -t main 2>/dev/null || break
		sleep 0.1
	done
	tmux -L "$tmux_id" has-session -t main 2>/dev/null &&
		fail "the dashboard did not quit"
	leftover=$(ls -A "$tmp/out" | grep -v '^\(twtop\|ns\|reuse\|ui\)\.prom$')
	[ -z "$leftover" ] || fail "temporary files left: $leftover"
	echo "ok: the dashboard rewrites the file every sample"
else
	echo "SKIP: the dashboard check: tmux not installed"
fi
echo PASS
