#!/usr/bin/env python3
"""A small TLS server for the benchmarks. After the handshake it greets like an SMTP server and
answers EHLO and QUIT, so SMTP clients such as posttls-finger finish their session.

  tls_farm.py CERT KEY FIRST_PORT COUNT
      implicit TLS (SMTPS) on COUNT consecutive ports of 127.0.0.1 with one key and certificate
      (probe_bench.sh).
  tls_farm.py --manifest FILE
      the listeners FILE lists, one JSON object a line: {"address": IP, "port": N, "starttls":
      true|false, "pem": PATH} (PATH holds the key and the chain, as Postfix's
      smtpd_tls_chain_files); SIGHUP reads the PEM files written since, as an MTA's reload does;
      the next connection gets the new key (scale_bench.sh).

Runs until killed; prints "ready" once every listener is bound."""
import asyncio
import json
import os
import signal
import ssl
import sys

GREETING = b"220 bench.example.net ESMTP\r\n"


def make_context(pem: str, key: str | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem, key)
    return context


async def smtp_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       starttls_context=None) -> None:
    """An SMTP dialogue; with starttls_context, EHLO offers STARTTLS and STARTTLS upgrades."""
    writer.write(GREETING)
    await writer.drain()
    while line := await reader.readline():
        verb = line[:8].upper().strip()
        if verb[:4] in (b"EHLO", b"HELO"):
            offer = b"250-STARTTLS\r\n" if starttls_context else b""
            writer.write(b"250-bench.example.net\r\n" + offer + b"250 8BITMIME\r\n")
        elif verb == b"STARTTLS" and starttls_context:
            writer.write(b"220 ready to start TLS\r\n")
            await writer.drain()
            await writer.start_tls(starttls_context())
            starttls_context = None
            continue
        elif verb[:4] == b"QUIT":
            writer.write(b"221 bye\r\n")
            await writer.drain()
            break
        else:
            writer.write(b"250 ok\r\n")
        await writer.drain()


async def serve_ports(first_port: int, count: int, context: ssl.SSLContext) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await smtp_session(reader, writer)
        except (ConnectionError, ssl.SSLError):
            pass
        writer.close()

    servers = [await asyncio.start_server(handle, "127.0.0.1", port, ssl=context, backlog=256)
               for port in range(first_port, first_port + count)]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


async def serve_manifest(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        listeners = [json.loads(line) for line in f if line.strip()]
    contexts = {pem: make_context(pem) for pem in {entry["pem"] for entry in listeners}}
    loaded = {pem: os.stat(pem).st_mtime_ns for pem in contexts}

    def reload() -> None:
        for pem in contexts:  # the files written since they were read
            try:
                changed = os.stat(pem).st_mtime_ns
                if changed != loaded[pem]:
                    contexts[pem] = make_context(pem)
                    loaded[pem] = changed
            except (OSError, ssl.SSLError) as e:  # keep serving the old key, as an MTA does
                print(f"reload {pem}: {e}", file=sys.stderr, flush=True)

    def handler_for(pem: str, starttls: bool):
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                if starttls:
                    await smtp_session(reader, writer, lambda: contexts[pem])
                else:
                    await writer.start_tls(contexts[pem])
                    await smtp_session(reader, writer)
            except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, OSError):
                pass
            writer.close()
        return handle

    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, reload)
    servers = [await asyncio.start_server(handler_for(e["pem"], e["starttls"]), e["address"],
                                          e["port"], backlog=512)
               for e in listeners]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    if sys.argv[1] == "--manifest":
        asyncio.run(serve_manifest(sys.argv[2]))
        return
    cert, key, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    asyncio.run(serve_ports(first, count, make_context(cert, key)))


if __name__ == "__main__":
    main()
