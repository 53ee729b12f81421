"""Where an async Django request's extra CPU comes from, one cause at a time:

- the HTTP client: one GET with httpx's `Client` against one with its `AsyncClient`, to a local upstream
  that answers at once (the CPU of this process per call; the upstream runs in its own process);
- the per-request thread-sensitive context Django's ASGI handler opens (asgiref `ThreadSensitiveContext`)
  with 1, 2 and 15 `sync_to_async` hops inside it (15: the startproject stack on an async view), against the
  same hops on the warm shared executor with no context;
- `async_to_sync` called with no event loop running (a script, a management command) and from a thread of a
  running loop (a sync view under ASGI calling async code);
- a sync view served under ASGI (uvicorn) against the same view under WSGI (gunicorn sync), and an async view
  under ASGI, one worker each, no middleware (the middleware stack's share is measured by the stack runs):
  the server's CPU per request, requests sent one after another on a keep-alive connection.

Every in-process figure is the median over repeats of the mean over `loops` calls, this process pinned to one
CPU; wall-clock and CPU time (all threads of the process) both kept.
"""
from __future__ import annotations

import asyncio
import os
import statistics
import time

from . import load, procs, provenance, upstream

SIZES = {False: {"loops": 40, "repeats": 2, "requests": 60},
         True: {"loops": 1000, "repeats": 5, "requests": 1000}}
HOPS = (1, 2, 15)


def timed(function, loops: int) -> tuple[float, float]:
    """(wall µs, CPU µs) per call of function(loops), which makes `loops` calls."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(loops)
    return (time.perf_counter() - wall) * 1e6 / loops, (time.process_time() - cpu) * 1e6 / loops


def sync_client(url: str):
    import httpx

    def calls(loops: int) -> None:
        with httpx.Client() as client:
            client.get(url)  # the connection is opened once, as a kept client would
            for _ in range(loops):
                client.get(url)
    return calls


def async_client(url: str):
    import httpx

    def calls(loops: int) -> None:
        async def main():
            async with httpx.AsyncClient() as client:
                await client.get(url)
                for _ in range(loops):
                    await client.get(url)
        asyncio.run(main())
    return calls


def noop():
    return None


async def anoop():
    return None


def hops(count: int, context: bool):
    """`loops` requests, each making `count` thread-sensitive sync_to_async hops, inside a fresh
    ThreadSensitiveContext per request (what ASGIHandler does) or on the shared executor."""
    from asgiref.sync import ThreadSensitiveContext, sync_to_async

    hop = sync_to_async(noop)

    async def request():
        for _ in range(count):
            await hop()

    def calls(loops: int) -> None:
        async def main():
            for _ in range(loops):
                if context:
                    async with ThreadSensitiveContext():
                        await request()
                else:
                    await request()
        asyncio.run(main())
    return calls


def async_to_sync_outside(loops: int) -> None:
    from asgiref.sync import async_to_sync

    call = async_to_sync(anoop)
    for _ in range(loops):
        call()


def async_to_sync_inside(loops: int) -> None:
    from asgiref.sync import async_to_sync, sync_to_async

    call = async_to_sync(anoop)

    def in_thread():
        for _ in range(loops):
            call()

    async def main():
        await sync_to_async(in_thread)()
    asyncio.run(main())


def spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def in_process(sizes: dict, upstream_url: str) -> list[dict]:
    """Every in-process case, in a fresh thread with no event loop (a notebook's thread has one running)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_in_process, sizes, upstream_url).result()


def _in_process(sizes: dict, upstream_url: str) -> list[dict]:
    cases = [("http client", "httpx.Client.get", sync_client(upstream_url)),
             ("http client", "httpx.AsyncClient.get", async_client(upstream_url))]
    for count in HOPS:
        cases.append(("thread hops", f"{count} hop{'s' * (count > 1)} in a per-request context", hops(count, True)))
    for count in (1, 15):
        cases.append(("thread hops", f"{count} hop{'s' * (count > 1)} on the warm executor", hops(count, False)))
    cases += [("async_to_sync", "no loop running", async_to_sync_outside),
              ("async_to_sync", "from a thread of a running loop", async_to_sync_inside)]
    rows = []
    for cause, case, function in cases:
        function(max(2, sizes["loops"] // 10))  # warm-up: imports, first threads
        samples = [timed(function, sizes["loops"]) for _ in range(sizes["repeats"])]
        rows.append({"cause": cause, "case": case, "wall_us": spread([wall for wall, _ in samples]),
                     "cpu_us": spread([cpu for _, cpu in samples])})
    return rows


SERVED = {"sync view, WSGI (gunicorn sync)": ("wsgi", "/hello/"),
          "sync view, ASGI (uvicorn)": ("asgi", "/hello/"),
          "async view, ASGI (uvicorn)": ("asgi", "/ahello/")}


def served(sizes: dict, cpu: int) -> list[dict]:
    """Server CPU per request for a sync view under each interface (one worker, no middleware)."""
    import httpx

    rows = []
    for name, (interface, target) in SERVED.items():
        port = procs.free_port()
        argv = procs.python_module("gunicorn", "--bind", f"{procs.HOST}:{port}", "--workers", "1",
                                   "--log-level", "warning", "--graceful-timeout", "1",
                                   *(["--worker-class", "uvicorn_worker.UvicornWorker"] if interface == "asgi" else []),
                                   f"snippets.lab.stack_site:{interface}")
        samples = []
        with procs.started(argv, port, env={"LAB_STACK": "none"}) as process, httpx.Client() as client:
            url = f"http://{procs.HOST}:{port}{target}"
            for _ in range(20):
                client.get(url).raise_for_status()
            load.pin(process.pid, cpu)
            for _ in range(sizes["repeats"]):
                before = load.tree_cpu_s(process.pid)
                for _ in range(sizes["requests"]):
                    client.get(url)
                samples.append(1e6 * (load.tree_cpu_s(process.pid) - before) / sizes["requests"])
        rows.append({"cause": "interface", "case": name, "server_cpu_us": spread(samples)})
    return rows


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    own = os.sched_getaffinity(0)
    cpus = sorted(own)
    os.sched_setaffinity(0, {cpus[-1]})
    try:
        with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov, \
                upstream.running(0, cpu=cpus[0]) as url:
            rows = in_process(sizes, url)
            rows += served(sizes, cpus[0])
    finally:
        os.sched_setaffinity(0, own)
    return {"benchmark": "causes", "provenance": prov.result(), "sizes": sizes,
            "pinning": {"this_process_cpu": cpus[-1], "server_and_upstream_cpu": cpus[0]}, "rows": rows}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             "median (min-max) over repeats; in-process rows: this process, pinned; served rows: the server's CPU",
             f"{'cause':14} {'case':42} {'wall µs':>22} {'CPU µs':>22}"]
    for row in result["rows"]:
        cpu = row.get("cpu_us") or row["server_cpu_us"]
        wall = row.get("wall_us")
        lines.append(f"{row['cause']:14} {row['case']:42} "
                     f"{_cell(wall) if wall else '-':>22} {_cell(cpu):>22}")
    return "\n".join(lines)


def _cell(stat: dict) -> str:
    return f"{stat['median']:.1f} ({stat['min']:.1f}-{stat['max']:.1f})"


def plot(result: dict):
    import matplotlib.pyplot as plt

    rows = result["rows"]
    fig, axis = plt.subplots(figsize=(10, 0.45 * len(rows) + 1.5))
    labels = [f"{row['cause']}: {row['case']}" for row in rows]
    values = [(row.get("cpu_us") or row["server_cpu_us"]) for row in rows]
    axis.barh(labels, [value["median"] for value in values],
              xerr=[[value["median"] - value["min"] for value in values],
                    [value["max"] - value["median"] for value in values]], capsize=3)
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.set_xlabel("CPU µs per call / per request (log; median, min-max)")
    axis.grid(True, axis="x", which="both", alpha=0.3)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=7)
    fig.tight_layout()
    return fig
