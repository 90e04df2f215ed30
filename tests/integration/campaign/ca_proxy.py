#!/usr/bin/env python3
"""A faulty CA for the campaign: an HTTPS proxy in front of Pebble that passes every request on,
except that, while the control file says so, it answers the next N POSTs itself with a 500, a
badNonce problem (with a fresh nonce, as RFC 8555 section 6.5 asks), or makes an authorization
or challenge Pebble answers come back "invalid".

  ca_proxy.py LISTEN_ADDR PORT CERT KEY UPSTREAM CA_BUNDLE CONTROL_FILE

CONTROL_FILE holds "MODE N" (MODE: 500, badNonce, invalid); each fault answered counts N down.
The Host header is passed on unchanged, so Pebble builds its URLs (and checks the JWS "url")
with the proxy's address: every URL the client gets points at the proxy.
"""
import http.client
import http.server
import json
import os
import ssl
import sys
import threading

LOCK = threading.Lock()


def take_fault(control, path):
    """The fault to answer PATH with, counted down in CONTROL; None to pass the request on."""
    with LOCK:
        try:
            with open(control, encoding="utf-8") as f:
                mode, count = f.read().split()
        except (OSError, ValueError):
            return None
        if int(count) <= 0:
            return None
        if mode == "invalid" and "/authZ/" not in path and "/chalZ/" not in path:
            return None
        with open(control + ".new", "w", encoding="utf-8") as f:
            f.write(f"{mode} {int(count) - 1}\n")
        os.rename(control + ".new", control)
        return mode


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def upstream(self, method, body):
        conn = http.client.HTTPSConnection(self.server.upstream_host, self.server.upstream_port,
                                           context=self.server.client_ctx, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
        conn.request(method, self.path, body=body, headers=headers)
        reply = conn.getresponse()
        data = reply.read()
        out = (reply.status, [(k, v) for k, v in reply.getheaders()
                              if k.lower() not in ("transfer-encoding", "connection", "content-length")], data)
        conn.close()
        return out

    def answer(self, status, headers, data):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def problem(self, status, kind, detail):
        nonce = self.fresh_nonce()
        body = json.dumps({"type": f"urn:ietf:params:acme:error:{kind}", "detail": detail}).encode()
        hdrs = [("Content-Type", "application/problem+json")]
        if nonce:
            hdrs.append(("Replay-Nonce", nonce))
        self.answer(status, hdrs, body)

    def fresh_nonce(self):
        conn = http.client.HTTPSConnection(self.server.upstream_host, self.server.upstream_port,
                                           context=self.server.client_ctx, timeout=30)
        conn.request("HEAD", "/nonce-plz", headers={"Host": self.headers.get("Host", "")})
        reply = conn.getresponse()
        reply.read()
        conn.close()
        return reply.getheader("Replay-Nonce")

    def do_GET(self):
        self.answer(*self.upstream("GET", None))

    def do_HEAD(self):
        status, headers, _ = self.upstream("HEAD", None)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        fault = take_fault(self.server.control, self.path)
        if fault == "500":
            self.problem(500, "serverInternal", "campaign: the CA fails")
            return
        if fault == "badNonce":
            self.problem(400, "badNonce", "campaign: nonce rejected")
            return
        status, headers, data = self.upstream("POST", body)
        if fault == "invalid" and status == 200:
            try:
                doc = json.loads(data)
                doc["status"] = "invalid"
                data = json.dumps(doc).encode()
            except ValueError:
                pass
        self.answer(status, headers, data)

    def log_message(self, fmt, *args):
        sys.stderr.write("ca_proxy: " + (fmt % args) + "\n")


def main():
    addr, port, cert, key, upstream, bundle, control = sys.argv[1:8]
    server = http.server.ThreadingHTTPServer((addr, int(port)), Handler)
    server.daemon_threads = True
    host, _, up_port = upstream.partition(":")
    server.upstream_host, server.upstream_port = host, int(up_port)
    server.client_ctx = ssl.create_default_context(cafile=bundle)
    server.control = control
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
