"""Sync vs async Django under OPEN-LOOP load: the same I/O-bound view (it calls an upstream that answers
after 100 ms) served by gunicorn sync workers, gunicorn gthread workers (8, 32 and 64 threads), uvicorn
workers under gunicorn (async view) and granian (async view), each with 2 worker processes, on loopback.

Requests arrive at fixed rates (snippets.lab.loadgen), latency counted from when each was due. The
server's processes and threads are pinned to the first CPU, the load generator, the upstream and this
process to the last, so the server has one core of its own and the client's CPU use is measured, not
guessed. Each rate is a step with a warm-up; each step is repeated (servers restarted, order kept) and
reported as the median over repeats with the lowest and highest repeat. A server is not pushed past the
first rate it could not keep up with (completed < 90 % of the rate, more than 1 % errors, or p99 > 1 s).
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

import psutil

from . import procs, provenance, upstream

WORKERS = 2
UPSTREAM_MS = 100
# Past these a step measures the queue, not the server: fewer than 90 % answered, over 1 % errors, or a p99 ten
# times the view's own 100 ms wait.
SATURATED = {"completed_share": 0.9, "error_share": 0.01, "p99_ms": 1000}

SIZES = {
    False: {"rates": [40], "duration_s": 1.5, "warmup_s": 0.5, "repeats": 1, "threads": [8],
            "timeout_s": 10.0},
    True: {"rates": [50, 100, 200, 400], "duration_s": 4.0, "warmup_s": 0.5, "repeats": 5, "threads": [8, 32, 64],
           "timeout_s": 10.0},
}


def servers(port: int, threads: list[int] = (8,)) -> dict[str, dict]:
    """The servers compared: the command line and the view each one serves."""
    bind = f"{procs.HOST}:{port}"
    gunicorn = procs.python_module("gunicorn", "--bind", bind, "--workers", str(WORKERS), "--backlog", "2048",
                                   "--timeout", "120", "--log-level", "warning")
    return {
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
    cpu_before = tree_cpu_s(pid)
    try:
        out = subprocess.run(procs.python_module("snippets.lab.loadgen", url, "--rate", str(rate), "--duration",
                                                 str(sizes["duration_s"]), "--warmup", str(sizes["warmup_s"]),
                                                 "--timeout", str(sizes["timeout_s"]), "--cpu", str(client_cpu)),
                             capture_output=True, text=True, cwd=procs.ROOT, env=procs.child_env(), check=True,
                             timeout=sizes["duration_s"] + sizes["warmup_s"] + sizes["timeout_s"] + 60)
    finally:
        sampler.stop.set()
        sampler.join(timeout=5)
    server_cpu = tree_cpu_s(pid) - cpu_before
    raw = json.loads(out.stdout)
    latencies, completed = raw.pop("latencies_ms"), raw["completed"]
    shares = sorted(raw.pop("workers").values(), reverse=True)
    return {**raw, "p50_ms": percentile(latencies, 0.5), "p90_ms": percentile(latencies, 0.9),
            "p99_ms": percentile(latencies, 0.99), "max_ms": max(latencies, default=float("nan")),
            "throughput_rps": completed / sizes["duration_s"],
            # the server also served the warm-up's requests: CPU per request is an upper bound
            "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, completed), 3),
            "client_cpu_ms_per_request": round(1000 * raw["client_cpu_s"] / max(1, completed), 3),
            "busiest_worker_share": round(shares[0] / max(1, sum(shares)), 3) if shares else None,
            "server_rss_mib": sampler.peak_rss / 2**20, "server_pss_mib": sampler.peak_pss / 2**20}


def saturated(step: dict) -> bool:
    return (step["completed"] < SATURATED["completed_share"] * step["sent"]
            or step["errors"] > SATURATED["error_share"] * step["sent"] or not step["p99_ms"] <= SATURATED["p99_ms"])


def available(name: str) -> bool:
    module = {"uvicorn": "uvicorn_worker"}.get(name.split()[0], name.split()[0])
    return shutil.which(module) is not None or subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def run_server(name: str, server: dict, port: int, upstream_url: str, rates: list[float], sizes: dict,
               cpus: tuple[int, int]) -> list[dict]:
    """One server, started fresh, through the rising rates until it saturates; one step per rate."""
    with procs.started(server["argv"], port, env={"LAB_UPSTREAM": upstream_url,
                                                  "DJANGO_SETTINGS_MODULE": "snippets.lab.load_settings"}) as process:
        url = f"http://{procs.HOST}:{port}{server['path']}"
        import httpx

        for _ in range(4 * WORKERS):  # every worker imports what the view needs and opens its upstream client
            httpx.get(url, timeout=30).raise_for_status()
        pin(process.pid, cpus[0])
        steps = []
        for rate in rates:
            steps.append({"rate": rate, **one_step(url, process.pid, rate, sizes, cpus[1])})
            if saturated(steps[-1]):
                steps[-1]["saturated"] = True
                break
    time.sleep(0.3)  # let the port go
    return steps


def summarise(repeats: list[list[dict]]) -> list[dict]:
    """Per rate: median and interval over the repeats that reached it."""
    rows = []
    for rate in sorted({step["rate"] for steps in repeats for step in steps}):
        steps = [step for steps in repeats for step in steps if step["rate"] == rate]
        row = {"rate": rate, "repeats": len(steps), "requests_per_repeat": round(statistics.median(s["completed"] for s in steps)),
               "saturated": any(step.get("saturated") for step in steps),
               "errors": sum(step["errors"] for step in steps)}
        for key in ("throughput_rps", "p50_ms", "p90_ms", "p99_ms", "server_cpu_ms_per_request",
                    "client_cpu_ms_per_request", "busiest_worker_share", "send_lag_ms_p99", "server_pss_mib"):
            values = [step[key] for step in steps if step.get(key) is not None and step[key] == step[key]]
            if values:
                row[key] = median_interval(values)
        rows.append(row)
    return rows


def run(full: bool = False, sizes: dict | None = None, only: list[str] | None = None, log=print) -> dict:
    sizes = sizes or SIZES[full]
    cpu_list = sorted(os.sched_getaffinity(0))
    cpus = (cpu_list[0], cpu_list[-1])  # server, client (the same CPU on a one-core machine)
    own = os.sched_getaffinity(0)
    chosen = {name: server for name, server in servers(0, sizes["threads"]).items() if not only or name in only}
    skipped = {name: "not installed" for name in chosen if not available(name)}
    repeats: dict[str, list[list[dict]]] = {name: [] for name in chosen if name not in skipped}
    os.sched_setaffinity(0, {cpus[1]})
    try:
        with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov, \
                upstream.running(UPSTREAM_MS, cpu=cpus[1]) as upstream_url:
            for repeat in range(sizes["repeats"]):
                port = procs.free_port()
                for name, server in servers(port, sizes["threads"]).items():
                    if name not in repeats or name in skipped:
                        continue
                    # later repeats go as far as the first one did
                    rates = [step["rate"] for step in repeats[name][0]] if repeat else sizes["rates"]
                    try:
                        repeats[name].append(run_server(name, server, port, upstream_url, rates, sizes, cpus))
                    except RuntimeError as error:  # a server that does not start is reported, not fatal
                        skipped[name] = str(error)[:500]
                        continue
                    last = repeats[name][-1][-1]
                    log(f"repeat {repeat + 1} {name:22} up to {last['rate']:>4} req/s: p99 {last['p99_ms']:7.0f} ms"
                        f"{' (saturated)' if last.get('saturated') else ''}")
    finally:
        os.sched_setaffinity(0, own)
    results = {name: {"argv": " ".join(server["argv"][1:]).replace(sys.executable, "python").replace(":0 ", ":PORT "),
                      "concurrent_requests": server["concurrent_requests"], "rows": summarise(repeats[name])}
               for name, server in chosen.items() if repeats.get(name)}
    return {"benchmark": "load", "provenance": prov.result(), "upstream_ms": UPSTREAM_MS, "workers": WORKERS,
            "wait": "a call (httpx) to a local upstream server that sleeps 100 ms",
            "pinning": {"server_cpu": cpus[0], "client_and_upstream_cpu": cpus[1]},
            "saturated_when": SATURATED, "sizes": sizes, "servers": results,
            "skipped": {name: why for name, why in skipped.items() if name not in results}}


def _cell(stat: dict | None, digits: int = 0) -> str:
    if not stat:
        return "-"
    text = f"{stat['median']:.{digits}f}"
    return text + (f" ({stat['low']:.{digits}f}-{stat['high']:.{digits}f})" if "low" in stat else "")


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             "median over repeats (lowest-highest repeat); latency from when each request was due",
             f"{'server':22} {'rate':>5} {'n':>2} {'req/rep':>7} {'p50 ms':>18} {'p99 ms':>20} "
             f"{'server CPU ms/req':>18} {'client ms/req':>13} {'busiest worker':>14} {'errors':>6}"]
    for name, server in result["servers"].items():
        for row in server["rows"]:
            lines.append(f"{name:22} {row['rate']:>5g} {row['repeats']:>2} {row['requests_per_repeat']:>7} "
                         f"{_cell(row.get('p50_ms')):>18} "
                         f"{_cell(row.get('p99_ms')):>20} {_cell(row.get('server_cpu_ms_per_request'), 2):>18} "
                         f"{_cell(row.get('client_cpu_ms_per_request'), 2):>13} "
                         f"{_cell(row.get('busiest_worker_share'), 2):>14} {row['errors']:>6}"
                         f"{'  saturated' if row['saturated'] else ''}")
    for name, why in result["skipped"].items():
        lines.append(f"{name}: not measured ({why.splitlines()[0] if why else ''})")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    panels = [("busiest_worker_share", "share of requests", "Busiest of the 2 workers", False),
              ("p50_ms", "ms (log)", "Median latency (p50), from due time", True),
              ("p99_ms", "ms (log)", "Tail latency (p99), from due time", True),
              ("server_cpu_ms_per_request", "ms of server CPU", "Server CPU per request", False)]
    markers = "os^Dvx<>"
    for axis, (key, unit, title, log_scale) in zip(axes.flat, panels):
        for (name, server), marker in zip(result["servers"].items(), markers):
            rows = [row for row in server["rows"] if key in row]
            medians = [row[key]["median"] for row in rows]
            errors = [[m - row[key].get("low", m) for m, row in zip(medians, rows)],
                      [row[key].get("high", m) - m for m, row in zip(medians, rows)]]
            axis.errorbar([row["rate"] for row in rows], medians, yerr=errors, marker=marker, capsize=3, label=name)
        if log_scale:
            axis.set_yscale("log")
            axis.axhline(result["upstream_ms"], color="grey", linewidth=0.8, linestyle="-.")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("offered load, requests per second")
        axis.set_ylabel(unit)
        axis.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=7)
    sizes = result["sizes"]
    fig.suptitle(f"Open-loop load: one view waiting on a {result['upstream_ms']} ms upstream, {result['workers']} workers "
                 f"per server pinned to one CPU; {sizes['duration_s']:g} s steps after {sizes['warmup_s']:g} s warm-up, "
                 f"median and lowest-highest of {sizes['repeats']} repeats\n{provenance.caption(result['provenance'])}",
                 fontsize=8)
    fig.tight_layout()
    return fig
