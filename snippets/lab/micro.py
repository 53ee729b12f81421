"""Micro-benchmarks with pyperf: one hand-over between two threads, one between two asyncio tasks, and one
crossing between Django's async and sync worlds each way (asgiref's sync_to_async and async_to_sync).

pyperf runs each benchmark in several fresh worker processes, calibrates the loop count so that each value
lasts long enough to time, discards warm-ups, and reports mean ± standard deviation. The benchmarks run in
an order shuffled per run; `--affinity` pins the workers to CPUs (stated in the stored run).

    python -m snippets.lab.micro -o micro.json --processes 5 --values 3 --affinity 0
"""
from __future__ import annotations

import asyncio
import json
import os
import queue
import random
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from . import procs, provenance

SIZES = {False: {"processes": 2, "values": 2, "min_time": 0.02},
         True: {"processes": 8, "values": 3, "min_time": 0.1}}


def thread_hand_over(loops: int) -> float:
    there, back = queue.Queue(), queue.Queue()

    def partner():
        for _ in range(loops):
            back.put(there.get())

    thread = threading.Thread(target=partner)
    thread.start()
    started = time.perf_counter()
    for _ in range(loops):
        there.put(None)
        back.get()
    elapsed = time.perf_counter() - started
    thread.join()
    return elapsed / 2  # per hand-over: a round trip is two


def task_hand_over(loops: int) -> float:
    async def main():
        there, back = asyncio.Queue(), asyncio.Queue()

        async def partner():
            for _ in range(loops):
                await back.put(await there.get())

        task = asyncio.create_task(partner())
        started = time.perf_counter()
        for _ in range(loops):
            await there.put(None)
            await back.get()
        elapsed = time.perf_counter() - started
        await task
        return elapsed / 2

    return asyncio.run(main())


def sync_to_async_call(loops: int) -> float:
    """An async view calling a sync function through sync_to_async (thread_sensitive, as Django does)."""
    from asgiref.sync import sync_to_async

    wrapped = sync_to_async(lambda: None)

    async def main():
        started = time.perf_counter()
        for _ in range(loops):
            await wrapped()
        return time.perf_counter() - started

    return asyncio.run(main())


def async_to_sync_call(loops: int) -> float:
    """Sync code calling a coroutine through async_to_sync (a sync view calling async code)."""
    from asgiref.sync import async_to_sync

    async def nothing():
        return None

    wrapped = async_to_sync(nothing)
    started = time.perf_counter()
    for _ in range(loops):
        wrapped()
    return time.perf_counter() - started


BENCHMARKS = {"thread hand-over": thread_hand_over, "task hand-over": task_hand_over,
              "sync_to_async call": sync_to_async_call, "async_to_sync call": async_to_sync_call}


def main() -> None:
    import pyperf

    runner = pyperf.Runner(program_args=("-m", "snippets.lab.micro"))
    names = list(BENCHMARKS)
    random.Random(os.environ.get("LAB_MICRO_SEED", "0")).shuffle(names)  # same order in every worker
    for name in names:
        runner.bench_time_func(name, BENCHMARKS[name])


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    cpu = sorted(os.sched_getaffinity(0))[-1]
    seed = str(random.randrange(10**6))
    with provenance.recorded("full" if full else "ci", sizes["processes"]) as prov, \
            tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "micro.json")
        subprocess.run(procs.python_module("snippets.lab.micro", "--quiet", "-o", out, "--processes",
                                           str(sizes["processes"]), "--values", str(sizes["values"]), "--min-time",
                                           str(sizes["min_time"]), "--affinity", str(cpu),
                                           "--inherit-environ", "PYTHONPATH,LAB_MICRO_SEED"),
                       cwd=procs.ROOT, env=procs.child_env({"LAB_MICRO_SEED": seed}), check=True,
                       capture_output=True, text=True, timeout=600)
        suite = json.loads(Path(out).read_text())
    rows = []
    for bench in suite["benchmarks"]:
        name = bench["metadata"]["name"]
        values = [value for run in bench["runs"] if "values" in run for value in run["values"]]
        rows.append({"name": name, "mean_us": round(statistics.fmean(values) * 1e6, 3),
                     "stdev_us": round(statistics.stdev(values) * 1e6, 3), "values": len(values),
                     "processes": sum(1 for run in bench["runs"] if "values" in run),
                     "loops": bench["runs"][-1]["metadata"].get("loops", bench["metadata"].get("loops"))})
    rows.sort(key=lambda row: list(BENCHMARKS).index(row["name"]))
    by = {row["name"]: row["mean_us"] for row in rows}
    return {"benchmark": "micro", "provenance": prov.result(), "affinity": f"CPU {cpu} (all worker processes)",
            "order_seed": seed, "rows": rows,
            "thread_over_task_hand_over": round(by["thread hand-over"] / by["task hand-over"], 1)}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]), f"pyperf, pinned to {result['affinity']}",
             f"{'benchmark':20} {'mean ± stdev (µs)':>22} {'values':>7} {'processes':>9} {'loops':>9}"]
    for row in result["rows"]:
        lines.append(f"{row['name']:20} {row['mean_us']:>11.2f} ± {row['stdev_us']:<8.2f} {row['values']:>7} "
                     f"{row['processes']:>9} {row['loops']!s:>9}")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(7, 3.2))
    rows = result["rows"]
    bars = axis.barh([row["name"] for row in rows], [row["mean_us"] for row in rows],
                     xerr=[row["stdev_us"] for row in rows], capsize=3, edgecolor="black", hatch="//")
    axis.bar_label(bars, fmt="{:.1f} µs", fontsize=8, padding=8)
    axis.invert_yaxis()
    axis.set_xlabel("microseconds per operation (mean ± stdev, pyperf)")
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=6)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    main()
