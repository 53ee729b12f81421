"""A stand-in for a slow upstream API: a tiny asyncio HTTP/1.1 server that answers every GET after a
fixed delay (keep-alive, thousands of concurrent connections, no threads).

    python -m snippets.lab.upstream --port 8081 --delay-ms 100

`GET /?delay_ms=N` overrides the delay for one request. `listen` serves any answer: snippets.lab.
shaped_upstream gives it delays with a shape.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from urllib.parse import parse_qs, urlsplit

from . import procs


async def listen(port: int, answer) -> None:
    """Answer each GET on `port` with the (status, JSON body) of `await answer(target)`, target being the
    request's URL split (urllib.parse.urlsplit)."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
                status, body = await answer(urlsplit(request_line.split(" ")[1] if " " in request_line else "/"))
                closing = b"connection: close" in head.lower()
                writer.write(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
                             % (status, len(body), b"Connection: close\r\n" if closing else b"", body))
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


async def serve(port: int, delay: float) -> None:
    async def answer(target) -> tuple[bytes, bytes]:
        query = parse_qs(target.query)
        await asyncio.sleep(float(query["delay_ms"][0]) / 1000 if "delay_ms" in query else delay)
        return b"200 OK", b'{"ok": true}'

    await listen(port, answer)


@contextlib.contextmanager
def in_process(module: str, *args: str, cpu: int | None = None):
    """`python -m module --port P *args` in its own process, on a free port; yields its base URL."""
    port = procs.free_port()
    with procs.started(procs.python_module(module, "--port", str(port), *args,
                                           *(["--cpu", str(cpu)] if cpu is not None else [])), port):
        yield f"http://{procs.HOST}:{port}/"


def running(delay_ms: float = 100, cpu: int | None = None):
    """Context manager: an upstream in its own process; yields its base URL."""
    return in_process("snippets.lab.upstream", "--delay-ms", str(delay_ms), cpu=cpu)


def options(description: str) -> argparse.ArgumentParser:
    """The command line of this upstream and of snippets.lab.shaped_upstream."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    return parser


def run(cpu: int | None, serving) -> None:
    """Pin this process to `cpu` (when given) and run the `serving` coroutine until interrupted."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serving)


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--delay-ms", type=float, default=100)
    args = parser.parse_args()
    run(args.cpu, serve(args.port, args.delay_ms / 1000))


if __name__ == "__main__":
    main()
