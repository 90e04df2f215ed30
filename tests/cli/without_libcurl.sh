#!/bin/bash
# libcurl is loaded only by a request over HTTPS (ACME, the MTA-STS policy fetch): with a
# libcurl.so.4 that cannot be loaded first on the library path, the program still starts and
# every verb that makes no request works. Linked to libcurl, it did not start at all (exit 127).
set -u
dk=$1
work=$(mktemp -d /tmp/dk-nocurl-XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
failed() { echo "FAIL: $*"; failures=$((failures + 1)); }
echo "not a shared library" >"$work/libcurl.so.4"
export LD_LIBRARY_PATH=$work

out=$("$dk" --version 2>&1) && [[ $out == "danekeeper "* ]] || failed "--version without libcurl: $out"
out=$("$dk" version 2>&1) || failed "version without libcurl: $out"
"$dk" --help >/dev/null 2>&1 || failed "--help without libcurl"
# A verb that reads configuration and state: its own one-line error for the missing file, exit 2.
out=$("$dk" --config "$work/missing.toml" status 2>&1)
rc=$?
[[ $rc == 2 && $out == *missing.toml* && $(wc -l <<<"$out") == 1 ]] ||
    failed "status with a missing config: exit $rc: $out"
[[ $failures == 0 ]] && echo "ok: the program starts and answers without libcurl"
exit $((failures > 0))
