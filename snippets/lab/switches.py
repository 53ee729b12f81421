"""Context switches COUNTED, not guessed from timings: two threads (or two asyncio tasks) hand a token back
and forth through two queues, in a fresh process per repeat.

The child pins itself with os.sched_setaffinity: "same core" puts both threads on one CPU, "cross core"
puts each thread on its own CPU; tasks run on one thread, pinned to one CPU. It counts the process's
voluntary and involuntary context switches (getrusage, all threads) around the hand-overs and times
them. When `perf stat -e context-switches` works here, the parent also runs each child under perf and
subtracts the count of a child that does no hand-over (interpreter start-up), as a second, independent
count.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import resource
import shutil
import statistics
import subprocess
import tempfile
import threading
import time

from . import procs, provenance

SIZES = {False: {"round_trips": 2_000, "repeats": 1}, True: {"round_trips": 20_000, "repeats": 7}}
CASES = [("threads", "same core"), ("threads", "cross core"), ("tasks", "one core")]


def cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def _switches() -> tuple[int, int]:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # summed over every thread of the process
    return usage.ru_nvcsw, usage.ru_nivcsw


def _threads(round_trips: int, placement: str) -> dict:
    first, second = cpus()[0], cpus()[-1]
    os.sched_setaffinity(0, {first})  # this thread; the partner inherits it
    there, back = queue.Queue(), queue.Queue()

    def partner():
        if placement == "cross core":
            os.sched_setaffinity(0, {second})
        for _ in range(round_trips):
            back.put(there.get())

    thread = threading.Thread(target=partner)
    thread.start()
    there.put(None), back.get()  # the partner is running and pinned before counting starts
    before, started = _switches(), time.perf_counter()
    for _ in range(round_trips - 1):
        there.put(None)
        back.get()
    elapsed, after = time.perf_counter() - started, _switches()
    thread.join()
    return {"elapsed_s": elapsed, "hand_overs": 2 * (round_trips - 1),
            "voluntary": after[0] - before[0], "involuntary": after[1] - before[1]}


def _tasks(round_trips: int) -> dict:
    os.sched_setaffinity(0, {cpus()[0]})

    async def main():
        there, back = asyncio.Queue(), asyncio.Queue()

        async def partner():
            for _ in range(round_trips):
                await back.put(await there.get())

        task = asyncio.create_task(partner())
        await there.put(None), await back.get()
        before, started = _switches(), time.perf_counter()
        for _ in range(round_trips - 1):
            await there.put(None)
            await back.get()
        elapsed, after = time.perf_counter() - started, _switches()
        await task
        return {"elapsed_s": elapsed, "hand_overs": 2 * (round_trips - 1),
                "voluntary": after[0] - before[0], "involuntary": after[1] - before[1]}

    return asyncio.run(main())


def perf_works() -> bool:
    if not shutil.which("perf"):
        return False
    out = subprocess.run(["perf", "stat", "-x,", "-e", "context-switches", "true"], capture_output=True, text=True)
    return out.returncode == 0 and "<not supported>" not in out.stderr and "<not counted>" not in out.stderr


def _child(kind: str, placement: str, round_trips: int, perf: bool) -> dict:
    argv = procs.python_module("snippets.lab.switches", "--child", kind, placement, str(round_trips))
    with tempfile.NamedTemporaryFile("r", suffix=".perf") as counts:
        if perf:
            argv = ["perf", "stat", "-x,", "-e", "context-switches", "-o", counts.name, "--", *argv]
        out = subprocess.run(argv, capture_output=True, text=True, cwd=procs.ROOT, env=procs.child_env(),
                             check=True, timeout=300)
        result = json.loads(out.stdout) if round_trips else {}
        if perf:
            line = next(line for line in counts.read().splitlines() if "context-switches" in line)
            result["perf_context_switches"] = int(line.split(",")[0])
    return result


def measure(kind: str, placement: str, round_trips: int, repeats: int, perf: bool) -> dict:
    runs = [_child(kind, placement, round_trips, perf) for _ in range(repeats)]
    hand_overs = runs[0]["hand_overs"]
    rates = [run["hand_overs"] / run["elapsed_s"] for run in runs]
    row = {"kind": kind, "placement": placement, "hand_overs": hand_overs, "repeats": repeats,
           "per_s": {"median": round(statistics.median(rates)), "min": round(min(rates)), "max": round(max(rates))},
           "switches_per_hand_over": {
               "median": round(statistics.median((r["voluntary"] + r["involuntary"]) / hand_overs for r in runs), 3),
               "voluntary_median": round(statistics.median(r["voluntary"] / hand_overs for r in runs), 3)}}
    if perf:
        start_up = _child(kind, placement, 0, True)["perf_context_switches"]
        row["perf_switches_per_hand_over"] = round(statistics.median(
            (r["perf_context_switches"] - start_up) / hand_overs for r in runs), 3)
    return row


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    perf = perf_works()
    with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov:
        rows = [measure(kind, placement, sizes["round_trips"], sizes["repeats"], perf)
                for kind, placement in CASES if placement != "cross core" or len(cpus()) > 1]
    by = {(row["kind"], row["placement"]): row["per_s"]["median"] for row in rows}
    ratios = {placement: round(by[("tasks", "one core")] / by[("threads", placement)], 1)
              for kind, placement in by if kind == "threads"}
    return {"benchmark": "switches", "provenance": prov.result(), "counted_with": "getrusage" + (" + perf stat" if perf else ""),
            "rows": rows, "tasks_over_threads": ratios}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             f"{'between':8} {'placement':11} {'hand-overs/s (median, min-max)':>32} {'ctx switches/hand-over':>23}"
             f"{' (perf)' if 'perf' in result['counted_with'] else ''}"]
    for row in result["rows"]:
        rate = row["per_s"]
        perf = f" {row['perf_switches_per_hand_over']:>7.3f}" if "perf_switches_per_hand_over" in row else ""
        lines.append(f"{row['kind']:8} {row['placement']:11} {rate['median']:>12,} ({rate['min']:,}-{rate['max']:,})"
                     f"{row['switches_per_hand_over']['median']:>21.3f}{perf}")
    lines.append("tasks hand over " + ", ".join(f"{ratio}x as often as threads on {placement}"
                                                for placement, ratio in result["tasks_over_threads"].items()))
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(7, 3.8))
    labels = [f"{row['kind']}\n{row['placement']}\n{row['switches_per_hand_over']['median']:.2f} ctx sw/hand-over"
              for row in result["rows"]]
    medians = [row["per_s"]["median"] for row in result["rows"]]
    errors = [[m - row["per_s"]["min"] for m, row in zip(medians, result["rows"])],
              [row["per_s"]["max"] - m for m, row in zip(medians, result["rows"])]]
    bars = axis.bar(labels, medians, yerr=errors, capsize=4, hatch="//", edgecolor="black")
    axis.bar_label(bars, fmt="{:,.0f}", fontsize=8, padding=6)
    axis.set_ylabel("hand-overs per second (median, min-max)")
    axis.set_title("Ping-pong between two threads or two tasks", fontsize=10)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=6)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PLACEMENT", "ROUND_TRIPS"), required=True)
    kind, placement, trips = parser.parse_args().child
    if int(trips):
        print(json.dumps(_threads(int(trips), placement) if kind == "threads" else _tasks(int(trips))))
