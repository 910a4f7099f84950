#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --all-netns on the command line: what it cannot be combined with is
# refused with exit 2 and one line naming the option; --max-netns is
# checked; and without the right to enter namespaces (a normal user, or
# root dropped to nobody) twtop samples its own namespace and gives every
# other one a row saying why it cannot be entered, never a crash.
# Exit 0 pass, 1 fail.
set -u
build=${TWTOP_BUILDDIR:-$(pwd)}
twtop=$build/src/twtop

fail() { echo "FAIL: $*"; exit 1; }
[ -x "$twtop" ] || fail "$twtop not built"
tmp=$(mktemp -d /tmp/twtop-allnscli.XXXXXX)
chmod 755 "$tmp"
ns=""
cleanup() { [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export XDG_CONFIG_HOME=$tmp/config

# refused WANT ARGS...: exit 2, the first line of stderr holds WANT
refused() {
	local want=$1 out rc
	shift
	out=$(timeout 10 "$twtop" "$@" 2>&1 >/dev/null </dev/null)
	rc=$?
	[ "$rc" = 2 ] || fail "twtop $*: exit $rc, wanted 2: $out"
	case ${out%%$'\n'*} in
	*"$want"*) echo "ok: twtop $*: ${out%%$'\n'*}" ;;
	*) fail "twtop $*: message '$out' lacks '$want'" ;;
	esac
}

conflict="option '--all-netns': samples every namespace whole; not with"
refused "$conflict" --all-netns --netns blue --once
refused "$conflict" --all-netns --netns-pid 1 --once
refused "$conflict" --all-netns --filter 'state time-wait' --once
refused "$conflict" --all-netns --demo
refused "$conflict" --once --all-netns --netns /run/netns/x
touch "$tmp/r.json"
refused "$conflict" --all-netns --replay "$tmp/r.json"
refused "option '--max-netns': '0' is not a whole number" --all-netns \
	--max-netns 0 --once
refused "option '--max-netns': 'x' is not a whole number" --all-netns \
	--max-netns x --once
refused "option '--max-netns': only with --all-netns" --max-netns 5 --once
"$twtop" --help | grep -q -- '--all-netns' || fail "--help lacks --all-netns"
echo "ok: --help lists --all-netns"

# Without CAP_SYS_ADMIN: as nobody when root (with a namespace of our
# own to be refused), else as this user.
run=()
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null || { echo "SKIP: no setpriv"; exit 77; }
	ns=twtop-allnscli-$$
	ip netns add "$ns" || fail "ip netns add"
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
"${run[@]}" "$twtop" --all-netns --once --json >"$tmp/user.json" \
	2>"$tmp/err" || fail "unprivileged --all-netns: $(cat "$tmp/err")"
python3 - "$tmp/user.json" "$ns" <<'EOF' || fail "unprivileged rows"
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["namespaces"]
own = [r for r in rows if r["own"]]
assert len(own) == 1 and own[0]["error"] is None and \
    own[0]["sockets"] is not None, own
others = [r for r in rows if not r["own"]]
for r in others:
    assert r["error"] and r["sockets"] is None and not r["idle"], r
    assert "run as root" in r["error"], r["error"]
if sys.argv[2]:
    mine = [r for r in others if r["name"] == sys.argv[2]]
    assert mine and "cannot enter /run/netns/" in mine[0]["error"], mine
print("ok: unprivileged: own namespace sampled (%d sockets), %d others "
      "say why%s" % (own[0]["sockets"], len(others),
                     ": " + mine[0]["error"] if sys.argv[2] else ""))
EOF
