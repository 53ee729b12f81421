"""When does a thread pool saturate and queue, and when does async hold? The load test of snippets.lab.load
(the same view waiting on an upstream, 2 workers pinned to one CPU, open-loop load counted from due time)
under the shapes real traffic has:

- arrivals: constant, Poisson, and bursty (each second's requests due in its first quarter);
- upstream: a constant 100 ms, a heavy-tailed one (log-normal, median 100 ms, p99 about 1 s), and one that
  slows down mid-step, from 100 ms to 1-2 s (snippets.lab.shaped_upstream).

Servers: gunicorn's gthread worker with 32 threads (64 requests at once over 2 workers) serving the sync
view, uvicorn's worker serving the async view. Each scenario raises the offered load step by step until the
server breaks: fewer than 90 % answered, over 1 % errors, or a p99 above the scenario's limit (a multiple of
what the upstream alone takes, so an upstream's own slowness is not counted as the server's queue). The
offered load of the first broken step is the server's breaking point for that scenario.
"""
from __future__ import annotations

import json
import os
import subprocess

from . import load, procs, provenance, shaped_upstream

#: name -> (arrival shape, upstream profile, p99 limit in ms)
SCENARIOS = {
    "constant arrivals, 100 ms upstream": ("constant", "constant:100", 1000),
    "Poisson arrivals, 100 ms upstream": ("poisson", "constant:100", 1000),
    "bursty arrivals, 100 ms upstream": ("bursty", "constant:100", 1000),
    "constant arrivals, heavy-tailed upstream": ("constant", "lognormal:100:1.0", 2000),
    "constant arrivals, upstream slows to 1-2 s": ("constant", "slowdown:100:1000:2000:{slow_after}", 4000),
}
SERVERS = ["gunicorn gthread 32", "uvicorn (async view)"]
SIZES = {False: {"rates": [20], "duration_s": 1.0, "warmup_s": 0.3, "timeout_s": 10.0},
         # steps of about √2 from 100, so a breaking point is found within a factor of 1.4 (about four minutes)
         True: {"rates": [50, 100, 140, 200, 280, 400], "duration_s": 3.0, "warmup_s": 0.5, "timeout_s": 10.0}}


def step(url: str, pid: int, shape: str, rate: float, sizes: dict, client_cpu: int) -> dict:
    cpu_before = load.tree_cpu_s(pid)
    out = subprocess.run(procs.python_module("snippets.lab.shaped_loadgen", url, "--shape", shape, "--rate", str(rate),
                                             "--duration", str(sizes["duration_s"]), "--warmup", str(sizes["warmup_s"]),
                                             "--timeout", str(sizes["timeout_s"]), "--cpu", str(client_cpu)),
                         capture_output=True, text=True, cwd=procs.ROOT, env=procs.child_env(), check=True,
                         timeout=sizes["duration_s"] + sizes["warmup_s"] + sizes["timeout_s"] + 60)
    server_cpu = load.tree_cpu_s(pid) - cpu_before
    raw = json.loads(out.stdout.splitlines()[-1])  # after the window marks
    latencies = raw.pop("latencies_ms")
    return {**raw, "p50_ms": load.percentile(latencies, 0.5), "p99_ms": load.percentile(latencies, 0.99),
            "max_ms": max(latencies, default=None),
            "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, raw["completed"]), 3)}


def broken(row: dict, p99_limit: float) -> bool:
    return (row["completed"] < load.SATURATED["completed_share"] * row["sent"]
            or row["errors"] > load.SATURATED["error_share"] * row["sent"] or not row["p99_ms"] <= p99_limit)


def run(full: bool = False, sizes: dict | None = None, scenarios: list[str] | None = None) -> dict:
    sizes = sizes or SIZES[full]
    chosen = {name: SCENARIOS[name] for name in scenarios or sizes.get("scenarios") or SCENARIOS}
    cpu_list = sorted(os.sched_getaffinity(0))
    cpus = (cpu_list[0], cpu_list[-1])
    own = os.sched_getaffinity(0)
    # the upstream slows down half-way through each measured step (its clock starts with the warm-up)
    slow_after = sizes["warmup_s"] + sizes["duration_s"] / 2
    results = {name: {} for name in chosen}
    os.sched_setaffinity(0, {cpus[1]})
    try:
        with provenance.recorded("full" if full else "ci", 1) as prov, shaped_upstream.running(cpus[1]) as upstream:
            for server_name in SERVERS:
                port = procs.free_port()
                server = load.servers(port, [32])[server_name]
                with procs.started(server["argv"], port, env={"LAB_UPSTREAM": upstream,
                                                              "DJANGO_SETTINGS_MODULE": "snippets.lab.load_settings"}
                                   ) as process:
                    import httpx

                    url = f"http://{procs.HOST}:{port}{server['path']}"
                    shaped_upstream.configure(upstream, "constant:1")
                    for _ in range(4 * load.WORKERS):
                        httpx.get(url, timeout=30).raise_for_status()
                    load.pin(process.pid, cpus[0])
                    for name, (shape, profile, limit) in chosen.items():
                        rows = []
                        for rate in sizes["rates"]:
                            shaped_upstream.configure(upstream, profile.format(slow_after=slow_after))
                            rows.append({"rate": rate, **step(url, process.pid, shape, rate, sizes, cpus[1])})
                            if broken(rows[-1], limit):
                                rows[-1]["broken"] = True
                                break
                        results[name][server_name] = {
                            "rows": rows, "breaks_at": next((row["rate"] for row in rows if row.get("broken")), None)}
                        print(f"{server_name:22} {name:45} breaks at {results[name][server_name]['breaks_at']}",
                              flush=True)
    finally:
        os.sched_setaffinity(0, own)
    return {"benchmark": "load_shapes", "provenance": prov.result(), "sizes": sizes, "workers": load.WORKERS,
            "scenarios": {name: {"arrivals": shape, "upstream": profile.format(slow_after=slow_after),
                                 "p99_limit_ms": limit, "servers": results[name]}
                          for name, (shape, profile, limit) in chosen.items()},
            "pinning": {"server_cpu": cpus[0], "client_and_upstream_cpu": cpus[1]}}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             "offered load at which each server broke (answered < 90 %, errors > 1 % or p99 over the limit)",
             f"{'scenario':45} {'p99 limit':>9} " + " ".join(f"{name:>22}" for name in SERVERS)]
    for name, scenario in result["scenarios"].items():
        cells = []
        for server in SERVERS:
            found = scenario["servers"].get(server)
            last = found["rows"][-1]["rate"] if found and found["rows"] else None
            cells.append("-" if not found else f"{found['breaks_at']} req/s" if found["breaks_at"]
                         else f"held to {last:g}")
        lines.append(f"{name:45} {scenario['p99_limit_ms']:>7} ms " + " ".join(f"{cell:>22}" for cell in cells))
    lines.append(f"{'scenario / server':68} {'rate':>5} {'sent':>5} {'done':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for name, scenario in result["scenarios"].items():
        for server, found in scenario["servers"].items():
            for row in found["rows"]:
                lines.append(f"{name[:44] + ' / ' + server:68} {row['rate']:>5g} {row['sent']:>5} {row['completed']:>5} "
                             f"{row['p50_ms']:>8.0f} {row['p99_ms']:>8.0f}{'  broken' if row.get('broken') else ''}")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    scenarios = list(result["scenarios"].items())
    fig, axes = plt.subplots(1, len(scenarios), figsize=(3.2 * len(scenarios) + 1, 3.6), sharey=True, squeeze=False)
    for axis, (name, scenario) in zip(axes[0], scenarios):
        for server, marker in zip(SERVERS, "os"):
            rows = scenario["servers"].get(server, {}).get("rows", [])
            axis.plot([row["rate"] for row in rows], [row["p99_ms"] for row in rows], marker=marker, label=server)
        axis.axhline(scenario["p99_limit_ms"], color="grey", linestyle="-.", linewidth=0.8)
        axis.set(xscale="log", yscale="log", xlabel="offered load, req/s")
        axis.set_title(name, fontsize=8)
        axis.grid(True, which="both", alpha=0.3)
    axes[0][0].set_ylabel("p99 latency from due time, ms (log)")
    axes[0][0].legend(fontsize=7)
    fig.suptitle(f"Where each server breaks (dash-dot: the scenario's p99 limit)\n"
                 f"{provenance.caption(result['provenance'])}", fontsize=7)
    fig.tight_layout()
    return fig
