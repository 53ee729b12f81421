"""Open-loop load generator: requests are due at a fixed rate whatever the server does, and each latency
is measured from the moment the request was DUE, not from when it was sent, so a server that stalls is
charged for every request that should have gone out meanwhile (no coordinated omission).

    python -m snippets.lab.loadgen URL --rate 200 --duration 8 --warmup 2 [--cpu 1]

One asyncio process with plain HTTP/1.1 over asyncio streams (cheaper per request than an HTTP library,
so the client stays far from its limit): an idle keep-alive connection is reused, otherwise a new one is
opened. Warm-up requests are sent at the same rate but not counted. It prints `window start` when the
first counted request is due and `window end` when the last one is (the caller measures the server's CPU
between the two: no warm-up, no drain), then one JSON object: sent, completed, the latencies in ms as a
histogram (snippets.lab.histogram), failures (an error answer or a broken connection) and timeouts counted
apart and never dropped silently, the throughput of answers that arrived inside the window (the drain
after it does not count), how late the client itself dispatched requests (the proof it kept up), its CPU
time, and the answering worker's pid for each request (each worker's share).

`send` takes any schedule of due times: snippets.lab.shaped_loadgen gives it Poisson and bursty ones.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import resource
import sys
import time
from urllib.parse import urlsplit

from .histogram import Histogram

PID = re.compile(rb'"pid": (\d+)')


class Client:
    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.request = f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self) -> bytes:
        reader, writer = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(self.request)
            head = await reader.readuntil(b"\r\n\r\n")
            lower = head.lower()
            if b"transfer-encoding: chunked" in lower:
                body = b""
                while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                    body += (await reader.readexactly(size + 2))[:-2]
                await reader.readuntil(b"\r\n")
            else:
                body = await reader.readexactly(int(re.search(rb"content-length: *(\d+)", lower)[1]))
        except BaseException:
            writer.close()
            raise
        if b"connection: close" in lower or not head.startswith(b"HTTP/1.1 200"):
            writer.close()
        else:
            self.idle.append((reader, writer))
        if not head.startswith(b"HTTP/1.1 200"):
            raise ValueError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        return body


async def send(url: str, offsets: list[float], first_counted: int, timeout: float, window_end: float) -> dict:
    """One request due at each offset (seconds from the start); the first `first_counted` warm up and are not
    counted. Prints `window start` when the first counted one is due and `window end` at `window_end`."""
    client = Client(url)
    latencies, lags, workers = [], [], collections.Counter()
    failures: collections.Counter = collections.Counter()
    timeouts = unfinished = in_window = 0
    started = time.perf_counter() + 0.05
    window = (started + (offsets[first_counted] if first_counted < len(offsets) else window_end),
              started + window_end)
    cpu_before = time.process_time()

    async def one(index: int, due: float) -> None:
        nonlocal timeouts, in_window
        try:
            body = await asyncio.wait_for(client.get(), timeout)
        except asyncio.TimeoutError:
            timeouts += index >= first_counted
            return
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            if index >= first_counted:
                failures[type(error).__name__] += 1
            return
        now = time.perf_counter()
        in_window += window[0] <= now <= window[1]  # any answer that arrived in the window, warm-up's too
        if index >= first_counted:
            latencies.append((now - due) * 1000)
            if found := PID.search(body):
                workers[found[1].decode()] += 1

    tasks = []
    for index, offset in enumerate(offsets):
        due = started + offset
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        if index == first_counted:
            cpu_before = time.process_time()
            print("window start", flush=True)
        if index >= first_counted:
            lags.append((time.perf_counter() - due) * 1000)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
    print("window end", flush=True)
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=timeout + 5)
        for task in pending:  # bounded: whatever is still running is cancelled and counted apart
            task.cancel()
        unfinished = len(pending)
    client_cpu = time.process_time() - cpu_before
    for _, writer in client.idle:
        writer.close()
    return {"sent": len(offsets) - first_counted, "latencies_ms": latencies, "failures": failures,
            "timeouts": timeouts, "unfinished": unfinished, "completed_in_window": in_window, "workers": workers,
            "send_lag_ms_p99": round(sorted(lags)[int(0.99 * (len(lags) - 1))], 2) if lags else None,
            "client_cpu_s": round(client_cpu, 3)}


async def generate(url: str, rate: float, duration: float, warmup: float, timeout: float) -> dict:
    total = int(rate * (warmup + duration))
    sent = await send(url, [index / rate for index in range(total)], int(rate * warmup), timeout, total / rate)
    histogram = Histogram()
    for latency in sent["latencies_ms"]:
        histogram.add(latency)
    return {"rate": rate, "duration_s": duration, "warmup_s": warmup, "sent": sent["sent"],
            "completed": histogram.n, "completed_in_window": sent["completed_in_window"],
            "failures": sum(sent["failures"].values()), "failure_kinds": dict(sent["failures"]),
            "timeouts": sent["timeouts"] + sent["unfinished"], "histogram": histogram.to_json(),
            "send_lag_ms_p99": sent["send_lag_ms_p99"], "client_cpu_s": sent["client_cpu_s"],
            "workers": dict(sent["workers"])}


def options(description: str) -> argparse.ArgumentParser:
    """The command line of this generator and of snippets.lab.shaped_loadgen, which adds --shape."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, required=True, help="requests per second (on average)")
    parser.add_argument("--duration", type=float, default=5, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=1, help="seconds sent first and not counted")
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    return parser


def prepare(args: argparse.Namespace) -> None:
    """Pin this process to --cpu and let it open as many connections as the system allows."""
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    args = options(__doc__).parse_args()
    prepare(args)
    result = asyncio.run(generate(args.url, args.rate, args.duration, args.warmup, args.timeout))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
