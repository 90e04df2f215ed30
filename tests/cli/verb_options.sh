#!/bin/bash
# Every verb's --help lists exactly that verb's own options (and exits 0), and an option the verb
# does not know is bad input: exit 2, one line "danekeeper: VERB: ..." on stderr, nothing else.
set -u
dk=$1
failures=0
declare -A own=(
    [version]=""
    [config]="--json"
    [adopt]="--dry-run"
    [run]="--once --metrics-file --dry-run"
    [daemon]="--metrics-file"
    [status]="--json --nagios --from-snapshot"
    [rollover]="--emergency --dry-run"
    [tlsa]="--usage --selector --mtype --host --port --ttl --all-certs --json"
    [probe]="--starttls --address --tlsa --tlsa-file --resolver --timeout --json"
    [dns-status]="--zone --owner --server --trust-anchor --expect --wait --json --resolver"
    [publish]="--zone --server --tsig-key --key-name --add --remove --dry-run --json"
    [sign]="--origin --keys --output --nsec3 --validity-days --refresh-days --jitter-hours --serial --incremental --threads --json"
    [dnssec]="--zsk --ksk --json"
    [hook]="--next --output"
    [check]="--resolver --port --timeout --json --nagios"
    [audit]="--json --nagios --html --days"
    [log]="--since --json"
    [tlsrpt]="--since --json --maildir"
    [mta-sts]="--zone --json"
)
failed() { echo "FAIL: $*"; failures=$((failures + 1)); }
sorted() { tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' '; }

# The table names every verb the program has, and no other.
verbs=$("$dk" --help | sed -n '/^Verbs:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[[ $(sorted <<<"$verbs") == $(sorted <<<"${!own[*]}") ]] ||
    failed "verbs in --help ($(echo $verbs)) differ from this test's table (${!own[*]})"

for verb in $verbs; do
    help=$("$dk" "$verb" --help 2>&1)
    rc=$?
    [[ $rc -eq 0 ]] || failed "danekeeper $verb --help -> rc=$rc"
    # Option lines stand 2 to 6 columns in; wrapped descriptions further.
    listed=$(grep -oE '^ {2,6}(-[a-zA-Z], )?--[a-z0-9-]+' <<<"$help" | grep -oE -- '--[a-z0-9-]+' | grep -vx -- --help)
    if [[ $(sorted <<<"$listed") != $(sorted <<<"${own[$verb]:-}") ]]; then
        failed "danekeeper $verb --help lists [$(echo $listed)], want [${own[$verb]:-}]"
    else
        echo "ok: danekeeper $verb --help lists [$(echo $listed)]"
    fi
    grep -qE -- '^ +-h, --help' <<<"$help" || failed "danekeeper $verb --help does not list --help"

    stdout=$("$dk" "$verb" --no-such-option 2>/dev/null)
    stderr=$("$dk" "$verb" --no-such-option 2>&1 >/dev/null)
    rc=$?
    if [[ $rc -ne 2 || -n $stdout || $(wc -l <<<"$stderr") -ne 1 ||
          $stderr != "danekeeper: $verb: "*"no-such-option"* ]]; then
        failed "danekeeper $verb --no-such-option -> rc=$rc, stdout: '$stdout', stderr: '$stderr'"
    else
        echo "ok: danekeeper $verb --no-such-option -> 2: $stderr"
    fi
done
exit $((failures > 0))
