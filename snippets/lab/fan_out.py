"""N calls to an upstream with a fixed latency, made one after the other, from a thread pool, and with
asyncio.gather. The upstream is snippets.lab.upstream in its own process on loopback."""
from __future__ import annotations

import asyncio
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from . import procs, provenance, upstream

SIZES = {
    False: {"fan_out": [1, 2, 4, 8, 16], "latency_ms": 50, "repeats": 1},
    True: {"fan_out": [1, 2, 4, 8, 12, 16, 24, 32], "latency_ms": 100, "repeats": 3},
}
LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=64)


def sequential(client: httpx.Client, url: str, n: int) -> list[int]:
    return [client.get(url).status_code for _ in range(n)]


def thread_pool(client: httpx.Client, url: str, n: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _: client.get(url).status_code, range(n)))


async def gathered(client: httpx.AsyncClient, url: str, n: int) -> list[int]:
    responses = await asyncio.gather(*(client.get(url) for _ in range(n)))
    return [response.status_code for response in responses]


def measure(url: str, fan_out: list[int], repeats: int = 1) -> list[dict]:
    """Seconds for each way and each N (the median of `repeats`); every call must answer 200."""
    rows = []
    with httpx.Client(limits=LIMITS, timeout=30) as client:
        client.get(url)  # warm up: open one connection before timing
        for n in fan_out:
            for name, call in (("sequential", sequential), ("thread pool", thread_pool)):
                times = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    statuses = call(client, url, n)
                    times.append(time.perf_counter() - started)
                    assert statuses == [200] * n, statuses
                rows.append({"way": name, "n": n, "seconds": statistics.median(times)})

    async def measure_async():
        async with httpx.AsyncClient(limits=LIMITS, timeout=30) as client:
            await client.get(url)
            for n in fan_out:
                times = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    statuses = await gathered(client, url, n)
                    times.append(time.perf_counter() - started)
                    assert statuses == [200] * n, statuses
                rows.append({"way": "asyncio.gather", "n": n, "seconds": statistics.median(times)})

    procs.run_async(measure_async)
    return rows


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov, upstream.running(sizes["latency_ms"]) as url:
        rows = measure(url, sizes["fan_out"], sizes["repeats"])
    return {"benchmark": "fan_out", "provenance": prov.result(),
            "latency_ms": sizes["latency_ms"], "rows": rows}


def table(result: dict) -> str:
    ways = ["sequential", "thread pool", "asyncio.gather"]
    lines = [provenance.caption(result["provenance"]), f"{'N':>3} " + " ".join(f"{way:>15}" for way in ways) + "   (seconds)"]
    for n in sorted({row["n"] for row in result["rows"]}):
        cells = {row["way"]: row["seconds"] for row in result["rows"] if row["n"] == n}
        lines.append(f"{n:>3} " + " ".join(f"{cells[way]:>15.3f}" for way in ways))
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(8, 4.2))
    for way, marker, style in (("sequential", "o", "-"), ("thread pool", "s", "--"), ("asyncio.gather", "^", ":")):
        rows = [row for row in result["rows"] if row["way"] == way]
        axis.plot([row["n"] for row in rows], [row["seconds"] * 1000 for row in rows], marker=marker,
                  linestyle=style, label=way)
    axis.axhline(result["latency_ms"], color="grey", linewidth=0.8, linestyle="-.",
                 label=f"one upstream call ({result['latency_ms']} ms)")
    axis.set_yscale("log")
    axis.set_xlabel("N upstream calls per request")
    axis.set_ylabel("wall time, ms (log)")
    axis.set_title(f"Fan-out to an upstream with {result['latency_ms']} ms latency\n{provenance.caption(result['provenance'])}",
                   fontsize=9)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    fig.tight_layout()
    return fig
