"""A slow upstream whose latency has a shape: constant, heavy-tailed, or slowing down mid-run.

    python -m snippets.lab.shaped_upstream --port 8081

`GET /configure?profile=P` sets the profile and restarts its clock; any other GET answers after the
profile's delay. Profiles (milliseconds, seconds):
- `constant:100`: every answer after 100 ms;
- `lognormal:100:1.0`: a log-normal delay with median 100 ms and sigma 1.0 (p99 about 1 s), capped at 10 s;
- `slowdown:100:1000:2000:3`: 100 ms for 3 s from the first request after /configure, then uniformly 1-2 s (an upstream in trouble).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import time
from urllib.parse import parse_qs, urlsplit

from . import procs

CAP_S = 10.0


class Profile:
    def __init__(self, text: str = "constant:100", seed: int = 1):
        kind, *numbers = text.split(":")
        values = [float(number) for number in numbers]
        expected = {"constant": 1, "lognormal": 2, "slowdown": 4}
        if kind not in expected or len(values) != expected[kind]:
            raise ValueError(f"profile {text!r}: use constant:MS, lognormal:MEDIAN_MS:SIGMA or "
                             "slowdown:MS:SLOW_LOW_MS:SLOW_HIGH_MS:AFTER_S")
        self.kind, self.values, self.text = kind, values, text
        self.random = random.Random(seed)
        self.started: float | None = None  # the clock starts with the first request after /configure

    def delay_s(self) -> float:
        if self.kind == "constant":
            return self.values[0] / 1000
        if self.kind == "lognormal":
            median, sigma = self.values
            return min(CAP_S, self.random.lognormvariate(0, sigma) * median / 1000)
        fast, low, high, after = self.values
        self.started = self.started or time.monotonic()
        if time.monotonic() - self.started < after:
            return fast / 1000
        return self.random.uniform(low, high) / 1000


async def serve(port: int) -> None:
    profile = Profile()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal profile
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode("latin-1")
                target = urlsplit(line.split(" ")[1] if " " in line else "/")
                status, body = b"200 OK", b'{"ok": true}'
                if target.path == "/configure":
                    try:
                        profile = Profile(parse_qs(target.query).get("profile", [""])[0])
                    except ValueError as error:
                        status, body = b"400 Bad Request", str(error).encode()
                else:
                    await asyncio.sleep(profile.delay_s())
                writer.write(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (status, len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, procs.HOST, port, backlog=4096)
    async with server:
        await server.serve_forever()


@contextlib.contextmanager
def running(cpu: int | None = None):
    """An upstream in its own process; yields its base URL (configure it with `configure`)."""
    port = procs.free_port()
    with procs.started(procs.python_module("snippets.lab.shaped_upstream", "--port", str(port),
                                           *(["--cpu", str(cpu)] if cpu is not None else [])), port):
        yield f"http://{procs.HOST}:{port}/"


def configure(url: str, profile: str) -> None:
    import httpx

    httpx.get(url + "configure", params={"profile": profile}, timeout=10).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
