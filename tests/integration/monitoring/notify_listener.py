#!/usr/bin/env python3
"""Stands in for systemd's notification socket: binds an AF_UNIX datagram socket (a path, or
@name for an abstract one) and appends each datagram to OUT as one line, with the time it
arrived (monotonic seconds). Runs until killed.
Usage: notify_listener.py SOCKET OUT"""
import socket
import sys
import time

name, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind("\0" + name[1:] if name.startswith("@") else name)
with open(out, "a", buffering=1) as f:
    f.write("listening\n")
    while True:
        data = sock.recv(4096)
        f.write("%.3f %s\n" % (time.monotonic(), data.decode(errors="replace").replace("\n", "|")))
