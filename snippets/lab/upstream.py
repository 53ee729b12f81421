"""A stand-in for a slow upstream API: a tiny asyncio HTTP/1.1 server that answers every GET after a
fixed delay (keep-alive, thousands of concurrent connections, no threads).

    python -m snippets.lab.upstream --port 8081 --delay-ms 100

`GET /?delay_ms=N` overrides the delay for one request.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from urllib.parse import parse_qs, urlsplit

from . import procs


async def serve(port: int, delay: float) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
                target = request_line.split(" ")[1] if " " in request_line else "/"
                query = parse_qs(urlsplit(target).query)
                wait = float(query["delay_ms"][0]) / 1000 if "delay_ms" in query else delay
                await asyncio.sleep(wait)
                body = b'{"ok": true}'
                closing = b"connection: close" in head.lower()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n%s\r\n%s" % (len(body), b"Connection: close\r\n" if closing else b"", body))
                await writer.drain()
                if closing:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, procs.HOST, port, backlog=4096)
    async with server:
        await server.serve_forever()


def running(delay_ms: float = 100, cpu: int | None = None):
    """Context manager: an upstream in its own process; yields its base URL."""
    port = procs.free_port()

    @contextlib.contextmanager
    def _ctx():
        with procs.started(procs.python_module("snippets.lab.upstream", "--port", str(port),
                                               "--delay-ms", str(delay_ms),
                                               *(["--cpu", str(cpu)] if cpu is not None else [])), port):
            yield f"http://{procs.HOST}:{port}/"

    return _ctx()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=100)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.delay_ms / 1000))


if __name__ == "__main__":
    main()
