# Shared helpers of the testbed: addresses, pid files, stopping by pid, waiting.
# Sourced by testbed.sh; expects DIR and NET to be set.

log() { printf 'testbed: %s\n' "$*" >&2; }
die() {
    log "error: $*"
    exit "${2:-1}"
}

now_ms() { date +%s%3N; }

# Puts a /32 on lo for ADDR: daemons that bind to an address (named, knotd) only listen on
# addresses the kernel reports as configured, and 127.0.0.1/8 alone is not enough for them.
ensure_address() {
    local addr=$1
    if ! ip -4 addr show dev lo | grep -q "inet $addr/32"; then
        ip addr add "$addr/32" dev lo || die "cannot add $addr to lo (need root)" 3
        echo "$addr" >>"$DIR/addresses"
    fi
}

remove_addresses() {
    [[ -f $DIR/addresses ]] || return 0
    local addr
    while read -r addr; do
        ip addr del "$addr/32" dev lo 2>/dev/null || true
    done <"$DIR/addresses"
    rm -f "$DIR/addresses"
}

# Fails with the holder's description when ADDR:PORT (tcp or udp) is taken, also by a wildcard.
check_port_free() {
    local addr=$1 port=$2 holders
    holders=$(ss -Hlntup 2>/dev/null | awk -v a="$addr:$port" -v w1="0.0.0.0:$port" -v w2="*:$port" \
        '$5 == a || $5 == w1 || $5 == w2 {print $1, $5, $7}')
    if [[ -n $holders ]]; then
        die "$addr:$port is already in use: $holders (stop that process or pick another --net)" 3
    fi
}

pid_file() { echo "$DIR/pids/$1.pid"; }

record_pid() { echo "$2" >"$(pid_file "$1")"; }

# True when PID is alive, runs BINARY and its command line or cwd names DIR.
pid_is_ours() {
    local pid=$1 binary=$2 exe state
    [[ -d /proc/$pid ]] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ $state == Z ]] && return 1  # a zombie counts as stopped
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    [[ $exe == "$binary" || $exe == "$binary (deleted)" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$DIR" && return 0
    [[ $(readlink "/proc/$pid/cwd") == "$DIR"* ]]
}

# Stops the process recorded as NAME (expected to run BINARY): TERM, wait, then KILL.
stop_recorded() {
    local name=$1 binary=$2 file pid i
    file=$(pid_file "$name")
    [[ -f $file ]] || return 0
    pid=$(<"$file")
    if pid_is_ours "$pid" "$binary"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            pid_is_ours "$pid" "$binary" || break
            sleep 0.1
        done
        if pid_is_ours "$pid" "$binary"; then
            log "$name (pid $pid) ignored TERM; killing"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
        fi
    fi
    if pid_is_ours "$pid" "$binary"; then
        log "$name (pid $pid) is still running"
        return 1
    fi
    rm -f "$file"
}

# wait_until DESCRIPTION SECONDS COMMAND...: polls every 50 ms.
wait_until() {
    local what=$1 seconds=$2
    shift 2
    local deadline=$(($(now_ms) + seconds * 1000))
    until "$@" >/dev/null 2>&1; do
        if (($(now_ms) > deadline)); then
            log "timed out after ${seconds}s waiting for $what"
            return 1
        fi
        sleep 0.05
    done
}

# Starts a daemon in the background with its output in DIR/logs/NAME.log; records its pid.
start_daemon() {
    local name=$1
    shift
    (cd "$DIR" && exec setsid "$@" </dev/null >>"$DIR/logs/$name.log" 2>&1) &
    record_pid "$name" $!
}

show_log_tail() {
    local name=$1
    [[ -f $DIR/logs/$name.log ]] && tail -n 20 "$DIR/logs/$name.log" >&2
    return 0
}

# The base64 secret of a BIND-format key file (what tsig-keygen writes).
tsig_secret() { sed -n 's/.*secret "\([^"]*\)".*/\1/p' "$1"; }

# zone_served_signed SERVER ZONE: the DNSKEY RRset answered with its RRSIG.
zone_served_signed() {
    dig @"$1" "$2" DNSKEY +norec +dnssec +time=1 +tries=1 | grep -q 'RRSIG.*DNSKEY'
}

# write_zone_anchor SERVER ZONE PREFIX: PREFIX.dnskey (flags 257) and PREFIX.ds (SHA-256).
write_zone_anchor() {
    dig @"$1" "$2" DNSKEY +norec +noall +answer | awk '$5 == 257' >"$3.dnskey"
    [[ -s $3.dnskey ]] || die "no DNSKEY with flags 257 for $2 at $1"
    dnssec-dsfromkey -2 -f "$3.dnskey" "$2" >"$3.ds"
}
