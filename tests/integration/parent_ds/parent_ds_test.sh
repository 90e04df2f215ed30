#!/bin/bash
# The zone's DS read from the parent and validated from the parent's anchor, on the testbed: Knot
# serves the signed parent zone test. with example.test's delegation and DS; BIND and Knot serve
# example.test. With `[dns] parent_anchor_file` (the DS of test.) and `parent_servers`,
# dns-status validates the parent's DNSKEY RRset from that anchor, the DS RRset with it, and the
# zone's records from that DS; it names the KSK the DS matches. Then, as a registrar would, the
# parent's DS is changed: a DS of another key (no served KSK matches: nothing validates), no DS
# at all (proven absent by the parent's NSEC: nothing validates), and back. A parent server that
# is no server of test. (the zone's own secondary) is a finding too. The engine's run, anchored
# at the parent, stops at an alert that names the finding and its fix while the DS is another
# key's (`run --once` exits 1, `status --nagios` is CRITICAL). Without parent_servers the
# parent's servers are found from its NS RRset through the resolver, validated. Also
# `audit --json` shows the parent's DS as evidence (from the found servers). Anchored at the
# root, the chain . -> test. is followed down to the parent.
# Usage: parent_ds_test.sh ENV_FILE DANEKEEPER_BIN
set -uo pipefail
# shellcheck source=/dev/null
source "$1"
dk_bin=$2
here=$(cd "$(dirname "$0")" && pwd)
testbed=$here/../../testbed/testbed.sh
# shellcheck source=../helpers.sh
source "$here/../helpers.sh"
work=$(mktemp -d /tmp/dk-parent-ds-test-XXXXXX)
chmod 755 "$work"
cleanup() {
    "$testbed" parent-ds "$TB_DIR" "$TB_ZONE" "$TB_TRUST_ANCHOR_DS" >/dev/null
    restore_testbed
    rm -rf "$work"
}
trap cleanup EXIT
restore_testbed

# The testbed's configuration, anchored at the parent instead of the zone's own DS.
mkdir -p "$work/state" "$work/served"
chmod 700 "$work/state"
render_config "$1" "$work/state" "$work/served" |
    sed -e "s|^trust_anchor_file = .*|parent_anchor_file = \"$TB_PARENT_ANCHOR_DS\"|" \
        -e "s|^tlsa_ttl = 5|tlsa_ttl = 5\nparent_servers = [\"$TB_PARENT\"]|" \
        -e "s|^renew_before_days = 30|renew_before_days = 7|" >"$work/dk.toml"
status() { dk dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" --owner mx1 "$@"; }

start=$(date +%s%3N)
# --wait: restore_testbed's changes may still be on their way to the secondaries.
status --wait 20 >"$work/good.txt" 2>&1
expect "dns-status anchored at the parent" 0 $?
ksk=$(awk '/ DS /{for (i = 1; i <= NF; i++) if ($i == "DS") print $(i + 1)}' "$TB_TRUST_ANCHOR_DS" | head -1)
grep -q "DS of $TB_ZONE. at the parent test., validated from $TB_PARENT_ANCHOR_DS" "$work/good.txt" &&
    grep -q "$TB_PARENT .*validated, 1 DS" "$work/good.txt" && grep -q ": KSK $ksk\$" "$work/good.txt"
expect "the parent's DS, validated at $TB_PARENT, matches KSK $ksk" 0 $?
servers=$(grep -c " serial " "$work/good.txt")
[[ $servers -ge 2 ]] && grep -c "absent, validated" "$work/good.txt" | grep -qx "$servers"
expect "the zone's records validate from the parent's DS at every server ($servers)" 0 $?
status --json >"$work/good.json" 2>/dev/null
proven=$(python3 -c 'import json,sys; p=json.load(sys.stdin)["parent"]; print(p["proven"], len(p["validated_ds"]), p["matches"][0]["ksk"])' <"$work/good.json")
expect "JSON: proven, one DS, its KSK" "True 1 $ksk" "$proven"

# The engine anchored at the parent: adopt, and run until the next key's records are served
# everywhere, validated from the parent's DS (t1 recorded).
cp "$TB_MX1_KEY" "$work/served/mx-key.pem"
cat "$TB_MX1_FULLCHAIN" >"$work/served/mx-chain.pem"
"$testbed" mx-use "$TB_DIR" mx1 "$TB_MX1_CHAIN" >/dev/null
"$testbed" mx-use "$TB_DIR" mx2 "$TB_MX1_CHAIN" >/dev/null
dk adopt mx >"$work/adopt.txt" 2>&1
expect "adopt mx" 0 $?
for _ in $(seq 1 40); do
    dk run --once >"$work/run-good.txt" 2>&1 || break
    [[ $(dk status --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["next"]["published_at"])') != None ]] && break
    sleep 0.25
done
dk run --once >"$work/run-good.txt" 2>&1
expect "run --once anchored at the parent: the next key published, validated" 0 $?

# A DS of another key: it validates at the parent but matches no served KSK.
(cd "$work" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$TB_ZONE" >other.name &&
    dnssec-dsfromkey -2 "$(<other.name).key" >other.ds)
"$testbed" parent-ds "$TB_DIR" "$TB_ZONE" "$work/other.ds"
status >"$work/other.txt" 2>&1
expect "dns-status with a DS of another key" 1 $?
grep -q "matches NO served KSK" "$work/other.txt" && grep -q "finding: DS .* matches no KSK" "$work/other.txt" &&
    grep -q "fix: put the DS of a KSK $TB_ZONE. serves at the parent" "$work/other.txt" &&
    grep -q "no DNSKEY matches the trust anchor" "$work/other.txt"
expect "the DS matching no KSK is a finding with its fix, and the zone's records do not validate" 0 $?
# The engine's run stops at an alert naming the finding and its fix; status --nagios is CRITICAL.
dk run --once >"$work/run-other.txt" 2>&1
expect "run --once with a DS of another key" 1 $?
grep -q "alert: nothing validates: the parent's DS of $TB_ZONE. (test., anchored by $TB_PARENT_ANCHOR_DS): DS .* matches no KSK $TB_ZONE. serves; fix: put the DS of a KSK" "$work/run-other.txt"
expect "the run's alert says why nothing validates and how to fix it" 0 $?
dk status --nagios >"$work/nagios-other.txt" 2>&1
expect "status --nagios with a DS of another key: CRITICAL" 2 $?
grep -q "^DANEKEEPER CRITICAL - .*mx 1 failed verifications" "$work/nagios-other.txt"
expect "the nagios line names the slot's failed verification" 0 $?

# No DS at all: the parent's NSEC proves the absence; an insecure delegation validates nothing.
: >"$work/none.ds"
"$testbed" parent-ds "$TB_DIR" "$TB_ZONE" "$work/none.ds"
status >"$work/none.txt" 2>&1
expect "dns-status without a DS at the parent" 1 $?
grep -q "finding: $TB_PARENT: no DS for $TB_ZONE. (proven absent)" "$work/none.txt"
expect "the missing DS is a finding" 0 $?

# Back to the zone's DS; a second "parent server" that does not serve test. is a finding.
"$testbed" parent-ds "$TB_DIR" "$TB_ZONE" "$TB_TRUST_ANCHOR_DS"
status --wait 20 >"$work/restored.txt" 2>&1
expect "dns-status with the DS restored" 0 $? || cat "$work/restored.txt"
dk run --once >"$work/run-back.txt" 2>&1
expect "run --once with the DS restored: the alert is over" 0 $?
sed -i "s|^parent_servers = .*|parent_servers = [\"$TB_PARENT\", \"$TB_SECONDARY\"]|" "$work/dk.toml"
status >"$work/two.txt" 2>&1
expect "dns-status with a server that is not the parent's" 1 $?
grep -q "finding: $TB_SECONDARY: DS of $TB_ZONE. not validated" "$work/two.txt"
expect "that server is named in a finding" 0 $?

# No parent_servers: the parent's NS RRset names them, found through the resolver (Unbound has
# no anchor for test.: danekeeper validates the NS RRset and ns.test.'s A, and the absence of
# its AAAA, with the parent's keys itself).
sed -i "/^parent_servers = /d" "$work/dk.toml"
status --wait 20 >"$work/found.txt" 2>&1
expect "dns-status with the parent's servers found from its NS RRset" 0 $? || cat "$work/found.txt"
grep -q "^  $TB_PARENT .*validated, 1 DS" "$work/found.txt" && grep -q ": KSK $ksk\$" "$work/found.txt"
expect "the found parent server $TB_PARENT serves the DS, validated" 0 $?
sed "/^resolver = /d" "$work/dk.toml" >"$work/no-resolver.toml"
"$dk_bin" --config "$work/no-resolver.toml" config check >"$work/no-resolver.txt" 2>&1
expect "config check: no parent_servers and no resolver" 2 $?
grep -q "zone $TB_ZONE.: no parent_servers, and no dns.resolver to find the parent's" "$work/no-resolver.txt"
expect "config check names the zone and the missing resolver" 0 $?
# A "resolver" that is no resolver (the zone's Knot secondary refuses test.): nothing is found,
# and that is a finding with its fix, never an empty list of servers that proves nothing.
# (--resolver: the zone's out-of-zone NS name is still resolved through the real resolver.)
sed "s|^resolver = .*|resolver = \"$TB_SECONDARY\"|" "$work/dk.toml" >"$work/bad-resolver.toml"
"$dk_bin" --config "$work/bad-resolver.toml" dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" \
    --resolver "$TB_RESOLVER" --owner mx1 >"$work/bad-resolver.txt" 2>&1
expect "dns-status when the parent's servers cannot be found" 1 $?
grep -q "finding: test.: parent server not found: its DNSKEY RRset through the resolver $TB_SECONDARY: " "$work/bad-resolver.txt" &&
    grep -q "fix: make the resolver answer for test.'s NS RRset" "$work/bad-resolver.txt"
expect "the parent's servers not found is a finding with its fix" 0 $?

# The root's anchor: the chain . -> test. -> example.test. is followed (the root zone on the
# parent's Knot delegates test. with its DS), then test.'s servers found and asked as before.
sed "s|^parent_anchor_file = .*|parent_anchor_file = \"$TB_ROOT_ANCHOR_DS\"|" "$work/dk.toml" >"$work/root.toml"
"$dk_bin" --config "$work/root.toml" dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" \
    --owner mx1 --wait 20 >"$work/root.txt" 2>&1
expect "dns-status anchored at the root" 0 $? || cat "$work/root.txt"
grep -q "DS of $TB_ZONE. at the parent test., validated from $TB_ROOT_ANCHOR_DS" "$work/root.txt" &&
    grep -q "^  $TB_PARENT .*validated, 1 DS" "$work/root.txt" && grep -q ": KSK $ksk\$" "$work/root.txt"
expect "example.test.'s DS validated from the root's anchor through test." 0 $?
# A root anchor of another key: the chain breaks at the top, a finding with its fix.
(cd "$work" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK . >root.name &&
    dnssec-dsfromkey -2 "$(<root.name).key" >other-root.ds)
sed "s|^parent_anchor_file = .*|parent_anchor_file = \"$work/other-root.ds\"|" "$work/dk.toml" >"$work/other-root.toml"
"$dk_bin" --config "$work/other-root.toml" dns-status --zone "$TB_ZONE" --server "$TB_PRIMARY" \
    --owner mx1 >"$work/other-root.txt" 2>&1
expect "dns-status with another root key's anchor" 1 $?
grep -q "finding: the chain of trust from . down to $TB_ZONE.: . DNSKEY: " "$work/other-root.txt" &&
    grep -q "fix: make the resolver answer for every zone between . and $TB_ZONE." "$work/other-root.txt"
expect "the broken chain is a finding with its fix" 0 $?
echo "dns-status checks took $(($(date +%s%3N) - start)) ms"

# audit: the parent's DS is the DS evidence, with where it was served and the KSK it matches.
dk audit --json >"$work/audit.json" 2>"$work/audit.err"
python3 - "$work/audit.json" "$TB_PARENT" "$ksk" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
want = f"at the parent test.: {sys.argv[2]}"
sys.exit(0 if want in text and f"KSK {sys.argv[3]})" in text else 1)
PY
expect "audit names the parent's DS, its server and KSK as evidence" 0 $?

[[ $failures -eq 0 ]] || { cat "$work"/*.txt; exit 1; }
echo "all parent DS checks passed"
