"""Where, when and under what load a lab run was taken, recorded DURING the run.

`with provenance.recorded("ci", n=3) as prov: ...` samples the machine every half second while the block
runs; `prov.result()` then gives the dict stored with the figures: machine, git SHA, size, n, date, the CPU
pressure and steal during the run, the 1-minute load average (context only) and an `overloaded` flag.

Overloaded means other work took CPU time the run needed. The kernel's CPU pressure (/proc/pressure/cpu,
the "some" line) gives the share of wall time in which at least one runnable task waited for a CPU; but a
benchmark that gives a server one core makes its own threads wait for it, so waiting alone does not show
who caused it. The run therefore also counts the CPU time of processes that are not the benchmark's (the
machine's busy time from /proc/stat minus this process and every child it reaped, from getrusage). A run is
flagged when, during it,
  - tasks waited for a CPU more than PRESSURE_LIMIT_PCT of the time (from the "some" total counter), or
    some 10-s window (avg10, sampled every half second) exceeded BURST_LIMIT_PCT, while other processes
    used more than OTHERS_LIMIT_PCT of the machine's CPU time, or
  - steal exceeded STEAL_LIMIT_PCT: the hypervisor gave the cores to another machine.
The 1-minute load average counts running and waiting tasks alike and lags by a minute, so it flagged quiet
runs and missed short bursts: it is kept as context, never as the flag. Counts (threads, bytes, context
switches) do not depend on load; timings do. Where /proc/pressure/cpu is missing (kernels before 4.20, or
PSI switched off) the run says so and is flagged, since nothing shows it was quiet.
"""
from __future__ import annotations

import contextlib
import datetime
import os
import resource
import statistics
import subprocess
import threading

from . import machine, procs

PRESSURE_LIMIT_PCT = 10.0
BURST_LIMIT_PCT = 40.0
OTHERS_LIMIT_PCT = 5.0
STEAL_LIMIT_PCT = 5.0
INTERVAL_S = 0.5
PRESSURE = "/proc/pressure/cpu"


def cpu_times() -> tuple[int, int, int]:
    """(total, busy, steal) jiffies of the whole machine from the first line of /proc/stat."""
    with open("/proc/stat", encoding="utf-8") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    total = user + nice + system + idle + iowait + irq + softirq + steal
    return total, total - idle - iowait, steal


def cpu_pressure(path: str = PRESSURE) -> tuple[float, int] | None:
    """("some" avg10 in %, "some" total in µs), or None where the kernel does not report pressure."""
    try:
        with open(path, encoding="utf-8") as handle:
            some = handle.readline().split()
    except OSError:
        return None
    fields = dict(field.split("=") for field in some[1:])
    return float(fields["avg10"]), int(fields["total"])


def git_sha() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=procs.ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        # dirty when the measuring code differs from the commit (edits to prose do not change a figure)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "snippets",
                                "requirements.lock"], cwd=procs.ROOT, capture_output=True, text=True, check=True).stdout
        return sha + ("+dirty" if dirty.strip() else "")
    return "unknown"


def own_cpu_s() -> float:
    """CPU seconds of this process and of every child (and grandchild) reaped so far."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def judge(avg10: list[float], some_pct: float | None, others_pct: float, steal_pct: float) -> list[str]:
    """Why a run is overloaded (empty: it is not), from its samples. Pure: tests feed recorded samples."""
    reasons = []
    if some_pct is None:
        reasons.append(f"no CPU pressure data ({PRESSURE} missing): nothing shows the run was quiet")
    waited = [] if some_pct is None else [
        *([f"tasks waited for a CPU {some_pct:g} % of the time (limit {PRESSURE_LIMIT_PCT:g} %)"]
          if some_pct > PRESSURE_LIMIT_PCT else []),
        *([f"CPU pressure reached {max(avg10):g} % over 10 s (limit {BURST_LIMIT_PCT:g} %)"]
          if avg10 and max(avg10) > BURST_LIMIT_PCT else [])]
    if waited and others_pct > OTHERS_LIMIT_PCT:
        reasons += [f"{why} while other processes used {others_pct:g} % of the CPU (limit {OTHERS_LIMIT_PCT:g} %)"
                    for why in waited]
    if steal_pct > STEAL_LIMIT_PCT:
        reasons.append(f"steal {steal_pct:g} % (limit {STEAL_LIMIT_PCT:g} %)")
    return reasons


class Recorder(threading.Thread):
    def __init__(self, size: str, n: int, pressure_path: str = PRESSURE):
        super().__init__(daemon=True)
        self.size, self.n, self.pressure_path = size, n, pressure_path
        self.loads: list[float] = []
        self.avg10: list[float] = []
        self.done = threading.Event()
        self.started_at = datetime.datetime.now(datetime.timezone.utc)
        self.first = cpu_times()
        self.first_pressure = cpu_pressure(pressure_path)
        self.first_clock = self.started_at.timestamp()
        self.first_own = own_cpu_s()
        self.sha = git_sha()  # the code that runs: taken before the run, as edits during it do not count
        self.cores_note = ""

    def run(self) -> None:
        while True:
            self.loads.append(os.getloadavg()[0])
            if (pressure := cpu_pressure(self.pressure_path)) is not None:
                self.avg10.append(pressure[0])
            if self.done.wait(INTERVAL_S):
                break

    def result(self) -> dict:
        last, last_pressure = cpu_times(), cpu_pressure(self.pressure_path)
        ended = datetime.datetime.now(datetime.timezone.utc)
        wall_us = max(1.0, (ended.timestamp() - self.first_clock) * 1e6)
        total = max(1, last[0] - self.first[0])
        some_share = (round(min(100.0, 100 * (last_pressure[1] - self.first_pressure[1]) / wall_us), 1)
                      if last_pressure and self.first_pressure else None)
        steal = round(100 * (last[2] - self.first[2]) / total, 1)
        cores = os.cpu_count() or 1
        busy_s = (last[1] - self.first[1]) / os.sysconf("SC_CLK_TCK")
        others = round(max(0.0, 100 * (busy_s - (own_cpu_s() - self.first_own)) / (wall_us / 1e6 * cores)), 1)
        reasons = judge(self.avg10, some_share, others, steal)
        loads = self.loads or [os.getloadavg()[0]]  # a recorder read without running: one sample now
        described = machine.describe()
        return {
            "machine": {key: described[key] for key in ("cpu", "cores", "ram_gib", "os", "python", "packages")},
            "git_sha": self.sha,
            "size": self.size,
            "n": self.n,
            "date": self.started_at.strftime("%Y-%m-%d %H:%M UTC"),
            "seconds": round((ended - self.started_at).total_seconds(), 1),
            "cpu_pressure": {"some_pct": some_share,
                             "avg10_mean": round(statistics.fmean(self.avg10), 1) if self.avg10 else None,
                             "avg10_max": max(self.avg10) if self.avg10 else None, "samples": len(self.avg10),
                             "limits": {"some_pct": PRESSURE_LIMIT_PCT, "avg10_max": BURST_LIMIT_PCT,
                                        "others_cpu_pct": OTHERS_LIMIT_PCT, "steal_pct": STEAL_LIMIT_PCT}},
            "load_1min_during": {"min": round(min(loads), 2), "mean": round(statistics.fmean(loads), 2),
                                 "max": round(max(loads), 2), "samples": len(loads)},
            "machine_busy_pct": round(100 * (last[1] - self.first[1]) / total, 1),
            "others_cpu_pct": others,
            "steal_pct": steal,
            "cores_shared": self.cores_note,
            "overloaded": bool(reasons),
            "overloaded_because": reasons,
        }


@contextlib.contextmanager
def recorded(size: str, n: int):
    """Sample pressure, load and steal while the block runs; call .result() on the yielded recorder afterwards."""
    recorder = Recorder(size, n)
    recorder.start()
    try:
        yield recorder
    finally:
        recorder.done.set()
        recorder.join()


def layout(roles: list[str], cpus: list[int] | None = None) -> tuple[dict[str, int], str]:
    """One CPU per role where the machine has enough ({role: cpu}); the first role (the measured server) always
    gets a CPU of its own when there are two or more, the others share the last one when they must.
    The second value says which roles share a CPU ("" when none do)."""
    cpus = sorted(cpus if cpus is not None else os.sched_getaffinity(0))
    if len(cpus) >= len(roles):
        return dict(zip(roles, cpus)), ""
    own = dict(zip(roles[:len(cpus) - 1], cpus))
    shared = roles[len(own):]
    return {**own, **dict.fromkeys(shared, cpus[-1])}, (
        f"{', '.join(shared)} share CPU {cpus[-1]} ({len(cpus)} usable, {len(roles)} wanted)")


def caption(prov: dict) -> str:
    """One line for tables and plots: size, n, machine, CPU pressure during the run, and the flag."""
    pressure = prov.get("cpu_pressure")
    if pressure is None:  # a run stored before pressure was recorded: its own words, as its notebook shows them
        return (f"{prov['size']} size, n={prov['n']} · {prov['machine']['cpu']}, {prov['machine']['cores']} cores · "
                f"load during run {prov['load_1min_during']['mean']} (max {prov['load_1min_during']['max']}), "
                f"steal {prov['steal_pct']} % · {prov['date']} · git {prov['git_sha']}"
                f"{' · OVERLOADED: timings stretched' if prov['overloaded'] else ''}")
    flag = " · OVERLOADED: timings unreliable" if prov["overloaded"] else ""
    busy = (f"CPU pressure {pressure['some_pct']} % (10 s peak {pressure['avg10_max']} %)"
            if pressure["some_pct"] is not None else "CPU pressure not recorded")
    return (f"{prov['size']} size, n={prov['n']} · {prov['machine']['cpu']}, {prov['machine']['cores']} cores · "
            f"{busy}, other processes {prov['others_cpu_pct']} % of the CPU, load {prov['load_1min_during']['mean']}, steal {prov['steal_pct']} % · "
            f"{prov['date']} · git {prov['git_sha']}{flag}")
