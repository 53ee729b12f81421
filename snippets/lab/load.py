"""Sync vs async Django under OPEN-LOOP load: the same I/O-bound view (it calls an upstream that answers
after 100 ms) served by gunicorn sync workers, gunicorn gthread workers (8, 32 and 64 threads), uvicorn
workers under gunicorn (async view) and granian (async view), each with 2 worker processes, on loopback,
behind startproject's default middleware; uvicorn and gthread 64 also with no middleware and with the
async-native variant of the default stack (snippets/stack/settings_inline.py), so each figure names its stack.

Requests arrive at fixed rates (snippets.lab.loadgen), latency counted from when each was due. The
server's processes and threads are pinned to the first CPU; the load generator, the upstream and this
process (the samplers) get a CPU each where the machine has them, and share the last one where it does not
(the run records which: provenance "cores_shared"). Each rate is a step with a warm-up; each step is
repeated (servers restarted, their order shuffled anew each repeat) and its latencies are merged over the
repeats into one histogram (snippets.lab.histogram): p50, p99 and, from 1,000 samples, p99.9, with the
sample count. Failures and timeouts are counted, not dropped; throughput counts the answers that arrived
inside the measured window (not the drain after it), and the server's CPU is read over that window only
(not the warm-up). A server is not pushed past the first rate it could not keep up with (answered < 90 %
of the rate, more than 1 % failed or timed out, or p99 > 1 s). The headline per server is the highest
offered load it served with p99 within P99_TARGET_MS and under 1 % failures and timeouts.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time

import psutil

from . import procs, provenance, tables, upstream
from .histogram import Histogram

WORKERS = 2
UPSTREAM_MS = 100
# Past these a step measures the queue, not the server: fewer than 90 % answered, over 1 % failures and
# timeouts, or a p99 ten times the view's own 100 ms wait.
SATURATED = {"completed_share": 0.9, "error_share": 0.01, "p99_ms": 1000}
# The headline: the highest offered load served with p99 within twice the upstream's wait (the view's own
# 100 ms plus at most as much again of queueing and work) and under 1 % failures and timeouts.
P99_TARGET_MS = 200
STACKS = {"default": "startproject's 7 middleware",
          "none": "no middleware",
          "async-native": "startproject's, its 3 header-only middleware run inline (snippets/stack/settings_inline.py)"}
VARIANT_NAMES = {"none": "no middleware", "async-native": "async-native stack"}
SEED = 2026  # the server order of repeat r is random.Random(SEED + r).shuffle: recorded, reproducible

SIZES = {
    False: {"rates": [40], "duration_s": 1.5, "warmup_s": 0.5, "repeats": 1, "threads": [8],
            "timeout_s": 10.0, "variants": {"uvicorn (async view)": ["none"]}},
    True: {"rates": [50, 100, 200, 400], "duration_s": 4.0, "warmup_s": 0.5, "repeats": 3, "threads": [8, 32, 64],
           "timeout_s": 10.0, "variants": {"gunicorn gthread 64": ["none", "async-native"],
                                           "uvicorn (async view)": ["none", "async-native"]}},
}


def servers(port: int, threads: list[int] = (8,), variants: dict | None = None) -> dict[str, dict]:
    """The servers compared: the command line, the view each one serves and its middleware stack (default:
    startproject's); `variants` adds {server name: [other stacks]}, named "NAME, STACK"."""
    bind = f"{procs.HOST}:{port}"
    gunicorn = procs.python_module("gunicorn", "--bind", bind, "--workers", str(WORKERS), "--backlog", "2048",
                                   "--timeout", "120", "--log-level", "warning")
    base = {
        "gunicorn sync": {"argv": gunicorn + ["--worker-class", "sync", "snippets.lab.load_server:wsgi"],
                          "path": "/sync/", "concurrent_requests": WORKERS},
        **{f"gunicorn gthread {count}": {"argv": gunicorn + ["--worker-class", "gthread", "--threads", str(count),
                                                               "snippets.lab.load_server:wsgi"],
                                          "path": "/sync/", "concurrent_requests": WORKERS * count}
           for count in threads},
        # uvicorn's worker class under gunicorn's master: the same process layout as the two rows above.
        "uvicorn (async view)": {"argv": gunicorn + ["--worker-class", "uvicorn_worker.UvicornWorker",
                                                     "snippets.lab.load_server:asgi"],
                                 "path": "/async/", "concurrent_requests": None},
        "granian (async view)": {"argv": procs.python_module("granian", "--interface", "asgi", "--host", procs.HOST,
                                                             "--port", str(port), "--workers", str(WORKERS),
                                                             "--log-level", "warning", "--backlog", "2048",
                                                             "snippets.lab.load_server:asgi"),
                                 "path": "/async/", "concurrent_requests": None},
    }
    chosen = {name: {**server, "stack": "default"} for name, server in base.items()}
    for name, stacks in (variants or {}).items():
        if name in base:
            chosen.update({f"{name}, {VARIANT_NAMES[stack]}": {**base[name], "stack": stack} for stack in stacks})
    return chosen


class MemorySampler(threading.Thread):
    """Peak RSS and PSS summed over a server's process tree (master and workers), sampled every 0.5 s.
    RSS counts pages shared between the processes once per process; PSS splits them fairly."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0

    def sample(self) -> None:
        rss = pss = 0
        try:
            processes = [self.root] + self.root.children(recursive=True)
        except psutil.Error:
            return
        for process in processes:
            try:
                info = process.memory_full_info()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(1.0)


def pin(pid: int, cpu: int) -> None:
    """Pin every thread of a process and of its children to one CPU (threads started later inherit it)."""
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        for thread in process.threads():
            with contextlib.suppress(OSError):  # a thread that just ended
                os.sched_setaffinity(thread.id, {cpu})


def tree_cpu_s(pid: int) -> float:
    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))] if ordered else float("nan")


def cpu_over_window(argv: list[str], pid: int, limit_s: float) -> tuple[dict, float]:
    """Run the load generator; read the server's CPU time when it prints `window start` and `window end`.
    Returns its JSON result and the server's CPU seconds inside the measured window."""
    marks: dict[str, float] = {}
    raw = None
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=procs.ROOT,
                          env=procs.child_env()) as process:
        watchdog = threading.Timer(limit_s, process.kill)
        watchdog.start()
        try:
            for line in process.stdout:
                if line.startswith("window "):
                    marks[line.split()[1]] = tree_cpu_s(pid)
                elif line.strip():
                    raw = json.loads(line)
            stderr = process.stderr.read()
        finally:
            watchdog.cancel()
    if process.returncode or raw is None or set(marks) != {"start", "end"}:
        raise RuntimeError(f"load generator failed (exit {process.returncode}): {stderr[-2000:]}")
    return raw, marks["end"] - marks["start"]


def median_interval(values: list[float]) -> dict:
    """Median over repeats with a distribution-free confidence interval: the order statistics x(k) and
    x(n+1-k) that cover the true median with probability >= 90 % (for n = 5: the lowest and highest,
    93.75 %). With fewer than 5 repeats no interval is given."""
    ordered, n = sorted(values), len(values)
    result = {"median": round(statistics.median(ordered), 2), "n": n}
    best = None
    for k in range(1, n // 2 + 1):
        coverage = 1 - 2 * sum(math.comb(n, i) for i in range(k)) / 2 ** n
        if coverage >= 0.9:
            best = (k, coverage)
    if best and n >= 5:
        k, coverage = best
        result.update(low=round(ordered[k - 1], 2), high=round(ordered[n - k], 2), confidence=round(coverage, 4))
    return result


def one_step(url: str, pid: int, rate: float, sizes: dict, client_cpu: int) -> dict:
    sampler = MemorySampler(pid)
    sampler.sample()
    sampler.start()
    argv = procs.python_module("snippets.lab.loadgen", url, "--rate", str(rate), "--duration", str(sizes["duration_s"]),
                               "--warmup", str(sizes["warmup_s"]), "--timeout", str(sizes["timeout_s"]),
                               "--cpu", str(client_cpu))
    try:
        raw, server_cpu = cpu_over_window(argv, pid, sizes["duration_s"] + sizes["warmup_s"] + sizes["timeout_s"] + 60)
    finally:
        sampler.stop.set()
        sampler.join(timeout=5)
    histogram = Histogram.from_json(raw["histogram"])
    shares = sorted(raw.pop("workers").values(), reverse=True)
    answered = max(1, raw["completed_in_window"])
    return {**raw, **histogram.summary(),
            "throughput_rps": round(raw["completed_in_window"] / sizes["duration_s"], 1),
            "server_cpu_ms_per_request": round(1000 * server_cpu / answered, 3),
            "client_cpu_ms_per_request": round(1000 * raw["client_cpu_s"] / answered, 3),
            "busiest_worker_share": round(shares[0] / max(1, sum(shares)), 3) if shares else None,
            "server_rss_mib": sampler.peak_rss / 2**20, "server_pss_mib": sampler.peak_pss / 2**20}


def saturated(step: dict) -> bool:
    return (step["completed"] < SATURATED["completed_share"] * step["sent"]
            or step["failures"] + step["timeouts"] > SATURATED["error_share"] * step["sent"]
            or not step.get("p99_ms", math.inf) <= SATURATED["p99_ms"])


def available(name: str) -> bool:
    module = {"uvicorn": "uvicorn_worker"}.get(name.split()[0], name.split()[0])
    return shutil.which(module) is not None or subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def run_server(name: str, server: dict, port: int, upstream_url: str, rates: list[float], sizes: dict,
               cpus: dict[str, int]) -> list[dict]:
    """One server, started fresh, through the rising rates until it saturates; one step per rate."""
    with procs.started(server["argv"], port, env={"LAB_UPSTREAM": upstream_url, "LAB_STACK": server["stack"],
                                                  "DJANGO_SETTINGS_MODULE": "snippets.lab.load_settings"}) as process:
        url = f"http://{procs.HOST}:{port}{server['path']}"
        import httpx

        for _ in range(4 * WORKERS):  # every worker imports what the view needs and opens its upstream client
            httpx.get(url, timeout=30).raise_for_status()
        pin(process.pid, cpus["server"])
        steps = []
        for rate in rates:
            steps.append({"rate": rate, **one_step(url, process.pid, rate, sizes, cpus["client"])})
            if saturated(steps[-1]):
                steps[-1]["saturated"] = True
                break
    time.sleep(0.3)  # let the port go
    return steps


def summarise(repeats: list[list[dict]]) -> list[dict]:
    """Per rate: the latencies of every repeat that reached it merged into one histogram; failures and
    timeouts summed; throughput, CPU and memory as the median and interval over the repeats."""
    rows = []
    for rate in sorted({step["rate"] for steps in repeats for step in steps}):
        steps = [step for steps in repeats for step in steps if step["rate"] == rate]
        merged = Histogram.merged(Histogram.from_json(step["histogram"]) for step in steps)
        row = {"rate": rate, "repeats": len(steps), "sent": sum(step["sent"] for step in steps),
               "saturated": any(step.get("saturated") for step in steps),
               "failures": sum(step["failures"] for step in steps), "timeouts": sum(step["timeouts"] for step in steps),
               **merged.summary(), "histogram": merged.to_json()}
        for key in ("throughput_rps", "server_cpu_ms_per_request", "client_cpu_ms_per_request",
                    "busiest_worker_share", "send_lag_ms_p99", "server_pss_mib"):
            values = [step[key] for step in steps if step.get(key) is not None and step[key] == step[key]]
            if values:
                row[key] = median_interval(values)
        rows.append(row)
    return rows


def headline(rows: list[dict]) -> dict | None:
    """The highest offered load served with p99 within P99_TARGET_MS and at most 1 % failed or timed out
    (None: not even the lowest rate)."""
    good = [row for row in rows if not row["saturated"] and row.get("p99_ms", math.inf) <= P99_TARGET_MS
            and row["failures"] + row["timeouts"] <= SATURATED["error_share"] * row["sent"]]
    if not good:
        return None
    best = max(good, key=lambda row: row["rate"])
    return {"rate": best["rate"], "throughput_rps": best["throughput_rps"]["median"], "p99_ms": best["p99_ms"],
            "n": best["n"], "below_next_rate": best is not rows[-1]}


def run(full: bool = False, sizes: dict | None = None, only: list[str] | None = None, log=print) -> dict:
    sizes = sizes or SIZES[full]
    cpus, shared = provenance.layout(["server", "client", "upstream", "sampler"])
    own = os.sched_getaffinity(0)
    chosen = {name: server for name, server in servers(0, sizes["threads"], sizes.get("variants")).items()
              if not only or name in only}
    skipped = {name: "not installed" for name in chosen if not available(name)}
    repeats: dict[str, list[list[dict]]] = {name: [] for name in chosen if name not in skipped}
    orders = []
    os.sched_setaffinity(0, {cpus["sampler"]})
    try:
        with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov, \
                upstream.running(UPSTREAM_MS, cpu=cpus["upstream"]) as upstream_url:
            prov.cores_note = shared
            for repeat in range(sizes["repeats"]):
                port = procs.free_port()
                order = [name for name in servers(port, sizes["threads"], sizes.get("variants")) if name in repeats]
                random.Random(SEED + repeat).shuffle(order)
                orders.append(order)
                current = servers(port, sizes["threads"], sizes.get("variants"))
                for name in order:
                    if name in skipped:
                        continue
                    # later repeats go as far as the first one did
                    rates = [step["rate"] for step in repeats[name][0]] if repeats[name] else sizes["rates"]
                    try:
                        repeats[name].append(run_server(name, current[name], port, upstream_url, rates, sizes, cpus))
                    except RuntimeError as error:  # a server that does not start is reported, not fatal
                        skipped[name] = str(error)[:500]
                        continue
                    last = repeats[name][-1][-1]
                    log(f"repeat {repeat + 1} {name:40} up to {last['rate']:>4} req/s: p99 {last.get('p99_ms', math.nan):7.0f} ms"
                        f"{' (saturated)' if last.get('saturated') else ''}")
    finally:
        os.sched_setaffinity(0, own)
    results = {}
    for name, server in chosen.items():
        if repeats.get(name):
            rows = summarise(repeats[name])
            results[name] = {"argv": " ".join(server["argv"][1:]).replace(sys.executable, "python").replace(":0 ", ":PORT "),
                             "stack": server["stack"], "concurrent_requests": server["concurrent_requests"],
                             "rows": rows, "at_p99_target": headline(rows)}
    return {"benchmark": "load", "provenance": prov.result(), "upstream_ms": UPSTREAM_MS, "workers": WORKERS,
            "wait": "a call (httpx) to a local upstream server that sleeps 100 ms",
            "stacks": STACKS, "p99_target_ms": P99_TARGET_MS, "order": {"seed": SEED, "repeats": orders},
            "pinning": {**cpus, "shared": shared},
            "saturated_when": SATURATED, "sizes": sizes, "servers": results,
            "skipped": {name: why for name, why in skipped.items() if name not in results}}


def table(result: dict) -> str:
    prov = result["provenance"]
    lines = [provenance.caption(prov)]
    if prov["overloaded"]:
        lines.append("UNRELIABLE TIMINGS: " + "; ".join(prov.get("overloaded_because") or ["the machine was busy"]))
    rows = [{**row, "server": name, "stack": server.get("stack")}
            for name, server in result["servers"].items() for row in server["rows"]]
    if "p99_target_ms" not in result:  # stored before latencies were merged into histograms
        lines.append("median over repeats (lowest-highest repeat); latency from when each request was due; no middleware")
        columns = [("server", "server", "22"), ("rate", "rate", ">5g"), ("n", "repeats", ">2"),
                   ("req/rep", "requests_per_repeat", ">7"), ("p50 ms", tables.figure("p50_ms"), ">18"),
                   ("p99 ms", tables.figure("p99_ms"), ">20"),
                   ("server CPU ms/req", tables.figure("server_cpu_ms_per_request", 2), ">18"), ("errors", "errors", ">6")]
        return "\n".join(lines + tables.lines(columns, rows, flag="saturated"))
    lines.append("latency from when each request was due, merged over the repeats (n samples; p99.9 from 1,000); "
                 "throughput and CPU: median (lowest-highest repeat), inside the measured window")
    columns = [("server", "server", "44"), ("stack", "stack", "12"), ("rate", "rate", ">5g"), ("n", "n", ">6"),
               ("req/s", tables.figure("throughput_rps"), ">17"), ("p50", tables.figure("p50_ms"), ">6"),
               ("p99", tables.figure("p99_ms"), ">7"), ("p99.9", tables.figure("p99_9_ms"), ">7"),
               ("CPU ms/req", tables.figure("server_cpu_ms_per_request", 2), ">17"), ("fail", "failures", ">4"),
               ("t/o", "timeouts", ">4")]
    lines += tables.lines(columns, rows, flag="saturated")
    lines.append(f"headline: highest offered load with p99 <= {result['p99_target_ms']} ms and <= 1 % failed or timed out")
    for name, server in result["servers"].items():
        best = server["at_p99_target"]
        lines.append(f"  {name:44} {server['stack']:12} " + (
            f"{best['rate']:g} req/s (p99 {best['p99_ms']:g} ms, n {best['n']})" if best else "below the lowest rate"))
    for name, why in result["skipped"].items():
        lines.append(f"{name}: not measured ({why.splitlines()[0] if why else ''})")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    tail = "p99_9_ms" if "p99_target_ms" in result else "p99_ms"
    panels = [("throughput_rps" if "p99_target_ms" in result else "busiest_worker_share",
               "answers per second", "Throughput inside the window", False),
              ("p99_ms", "ms (log)", "Tail latency (p99), from due time", True),
              (tail, "ms (log)", "p99.9 (where 1,000 samples or more)" if tail == "p99_9_ms" else "p99", True),
              ("server_cpu_ms_per_request", "ms of server CPU", "Server CPU per request", False)]
    markers = "os^Dvx<>P*hX"
    flagged = result["provenance"]["overloaded"]
    for axis, (key, unit, title, log_scale) in zip(axes.flat, panels):
        for (name, server), marker in zip(result["servers"].items(), markers):
            rows = [row for row in server["rows"] if row.get(key) is not None]
            medians, errors = tables.error_bars([row[key] for row in rows])
            axis.errorbar([row["rate"] for row in rows], medians, yerr=errors, marker=marker, capsize=3,
                          label=f"{name} [{server.get('stack', 'none')}]", linestyle=":" if flagged else "-")
        if log_scale:
            axis.set_yscale("log")
            axis.axhline(result["upstream_ms"], color="grey", linewidth=0.8, linestyle="-.")
        axis.set_title(title + (" - UNRELIABLE (run overloaded)" if flagged else ""), fontsize=10)
        axis.set_xlabel("offered load, requests per second")
        axis.set_ylabel(unit)
        axis.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=6)
    sizes = result["sizes"]
    fig.suptitle(f"Open-loop load: one view waiting on a {result['upstream_ms']} ms upstream, {result['workers']} workers "
                 f"per server pinned to one CPU; {sizes['duration_s']:g} s steps after {sizes['warmup_s']:g} s warm-up, "
                 f"{sizes['repeats']} repeats\n{provenance.caption(result['provenance'])}", fontsize=8)
    fig.tight_layout()
    return fig
