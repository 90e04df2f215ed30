#!/usr/bin/env python3
"""Loopback TLS servers for the many-slot benchmarks: implicit TLS on 127.0.0.1, one port per
line of MANIFEST ("PORT CHAIN KEY"), each with its own key and chain; after the handshake each
greets like an SMTP server and answers EHLO and QUIT.
Usage: slot_farm.py MANIFEST (prints "ready", then runs until killed)."""
import asyncio
import ssl
import sys


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        writer.write(b"220 bench.example.test ESMTP\r\n")
        await writer.drain()
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                writer.write(b"250-bench.example.test\r\n250 8BITMIME\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    writer.close()


async def serve(manifest: str) -> None:
    servers = []
    with open(manifest, encoding="ascii") as lines:
        for line in lines:
            port, chain, key = line.split()
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(chain, key)
            servers.append(await asyncio.start_server(handle, "127.0.0.1", int(port),
                                                      ssl=context, backlog=256))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
