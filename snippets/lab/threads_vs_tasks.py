"""Memory per OS thread and per asyncio task; context switches between two of each (snippets.lab.switches).

Each memory figure comes from a FRESH interpreter (a subprocess per measurement), which reads its own
VmRSS (resident) and VmSize (virtual) from /proc/self/status before and after it starts N idle threads
(each blocked on an Event) or N idle tasks (each awaiting an asyncio.Event). What the kernel keeps per
thread is not in a process's RSS: the child also reads KernelStack, PageTables and SUnreclaim
(unreclaimable slab: task_struct and friends) from /proc/meminfo. Those are system-wide, so other
processes on a busy machine add noise; the repeats show how much.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import threading
import time

from . import procs, provenance
from .request_cost import KERNEL, meminfo

SIZES = {
    False: {"threads": [25, 200], "tasks": [1_000, 20_000], "repeats": 1},
    True: {"threads": [250, 500, 1000], "tasks": [1_000, 10_000, 100_000], "repeats": 3},
}


def read_status() -> dict[str, int]:
    """VmRSS and VmSize of this process in KiB, and the system's KernelStack, PageTables, SUnreclaim in KiB."""
    found = {}
    with open("/proc/self/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmSize:")):
                key, value = line.split(":")
                found[key] = int(value.split()[0])
    return {**found, **meminfo()}


def stack_limits() -> dict:
    """The default thread stack: `ulimit -s` (RLIMIT_STACK) and Python's threading.stack_size()."""
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    as_kib = lambda value: None if value == resource.RLIM_INFINITY else value // 1024  # noqa: E731
    return {
        "rlimit_stack_soft_kib": as_kib(soft),
        "rlimit_stack_hard_kib": as_kib(hard),
        "threading_stack_size": threading.stack_size(),  # 0 means "the platform default" (RLIMIT_STACK on glibc)
    }


def _measure_threads(count: int) -> dict:
    release = threading.Event()
    started = threading.Semaphore(0)

    def idle():
        started.release()
        release.wait()

    before = read_status()
    threads = [threading.Thread(target=idle, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for _ in range(count):
        started.acquire(timeout=30)
    time.sleep(0.05)
    after = read_status()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    return {"before": before, "after": after}


def _measure_tasks(count: int) -> dict:
    async def main():
        release = asyncio.Event()
        await asyncio.sleep(0)
        before = read_status()
        tasks = [asyncio.create_task(release.wait()) for _ in range(count)]
        await asyncio.sleep(0)  # every task runs up to its first await
        await asyncio.sleep(0.01)
        after = read_status()
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        return {"before": before, "after": after}

    return asyncio.run(main())


def measure(kind: str, count: int, timeout: float = 120) -> dict:
    """Start a fresh interpreter that creates `count` idle threads or tasks; memory per unit in KiB."""
    if kind not in ("threads", "tasks"):
        raise ValueError(kind)
    out = subprocess.run(procs.python_module("snippets.lab.threads_vs_tasks", "--child", kind, str(count)),
                         capture_output=True, text=True, timeout=timeout, cwd=procs.ROOT, env=procs.child_env(),
                         check=True)
    raw = json.loads(out.stdout)
    before, after = raw["before"], raw["after"]
    return {
        "kind": kind,
        "count": count,
        "rss_kib_per_unit": (after["VmRSS"] - before["VmRSS"]) / count,
        "virtual_kib_per_unit": (after["VmSize"] - before["VmSize"]) / count,
        **{f"{key}_kib_per_unit": (after[key] - before[key]) / count for key in KERNEL},
        "kernel_kib_per_unit": sum(after[key] - before[key] for key in KERNEL) / count,
        "rss_kib_total": after["VmRSS"] - before["VmRSS"],
        "virtual_kib_total": after["VmSize"] - before["VmSize"],
    }


def summarise(rows: list[dict], kind: str) -> dict:
    """Median, min and max per unit over every count and repeat of one kind."""
    mine = [row for row in rows if row["kind"] == kind]
    keys = ("rss_kib_per_unit", "virtual_kib_per_unit", "kernel_kib_per_unit", *(f"{k}_kib_per_unit" for k in KERNEL))
    return {key: {"median": round(statistics.median(row[key] for row in mine), 2),
                  "min": round(min(row[key] for row in mine), 2), "max": round(max(row[key] for row in mine), 2),
                  "n": len(mine)} for key in keys}


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov:
        memory = [measure(kind, count) for _ in range(sizes["repeats"]) for kind in ("threads", "tasks")
                  for count in sizes[kind]]
    summary = {kind: summarise(memory, kind) for kind in ("threads", "tasks")}
    threads, tasks = summary["threads"], summary["tasks"]
    summary["thread_total_kib"] = round(threads["rss_kib_per_unit"]["median"] + threads["kernel_kib_per_unit"]["median"], 1)
    summary["thread_over_task_rss"] = round(threads["rss_kib_per_unit"]["median"] / tasks["rss_kib_per_unit"]["median"], 1)
    summary["thread_total_over_task"] = round(summary["thread_total_kib"] / tasks["rss_kib_per_unit"]["median"], 1)
    return {"benchmark": "threads_vs_tasks", "provenance": prov.result(), "stack": stack_limits(), "memory": memory,
            "summary": summary}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             f"{'kind':8} {'count':>7} {'RSS':>7} {'virtual':>9} {'kernel':>7} = {'stack':>6} + {'page tables':>11} + "
             f"{'slab':>5}   (KiB per unit)"]
    for row in result["memory"]:
        lines.append(f"{row['kind']:8} {row['count']:>7} {row['rss_kib_per_unit']:>7.1f} {row['virtual_kib_per_unit']:>9.1f} "
                     f"{row['kernel_kib_per_unit']:>7.1f} = {row['KernelStack_kib_per_unit']:>6.1f} + "
                     f"{row['PageTables_kib_per_unit']:>11.1f} + {row['SUnreclaim_kib_per_unit']:>5.1f}")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(9, 4.4))
    styles = {"threads": ("o", "-"), "tasks": ("s", "--")}
    for kind in ("threads", "tasks"):
        rows = sorted((row for row in result["memory"] if row["kind"] == kind), key=lambda row: row["count"])
        counts = [row["count"] for row in rows]
        marker, line = styles[kind]
        axis.plot(counts, [row["rss_kib_per_unit"] for row in rows], marker=marker, linestyle=line,
                  label=f"{kind}: resident (RSS)")
        axis.plot(counts, [row["virtual_kib_per_unit"] for row in rows], marker=marker, linestyle=":",
                  label=f"{kind}: virtual (VmSize)")
    stack = result["stack"]["rlimit_stack_soft_kib"]
    if stack:
        axis.axhline(stack, color="grey", linewidth=0.8, linestyle="-.",
                     label=f"default thread stack, ulimit -s = {stack} KiB (virtual)")
    threads = sorted((row for row in result["memory"] if row["kind"] == "threads"), key=lambda row: row["count"])
    axis.plot([row["count"] for row in threads], [max(row["kernel_kib_per_unit"], 0.1) for row in threads], marker="x",
              color="black", label="threads: kernel (stack + page tables + slab, system-wide)")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("idle threads or tasks in one process (log)")
    axis.set_ylabel("KiB per thread or task (log)")
    axis.set_title("Memory per unit, fresh process per point", fontsize=10)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=7)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=6)
    fig.tight_layout()
    return fig


def _child(kind: str, count: int) -> None:
    data = _measure_threads(count) if kind == "threads" else _measure_tasks(count)
    print(json.dumps(data))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("KIND", "COUNT"), required=True)
    arguments = parser.parse_args()
    _child(arguments.child[0], int(arguments.child[1]))
