"""Open-loop load with a shape: requests due at constant intervals, as a Poisson process (independent
arrivals, exponential gaps), or in bursts (on/off: the whole second's requests due within its first
quarter, at four times the mean rate). Latency counts from when each request was due, as in
snippets.lab.loadgen, whose HTTP client this reuses.

    python -m snippets.lab.shaped_loadgen URL --shape poisson --rate 100 --duration 4 --warmup 0.5 [--cpu 1]

Prints one JSON object: sent, completed, errors by kind, every latency in ms, how late the client itself
dispatched requests, and its CPU time.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import resource
import time

from .loadgen import Client

SHAPES = ("constant", "poisson", "bursty")
BURST = {"period_s": 1.0, "on_s": 0.25}  # bursty: each period's requests all fall in its first on_s


def schedule(shape: str, rate: float, seconds: float, seed: int = 1) -> list[float]:
    """Offsets in seconds at which requests are due, `rate` per second on average over `seconds`."""
    count = int(rate * seconds)
    if shape == "constant":
        return [index / rate for index in range(count)]
    if shape == "poisson":
        chance, offsets, now = random.Random(seed), [], 0.0
        while (now := now + chance.expovariate(rate)) < seconds:
            offsets.append(now)
        return offsets
    if shape == "bursty":
        per_period = rate * BURST["period_s"]
        return [(index // per_period) * BURST["period_s"] + (index % per_period) / per_period * BURST["on_s"]
                for index in range(count)]
    raise ValueError(f"shape {shape!r}: use one of {', '.join(SHAPES)}")


async def generate(url: str, shape: str, rate: float, duration: float, warmup: float, timeout: float) -> dict:
    client = Client(url)
    # the warm-up and the measured part are shaped each on its own, so each measured burst is whole
    offsets = schedule(shape, rate, warmup)
    first_counted = len(offsets)
    offsets += [warmup + offset for offset in schedule(shape, rate, duration, seed=2)]
    latencies, lags, errors = [], [], collections.Counter()
    started = time.perf_counter() + 0.05
    cpu_before = time.process_time()

    async def one(index: int, due: float) -> None:
        try:
            await asyncio.wait_for(client.get(), timeout)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            if index >= first_counted:
                errors[type(error).__name__] += 1
            return
        if index >= first_counted:
            latencies.append((time.perf_counter() - due) * 1000)

    tasks = []
    for index, offset in enumerate(offsets):
        due = started + offset
        if index == first_counted:
            cpu_before = time.process_time()
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        if index >= first_counted:
            lags.append((time.perf_counter() - due) * 1000)
        tasks.append(asyncio.create_task(one(index, due)))
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=timeout + 5)
        for task in pending:
            task.cancel()
            errors["unfinished"] += 1
    for _, writer in client.idle:
        writer.close()
    return {"shape": shape, "rate": rate, "duration_s": duration, "warmup_s": warmup,
            "sent": len(offsets) - first_counted, "completed": len(latencies), "errors": sum(errors.values()),
            "error_kinds": dict(errors), "latencies_ms": [round(value, 2) for value in latencies],
            "send_lag_ms_p99": round(sorted(lags)[int(0.99 * (len(lags) - 1))], 2) if lags else None,
            "client_cpu_s": round(time.process_time() - cpu_before, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--shape", choices=SHAPES, default="constant")
    parser.add_argument("--rate", type=float, required=True, help="requests per second, on average")
    parser.add_argument("--duration", type=float, default=4, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds sent first and not counted")
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(generate(args.url, args.shape, args.rate, args.duration, args.warmup,
                                          args.timeout))))


if __name__ == "__main__":
    main()
