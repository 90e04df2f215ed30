#!/bin/bash
# danekeeper(1) describes every verb `danekeeper --help` lists (a .TP entry starting with the
# verb in VERBS) and has an EXAMPLES section; danekeeper.toml(5) renders without groff warnings.
# Usage: man_verbs.sh DANEKEEPER SOURCE_DIR
set -u
dk=$1
src=$2
failures=0
page=$src/man/danekeeper.1
verbs=$("$dk" --help | awk '/^Verbs:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[[ -n $verbs ]] || { echo "FAIL: no verbs in --help"; exit 1; }
entries=$(awk '/^\.SH VERBS/ {on = 1; next} /^\.SH/ {on = 0} on && prev == ".TP" {print} {prev = $0}' "$page" |
    sed -e 's/^\.B //' -e 's/\\-/-/g' | awk '{print $1}')
for verb in $verbs; do
    if grep -qx -- "$verb" <<<"$entries"; then
        echo "ok: danekeeper(1) describes $verb"
    else
        echo "FAIL: danekeeper(1) VERBS has no entry for $verb"
        failures=$((failures + 1))
    fi
done
grep -qx '.SH EXAMPLES' "$page" && echo "ok: EXAMPLES section" || { echo "FAIL: no EXAMPLES section"; failures=$((failures + 1)); }
for p in "$page" "$src/man/danekeeper.toml.5"; do
    warnings=$(groff -man -ww -z "$p" 2>&1)
    [[ -z $warnings ]] && echo "ok: $(basename "$p") renders cleanly" || { echo "FAIL: $p: $warnings"; failures=$((failures + 1)); }
done
exit $((failures > 0))
