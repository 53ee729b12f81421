"""`python3 dev.py bench suite`: the real commands timed (`dev.py check`, `dev.py test`, `.ci/run` on a fresh
clone), with what they built, the slowest tests and each worker's busy time (steps: atlas/bench/__init__.py).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from atlas.core.paths import ROOT


def busy_cpu_seconds() -> float | None:
    """CPU-seconds the whole machine has spent busy since boot (Linux /proc/stat; None elsewhere). Machine-wide,
    as Chromium outlives the pytest process tree that started it."""
    try:
        fields = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU-seconds (user + system) of the finished child processes this one waited for, theirs included."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


STEPS = ("check", "test", "clone-check", "clone-ci")


def timed(label: str, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Run `command` in `cwd` (output to .cache/bench-logs/), print wall and machine CPU, what it built,
    and the slowest tests and workers of the pytest run it made."""
    timings = cwd / ".cache" / "timings"
    for name in ("builds.jsonl", "last-run.json"):
        (timings / name).unlink(missing_ok=True)
    logs = cwd / ".cache" / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / (re.sub(r"\W+", "-", label).strip("-") + ".log")
    environment = {k: v for k, v in (env or os.environ).items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    started, busy, own = time.perf_counter(), busy_cpu_seconds(), children_cpu_seconds()
    with open(log, "w") as out:
        status = subprocess.run(command, cwd=cwd, env=environment, stdout=out, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - started
    # the machine's busy CPU-s beside the command's own (its process tree, as far as it waited for it):
    # on a shared machine the first counts everyone's work, the second only this command's
    cpu = f"{children_cpu_seconds() - own:6.0f} own CPU-s" + (
        "" if busy is None else f" {busy_cpu_seconds() - busy:6.0f} machine CPU-s")
    text = log.read_text(errors="replace")
    summary = next((line for line in reversed(text.splitlines()) if re.search(r"\d+ (passed|failed)", line)),
                   f"exit status {status}")
    print(f"{label:52} {seconds:7.1f} s {cpu}   {summary.strip('= ')}  (log: {log})", flush=True)
    builds(timings / "builds.jsonl")
    slowest(timings / "last-run.json")
    return seconds


def builds(path: Path) -> None:
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        extra = " ".join(f"{k} {entry[k]}" for k in ("installer", "python", "how") if k in entry)
        print(f"    built {entry['what']:40} {entry['seconds']:6.1f} s  {extra}")


def slowest(path: Path, count: int = 20) -> None:
    if not path.exists():
        return
    run = json.loads(path.read_text())
    print(f"    pytest: {run['wall']} s from start to finish; busy time per worker: "
          + ", ".join(f"{w} {s:.0f} s" for w, s in run["workers"].items()))
    entries = {node: (entry + [None])[:3] for node, entry in run["tests"].items()}   # older runs: no CPU figure
    ranked = sorted(entries.items(), key=lambda item: -item[1][0])[:count]
    print(f"    the {len(ranked)} slowest tests (setup + call + teardown; CPU: the test's process and the children it waited for):")
    for node, (seconds, worker, cpu) in ranked:
        print(f"      {seconds:7.1f} s  {'' if cpu is None else f'{cpu:6.1f} CPU-s'}  {worker:5} {node}")
    costly = sorted(((n, e) for n, e in entries.items() if e[2] is not None), key=lambda item: -item[1][2])[:count]
    if costly:
        print(f"    CPU-s over all tests: {sum(e[2] for _n, e in entries.items() if e[2] is not None):.0f}; "
              f"the {len(costly)} costliest:")
        for node, (seconds, worker, cpu) in costly:
            print(f"      {cpu:6.1f} CPU-s  {seconds:7.1f} s  {worker:5} {node}")


def uv_cache_dir() -> str:
    """Where uv keeps its cache on this machine (its own default: UV_CACHE_DIR, else XDG_CACHE_HOME/uv)."""
    return os.environ.get("UV_CACHE_DIR") or str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uv")


def fresh_clone(caches: str) -> tuple[Path, dict[str, str]]:
    """A fresh clone of this repository's HEAD (no .venv, no .cache). `caches`: "machine" keeps what this
    machine has kept once for every clone (a contributor's second clone or worktree); "uv" empties all of it
    but uv's cache (a contributor's first clone, where uv has run before); "none" empties uv's cache too."""
    where = Path(tempfile.mkdtemp(prefix="atlas-bench-")) / "atlas"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
    env = dict(os.environ)
    if caches != "machine":
        empty = where.parent / "caches"
        env.update(XDG_CACHE_HOME=str(empty), UV_CACHE_DIR=uv_cache_dir() if caches == "uv" else str(empty / "uv"))
        if caches == "none":
            env.update(PIP_NO_CACHE_DIR="1")
    return where, env


def ready_venv(where: Path, env: dict[str, str]) -> float:
    return timed("  ready .venv (python3 dev.py, set-up only)",
                 [sys.executable, "-c", "import dev; dev.ensure_environment()"], where, env)


def suite(argv: list[str]) -> int:
    steps = [a for a in argv if not a.startswith("-")] or ["check"]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        print(f"unknown step(s) {unknown}; steps: {', '.join(STEPS)}", file=sys.stderr)
        return 2
    caches = "none" if "--cold" in argv else "uv" if "--first-clone" in argv else "machine"
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start; reference loop "
          f"{reference_seconds():.3f} s", flush=True)
    python = shutil.which("python3") or sys.executable
    for step in steps:
        if step == "check":
            timed("dev.py check (warm, this tree)", [python, "dev.py", "check"], ROOT)
        elif step == "test":
            timed("dev.py test (warm, this tree)", [python, "dev.py", "test"], ROOT)
        else:
            where, env = fresh_clone(caches)
            shown = {"machine": "", "uv": " (this machine's caches empty but uv's)", "none": " (machine caches empty)"}
            print(f"{step}: fresh clone in {where}{shown[caches]}", flush=True)
            total = ready_venv(where, env)
            if step == "clone-check":
                total += timed("  dev.py check (cold: first in the clone)", [python, "dev.py", "check"], where, env)
                timed("  dev.py check (warm: second in the clone)", [python, "dev.py", "check"], where, env)
            else:
                total += timed("  .ci/run (tools present: dev.py test)", ["bash", ".ci/run"], where, env)
            print(f"  {step}: {total:.1f} s from clone to the end of the run (.venv included)", flush=True)
            shutil.rmtree(where.parent, ignore_errors=True)
    print(f"reference loop {reference_seconds():.3f} s at the end (CPU-s: the whole machine busy)", flush=True)
    return 0
