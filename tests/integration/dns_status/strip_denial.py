#!/usr/bin/env python3
"""A DNS server that strips denial proofs: every TLSA question gets an authoritative, empty
NOERROR with nothing in the authority section (no SOA, NSEC, NSEC3 or RRSIG); every other
question is relayed to the real server unchanged. UDP and TCP on one address.

Usage: strip_denial.py LISTEN_IP LISTEN_PORT UPSTREAM_IP UPSTREAM_PORT
"""
import socket
import socketserver
import struct
import sys
import threading

TLSA = 52
TIMEOUT = 3


def question_type(query):
    """The QTYPE of the first question, or None when the message is too short to hold one."""
    at = 12
    while at < len(query):
        length = query[at]
        if length == 0:
            return struct.unpack("!H", query[at + 1:at + 3])[0] if at + 3 <= len(query) else None
        if length & 0xC0:
            return None
        at += 1 + length
    return None


def empty_answer(query):
    """The query turned into its reply: QR and AA set, RCODE 0, only the question kept."""
    at = 12
    while query[at] != 0:
        at += 1 + query[at]
    question = query[12:at + 5]
    flags = struct.unpack("!H", query[2:4])[0]
    flags = (flags | 0x8000 | 0x0400) & ~0x000F & ~0x0080  # QR, AA; RCODE 0; RA clear
    return query[:2] + struct.pack("!HHHHH", flags, 1, 0, 0, 0) + question


def relay_udp(query, upstream):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.sendto(query, upstream)
        return s.recv(65535)


def relay_tcp(query, upstream):
    with socket.create_connection(upstream, timeout=TIMEOUT) as s:
        s.sendall(struct.pack("!H", len(query)) + query)
        length = struct.unpack("!H", read_exactly(s, 2))[0]
        return read_exactly(s, length)


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def answer(query, relay, upstream):
    if question_type(query) == TLSA:
        return empty_answer(query)
    return relay(query, upstream)


def main():
    listen = (sys.argv[1], int(sys.argv[2]))
    upstream = (sys.argv[3], int(sys.argv[4]))

    class Udp(socketserver.BaseRequestHandler):
        def handle(self):
            query, sock = self.request
            try:
                sock.sendto(answer(query, relay_udp, upstream), self.client_address)
            except OSError:
                pass

    class Tcp(socketserver.BaseRequestHandler):
        def handle(self):
            try:
                self.request.settimeout(TIMEOUT)
                length = struct.unpack("!H", read_exactly(self.request, 2))[0]
                reply = answer(read_exactly(self.request, length), relay_tcp, upstream)
                self.request.sendall(struct.pack("!H", len(reply)) + reply)
            except (OSError, ConnectionError):
                pass

    socketserver.ThreadingUDPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    udp = socketserver.ThreadingUDPServer(listen, Udp)
    tcp = socketserver.ThreadingTCPServer(listen, Tcp)
    threading.Thread(target=tcp.serve_forever, daemon=True).start()
    print("ready", flush=True)
    udp.serve_forever()


if __name__ == "__main__":
    main()
