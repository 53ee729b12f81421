"""Sync vs async Django under load: the same I/O-bound view (it calls an upstream that answers after
100 ms) served by gunicorn sync workers, gunicorn gthread workers, uvicorn workers under gunicorn (async view) and granian
(async view), each with 2 worker processes, on loopback, with concurrency rising step by step.

The load generator (snippets.lab.loadgen) runs in its own process; the upstream (snippets.lab.upstream)
in another. All of them share the machine's cores with the server under test, so on a 2-core machine
the client's and the upstream's CPU use lowers every server's ceiling alike.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time

import psutil

from . import procs, provenance, upstream

WORKERS = 2
THREADS = 8  # gthread: threads per worker
UPSTREAM_MS = 100

SIZES = {
    False: {"concurrency": [1, 10, 50, 100], "duration_s": 1.5, "timeout_s": 15.0},
    True: {"concurrency": [1, 10, 50, 100, 200, 400, 800], "duration_s": 6.0, "timeout_s": 30.0},
}


def servers(port: int) -> dict[str, dict]:
    """The servers compared: the command line and the view each one serves."""
    bind = f"{procs.HOST}:{port}"
    gunicorn = procs.python_module("gunicorn", "--bind", bind, "--workers", str(WORKERS), "--backlog", "2048",
                                   "--timeout", "120", "--log-level", "warning")
    return {
        "gunicorn sync": {"argv": gunicorn + ["--worker-class", "sync", "snippets.lab.load_server:wsgi"],
                          "path": "/sync/", "concurrent_requests": WORKERS},
        "gunicorn gthread": {"argv": gunicorn + ["--worker-class", "gthread", "--threads", str(THREADS),
                                                 "snippets.lab.load_server:wsgi"],
                             "path": "/sync/", "concurrent_requests": WORKERS * THREADS},
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
            self.stop.wait(0.5)


def one_level(url: str, pid: int, concurrency: int, duration: float, timeout: float) -> dict:
    sampler = MemorySampler(pid)
    sampler.sample()
    sampler.start()
    try:
        out = subprocess.run(procs.python_module("snippets.lab.loadgen", url, "--concurrency", str(concurrency),
                                                 "--duration", str(duration), "--timeout", str(timeout)),
                             capture_output=True, text=True, timeout=duration + timeout + 60, cwd=procs.ROOT,
                             env=procs.child_env(), check=True)
    finally:
        sampler.stop.set()
        sampler.join(timeout=5)
    row = json.loads(out.stdout)
    row["server_rss_mib"] = sampler.peak_rss / 2**20
    row["server_pss_mib"] = sampler.peak_pss / 2**20
    return row


def available(name: str) -> bool:
    module = {"uvicorn": "uvicorn_worker"}.get(name.split()[0], name.split()[0])
    return shutil.which(module) is not None or subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0


def run(full: bool = False, sizes: dict | None = None, only: list[str] | None = None, log=print) -> dict:
    sizes = sizes or SIZES[full]
    results, skipped = {}, {}
    with provenance.recorded("full" if full else "ci", 1) as prov, upstream.running(UPSTREAM_MS) as upstream_url:
        port = procs.free_port()
        for name, server in servers(port).items():
            if only and name not in only:
                continue
            if not available(name):
                skipped[name] = "not installed"
                continue
            try:
                with procs.started(server["argv"], port, env={"LAB_UPSTREAM": upstream_url,
                                                              "DJANGO_SETTINGS_MODULE": "snippets.lab.load_settings"}) as process:
                    url = f"http://{procs.HOST}:{port}{server['path']}"
                    import httpx
                    for _ in range(2 * WORKERS):  # warm up: every worker imports Django and opens its client
                        httpx.get(url, timeout=30).raise_for_status()
                    rows = []
                    for concurrency in sizes["concurrency"]:
                        rows.append(one_level(url, process.pid, concurrency, sizes["duration_s"], sizes["timeout_s"]))
                        last = rows[-1]
                        log(f"{name:22} c={concurrency:<4} {last['throughput_rps']:7.1f} req/s  p50 {last['p50_ms']:7.0f} ms"
                            f"  p99 {last['p99_ms']:7.0f} ms  errors {last['errors']}  server RSS {last['server_rss_mib']:.0f} MiB")
                    results[name] = {"argv": " ".join(server["argv"][1:]).replace(sys.executable, "python"),
                                     "concurrent_requests": server["concurrent_requests"], "rows": rows}
            except RuntimeError as error:  # a server that does not start is reported, not fatal
                skipped[name] = str(error)[:500]
            time.sleep(0.5)  # let the port go
    return {"benchmark": "load", "provenance": prov.result(), "upstream_ms": UPSTREAM_MS,
            "wait": "a call (httpx) to a local upstream server that sleeps 100 ms",
            "workers": WORKERS, "gthread_threads": THREADS, "sizes": sizes, "servers": results, "skipped": skipped}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]), f"{'server':22} {'conc.':>5} {'req/s':>7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'errors':>6} {'RSS MiB':>7} {'PSS MiB':>7}"]
    for name, server in result["servers"].items():
        for row in server["rows"]:
            lines.append(f"{name:22} {row['concurrency']:>5} {row['throughput_rps']:>7.1f} {row['p50_ms']:>7.0f} "
                         f"{row['p90_ms']:>7.0f} {row['p99_ms']:>7.0f} {row['errors']:>6} {row['server_rss_mib']:>7.0f} "
                         f"{row['server_pss_mib']:>7.0f}")
    for name, why in result["skipped"].items():
        lines.append(f"{name}: not measured ({why.splitlines()[0] if why else ''})")
    return "\n".join(lines)


STYLES = {"gunicorn sync": ("o", "-"), "gunicorn gthread": ("s", "--"),
          "uvicorn (async view)": ("^", ":"), "granian (async view)": ("D", "-.")}


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    panels = [("throughput_rps", "requests per second", "Throughput", False),
              ("p50_ms", "ms (log)", "Median latency (p50)", True),
              ("p99_ms", "ms (log)", "Tail latency (p99)", True),
              ("server_pss_mib", "MiB", "Server memory, peak PSS of all its processes", False)]
    for axis, (key, unit, title, log_scale) in zip(axes.flat, panels):
        for name, server in result["servers"].items():
            marker, style = STYLES.get(name, ("x", "-"))
            axis.plot([row["concurrency"] for row in server["rows"]], [row[key] for row in server["rows"]],
                      marker=marker, linestyle=style, label=name)
        axis.set_xscale("log")
        if log_scale:
            axis.set_yscale("log")
            axis.axhline(result["upstream_ms"], color="grey", linewidth=0.8, linestyle="-.")
        axis.set_title(title, fontsize=10)
        axis.set_xlabel("concurrent clients (log)")
        axis.set_ylabel(unit)
        axis.grid(True, which="both", alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(f"One view waiting on a {result['upstream_ms']} ms upstream; {result['workers']} workers per server "
                 f"(gthread: {result['gthread_threads']} threads each)\n{provenance.caption(result['provenance'])}", fontsize=9)
    fig.tight_layout()
    return fig
