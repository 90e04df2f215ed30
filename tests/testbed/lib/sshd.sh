# The remote MX host: an sshd on its own loopback address (REMOTE, port 2222) standing for another
# machine, with its own unprivileged login user (dkremote) and its own directory DIR/remote/tls
# that mx2's Postfix may be pointed at (testbed.sh mx-use-remote). danekeeper logs in with
# DIR/remote/client/id_ed25519 and pins the host key in DIR/remote/client/known_hosts; the only
# privileged step on the host, the Postfix reload, goes through sudo, allowed for exactly
# `postfix -c DIR/mx2/etc reload` (/etc/sudoers.d/danekeeper-testbed-NET, removed by `down`).

REMOTE_USER=dkremote
REMOTE_SSH_PORT=2222

sudoers_file() { echo "/etc/sudoers.d/danekeeper-testbed-${NET//./_}"; }

# The login user, made once per machine like Postfix's own: no password ('*': sshd takes keys
# for it, '!' would lock it), home /, a POSIX shell for the deployment script.
ensure_remote_user() {
    id -u "$REMOTE_USER" >/dev/null 2>&1 && return 0
    # Two testbeds may come up side by side: the other one may have made it meanwhile.
    useradd --system --user-group --no-create-home --home-dir / --shell /bin/sh \
        --password '*' "$REMOTE_USER" || id -u "$REMOTE_USER" >/dev/null 2>&1 ||
        die "cannot create user $REMOTE_USER" 3
}

start_sshd() {
    local addr=$1 d=$DIR/remote
    [[ -x /usr/sbin/sshd ]] || die "sshd is missing: apt-get install openssh-server" 3
    [[ -x /usr/bin/sudo ]] || die "sudo is missing: apt-get install sudo" 3
    check_port_free "$addr" "$REMOTE_SSH_PORT"
    ensure_remote_user
    if ! runuser -u "$REMOTE_USER" -- test -x "$DIR" 2>/dev/null; then
        die "user $REMOTE_USER cannot enter $DIR (a parent directory is not searchable by others)" 3
    fi
    mkdir -p "$d/host" "$d/client" "$d/tls"
    chmod 755 "$d" "$d/host"
    chmod 700 "$d/client"
    chown "$REMOTE_USER:$REMOTE_USER" "$d/tls"
    chmod 755 "$d/tls"
    ssh-keygen -q -t ed25519 -N '' -C "testbed remote host" -f "$d/host/ssh_host_ed25519_key"
    ssh-keygen -q -t ed25519 -N '' -C danekeeper -f "$d/client/id_ed25519"
    # Root-owned and read-only for the login user: it cannot add keys for itself.
    cp "$d/client/id_ed25519.pub" "$d/host/authorized_keys"
    chmod 644 "$d/host/authorized_keys"
    echo "[$addr]:$REMOTE_SSH_PORT $(cut -d' ' -f1,2 "$d/host/ssh_host_ed25519_key.pub")" >"$d/client/known_hosts"
    # A second host key, never served: the tests pin it to see a wrong host key refused.
    ssh-keygen -q -t ed25519 -N '' -C "not the host" -f "$d/client/other_host_key"
    echo "[$addr]:$REMOTE_SSH_PORT $(cut -d' ' -f1,2 "$d/client/other_host_key.pub")" >"$d/client/wrong_known_hosts"
    # StrictModes no: the testbed lives under any checkout, whose parents sshd would judge.
    cat >"$d/host/sshd_config" <<CONF
ListenAddress $addr:$REMOTE_SSH_PORT
HostKey $d/host/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile $d/host/authorized_keys
AllowUsers $REMOTE_USER
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitTTY no
AllowTcpForwarding no
AllowAgentForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
PermitTunnel no
PermitUserRC no
LogLevel VERBOSE
CONF
    printf '%s ALL=(root) NOPASSWD: /usr/sbin/postfix -c %s reload\n' "$REMOTE_USER" "$DIR/mx2/etc" >"$d/host/sudoers"
    visudo -cqf "$d/host/sudoers" || die "the sudoers rule for $REMOTE_USER does not parse" 3
    install -m 0440 "$d/host/sudoers" "$(sudoers_file)"
    mkdir -p /run/sshd  # sshd's privilege separation directory
    chmod 755 /run/sshd
    /usr/sbin/sshd -t -f "$d/host/sshd_config" || die "sshd_config does not parse" 3
    launch_sshd
}

# Starts the sshd as configured and records its pid (also after `testbed.sh remote-stop`).
launch_sshd() {
    start_daemon sshd /usr/sbin/sshd -D -e -f "$DIR/remote/host/sshd_config"
    wait_until "sshd on $REMOTE_ADDR:$REMOTE_SSH_PORT" 10 bash -c "exec 3<>/dev/tcp/$REMOTE_ADDR/$REMOTE_SSH_PORT" || {
        show_log_tail sshd
        return 1
    }
}

stop_sshd() {
    stop_recorded sshd /usr/sbin/sshd
    local status=$?
    rm -f "$(sudoers_file)"
    return $status
}
