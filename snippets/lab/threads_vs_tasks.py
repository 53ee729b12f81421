"""Memory per OS thread and per asyncio task, and the cost of switching between two of each.

Each memory figure comes from a FRESH interpreter (a subprocess per measurement), which reads its own
VmRSS (resident) and VmSize (virtual) from /proc/self/status before and after it starts N idle threads
(each blocked on an Event) or N idle tasks (each awaiting an asyncio.Event). The kernel's own per-thread
stack is not in a process's RSS; the child also reads KernelStack from /proc/meminfo (system-wide, so
other processes on a busy machine add noise).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import queue
import resource
import subprocess
import sys
import threading
import time

from . import machine, procs

SIZES = {
    False: {"threads": [25, 100, 200], "tasks": [1_000, 10_000, 20_000], "round_trips": 2_000, "repeats": 1},
    True: {"threads": [50, 100, 250, 500, 1000], "tasks": [1_000, 10_000, 30_000, 100_000],
           "round_trips": 20_000, "repeats": 3},
}


def read_status() -> dict[str, int]:
    """VmRSS and VmSize of this process in KiB, and the system's KernelStack in KiB."""
    found = {}
    with open("/proc/self/status", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmSize:")):
                key, value = line.split(":")
                found[key] = int(value.split()[0])
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("KernelStack:"):
                found["KernelStack"] = int(line.split()[1])
    return found


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
        "kernel_stack_kib_per_unit": (after["KernelStack"] - before["KernelStack"]) / count,
        "rss_kib_total": after["VmRSS"] - before["VmRSS"],
        "virtual_kib_total": after["VmSize"] - before["VmSize"],
    }


def ping_pong_threads(round_trips: int) -> float:
    """Switches per second between two threads handing a token back and forth through two queues."""
    there, back = queue.Queue(), queue.Queue()

    def partner():
        for _ in range(round_trips):
            back.put(there.get(timeout=30))

    thread = threading.Thread(target=partner, daemon=True)
    thread.start()
    started = time.perf_counter()
    for number in range(round_trips):
        there.put(number)
        back.get(timeout=30)
    elapsed = time.perf_counter() - started
    thread.join(timeout=30)
    return 2 * round_trips / elapsed


def ping_pong_tasks(round_trips: int) -> float:
    """Switches per second between two asyncio tasks handing a token back and forth through two queues."""
    async def main():
        there, back = asyncio.Queue(), asyncio.Queue()

        async def partner():
            for _ in range(round_trips):
                await back.put(await there.get())

        task = asyncio.create_task(partner())
        started = time.perf_counter()
        for number in range(round_trips):
            await there.put(number)
            await back.get()
        elapsed = time.perf_counter() - started
        await asyncio.wait_for(task, 30)
        return 2 * round_trips / elapsed

    return procs.run_async(main)


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    memory = []
    for kind in ("threads", "tasks"):
        for count in sizes[kind]:
            memory.append(measure(kind, count))
    switching = {
        "round_trips": sizes["round_trips"],
        "threads_switches_per_s": max(ping_pong_threads(sizes["round_trips"]) for _ in range(sizes["repeats"])),
        "tasks_switches_per_s": max(ping_pong_tasks(sizes["round_trips"]) for _ in range(sizes["repeats"])),
    }
    return {"benchmark": "threads_vs_tasks", "full": full, "machine": machine.describe(),
            "stack": stack_limits(), "memory": memory, "switching": switching}


def table(result: dict) -> str:
    lines = [f"{'kind':8} {'count':>7} {'RSS KiB/unit':>13} {'virtual KiB/unit':>17} {'kernel stack KiB/unit':>22}"]
    for row in result["memory"]:
        lines.append(f"{row['kind']:8} {row['count']:>7} {row['rss_kib_per_unit']:>13.1f} "
                     f"{row['virtual_kib_per_unit']:>17.1f} {row['kernel_stack_kib_per_unit']:>22.1f}")
    sw = result["switching"]
    lines.append(f"switches/s: threads {sw['threads_switches_per_s']:,.0f}, tasks {sw['tasks_switches_per_s']:,.0f}")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, (memory_axis, switch_axis) = plt.subplots(1, 2, figsize=(11, 4.2), width_ratios=[2, 1])
    styles = {"threads": ("o", "-"), "tasks": ("s", "--")}
    for kind in ("threads", "tasks"):
        rows = [row for row in result["memory"] if row["kind"] == kind]
        counts = [row["count"] for row in rows]
        marker, line = styles[kind]
        memory_axis.plot(counts, [row["rss_kib_per_unit"] for row in rows], marker=marker, linestyle=line,
                         label=f"{kind}: resident (RSS)")
        memory_axis.plot(counts, [row["virtual_kib_per_unit"] for row in rows], marker=marker, linestyle=":",
                         label=f"{kind}: virtual (VmSize)")
    stack = result["stack"]["rlimit_stack_soft_kib"]
    if stack:
        memory_axis.axhline(stack, color="grey", linewidth=0.8, linestyle="-.",
                            label=f"default thread stack, ulimit -s = {stack} KiB (virtual)")
    kernel = [row["kernel_stack_kib_per_unit"] for row in result["memory"] if row["kind"] == "threads"]
    memory_axis.plot([row["count"] for row in result["memory"] if row["kind"] == "threads"], kernel, marker="x",
                     linestyle="-", color="black", label="threads: kernel stack (/proc/meminfo, system-wide)")
    memory_axis.set_xscale("log")
    memory_axis.set_yscale("log")
    memory_axis.set_xlabel("idle threads or tasks in one process (log)")
    memory_axis.set_ylabel("KiB per thread or task (log)")
    memory_axis.set_title("Memory per unit, fresh process per point")
    memory_axis.grid(True, which="both", alpha=0.3)
    memory_axis.legend(fontsize=8)
    sw = result["switching"]
    bars = switch_axis.bar(["two threads\n(queue.Queue)", "two tasks\n(asyncio.Queue)"],
                           [sw["threads_switches_per_s"], sw["tasks_switches_per_s"]], hatch="//", edgecolor="black")
    bars[1].set_hatch("..")
    switch_axis.bar_label(bars, fmt="{:,.0f}", fontsize=8)
    switch_axis.set_ylabel("switches per second")
    switch_axis.set_title("Ping-pong")
    fig.suptitle(machine.caption(result["machine"]), fontsize=8)
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
