# Shared by the integration scripts: count and print checks. Source it; read $failures at the end.
failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect() {  # expect WHAT WANT GOT
    if [[ "$2" == "$3" ]]; then ok "$1 ($3)"; else bad "$1: got '$3', wanted '$2'"; fi
}
