"""Open-loop load with a shape: requests due at constant intervals, as a Poisson process (independent
arrivals, exponential gaps), or in bursts (on/off: the whole second's requests due within its first
quarter, at four times the mean rate). Sent by snippets.lab.loadgen's `send`, so latency counts from when
each request was due.

    python -m snippets.lab.shaped_loadgen URL --shape poisson --rate 100 --duration 4 --warmup 0.5 [--cpu 1]

Prints `window start` and `window end` as snippets.lab.loadgen does, then one JSON object: sent, completed,
errors by kind, every latency in ms, how late the client itself dispatched requests, and its CPU time.
"""
from __future__ import annotations

import asyncio
import collections
import json
import random

from . import loadgen

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
    # the warm-up and the measured part are shaped each on its own, so each measured burst is whole
    offsets = schedule(shape, rate, warmup)
    first_counted = len(offsets)
    offsets += [warmup + offset for offset in schedule(shape, rate, duration, seed=2)]
    sent = await loadgen.send(url, offsets, first_counted, timeout, warmup + duration)
    errors = sent["failures"] + collections.Counter(TimeoutError=sent["timeouts"], unfinished=sent["unfinished"])
    return {"shape": shape, "rate": rate, "duration_s": duration, "warmup_s": warmup, "sent": sent["sent"],
            "completed": len(sent["latencies_ms"]), "errors": sum(errors.values()), "error_kinds": dict(errors),
            "latencies_ms": [round(value, 2) for value in sent["latencies_ms"]],
            "send_lag_ms_p99": sent["send_lag_ms_p99"], "client_cpu_s": sent["client_cpu_s"]}


def main() -> None:
    parser = loadgen.options(__doc__)
    parser.add_argument("--shape", choices=SHAPES, default="constant")
    args = parser.parse_args()
    loadgen.prepare(args)
    print(json.dumps(asyncio.run(generate(args.url, args.shape, args.rate, args.duration, args.warmup,
                                          args.timeout))))


if __name__ == "__main__":
    main()
