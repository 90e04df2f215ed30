#!/bin/bash
# The whole suite: installs what is missing, builds (debug with gcc, asan-ubsan with clang),
# checks formatting, runs ctest in both builds (unit, integration against the real servers on
# loopback, fuzz smoke runs) and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

"$root/tests/install-deps.sh"

echo "== clang-format check"
mapfile -t sources < <(git ls-files '*.cc' '*.h' 2>/dev/null || find src zone acme db tests -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

# Fails when any process's command line still names DIR (it must have been stopped).
no_processes_under() {
    local dir=$1 found=0 pid cmd
    for pid in /proc/[0-9]*; do
        pid=${pid#/proc/}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || continue
        if [[ $cmd == *"$dir"* ]]; then
            echo "FAIL: testbed process left running: pid $pid: $cmd" >&2
            found=1
        fi
    done
    return $found
}

status=0
# Runs one build's ctest and checks that no testbed process outlives it. Two testbeds run side by
# side (tests/testbed/CMakeLists.txt), one integration test on each, and those mostly wait on TTLs
# and servers: two more jobs than cores keep the unit tests going beside them.
run_ctest() {
    local preset=$1
    echo "== ctest $preset"
    if ! ctest --test-dir "build/$preset" --output-on-failure -j "$((jobs + 2))" --timeout 600; then
        status=1
    fi
    # The testbeds' directories (outside the checkout: tests/testbed/CMakeLists.txt).
    local testbed_env
    for testbed_env in $(sed -n 's/^DANEKEEPER_TESTBED2\?_ENV:INTERNAL=//p' "build/$preset/CMakeCache.txt"); do
        if [[ $testbed_env == /*/testbed.env ]] && ! no_processes_under "${testbed_env%/testbed.env}/"; then
            status=1
        fi
    done
}

echo "== build ci-debug"
cmake --preset ci-debug >/dev/null
cmake --build build/ci-debug -j "$jobs"
# The sanitizer build compiles at the lowest priority while the debug build's tests run: those
# mostly wait on TTLs and servers, and the CPU they leave idle would otherwise be lost.
echo "== build ci-asan-ubsan (in the background, log: build/ci-asan-ubsan.build.log)"
cmake --preset ci-asan-ubsan >/dev/null
nice -n 19 cmake --build build/ci-asan-ubsan -j "$jobs" >build/ci-asan-ubsan.build.log 2>&1 &
asan_build_pid=$!
run_ctest ci-debug
if ! wait "$asan_build_pid"; then
    tail -n 60 build/ci-asan-ubsan.build.log
    echo "== build ci-asan-ubsan: FAILED"
    exit 1
fi
echo "== build ci-asan-ubsan: done"
run_ctest ci-asan-ubsan
if [[ $status -ne 0 ]]; then
    echo "== tests/run.sh: FAILED"
else
    echo "== tests/run.sh: all passed"
fi
exit $status
