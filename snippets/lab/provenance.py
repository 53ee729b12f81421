"""Where, when and under what load a lab run was taken, recorded DURING the run.

`with provenance.recorded("ci", n=3) as prov: ...` samples the 1-minute load average and the machine's
CPU time split (/proc/stat: busy, steal) every half second while the block runs; `prov.result()` then
gives the dict stored with the figures: machine, git SHA, size, n, date, load during the run, steal, and
an `overloaded` flag.

Threshold: a benchmark that keeps every core busy contributes a load of about `cores` by itself; a load
above 1.5 × cores during the run means other processes wanted a core for at least half of one core's
time on top of it, so wall-clock figures are stretched. Steal above 5 % means the hypervisor took the
cores away. Counts (threads, bytes, context switches) do not depend on load; timings do.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import statistics
import subprocess
import threading

from . import machine, procs

LOAD_LIMIT_PER_CORE = 1.5
STEAL_LIMIT_PCT = 5.0
INTERVAL_S = 0.5


def cpu_times() -> tuple[int, int, int]:
    """(total, busy, steal) jiffies of the whole machine from the first line of /proc/stat."""
    with open("/proc/stat", encoding="utf-8") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    total = user + nice + system + idle + iowait + irq + softirq + steal
    return total, total - idle - iowait, steal


def git_sha() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=procs.ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        # dirty when the measuring code differs from the commit (edits to prose do not change a figure)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "snippets",
                                "requirements.lock"], cwd=procs.ROOT, capture_output=True, text=True, check=True).stdout
        return sha + ("+dirty" if dirty.strip() else "")
    return "unknown"


class Recorder(threading.Thread):
    def __init__(self, size: str, n: int):
        super().__init__(daemon=True)
        self.size, self.n = size, n
        self.loads: list[float] = []
        self.done = threading.Event()
        self.started_at = datetime.datetime.now(datetime.timezone.utc)
        self.first = cpu_times()
        self.sha = git_sha()  # the code that runs: taken before the run, as edits during it do not count

    def run(self) -> None:
        while True:
            self.loads.append(os.getloadavg()[0])
            if self.done.wait(INTERVAL_S):
                break

    def result(self) -> dict:
        last = cpu_times()
        total = max(1, last[0] - self.first[0])
        cores = os.cpu_count() or 1
        load = {"min": round(min(self.loads), 2), "mean": round(statistics.fmean(self.loads), 2),
                "max": round(max(self.loads), 2), "samples": len(self.loads)}
        steal = round(100 * (last[2] - self.first[2]) / total, 1)
        limit = LOAD_LIMIT_PER_CORE * cores
        described = machine.describe()
        return {
            "machine": {key: described[key] for key in ("cpu", "cores", "ram_gib", "os", "python", "packages")},
            "git_sha": self.sha,
            "size": self.size,
            "n": self.n,
            "date": self.started_at.strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": round((datetime.datetime.now(datetime.timezone.utc) - self.started_at).total_seconds(), 1),
            "load_1min_during": load,
            "machine_busy_pct": round(100 * (last[1] - self.first[1]) / total, 1),
            "steal_pct": steal,
            "load_limit": limit,
            "overloaded": load["mean"] > limit or steal > STEAL_LIMIT_PCT,
        }


@contextlib.contextmanager
def recorded(size: str, n: int):
    """Sample load and steal while the block runs; call .result() on the yielded recorder afterwards."""
    recorder = Recorder(size, n)
    recorder.start()
    try:
        yield recorder
    finally:
        recorder.done.set()
        recorder.join()


def caption(prov: dict) -> str:
    """One line for tables and plots: size, n, machine, load during the run, and the flag."""
    flag = " · OVERLOADED: timings stretched" if prov["overloaded"] else ""
    return (f"{prov['size']} size, n={prov['n']} · {prov['machine']['cpu']}, {prov['machine']['cores']} cores · "
            f"load during run {prov['load_1min_during']['mean']} (max {prov['load_1min_during']['max']}), "
            f"steal {prov['steal_pct']} % · {prov['date']} · git {prov['git_sha']}{flag}")
