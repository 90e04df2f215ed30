#!/usr/bin/env python3
"""A small TLS server for the probe benchmark: implicit TLS (SMTPS) on COUNT consecutive ports
of 127.0.0.1 with one key and certificate; after the handshake it greets like an SMTP server and
answers EHLO and QUIT, so SMTP clients such as posttls-finger finish their session.
Usage: tls_farm.py CERT KEY FIRST_PORT COUNT (runs until killed)."""
import asyncio
import ssl
import sys


async def serve(first_port: int, count: int, context: ssl.SSLContext) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            writer.write(b"220 bench.example.net ESMTP\r\n")
            await writer.drain()
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-bench.example.net\r\n250 8BITMIME\r\n")
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

    servers = [await asyncio.start_server(handle, "127.0.0.1", port, ssl=context, backlog=256)
               for port in range(first_port, first_port + count)]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    cert, key, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    asyncio.run(serve(first, count, context))


if __name__ == "__main__":
    main()
