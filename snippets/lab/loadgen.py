"""Closed-loop load generator: C concurrent clients (asyncio + httpx), each sending the next request as
soon as the previous answer arrives, for D seconds; then in-flight requests get up to the timeout.

    python -m snippets.lab.loadgen URL --concurrency 100 --duration 5 --timeout 30

Prints one JSON object: requests, errors by kind, throughput, latency percentiles, the client's CPU time.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import resource
import time

import httpx


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


async def generate(url: str, concurrency: int, duration: float, timeout: float) -> dict:
    latencies: list[float] = []
    errors: collections.Counter = collections.Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    cpu_before = time.process_time()
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(timeout, pool=timeout)) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def one_client():
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    response = await client.get(url)
                except httpx.HTTPError as error:
                    errors[type(error).__name__] += 1
                    continue
                if response.status_code == 200:
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors[f"HTTP {response.status_code}"] += 1

        workers = [asyncio.create_task(one_client()) for _ in range(concurrency)]
        done, pending = await asyncio.wait(workers, timeout=duration + timeout + 5)
        for task in pending:  # bounded: anything still running is cancelled and counted
            task.cancel()
            errors["cancelled at the time limit"] += 1
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "concurrency": concurrency,
        "duration_s": duration,
        "elapsed_s": elapsed,
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "throughput_rps": len(latencies) / elapsed,
        "p50_ms": (percentile(latencies, 0.50) or 0) * 1000,
        "p90_ms": (percentile(latencies, 0.90) or 0) * 1000,
        "p99_ms": (percentile(latencies, 0.99) or 0) * 1000,
        "max_ms": (latencies[-1] if latencies else 0) * 1000,
        "client_cpu_s": time.process_time() - cpu_before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, required=True)
    parser.add_argument("--duration", type=float, default=3)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(generate(args.url, args.concurrency, args.duration, args.timeout))))


if __name__ == "__main__":
    main()
