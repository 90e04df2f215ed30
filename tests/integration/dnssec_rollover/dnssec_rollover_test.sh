#!/bin/bash
# A full ZSK and KSK rollover of a zone danekeeper signs itself (publisher = "signed-file"), on
# real servers: Knot serves the signed file, a second Knot serves the parent zone "test." (signed
# by ldns-signzone) whose DS RRset a small CDS scanner here keeps equal to the child's CDS (RFC
# 7344 / 8078, as a registry would), and Unbound validates from the parent's trust anchor. The
# danekeeper daemon runs both rollovers with short TTLs while a prober asks Unbound every 0.2 s:
# every answer must carry the AD bit, from the first signing to the end. danekeeper is anchored at
# the parent too ([dns] parent_anchor_file): the key planner counts a DS only where it validates
# from there, and its own validation (dns-status) follows the parent's DS through the KSK
# rollover, while the first KSK's DS alone no longer validates the zone afterwards.
#
#   dnssec_rollover_test.sh DANEKEEPER [NET]     (root: binds port 53 on NET.9.1-3; KEEP=1
#                                                keeps the directory for a look afterwards)
set -euo pipefail
DK=${1:?usage: dnssec_rollover_test.sh DANEKEEPER [NET]}
NET=${2:-127.84}
CHILD_ADDR=$NET.9.1 PARENT_ADDR=$NET.9.2 RESOLVER_ADDR=$NET.9.3
ZONE=rollover.test
DIR=$(mktemp -d /tmp/dk-dnssec-rollover-XXXXXX)
chmod 755 "$DIR"
PIDS=()
ADDED=()

say() { printf '[%s] %s\n' "$(date +%T.%3N)" "$*"; }
fail() {
    say "FAIL: $*"
    for f in "$DIR"/logs/*.log; do
        echo "--- ${f##*/} (tail)"
        tail -n 25 "$f"
    done
    exit 1
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        # Only processes this script started, by pid, and only while they still are ours.
        if [[ -d /proc/$pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$DIR"; then
            kill "$pid" 2>/dev/null || true
        fi
    done
    sleep 0.5
    for pid in "${PIDS[@]}"; do
        if [[ -d /proc/$pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$DIR"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    for a in "${ADDED[@]}"; do ip addr del "$a/32" dev lo 2>/dev/null || true; done
    [[ -n ${KEEP:-} ]] || rm -rf "$DIR"
}
trap cleanup EXIT

add_address() {
    if ! ip -4 addr show dev lo | grep -q "inet $1/32"; then
        ip addr add "$1/32" dev lo
        ADDED+=("$1")
    fi
}

# Runs a daemon in the background with its output in logs/NAME.log; remembers its pid.
start() {
    local name=$1
    shift
    "$@" >"$DIR/logs/$name.log" 2>&1 &
    PIDS+=("$!")
}

wait_for() {
    local what=$1 seconds=$2
    shift 2
    local end=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < end)) || fail "timed out after ${seconds}s waiting for $what"
        sleep 0.2
    done
}

knot_conf() {  # NAME ADDR ZONE FILE
    mkdir -p "$DIR/$1/db"
    cat >"$DIR/$1/knot.conf" <<CONF
server:
    rundir: "$DIR/$1"
    pidfile: "$DIR/$1/knot.pid"
    listen: $2@53
log:
  - target: stderr
    any: info
database:
    storage: "$DIR/$1/db"
template:
  - id: default
    storage: "$DIR/$1"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: $3
    file: "$4"
CONF
}

# The parent zone "test.": the delegation to the child, and the DS RRset the scanner maintains.
write_parent() {  # SERIAL DS-LINES...
    local serial=$1
    shift
    {
        printf '$TTL 3\n@ SOA ns.test. hostmaster.test. %s 5 5 60 3\n  NS ns\nns A %s\n' \
            "$serial" "$PARENT_ADDR"
        printf '%s. NS ns1.%s.\nns1.%s. A %s\n' "$ZONE" "$ZONE" "$ZONE" "$CHILD_ADDR"
        local ds
        for ds in "$@"; do printf '%s. 3 IN DS %s\n' "$ZONE" "$ds"; done
    } >"$DIR/parent/test.zone"
    ldns-signzone -o test. -f "$DIR/parent/test.signed" "$DIR/parent/test.zone" \
        "$DIR/parent/keys/$(<"$DIR/parent/keys/ksk")" "$DIR/parent/keys/$(<"$DIR/parent/keys/zsk")"
}

# The registry's CDS scanner: the parent's DS RRset becomes the child's CDS RRset (never empty).
scan_cds() {
    local serial=2 current=""
    while [[ -e $DIR/scanner.run ]]; do
        local cds
        cds=$(dig @"$CHILD_ADDR" "$ZONE" CDS +norec +short +time=1 +tries=1 2>/dev/null | sort)
        if [[ -n $cds && $cds != "$current" ]]; then
            serial=$((serial + 1))
            mapfile -t lines <<<"$cds"
            write_parent "$serial" "${lines[@]}"
            knotc -c "$DIR/parent/knot.conf" zone-reload test. >/dev/null
            say "scanner: parent DS RRset := $(echo "$cds" | awk '{print $1}' | tr '\n' ' ')"
            current=$cds
        fi
        sleep 0.5
    done
}

mkdir -p "$DIR/logs" "$DIR/parent/keys" "$DIR/child" "$DIR/state"
chmod 700 "$DIR/state"
for a in "$CHILD_ADDR" "$PARENT_ADDR" "$RESOLVER_ADDR"; do add_address "$a"; done

# The parent, signed from the start, with no DS for the child yet (the child is insecure).
(cd "$DIR/parent/keys" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK test. >ksk &&
    dnssec-keygen -q -a ECDSAP256SHA256 test. >zsk)
write_parent 1
knot_conf parent "$PARENT_ADDR" test. "$DIR/parent/test.signed"
start knot-parent /usr/sbin/knotd -c "$DIR/parent/knot.conf"
dnssec-dsfromkey -2 "$DIR/parent/keys/$(<"$DIR/parent/keys/ksk").key" >"$DIR/anchor.ds"

# The child: the operator's unsigned zone, and the Knot that serves danekeeper's signed file.
cat >"$DIR/child/$ZONE.zone" <<ZONE
\$TTL 2
@    SOA ns1 hostmaster 1 5 5 60 2
     NS  ns1
     MX  10 mx1
ns1  A   $CHILD_ADDR
mx1  A   192.0.2.25
_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
ZONE
knot_conf child "$CHILD_ADDR" "$ZONE" "$DIR/child/$ZONE.signed"
start knot-child /usr/sbin/knotd -c "$DIR/child/knot.conf"

cat >"$DIR/unbound.conf" <<CONF
server:
    interface: $RESOLVER_ADDR
    port: 53
    do-not-query-localhost: no
    username: ""
    chroot: ""
    directory: "$DIR"
    pidfile: "$DIR/unbound.pid"
    use-syslog: no
    logfile: ""
    outgoing-interface: $RESOLVER_ADDR
    access-control: 127.0.0.0/8 allow
    local-zone: "test." nodefault
    trust-anchor-file: "$DIR/anchor.ds"
    val-log-level: 2
    verbosity: 1
stub-zone:
    name: "test."
    stub-addr: $PARENT_ADDR
    stub-prime: no
stub-zone:
    name: "$ZONE."
    stub-addr: $CHILD_ADDR
    stub-prime: no
CONF
start unbound /usr/sbin/unbound -d -c "$DIR/unbound.conf"

cat >"$DIR/dk.toml" <<CONF
state_dir = "$DIR/state"
[dns]
parent_anchor_file = "$DIR/anchor.ds"
[[zone]]
name = "$ZONE"
publisher = "signed-file"
unsigned_file = "$DIR/child/$ZONE.zone"
signed_file = "$DIR/child/$ZONE.signed"
reload = [["/usr/sbin/knotc", "-c", "$DIR/child/knot.conf", "zone-reload", "$ZONE"]]
authoritative = ["$CHILD_ADDR:53"]
parent_servers = ["$PARENT_ADDR:53"]
zsk_lifetime_days = 0
key_publish_safety_seconds = 1
key_retire_safety_seconds = 1
ds_ttl = 3
tlsa_ttl = 2
CONF
"$DK" --config "$DIR/dk.toml" config check || fail "config check"

parent_served() { dig @"$PARENT_ADDR" test. SOA +norec +short +time=1 +tries=1 | grep -q hostmaster; }
wait_for "the parent zone" 20 parent_served

# First run: danekeeper makes a KSK and a ZSK, signs, Knot loads the file.
"$DK" --config "$DIR/dk.toml" run --once || fail "first run"
child_signed() { dig @"$CHILD_ADDR" "$ZONE" DNSKEY +norec +dnssec +time=1 +tries=1 | grep -q 'RRSIG.*DNSKEY'; }
wait_for "the signed child zone" 20 child_signed
touch "$DIR/scanner.run"
scan_cds >"$DIR/logs/scanner.log" 2>&1 &
PIDS+=("$!")

# The first KSK's DS, as an operator would have configured it the other way (trust_anchor_file).
"$DK" --config "$DIR/dk.toml" dnssec ds "$ZONE" >"$DIR/child-anchor.ds"
grep -q ' IN DS ' "$DIR/child-anchor.ds" || fail "dnssec ds printed no DS"
own_view() { "$DK" dns-status --zone "$ZONE" --server "$CHILD_ADDR:53" --owner _25._tcp.mx1 "$@"; }
start daemon "$DK" --config "$DIR/dk.toml" daemon
secure() { dig @"$RESOLVER_ADDR" "mx1.$ZONE" A +dnssec +time=2 +tries=1 | grep -q 'flags:.* ad[ ;]'; }
wait_for "the resolver to validate $ZONE (DS at the parent)" 60 secure
say "validated through the parent's DS; rolling keys now"
own_view --config "$DIR/dk.toml" >"$DIR/own-before.txt" || { cat "$DIR/own-before.txt"; fail "danekeeper's own validation before the rollovers"; }
grep -q "DS of $ZONE. at the parent test., validated from $DIR/anchor.ds" "$DIR/own-before.txt" &&
    grep -q ": KSK [0-9]*\$" "$DIR/own-before.txt" || { cat "$DIR/own-before.txt"; fail "no validated parent DS matching the KSK"; }

# The prober: every 0.2 s a fresh name (so the answer is validated, not just cached) and the
# apex DNSKEY (cached as long as its TTL allows, like any resolver's key cache).
# A reply without the AD bit (SERVFAIL for bogus data, or an insecure answer) is a failure; no
# reply at all (a busy machine) is counted apart and only limits how much the run proves.
prober() {
    local n=0 bad=0 silent=0 line
    while [[ -e $DIR/prober.run ]]; do
        for q in "mx1.$ZONE A" "$ZONE DNSKEY" "nx$n.$ZONE A"; do
            line=$(dig @"$RESOLVER_ADDR" $q +dnssec +time=2 +tries=1 2>&1 | grep -m1 'flags:' || true)
            if [[ -z $line ]]; then
                silent=$((silent + 1))
                continue
            fi
            n=$((n + 1))
            if ! grep -q ' ad[ ;]' <<<"$line"; then
                bad=$((bad + 1))
                say "prober: $q not validated: $line"
            fi
        done
        sleep 0.2
    done
    echo "probes=$n failures=$bad unanswered=$silent" >"$DIR/prober.result"
}
touch "$DIR/prober.run"
prober >"$DIR/logs/prober.log" 2>&1 &
PROBER=$!
PIDS+=("$PROBER")

keys() { "$DK" --config "$DIR/dk.toml" dnssec status "$ZONE" --json; }
removed_count() { keys | grep -c '"state": "removed"' || true; }
"$DK" --config "$DIR/dk.toml" dnssec status "$ZONE"

"$DK" --config "$DIR/dk.toml" dnssec rollover "$ZONE" --zsk
zsk_done() { [[ $(removed_count) -ge 1 ]]; }
wait_for "the ZSK rollover" 60 zsk_done
say "ZSK rolled"
"$DK" --config "$DIR/dk.toml" dnssec status "$ZONE"

"$DK" --config "$DIR/dk.toml" dnssec rollover "$ZONE" --ksk
ksk_done() { [[ $(removed_count) -ge 2 ]]; }
wait_for "the KSK rollover" 180 ksk_done
say "KSK rolled"
"$DK" --config "$DIR/dk.toml" dnssec status "$ZONE"
# The first KSK's DS alone no longer validates the zone; with the configuration, the parent's
# DS (now the new KSK's, validated from the parent's anchor) does.
if own_view --trust-anchor "$DIR/child-anchor.ds" >"$DIR/own-file-only.txt"; then
    cat "$DIR/own-file-only.txt"
    fail "the old KSK's DS still validates: the KSK did not roll"
fi
grep -q "NOT validated" "$DIR/own-file-only.txt" || { cat "$DIR/own-file-only.txt"; fail "expected NOT validated with the old anchor"; }
own_view --config "$DIR/dk.toml" >"$DIR/own-after.txt" || { cat "$DIR/own-after.txt"; fail "danekeeper's own validation after the KSK rollover"; }
grep -q "finding:" "$DIR/own-after.txt" && { cat "$DIR/own-after.txt"; fail "findings about the parent's DS after the KSK rollover"; }
new_ksk=$(grep -o ": KSK [0-9]*$" "$DIR/own-after.txt" | awk '{print $3}')
old_ksk=$(grep -o ": KSK [0-9]*$" "$DIR/own-before.txt" | awk '{print $3}')
[[ -n $new_ksk && $new_ksk != "$old_ksk" ]] || { cat "$DIR/own-after.txt"; fail "the parent's DS is not the new KSK's"; }
say "danekeeper's own validation: $(tail -n 1 "$DIR/own-after.txt"), from the parent's DS of KSK $new_ksk (was $old_ksk)"

sleep 3  # the last step's caches expire while the prober keeps asking
rm -f "$DIR/prober.run"
wait "$PROBER" || true
result=$(<"$DIR/prober.result")
say "prober: $result"
[[ $result == *" failures=0 "* ]] || fail "answers without the AD bit during the rollovers"
probes=${result#probes=}
probes=${probes%% *}
((probes >= 30)) || fail "too few probes ($probes)"

# What the zone and the parent hold now: two keys, one CDS of the new KSK, its DS at the parent.
dnskeys=$(dig @"$CHILD_ADDR" "$ZONE" DNSKEY +norec +short | wc -l)
[[ $dnskeys -eq 2 ]] || fail "the DNSKEY RRset has $dnskeys keys, not 2"
ksk_now=$(keys | awk '/"role": "ksk"/{r=1} r && /"state"/{print; r=0}' | grep -c active)
[[ $ksk_now -eq 1 ]] || fail "not exactly one active KSK"
ds=$(dig @"$PARENT_ADDR" "$ZONE" DS +norec +short | wc -l)
[[ $ds -eq 1 ]] || fail "the parent holds $ds DS records, not 1"
events=$("$DK" --config "$DIR/dk.toml" dnssec status "$ZONE" | grep -c ' removed ' || true)
say "ok: ZSK and KSK rolled with every answer validated ($result, $events keys retired)"
