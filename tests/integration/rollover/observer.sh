#!/bin/bash
# An independent DANE sender: over and over, for every endpoint, it takes the TLSA RRset from the
# validating resolver (AD bit required, cached as any sender's resolver caches it) and lets the
# openssl command line verify the server's chain against it. One line per probe in OUT:
#   ok ENDPOINT   or   FAIL ENDPOINT REASON
# Usage: observer.sh ENV_FILE OUT [--family rsa|ecdsa] ["HOST ADDR PORT smtp|imap|pop3|none [CONNECT_PORT]"...]
# (runs until killed). Without endpoints: mx1:25, mx2:25, mx1:465. CONNECT_PORT: where ADDR
# listens when it is not PORT (a load balancer's port mapping); the TLSA owner stays _PORT._tcp.HOST.
# With --family it is a sender that offers only that family's signature algorithms, so a server
# holding both chains must present that one (and a probe that got the other fails).
set -uo pipefail
# shellcheck source=/dev/null
source "$1"
out=$2
shift 2
family=""
if [[ ${1:-} == --family ]]; then
    family=${2:-}
    shift 2
fi
only=()
peer_type=""
case $family in
rsa) only=(-sigalgs "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512")
    peer_type="RSA" ;;
ecdsa) only=(-sigalgs "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512")
    peer_type="ECDSA" ;;
"") ;;
*) echo "observer.sh: --family must be rsa or ecdsa" >&2; exit 2 ;;
esac
endpoints=("$TB_MX1_HOST $TB_MX1_ADDR 25 smtp" "$TB_MX2_HOST $TB_MX2_ADDR 25 smtp" "$TB_MX1_HOST $TB_MX1_ADDR 465 none")
[[ $# -gt 0 ]] && endpoints=("$@")
while true; do
    for ep in "${endpoints[@]}"; do
        read -r host addr port starttls connect_port <<<"$ep"
        answer=$(dig @"$TB_RESOLVER_ADDR" "_$port._tcp.$host" TLSA +dnssec +nosplit +time=2 +tries=1)
        if ! grep -q 'flags:.* ad' <<<"$answer"; then
            echo "FAIL $host:$port TLSA answer not validated" >>"$out"
            continue
        fi
        rrdata=()
        while read -r data; do rrdata+=(-dane_tlsa_rrdata "$data"); done < <(awk '$4 == "TLSA" {print $5, $6, $7, $8}' <<<"$answer")
        if [[ ${#rrdata[@]} -eq 0 ]]; then
            echo "FAIL $host:$port no TLSA records" >>"$out"
            continue
        fi
        args=(-connect "$addr:${connect_port:-$port}" -servername "$host" -dane_tlsa_domain "$host" -dane_ee_no_namechecks "${rrdata[@]}" "${only[@]}")
        [[ $starttls != none ]] && args+=(-starttls "$starttls")
        result=$(echo QUIT | timeout 5 openssl s_client "${args[@]}" 2>&1 | tr -d '\0')
        if [[ -n $peer_type ]] && ! grep -q "^Peer signature type: $peer_type" <<<"$result"; then
            echo "FAIL $host:$port not a $family chain: $(grep -m1 -E '^Peer signature type|error' <<<"$result")" >>"$out"
        elif grep -q 'Verification: OK' <<<"$result" && grep -q 'Verify return code: 0' <<<"$result"; then
            echo "ok $host:$port${family:+ $family}" >>"$out"
        else
            echo "FAIL $host:$port $(grep -m1 -E 'Verify return code|error' <<<"$result")" >>"$out"
        fi
    done
done
