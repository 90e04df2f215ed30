#!/bin/bash
# Fills examples/testbed.toml (or TEMPLATE) from a testbed env file:
#   render-testbed-config.sh ENV STATE_DIR SERVED_DIR [TEMPLATE]
set -euo pipefail
env_file=$1 state_dir=$2 served_dir=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
template=${4:-$repo/examples/testbed.toml}
args=(-e "s|@STATE_DIR@|$state_dir|g" -e "s|@SERVED_DIR@|$served_dir|g" -e "s|@REPO@|$repo|g")
while IFS='=' read -r key value; do
    [[ $key == TB_* ]] && args+=(-e "s|@${key}@|${value}|g")
done <"$env_file"
sed "${args[@]}" "$template"
