"""A CPU-bound function run sequentially, in threads, in asyncio tasks and in a process pool.

Under the GIL, threads take turns on one core and asyncio tasks run one after the other; only processes
(or a free-threaded interpreter, if this machine has one) use several cores at once.
"""
from __future__ import annotations

import asyncio
import glob
import multiprocessing
import os
import shutil
import statistics
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from . import procs, provenance

SIZES = {
    False: {"jobs": 4, "iterations": 1_000_000, "repeats": 1},
    True: {"jobs": 8, "iterations": 5_000_000, "repeats": 5},
}


def burn(iterations: int) -> int:
    """Pure-Python arithmetic: holds the GIL the whole time."""
    total = 0
    for number in range(iterations):
        total += number * number % 7
    return total


def sequential(jobs: int, iterations: int) -> list[int]:
    return [burn(iterations) for _ in range(jobs)]


def threads(jobs: int, iterations: int) -> list[int]:
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(burn, [iterations] * jobs))


def asyncio_tasks(jobs: int, iterations: int) -> list[int]:
    async def one():
        return burn(iterations)  # no await inside: the task never yields to the others

    async def main():
        return await asyncio.gather(*(one() for _ in range(jobs)))

    return procs.run_async(main)


def processes(jobs: int, iterations: int, pool: ProcessPoolExecutor) -> list[int]:
    return list(pool.map(burn, [iterations] * jobs))


# Run by a free-threaded interpreter as `python -c`: it has none of the venv's packages.
FREE_THREADED_PROGRAM = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
jobs, iterations = int(sys.argv[1]), int(sys.argv[2])
def burn(iterations):
    total = 0
    for number in range(iterations):
        total += number * number % 7
    return total
started = time.perf_counter(); [burn(iterations) for _ in range(jobs)]; seq = time.perf_counter() - started
with ThreadPoolExecutor(max_workers=jobs) as pool:
    started = time.perf_counter(); list(pool.map(burn, [iterations] * jobs)); thr = time.perf_counter() - started
print(seq, thr, sys.version.split()[0], sys._is_gil_enabled())
"""


def free_threaded_interpreter() -> str | None:
    """A free-threaded CPython (3.13t, 3.14t, ...) on PATH or in pyenv whose GIL is really off, or None."""
    candidates = [shutil.which(name) for name in ("python3.13t", "python3.14t", "python3.15t", "python3t")]
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/*t*/bin/python3*t")) + sorted(glob.glob(f"{pyenv}/versions/*t/bin/python3"))
    for candidate in filter(None, candidates):
        try:
            out = subprocess.run([candidate, "-c", "import sys; print(sys._is_gil_enabled())"],
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == "False":
            return candidate
    return None


def free_threaded(jobs: int, iterations: int) -> dict:
    interpreter = free_threaded_interpreter()
    if interpreter is None:
        return {"measured": False, "note": "not measured here: no free-threaded interpreter on this machine"}
    out = subprocess.run([interpreter, "-X", "gil=0", "-c", FREE_THREADED_PROGRAM, str(jobs), str(iterations)],
                         capture_output=True, text=True, timeout=600, check=True)
    seq, thr, version, gil = out.stdout.split()
    return {"measured": True, "interpreter": interpreter, "python": version, "gil_enabled": gil == "True",
            "sequential_s": float(seq), "threads_s": float(thr)}


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    jobs, iterations, repeats = sizes["jobs"], sizes["iterations"], sizes.get("repeats", 1)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with provenance.recorded("full" if full else "ci", repeats) as prov:
        rows, free = _timed(jobs, iterations, cores, repeats), free_threaded(jobs, iterations)
    return {"benchmark": "cpu_bound", "provenance": prov.result(), "jobs": jobs, "iterations": iterations,
            "cores": cores, "rows": rows, "free_threaded": free,
            "speed_up": {row["way"]: row["speed_up"] for row in rows}}


def _timed(jobs: int, iterations: int, cores: int, repeats: int) -> list[dict]:
    """Each repeat times every way, in an order rotated by one each repeat (no way always runs first)."""
    expected = sequential(1, 1000)
    # spawn: fresh interpreters, safe from a notebook kernel's threads (fork would copy them mid-flight)
    with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert processes(cores, 1000, pool) == expected * cores  # start the workers before timing
        ways = [("sequential", sequential), ("threads", threads), ("asyncio tasks", asyncio_tasks),
                (f"process pool ({cores} workers)", lambda j, i: processes(j, i, pool))]
        seconds = {name: [] for name, _ in ways}
        for repeat in range(repeats):
            for name, call in ways[repeat % len(ways):] + ways[:repeat % len(ways)]:
                started = time.perf_counter()
                assert len(call(jobs, iterations)) == jobs
                seconds[name].append(time.perf_counter() - started)
    rows = []
    for name, _ in ways:
        # speed-up within each repeat, so a slow patch of the machine slows both sides of the ratio
        ratios = [base / mine for base, mine in zip(seconds["sequential"], seconds[name])]
        rows.append({"way": name, "seconds": statistics.median(seconds[name]), "all_seconds": seconds[name],
                     "speed_up": {"median": round(statistics.median(ratios), 2), "min": round(min(ratios), 2),
                                  "max": round(max(ratios), 2), "n": repeats}})
    return rows


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]), f"{result['jobs']} jobs of {result['iterations']:,} iterations on {result['cores']} cores"]
    for row in result["rows"]:
        up = row["speed_up"]
        lines.append(f"{row['way']:28} {row['seconds']:7.2f} s (median)   speed-up {up['median']:4.2f}x "
                     f"({up['min']:.2f}-{up['max']:.2f}, n={up['n']})")
    ft = result["free_threaded"]
    if ft["measured"]:
        lines.append(f"free-threaded {ft['python']}: sequential {ft['sequential_s']:.2f} s, threads {ft['threads_s']:.2f} s")
    else:
        lines.append(f"free-threaded Python: {ft['note']}")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    rows = list(result["rows"])
    ft = result["free_threaded"]
    if ft["measured"]:
        rows += [{"way": f"free-threaded {ft['python']}: sequential", "seconds": ft["sequential_s"]},
                 {"way": f"free-threaded {ft['python']}: threads", "seconds": ft["threads_s"]}]
    fig, axis = plt.subplots(figsize=(8, 3.6))
    bars = axis.barh([row["way"] for row in rows], [row["seconds"] for row in rows], edgecolor="black")
    for bar, hatch in zip(bars, ["", "//", "..", "xx", "--", "++"]):
        bar.set_hatch(hatch)
    axis.bar_label(bars, fmt="{:.2f} s", fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel("wall time, seconds (shorter is better)")
    note = "" if ft["measured"] else "\nfree-threaded Python: " + ft["note"]
    axis.set_title(f"{result['jobs']} CPU-bound jobs of {result['iterations']:,} iterations{note}\n"
                   f"{provenance.caption(result['provenance'])}", fontsize=8)
    fig.tight_layout()
    return fig
