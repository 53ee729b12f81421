"""CPU-bound work inside an async view: what it does to the other requests on the same event loop.

One uvicorn worker (snippets.lab.cpu_in_view_app), its threads pinned to the first CPU, serves /io/ (awaits
50 ms) at a fixed open-loop rate (snippets.lab.loadgen, pinned to the last CPU) while a client thread
keeps one /burn/ request running at all times, each burning about 0.1 s of CPU: inline in the async view,
in asyncio.to_thread, or in a one-process pool (whose process may use any core). Measured per way: the
/io/ p50 and p99 from due time, the event loop's lag (how late a 10 ms timer fires), and burns done.
Ways run in an order rotated each repeat.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import threading

import httpx

from . import load, procs, provenance, tables
from .histogram import Histogram

WAYS = ["no burn", "inline", "to_thread", "process pool"]
PATHS = {"inline": "/burn/inline/", "to_thread": "/burn/to_thread/", "process pool": "/burn/process/"}
SIZES = {False: {"rate": 40, "duration_s": 1.5, "warmup_s": 0.5, "burn_n": 1_000_000, "repeats": 1},
         True: {"rate": 50, "duration_s": 4.0, "warmup_s": 0.5, "burn_n": 1_000_000, "repeats": 5}}


def burner(base: str, way: str, n: int, stop: threading.Event, done: list) -> None:
    with httpx.Client(timeout=60) as client:
        while not stop.is_set():
            client.get(f"{base}{PATHS[way]}", params={"n": n}).raise_for_status()
            done.append(1)


def one_way(base: str, way: str, sizes: dict, client_cpu: int) -> dict:
    httpx.get(f"{base}/lag/", timeout=30)  # reset the lag record
    stop, done = threading.Event(), []
    thread = None
    if way != "no burn":
        thread = threading.Thread(target=burner, args=(base, way, sizes["burn_n"], stop, done), daemon=True)
        thread.start()
    try:
        out = subprocess.run(procs.python_module("snippets.lab.loadgen", f"{base}/io/", "--rate", str(sizes["rate"]),
                                                 "--duration", str(sizes["duration_s"]), "--warmup",
                                                 str(sizes["warmup_s"]), "--cpu", str(client_cpu)),
                             capture_output=True, text=True, cwd=procs.ROOT, env=procs.child_env(), check=True,
                             timeout=120)
    finally:
        stop.set()
        if thread:
            thread.join(timeout=60)
    lag = httpx.get(f"{base}/lag/", timeout=30).json()
    raw = json.loads(out.stdout.splitlines()[-1])  # after the loadgen's "window start" / "window end" lines
    latencies = Histogram.from_json(raw["histogram"])
    return {"way": way, "io_p50_ms": round(latencies.percentile(0.5), 1), "io_p99_ms": round(latencies.percentile(0.99), 1),
            "io_requests": raw["completed"], "io_errors": raw["failures"] + raw["timeouts"], "loop_lag_p99_ms": lag["p99_ms"],
            "loop_lag_max_ms": lag["max_ms"], "burns": len(done)}


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    cpus = sorted(os.sched_getaffinity(0))
    port = procs.free_port()
    argv = procs.python_module("uvicorn", "snippets.lab.cpu_in_view_app:app", "--host", procs.HOST, "--port",
                               str(port), "--log-level", "warning", "--no-access-log")
    base = f"http://{procs.HOST}:{port}"
    steps = []
    with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov, procs.started(argv, port) as server:
        httpx.get(f"{base}/burn/process/", params={"n": 1000}, timeout=60).raise_for_status()  # start the pool
        httpx.get(f"{base}/lag/", timeout=30).raise_for_status()  # start the loop monitor
        load.pin(server.pid, cpus[0])
        pool_worker = [child.pid for child in load.psutil.Process(server.pid).children(recursive=True)]
        for pid in pool_worker:  # the pool's process keeps every core (pin() above took them away)
            for thread in load.psutil.Process(pid).threads():
                os.sched_setaffinity(thread.id, cpus)
        for repeat in range(sizes["repeats"]):
            for way in WAYS[repeat % len(WAYS):] + WAYS[:repeat % len(WAYS)]:
                steps.append(one_way(base, way, sizes, cpus[-1]))
    rows = []
    for way in WAYS:
        mine = [step for step in steps if step["way"] == way]
        row = {"way": way, "repeats": len(mine), "io_requests_per_repeat": round(statistics.median(s["io_requests"] for s in mine)),
               "io_errors": sum(step["io_errors"] for step in mine)}
        for key in ("io_p50_ms", "io_p99_ms", "loop_lag_p99_ms", "loop_lag_max_ms", "burns"):
            row[key] = load.median_interval([step[key] for step in mine if step[key] is not None])
        rows.append(row)
    return {"benchmark": "cpu_in_view", "provenance": prov.result(), "sizes": sizes, "rows": rows,
            "pinning": {"server_cpu": cpus[0], "client_cpu": cpus[-1], "pool_process": "any"}}


def table(result: dict) -> str:
    sizes = result["sizes"]
    lines = [provenance.caption(result["provenance"]),
             f"/io/ at {sizes['rate']} req/s while one /burn/ (~{sizes['burn_n']:,} iterations) runs at all times; "
             "median over repeats (lowest-highest)"]
    columns = [("way", "way", "14"), ("n", "repeats", ">2"), ("io req/rep", "io_requests_per_repeat", ">10"),
               ("io p50 ms", tables.figure("io_p50_ms"), ">16"), ("io p99 ms", tables.figure("io_p99_ms"), ">18"),
               ("loop lag p99 ms", tables.figure("loop_lag_p99_ms", 1), ">18"), ("burns", tables.figure("burns"), ">12")]
    return "\n".join(lines + tables.lines(columns, result["rows"]))


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(8, 4))
    rows = result["rows"]
    x = range(len(rows))
    for offset, key, label, hatch in ((-0.2, "io_p99_ms", "/io/ p99 (ms, from due time)", "//"),
                                      (0.2, "loop_lag_p99_ms", "event-loop lag p99 (ms)", "..")):
        medians, errors = tables.error_bars([row[key] for row in rows])
        bars = axis.bar([i + offset for i in x], medians, width=0.4, yerr=errors, capsize=3, hatch=hatch,
                        edgecolor="black", label=label)
        axis.bar_label(bars, fmt="{:.0f}", fontsize=7, padding=4)
    axis.set_xticks(list(x), [row["way"] for row in rows])
    axis.set_ylabel("milliseconds")
    axis.set_yscale("log")
    axis.legend(fontsize=8)
    axis.set_title("One async view burns CPU: what the other requests see", fontsize=10)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=6)
    fig.tight_layout()
    return fig
