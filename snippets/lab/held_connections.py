"""Thousands of waiting connections: N clients each hold a request open (a long poll, or a server-sent-events
stream that has sent its first event) on one server worker; what each costs and which limit bites first.

Servers (snippets.lab.holding): uvicorn with Django's async long-poll view and its SSE view (startproject's
middleware), uvicorn with a bare ASGI app (no Django: what the connection itself costs), and gunicorn's
gthread worker with N + 8 threads, the thread server's equivalent. For each: threads, descriptors, resident
and kernel memory per held request, connections the listen queue dropped (TcpExt ListenOverflows), and the
machine's limits (open files, somaxconn, threads, memory maps). Then the limit that bites first on a stock
machine: the same bare server started with `ulimit -n` at LIMIT_PROBE's soft limit, and what it accepted.
"""
from __future__ import annotations

from . import holding, provenance

SERVERS = list(holding.SERVERS)
SIZES = {False: {"counts": [200], "probe": {"count": 200, "nofile": 100}, "timeout_s": 60},
         True: {"counts": [1000, 10000], "probe": {"count": 2000, "nofile": 1024}, "timeout_s": 180}}


def run(full: bool = False, sizes: dict | None = None) -> dict:
    sizes = sizes or SIZES[full]
    holding.raise_nofile()
    rows = []
    with provenance.recorded("full" if full else "ci", 1) as prov:
        for count in sizes["counts"]:
            for server in SERVERS:
                rows.append(holding.hold(server, count, timeout=sizes["timeout_s"]))
        probe = holding.hold("uvicorn, bare ASGI app", sizes["probe"]["count"], nofile=sizes["probe"]["nofile"],
                             timeout=sizes["timeout_s"])
    return {"benchmark": "held_connections", "provenance": prov.result(), "sizes": sizes,
            "limits": holding.limits(), "rows": rows, "nofile_probe": probe}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             "limits: " + ", ".join(f"{key} {value}" for key, value in result["limits"].items()),
             f"{'server':28} {'held':>6} {'threads':>7} {'fds/req':>7} {'RSS KiB/req':>11} {'kernel KiB/req':>14} "
             f"{'dropped':>7}"]
    for row in result["rows"]:
        lines.append(f"{row['server']:28} {row['held']:>6} {row['threads_while']:>7} "
                     f"{row.get('fds_per_request', float('nan')):>7.2f} {row.get('rss_kib_per_request', float('nan')):>11.1f} "
                     f"{row.get('kernel_kib_per_request', float('nan')):>14.1f} {row['listen_overflows']:>7}")
    probe = result["nofile_probe"]
    lines.append(f"ulimit -n {probe['nofile_soft']}: {probe['accepted']} of {probe['count']} connections accepted; "
                 f"server log: {'; '.join(probe['log_errors']) or 'nothing'}")
    return "\n".join(lines)


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for server, marker in zip(SERVERS, "os^D"):
        rows = [row for row in result["rows"] if row["server"] == server and row.get("held")]
        axes[0].plot([row["held"] for row in rows], [row["total_kib_per_request"] for row in rows], marker=marker,
                     label=server)
        axes[1].plot([row["held"] for row in rows], [row["threads_while"] for row in rows], marker=marker,
                     label=server)
    axes[0].set(xscale="log", xlabel="requests held open", ylabel="KiB per request (resident + kernel)",
                title="Memory per held connection")
    axes[1].set(xscale="log", yscale="symlog", xlabel="requests held open", ylabel="threads in the worker",
                title="Threads while they wait")
    for axis in axes:
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=7)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=7)
    fig.tight_layout()
    return fig
