"""Benchmarks run by their own command, never inside the suite: they print figures and assert nothing.

    python3 dev.py bench suite            # wall time of `dev.py check`, of the suite without the release
                                          # matrices, and of the matrices (each its own figure)
    python3 dev.py bench suite --check    # only the check
    python3 dev.py bench site [--site DIR] [--no-screenshots]   # paint, search, screenshots (tests/browser/bench_site.py)
                                          # and page weight, gzip (tests/browser/bench_weight.py)
    python3 dev.py bench fan_out [--requests 5 --concurrency 10 --delay 0.2]   # snippets/fan_out/benchmark.py
    python3 dev.py bench stack [X.Y ...]  # the middleware collector's run time, cold and warm (atlas/collect/stack.py)
    python3 dev.py bench ecosystem        # the ecosystem collector's run time, cold and warm (atlas/collect/ecosystem.py)
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from atlas.core.paths import ROOT
from dev import FAST, PARALLEL   # the selection and the workers of `dev.py check` and `dev.py test`


def busy_cpu_seconds() -> float | None:
    """CPU-seconds the whole machine has spent busy since boot (Linux /proc/stat; None elsewhere). Machine-wide,
    as Chromium outlives the pytest process tree that started it."""
    try:
        fields = [int(n) for n in open("/proc/stat").readline().split()[1:8]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def reference_seconds() -> float:
    """A fixed pure-Python loop, best of three: the CPU's own speed at the moment. The suite's figures vary
    more than it does on a shared virtual machine (seen here: one commit's suite in 233 s, then 311 s two
    hours later, with this loop unchanged), so compare two commits back to back, not across hours."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(i * i % 7 for i in range(3_000_000))
        best = min(best, time.perf_counter() - started)
    return best


def timed_pytest(label: str, *args: str) -> tuple[str, float, str]:
    started, busy = time.perf_counter(), busy_cpu_seconds()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", *PARALLEL, *args], cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    cpu = "" if busy is None else f"{busy_cpu_seconds() - busy:6.0f} CPU-s"
    summary = next((line for line in reversed(done.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)),
                   f"exit status {done.returncode}")
    print(f"{label:44} {seconds:7.1f} s {cpu}   {summary.strip('= ')}", flush=True)
    return label, seconds, summary


def suite(argv: list[str]) -> int:
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start; reference loop "
          f"{reference_seconds():.3f} s", flush=True)
    timed_pytest("dev.py check (build, data, page code, unit)", "-m", FAST)
    if "--check" not in argv:
        timed_pytest("suite without the release matrices", "-m", "not matrix")
        timed_pytest("release matrices (version map, version tabs)", "-m", "matrix")
    print(f"reference loop {reference_seconds():.3f} s at the end (CPU-s: the whole machine busy)", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    name, rest = argv[0], argv[1:]
    if name == "suite":
        return suite(rest)
    if name == "site":
        from tests.browser import bench_site

        return bench_site.main(rest)
    if name == "fan_out":
        from snippets.fan_out import benchmark

        benchmark.main(rest)
        return 0
    if name == "stack":
        from atlas.collect import stack as stack_collect

        return stack_collect.main(["--bench", *rest])
    if name == "ecosystem":
        from atlas.collect import ecosystem

        return ecosystem.main(["--bench", *rest])
    print(f"unknown benchmark {name!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
