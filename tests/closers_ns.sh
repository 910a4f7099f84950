#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Who closes (issue 13), end to end: twtop --batch --json watches a
# namespace (ip_local_port_range 40000-40049, tcp_tw_reuse 0) from before
# tests/closers_load.py runs there: twclient closes first (client side)
# and has connect() refused (blocking, and non-blocking: the refusal
# comes later, through the socket), twserver closes first to twpeer's
# connections (server side), twexhaust holds ports to one destination
# until connect() fails with EADDRNOTAVAIL, counts the failures itself,
# then closes first; twsink closes after its peers. The same load runs in
# a second namespace at the same time.
# Every TIME_WAIT ss shows must be attributed to the right process and
# side (none unknown), the closes counted per process, the EADDRNOTAVAIL
# exactly as many as twexhaust saw, tied to its destination and its
# destination group, and nothing of the second namespace counted.
# twclient and twserver run in two cgroup v2 directories of their own
# (made here, removed at the end): closer_cgroups must give each cgroup
# exactly the TIME_WAIT and closes of its processes, by id and path;
# only that part is left out, with a message, when cgroup v2 is not
# writable here.
# Skips (77) when not root or when the BPF programs cannot load here.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ns_lib.sh"
ns_require python3
ns_setup twtop-cl
ns2=$ns-b
ip netns add "$ns2" || fail "ip netns add $ns2"
cgs=()
cg_cleanup() {
	for d in "${cgs[@]}"; do rmdir "$d" 2>/dev/null; done
}
trap 'ns_cleanup; ip netns del "$ns2" 2>/dev/null; cg_cleanup' EXIT
for n in "$ns" "$ns2"; do
	ip netns exec "$n" ip link set lo up
	ip netns exec "$n" sysctl -qw net.ipv4.tcp_tw_reuse=0 \
		net.ipv4.ip_local_port_range="40000 40049" ||
		fail "sysctl in $n"
done

# --netns, not ip netns exec: that one mounts its own /sys, where the
# cgroup of an exited process cannot be looked up
"$twtop" --netns "$ns" --batch --json -d 0.4 --prometheus "$tmp/p.prom" \
	--prometheus-processes 2 >"$tmp/out" 2>"$tmp/err" &
twpid=$!
pids+=($twpid)
for ((i = 0; i < 50; i++)); do
	[ -s "$tmp/out" ] && break
	sleep 0.1
done
head -1 "$tmp/out" >"$tmp/first" || fail "twtop wrote nothing"
why=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["closers_reason"] or "")' <"$tmp/first") ||
	fail "twtop's first line is not JSON: $(cat "$tmp/first" "$tmp/err")"
if [ -n "$why" ]; then
	echo "SKIP: $why"
	exit 77
fi

# two cgroups of the cgroup2 mount (under /sys/fs/cgroup, or its
# unified/ on a hybrid host), for twclient and twserver; the load's
# roles move themselves through descriptors open on their cgroup.procs
# (ip netns exec mounts a /sys of its own, without cgroup2)
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
cg_fds=
cga=${cg2:-/nonexistent}/twtop-test-$$-a
cgb=${cg2:-/nonexistent}/twtop-test-$$-b
if [ -n "$cg2" ] && mkdir "$cga" 2>/dev/null && cgs+=("$cga") &&
	mkdir "$cgb" 2>/dev/null && cgs+=("$cgb") &&
	sh -c 'echo 0 >"$1/cgroup.procs"' sh "$cga" 2>/dev/null; then
	cg_fds=twclient=5,twserver=6
	echo "twclient in ${cga#"$cg2"}, twserver in ${cgb#"$cg2"}"
else
	echo "cgroup v2 is not writable here (${cg2:-no cgroup2 mount}):" \
		"closer_cgroups checked without cgroups of their own"
fi
[ -z "$cg_fds" ] || exec 5>>"$cga/cgroup.procs" 6>>"$cgb/cgroup.procs" ||
	fail "opening the cgroups' cgroup.procs"
TWTOP_TEST_CGROUP_FDS=$cg_fds nsx python3 "$here/closers_load.py" \
	>"$tmp/load1" &
l1=$!
[ -z "$cg_fds" ] || exec 5>&- 6>&-
ip netns exec "$ns2" python3 "$here/closers_load.py" >"$tmp/load2" &
l2=$!
wait "$l1" || fail "the load failed: $(cat "$tmp/load1")"
wait "$l2" || fail "the load in $ns2 failed: $(cat "$tmp/load2")"
sleep 1.3			# three samples after the last close
nsx ss -Htan state time-wait >"$tmp/ss"
sleep 0.9
kill "$twpid"
wait "$twpid" 2>/dev/null
grep -E '^0::' /proc/self/cgroup | cut -d: -f3- >"$tmp/cgroup"
if [ -n "$cg_fds" ]; then
	# a cgroup v2 id is its directory's inode number
	printf '{"a": [%s, "%s"], "b": [%s, "%s"]}\n' \
		"$(stat -c %i "$cga")" "${cga#"$cg2"}" \
		"$(stat -c %i "$cgb")" "${cgb#"$cg2"}" >"$tmp/cgs"
else
	echo null >"$tmp/cgs"
fi

python3 "$here/prom_parse.py" "$tmp/p.prom" || fail "the Prometheus file"
python3 - "$tmp" <<'EOF' || fail "closers differ (above)"
import json, sys
tmp = sys.argv[1]
lines = [l for l in open(tmp + "/out") if l.endswith("\n")]
d = json.loads(lines[-1])
load = json.load(open(tmp + "/load1"))
other = json.load(open(tmp + "/load2"))
cg = open(tmp + "/cgroup").read().strip() or None
own = json.load(open(tmp + "/cgs"))	# {"a": [id, path], "b": ...}
pid = {role: v["pid"] for role, v in load.items()}
role = {v: k for k, v in pid.items()}
errors = []

def check(what, got, want):
    if got != want:
        errors.append("%s: %r, expected %r" % (what, got, want))

# the TIME_WAIT ss shows, by who closed first and on which side
want = {}
for line in open(tmp + "/ss"):
    local, peer = line.split()[2:4]
    if local.endswith(":8081"):
        key = ("twserver", "server")
    elif peer == "127.0.0.2:8080":
        key = ("twclient", "client")
    elif peer == "127.0.0.3:9000":
        key = ("twexhaust", "client")
    else:
        errors.append("unexpected TIME_WAIT %s %s" % (local, peer))
        continue
    want[key] = want.get(key, 0) + 1
total = sum(want.values())
check("time_wait.total", d["time_wait"]["total"], total)
check("closers_unknown", d["closers_unknown"], 0)
check("attributed", d["closers_totals"]["attributed"], total)
rows = {r["pid"]: r for r in d["closers"]}
for r in d["closers"]:
    if r["pid"] not in role:
        errors.append("a process not of the load: %r" % r)
for name in ("twclient", "twserver", "twexhaust"):
    r = rows.get(pid[name])
    if r is None:
        errors.append("%s not in closers" % name)
        continue
    check(name + " comm", r["comm"], name)
    mine = own and own.get({"twclient": "a", "twserver": "b"}.get(name))
    check(name + " cgroup", r["cgroup"], mine[1] if mine else cg)
    if mine:
        check(name + " cgroup_id", r["cgroup_id"], mine[0])
    check(name + " server_side", r["server_side"],
          want.get((name, "server"), 0))
    check(name + " client_side", r["client_side"],
          want.get((name, "client"), 0))
    check(name + " time_wait", r["time_wait"],
          want.get((name, "server"), 0) + want.get((name, "client"), 0))
# closes per process, as each process counted its own
for name, kind in (("twclient", "active"), ("twserver", "active"),
                   ("twexhaust", "active"), ("twpeer", "passive"),
                   ("twsink", "passive")):
    r = rows.get(pid[name])
    if r is None:
        errors.append("%s not in closers" % name)
        continue
    check(name + " comm", r["comm"], name)
    check(name + " " + kind + "_closes", r[kind + "_closes"],
          load[name][kind])
    check(name + " the other kind", r[("passive" if kind == "active"
                                       else "active") + "_closes"], 0)
# connect() failures: exactly what each process saw, where it went
err = {(e["pid"], e["errno"], e["remote"], e["remote_port"]): e["count"]
       for e in d["connect_errors"]}
check("connect_errors", err, {
    (pid["twexhaust"], "EADDRNOTAVAIL", "127.0.0.3", 9000):
        load["twexhaust"]["eaddrnotavail"],
    (pid["twclient"], "ECONNREFUSED", "127.0.0.1", 9):
        load["twclient"]["refused"],
})
check("first error row", d["connect_errors"][0]["errno"], "EADDRNOTAVAIL")
check("connect_errors total", d["closers_totals"]["connect_errors"],
      load["twexhaust"]["eaddrnotavail"] + load["twclient"]["refused"])
check("twexhaust connect_errors", rows[pid["twexhaust"]]["connect_errors"],
      load["twexhaust"]["eaddrnotavail"])
groups = {(g["remote"], g["remote_port"]): g
          for g in d["ephemeral"]["groups"]}
check("group :9000 connect_failures",
      groups[("127.0.0.3", 9000)]["connect_failures"],
      {"EADDRNOTAVAIL": load["twexhaust"]["eaddrnotavail"]})
check("group :8080 connect_failures",
      groups[("127.0.0.2", 8080)]["connect_failures"], {})
# Prometheus: the totals, and per process only the 2 holding the most
# TIME_WAIT (--prometheus-processes 2), by side, as the JSON has them
series = {}
for line in open(tmp + "/p.prom"):
    if line.startswith("twtop_process_time_wait_sockets{"):
        labels = dict(kv.split("=", 1) for kv in
                      line[line.index("{") + 1:line.index("}")].split(","))
        series[(int(labels["pid"].strip('"')),
                labels["side"].strip('"'))] = int(line.split()[-1])
    if line.startswith("twtop_time_wait_unattributed{"):
        check("twtop_time_wait_unattributed", int(line.split()[-1]), 0)
top2 = sorted(d["closers"], key=lambda r: -r["time_wait"])[:2]
check("per-process series", series,
      {(r["pid"], side): r[side + "_side"] for r in top2
       for side in ("server", "client")})
# per cgroup: each exactly the sum of its processes (all are listed:
# fewer than 32), the one with the most TIME_WAIT on top
by_id = {}
for r in d["closers"]:
    by_id.setdefault(r["cgroup_id"], []).append(r)
cgs = {g["cgroup_id"]: g for g in d["closer_cgroups"]}
check("closer_cgroups ids", sorted(cgs), sorted(by_id))
check("closers_totals.cgroups", d["closers_totals"]["cgroups"], len(by_id))
for cid, members in by_id.items():
    g = cgs.get(cid)
    if g is None:
        continue
    what = "cgroup %s" % (g["cgroup"] or cid)
    for key in ("time_wait", "server_side", "client_side",
                "active_closes", "passive_closes", "connect_errors"):
        check(what + " " + key, g[key], sum(r[key] for r in members))
    check(what + " processes", g["processes"], len(members))
    top = max(members, key=lambda r: r["time_wait"])
    check(what + " top_pid time_wait",
          [r["time_wait"] for r in members if r["pid"] == g["top_pid"]],
          [top["time_wait"]])
check("closer_cgroups time_wait", sum(g["time_wait"] for g in cgs.values()),
      total)
tws = [g["time_wait"] for g in d["closer_cgroups"]]
check("closer_cgroups order", tws, sorted(tws, reverse=True))
# the two cgroups made here: one process each, as ss counts them
for key, name, side in (("a", "twclient", "client"),
                        ("b", "twserver", "server")):
    if not own:
        break
    g = cgs.get(own[key][0])
    if g is None:
        errors.append("%s's cgroup %r not in closer_cgroups" %
                      (name, own[key]))
        continue
    check(name + "'s cgroup path", g["cgroup"], own[key][1])
    check(name + "'s cgroup processes", g["processes"], 1)
    check(name + "'s cgroup top", (g["top_pid"], g["top_comm"]),
          (pid[name], name))
    check(name + "'s cgroup time_wait", g["time_wait"],
          want.get((name, side), 0))
    check(name + "'s cgroup " + side + "_side", g[side + "_side"],
          want.get((name, side), 0))
    check(name + "'s cgroup active_closes", g["active_closes"],
          load[name]["active"])
    if g["time_wait"] == 0:
        errors.append("%s's cgroup holds no TIME_WAIT" % name)
# the other namespace's processes, at the same time, never
theirs = {v["pid"] for v in other.values()}
for l in lines:
    o = json.loads(l)
    for r in (o["closers"] or []) + (o["connect_errors"] or []):
        if r["pid"] in theirs:
            errors.append("counted from the other namespace: %r" % r)
            break
if errors:
    print("\n".join(errors))
    sys.exit(1)
print("%d cgroups: %s" % (len(cgs), ", ".join(
    "%s %d TIME_WAIT of %d processes" % (g["cgroup"], g["time_wait"],
                                         g["processes"])
    for g in d["closer_cgroups"])))
print("attributed %d of %d TIME_WAIT (%s); EADDRNOTAVAIL %d of %d, "
      "ECONNREFUSED %d of %d" % (
          d["closers_totals"]["attributed"], total,
          ", ".join("%s %s %d" % (k[0], k[1], v)
                    for k, v in sorted(want.items())),
          err[(pid["twexhaust"], "EADDRNOTAVAIL", "127.0.0.3", 9000)],
          load["twexhaust"]["eaddrnotavail"],
          err[(pid["twclient"], "ECONNREFUSED", "127.0.0.1", 9)],
          load["twclient"]["refused"]))
EOF
echo "PASS: closers_ns"
