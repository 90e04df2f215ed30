# shellcheck shell=bash disable=SC2154  # repo, net, slots and work come from the script sourcing it
# Sourced by months_bench.sh and cli_bench.sh: a throwaway testbed on $net and $slots key slots,
# slot bN with one endpoint bN.example.test:(first_port + N), served by slot_farm.py on 127.0.0.1
# with its own ECDSA P-256 key and a chain from the testbed's CA. Every slot is adopted (its
# current + next TLSA published on the primary) and run once, so the state is steady.
# Needs: repo, net, slots, work (an empty directory); extra_config (TOML tables) if any.
# Sets: build_dir, dk_bin, dk(), farm_pid, first_port.
build_dir=${DK_BUILD_DIR:-$repo/build/release}  # another build: DK_BUILD_DIR=build/ci-debug
dk_bin=$build_dir/src/cli/danekeeper
first_port=${first_port:-24000}
farm_pid=""
hundred_slots_down() {
    [[ -n $farm_pid ]] && kill "$farm_pid" 2>/dev/null
    "$repo/tests/testbed/testbed.sh" down "$work/tb" >/dev/null 2>&1 || true
}
dk() { "$dk_bin" --config "$work/dk.toml" "$@"; }

hundred_slots_up() {
    chmod 755 "$work"
    "$repo/tests/testbed/testbed.sh" up "$work/tb" --net "$net" 2>/dev/null
    # shellcheck source=/dev/null
    source "$work/tb/testbed.env"
    mkdir -p "$work/served"
    : >"$work/farm.manifest"
    sed -n '1,/^tlsa_ttl/p' "$repo/examples/testbed.toml" >"$work/dk.tmpl"
    "$repo/examples/render-testbed-config.sh" "$work/tb/testbed.env" "$work/state" "$work/served" \
        "$work/dk.tmpl" >"$work/dk.toml"
    [[ -n ${extra_config:-} ]] && printf '\n%s\n' "$extra_config" >>"$work/dk.toml"
    local i name port
    for ((i = 0; i < slots; i++)); do
        name=b$i port=$((first_port + i))
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$work/served/$name-key.pem" -out "$work/$name.csr" -subj "/CN=$name.example.test" \
            -addext "subjectAltName=DNS:$name.example.test" 2>/dev/null
        "$repo/tests/tools/sign-csr.sh" "$TB_CA_CERT" "$TB_CA_KEY" "$work/$name.csr" "$work/served/$name-chain.pem" 397
        echo "$port $work/served/$name-chain.pem $work/served/$name-key.pem" >>"$work/farm.manifest"
        cat >>"$work/dk.toml" <<SLOT

[[key]]
name = "$name"
algorithm = "ecdsa-p256"
endpoints = ["$name.example.test:$port"]
addresses = { "$name.example.test" = ["127.0.0.1"] }
cert_file = "$work/served/$name-chain.pem"
key_file = "$work/served/$name-key.pem"
certificates = "command"
issue_command = ["$repo/tests/tools/sign-csr.sh", "$TB_CA_CERT", "$TB_CA_KEY", "{csr}", "{chain}"]
issuer_ca_file = "$TB_CA_CERT"
renew_before_days = 30
rollover_every_days = 3650
margin_seconds = 2
SLOT
    done
    python3 "$repo/tests/bench/slot_farm.py" "$work/farm.manifest" >"$work/farm.log" 2>&1 &
    farm_pid=$!
    local waited=0
    until grep -q ready "$work/farm.log" 2>/dev/null; do
        ((waited++ < 300)) || { echo "slot_farm.py did not start" >&2; return 1; }
        sleep 0.1
    done
    for ((i = 0; i < slots; i++)); do dk adopt "b$i" >>"$work/setup.log" 2>&1; done
    dk run >>"$work/setup.log" 2>&1
}
