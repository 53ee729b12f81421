"""Memory compared fairly: a waiting async request against a waiting threaded request, both through the
same Django site with startproject's middleware (and, for the middleware's share, with none).

The async view awaits `asyncio.sleep` under uvicorn's worker; the sync view sleeps in its thread under
gunicorn's gthread worker with N + 8 threads. Both run as gunicorn's one worker, measured the same way
(snippets.lab.holding): threads, resident memory and the kernel's stack, page-table and slab memory, before
and while N requests wait, per request. A thread server's thread is created for the request it serves, so
its figure includes the thread, as the async request's does (Django's ASGI handler gives each request a
thread of its own).
"""
from __future__ import annotations

import statistics

from . import holding, provenance

SERVERS = ["uvicorn, async view", "gunicorn gthread, sync view"]
STACKS = ["default", "none"]
SIZES = {False: {"counts": [50], "repeats": 1},
         True: {"counts": [1000], "repeats": 3}}
FIGURES = ("threads_per_request", "rss_kib_per_request", "kernel_kib_per_request", "total_kib_per_request")


def spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    rows = []
    with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov:
        for _ in range(sizes["repeats"]):
            for count in sizes["counts"]:
                for stack in STACKS:  # interleaved: a drift of the machine touches both servers alike
                    for server in SERVERS:
                        rows.append(holding.hold(server, count, stack))
    summary = {stack: {server: {key: spread([row[key] for row in rows if row["server"] == server
                                             and row["stack"] == stack]) for key in FIGURES}
                       for server in SERVERS} for stack in STACKS}
    return {"benchmark": "waiting_memory", "provenance": prov.result(), "sizes": sizes, "rows": rows,
            "summary": summary}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             "per waiting request, median (min-max) over counts and repeats",
             f"{'stack':8} {'server':28} {'threads':>7} {'RSS KiB':>20} {'kernel KiB':>20} {'total KiB':>20}"]
    for stack, servers in result["summary"].items():
        for server, figures in servers.items():
            cells = [f"{figures[key]['median']:.1f} ({figures[key]['min']:.1f}-{figures[key]['max']:.1f})"
                     for key in FIGURES[1:]]
            lines.append(f"{stack:8} {server:28} {figures['threads_per_request']['median']:>7.2f} "
                         + " ".join(f"{cell:>20}" for cell in cells))
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(9, 4))
    labels, resident, kernel = [], [], []
    for stack, servers in result["summary"].items():
        for server, figures in servers.items():
            labels.append(f"{server}\n{stack} middleware")
            resident.append(figures["rss_kib_per_request"]["median"])
            kernel.append(figures["kernel_kib_per_request"]["median"])
    axis.bar(labels, resident, label="resident (RSS)")
    axis.bar(labels, kernel, bottom=resident, label="kernel (stack + page tables + slab)")
    axis.set_ylabel("KiB per waiting request (median)")
    axis.tick_params(axis="x", labelsize=7)
    axis.legend(fontsize=8)
    axis.grid(True, axis="y", alpha=0.3)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=7)
    fig.tight_layout()
    return fig
