# nginx (Debian package) as the MTA-STS policy host: https://mta-sts.example.test/.well-known/
# mta-sts.txt on $NET.4.4:443 with a certificate for mta-sts.example.test from the testbed CA
# (the "WebPKI" of the testbed). Run in the foreground (`daemon off`) with its pid recorded,
# stopped by that pid. danekeeper writes the policy file into its document root.

nginx_root() { echo "$DIR/nginx/www"; }

write_nginx_config() {
    local addr=$1 d=$DIR/nginx
    mkdir -p "$d/www/.well-known" "$d/tmp" "$d/logs"
    issue_leaf "$d/mta-sts" "DNS:mta-sts.example.test"
    chmod 755 "$d" "$d/www" "$d/www/.well-known"
    cat >"$d/nginx.conf" <<CONF
# danekeeper testbed nginx (tests/testbed/lib/nginx.sh): the MTA-STS policy host.
daemon off;
master_process on;
worker_processes 1;
user www-data;
pid $d/nginx.pid;
error_log $d/logs/error.log;
events { worker_connections 64; }
http {
    access_log $d/logs/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    server {
        listen $addr:443 ssl;
        server_name mta-sts.example.test;
        ssl_certificate $d/mta-sts.chain.pem;
        ssl_certificate_key $d/mta-sts.key;
        root $d/www;
        # What RFC 8461 section 3.3 asks of the policy host: the file as text/plain.
        location = /.well-known/mta-sts.txt {
            default_type text/plain;
            types { }
        }
        location / { return 404; }
    }
}
CONF
}

launch_nginx() {
    start_daemon nginx /usr/sbin/nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx"
    if ! wait_until "nginx on $1:443" 10 bash -c "exec 3<>/dev/tcp/$1/443"; then
        show_log_tail nginx
        cat "$DIR/nginx/logs/error.log" >&2 2>/dev/null
        die "nginx did not start" 3
    fi
}

start_nginx() {
    local addr=$1
    check_port_free "$addr" 443
    runuser -u www-data -- test -x "$DIR" 2>/dev/null ||
        die "user www-data cannot enter $DIR (a parent directory is not searchable by others)" 3
    write_nginx_config "$addr"
    launch_nginx "$addr"
}
