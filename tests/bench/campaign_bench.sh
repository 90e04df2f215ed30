#!/bin/bash
# Benchmark (not a test): the fault campaign (tests/integration/campaign) at full length on a
# throwaway testbed: RUNS randomized rollovers (100 unless given) with 1-3 faults each, while an
# independent DANE sender probes every endpoint; prints the figure (runs, faults by kind, sender
# probes, failures) and the seed to replay it. Run as root:
#   tests/bench/campaign_bench.sh [SEED] [RUNS] [NET]    (DANEKEEPER_BIN picks another binary)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
seed=${1:-$(shuf -i 1-999999 -n 1)}
runs=${2:-100}
net=${3:-127.65}
dk_bin=${DANEKEEPER_BIN:-$repo/build/release/src/cli/danekeeper}
if [[ ! -x $dk_bin ]]; then
    cmake --preset release >/dev/null && cmake --build "$repo/build/release" --target danekeeper >/dev/null
fi
work=$(mktemp -d /tmp/dk-campaign-bench-XXXXXX)
chmod 755 "$work"
trap '"$repo/tests/testbed/testbed.sh" down "$work/tb" >/dev/null; rm -rf "$work"' EXIT
"$repo/tests/testbed/testbed.sh" up "$work/tb" --net "$net" 2>/dev/null
echo "campaign bench: seed $seed, $runs runs (replay one: campaign.py --seed $seed --only RUN)"
start=$(date +%s)
rc=0
python3 "$repo/tests/integration/campaign/campaign.py" --env "$work/tb/testbed.env" --dk "$dk_bin" \
    --seed "$seed" --runs "$runs" --report "${CAMPAIGN_REPORT:-$work/report.json}" |
    grep -v -E '^(level=|\[20|      )' || rc=$?
echo "campaign bench: $(($(date +%s) - start)) s wall"
exit $rc
