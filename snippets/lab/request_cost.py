"""What one waiting async request costs a real server: uvicorn (one process) serving N requests that all
wait at once, through Django's ASGI handler and, for comparison, through a bare ASGI app.

For each N, a fresh server; after a warm-up the parent reads the server's Threads and VmRSS from
/proc/PID/status and the kernel's KernelStack, PageTables and SUnreclaim (unreclaimable slab) from
/proc/meminfo, opens N connections that each send GET /hold/, waits until the server says N requests are
holding, and reads them again. Kernel memory is system-wide: it includes both ends of the N sockets and
whatever else the machine did meanwhile, so it is the noisiest of the three figures.
"""
from __future__ import annotations

import re
import socket
import statistics
import time

from . import procs, provenance, tables

APPS = {"django": "snippets.lab.request_cost_app:django_app", "bare ASGI": "snippets.lab.request_cost_app:bare_app"}
SIZES = {
    False: {"counts": [50, 200], "repeats": 1},
    True: {"counts": [250, 500, 1000], "repeats": 3},
}
KERNEL = ("KernelStack", "PageTables", "SUnreclaim")


def proc_status(pid: int) -> dict[str, int]:
    found = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("Threads", "VmRSS"):
                found[key] = int(value.split()[0])
    return found


def meminfo() -> dict[str, int]:
    """KernelStack, PageTables and SUnreclaim in KiB (system-wide)."""
    found = {}
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in KERNEL:
                found[key] = int(value.split()[0])
    return found


def get(port: int, target: str) -> bytes:
    with socket.create_connection((procs.HOST, port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def holding(port: int) -> int:
    return int(re.search(rb'"holding": (\d+)', get(port, "/holding/")).group(1))


def wait_until(condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout:.0f} s")
        time.sleep(0.05)


def measure(app: str, count: int) -> dict:
    """Threads, RSS and kernel memory of one uvicorn process before and while `count` requests wait."""
    port = procs.free_port()
    argv = procs.python_module("uvicorn", APPS[app], "--host", procs.HOST, "--port", str(port),
                               "--log-level", "warning", "--no-access-log", "--backlog", "4096",
                               "--timeout-graceful-shutdown", "1")
    with procs.started(argv, port) as server:
        for _ in range(3):  # warm-up: imports, URL resolver, first thread pool
            get(port, "/hold/?s=0")
        holding(port)
        time.sleep(0.2)  # let the warm-up's per-request threads exit
        before, kernel_before = proc_status(server.pid), meminfo()
        sockets = []
        try:
            for _ in range(count):
                sock = socket.create_connection((procs.HOST, port), timeout=10)
                sock.sendall(b"GET /hold/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                sockets.append(sock)
            wait_until(lambda: holding(port) >= count, what=f"{count} holding requests")
            after, kernel_after = proc_status(server.pid), meminfo()
        finally:
            for sock in sockets:
                sock.close()
    row = {"app": app, "count": count, "threads_before": before["Threads"], "threads_while": after["Threads"],
           "threads_per_request": (after["Threads"] - before["Threads"]) / count,
           "rss_kib_per_request": (after["VmRSS"] - before["VmRSS"]) / count}
    for key in KERNEL:
        row[f"{key}_kib_per_request"] = (kernel_after[key] - kernel_before[key]) / count
    row["kernel_kib_per_request"] = sum(row[f"{key}_kib_per_request"] for key in KERNEL)
    row["total_kib_per_request"] = row["rss_kib_per_request"] + row["kernel_kib_per_request"]
    return row


def spread(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def summarise(rows: list[dict]) -> dict:
    """Per app: each figure's median, min and max over every count and repeat."""
    summary = {}
    for app in APPS:
        mine = [row for row in rows if row["app"] == app]
        summary[app] = {key: spread([row[key] for row in mine])
                        for key in ("threads_per_request", "rss_kib_per_request", "kernel_kib_per_request",
                                    "total_kib_per_request")}
    return summary


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    rows = []
    with provenance.recorded("full" if full else "ci", sizes["repeats"]) as prov:
        for _ in range(sizes["repeats"]):
            for app in APPS:
                for count in sizes["counts"]:
                    rows.append(measure(app, count))
    return {"benchmark": "request_cost", "provenance": prov.result(), "rows": rows, "summary": summarise(rows)}


def table(result: dict) -> str:
    columns = [("app", "app", "10"), ("waiting", "count", ">7"),
               ("threads", lambda row: f"{row['threads_before']:>5} -> {row['threads_while']:<5}", ">13"),
               ("threads/req", "threads_per_request", ">11.2f"), ("RSS KiB/req", "rss_kib_per_request", ">11.1f"),
               ("kernel KiB/req", "kernel_kib_per_request", ">14.1f")]
    heading, *rows = tables.lines(columns, result["rows"])
    return "\n".join([provenance.caption(result["provenance"]), heading + " (stack+page tables+slab)", *rows])


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for app, marker in zip(APPS, "os"):
        rows = [row for row in result["rows"] if row["app"] == app]
        counts = [row["count"] for row in rows]
        axes[0].plot(counts, [row["threads_while"] for row in rows], marker=marker, linestyle="", label=app)
        axes[1].plot(counts, [row["rss_kib_per_request"] for row in rows], marker=marker, linestyle="",
                     label=f"{app}: RSS")
        axes[1].plot(counts, [row["kernel_kib_per_request"] for row in rows], marker=marker, linestyle="",
                     fillstyle="none", label=f"{app}: kernel (stack+page tables+slab)")
    axes[0].set(xlabel="requests waiting at once", ylabel="threads in the uvicorn process",
                title="OS threads while N requests wait")
    axes[1].set(xlabel="requests waiting at once", ylabel="KiB per waiting request",
                title="Memory per waiting request")
    for axis in axes:
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=7)
    fig.tight_layout()
    return fig
