"""A database-bound view on a real PostgreSQL (a throwaway cluster, snippets.lab.pg): the sync ORM under
gunicorn's gthread worker (16 threads) against the async ORM under uvicorn's worker, 2 workers each, with
Django's three ways of holding connections (snippets.lab.db_site): one per request (CONN_MAX_AGE = 0), kept
per thread (CONN_MAX_AGE = 60), and Django 5.1+'s connection pool (at most 4 per process).

Open-loop constant load (snippets.lab.shaped_loadgen) at rising rates; the view's query spends 20 ms in the
database. While each step runs, pg_stat_activity is read every 0.1 s for the client connections to the
site's database: what a thread per connection means for the database's limit (max_connections, set low
here so it can bite). After the step, the connections still open show what each way keeps.
"""
from __future__ import annotations

import contextlib
import statistics
import threading

from . import load, load_shapes, pg, procs, provenance, tables

SERVERS = {
    "gunicorn gthread 16, sync ORM": (["--worker-class", "gthread", "--threads", "16"], "wsgi", "/sync/"),
    "uvicorn, async ORM": (["--worker-class", "uvicorn_worker.UvicornWorker"], "asgi", "/async/"),
}
MODES = ["close", "persistent", "pool"]
MAX_CONNECTIONS = 50
POOL_MAX = 4
DATABASE = "lab"
SIZES = {False: {"rates": [20], "duration_s": 1.0, "warmup_s": 0.3, "timeout_s": 10.0},
         True: {"rates": [50, 100, 200], "duration_s": 3.0, "warmup_s": 0.5, "timeout_s": 10.0}}


class ConnectionSampler(threading.Thread):
    """Client connections to the site's database, every 0.1 s, over one connection of its own."""

    def __init__(self, dsn: str):
        super().__init__(daemon=True)
        import psycopg

        self.connection = psycopg.connect(dsn, autocommit=True)
        self.stop = threading.Event()
        self.counts: list[int] = []

    def count(self) -> int:
        return self.connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid()", (DATABASE,)).fetchone()[0]

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.counts.append(self.count())

    def finish(self) -> dict:
        self.stop.set()
        self.join(timeout=5)
        counts = self.counts or [self.count()]
        return {"max": max(counts), "median": statistics.median(counts), "samples": len(counts)}


def settled_count(sampler: ConnectionSampler, quiet_reads: int = 3) -> int:
    """Connections once the step's last requests have let theirs go: the same count `quiet_reads` times
    in a row, 0.2 s apart (at most 3 s)."""
    import time

    seen = [sampler.count()]
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and (len(seen) < quiet_reads or len(set(seen[-quiet_reads:])) > 1):
        time.sleep(0.2)
        seen.append(sampler.count())
    return seen[-1]


def create_database(server: pg.Server) -> None:
    import psycopg

    with psycopg.connect(server.dsn, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            return  # a cluster shared with an earlier run
        connection.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(server.dsn.replace("dbname=postgres", f"dbname={DATABASE}"), autocommit=True) as connection:
        # the table of snippets.lab.db_site's unmanaged Item model, with the one row its views read
        connection.execute("CREATE TABLE lab_item (id serial PRIMARY KEY, name varchar(50) NOT NULL)")
        connection.execute("INSERT INTO lab_item (name) VALUES ('one')")


def one_config(server: pg.Server, name: str, mode: str, sizes: dict, cpus: tuple[int, int]) -> list[dict]:
    import httpx

    worker, interface, target = SERVERS[name]
    port = procs.free_port()
    argv = procs.python_module("gunicorn", "--bind", f"{procs.HOST}:{port}", "--workers", str(load.WORKERS),
                               "--backlog", "2048", "--timeout", "120", "--graceful-timeout", "1",
                               "--log-level", "warning", *worker, f"snippets.lab.db_site:{interface}")
    env = {"LAB_DB_PORT": str(server.port), "LAB_DB_MODE": mode, "LAB_POOL_MAX": str(POOL_MAX),
           "LAB_DB_NAME": DATABASE}
    dsn = server.dsn.replace("dbname=postgres", f"dbname={DATABASE}")
    rows = []
    with procs.started(argv, port, env=env) as process:
        url = f"http://{procs.HOST}:{port}{target}"
        for _ in range(4 * load.WORKERS):
            httpx.get(url, timeout=30).raise_for_status()
        load.pin(process.pid, cpus[0])
        for rate in sizes["rates"]:
            sampler = ConnectionSampler(dsn)
            sampler.start()
            try:
                step = load_shapes.step(url, process.pid, "constant", rate, sizes, cpus[1])
            finally:
                during = sampler.finish()
            after = settled_count(sampler)
            sampler.connection.close()
            rows.append({"server": name, "mode": mode, "rate": rate, **step, "connections_during": during,
                         "connections_after": after})
            if load_shapes.broken(step, load.SATURATED["p99_ms"]):
                rows[-1]["broken"] = True
                break
    return rows


def run(full: bool = False, sizes: dict | None = None, configs: list[tuple[str, str]] | None = None,
        server: pg.Server | None = None) -> dict:
    """Every (server, mode) of `configs` (default: all) on `server`, or on a fresh cluster with max_connections
    MAX_CONNECTIONS."""
    import os

    sizes = sizes or SIZES[full]
    configs = [tuple(config) for config in configs or sizes.get("configs") or
               [(name, mode) for mode in MODES for name in SERVERS]]
    own = os.sched_getaffinity(0)
    cpu_list = sorted(own)
    cpus = (cpu_list[0], cpu_list[-1])
    rows = []
    os.sched_setaffinity(0, {cpus[1]})
    try:
        with provenance.recorded("full" if full else "ci", 1) as prov, \
                (contextlib.nullcontext(server) if server else pg.cluster(MAX_CONNECTIONS)) as server:
            create_database(server)
            import psycopg

            with psycopg.connect(server.dsn) as connection:
                version = connection.execute("SHOW server_version").fetchone()[0]
                limit = int(connection.execute("SHOW max_connections").fetchone()[0])
            for name, mode in configs:
                rows += one_config(server, name, mode, sizes, cpus)
                last = rows[-1]
                print(f"{name:32} {mode:10} up to {last['rate']:>4} req/s: p99 {last['p99_ms']:7.0f} ms, "
                      f"{last['connections_during']['max']} connections at most", flush=True)
    finally:
        os.sched_setaffinity(0, own)
    return {"benchmark": "db_load", "provenance": prov.result(), "sizes": sizes, "postgresql": version,
            "max_connections": limit, "pool_max_per_process": POOL_MAX, "workers": load.WORKERS,
            "query_wait_ms": 20, "rows": rows}


def table(result: dict) -> str:
    lines = [provenance.caption(result["provenance"]),
             f"PostgreSQL {result['postgresql']}, max_connections {result['max_connections']}; "
             "connections: client backends to the site's database (pg_stat_activity)"]
    columns = [("server", "server", "32"), ("mode", "mode", "10"), ("rate", "rate", ">5g"), ("done", "completed", ">5"),
               ("errors", "errors", ">6"), ("p50 ms", "p50_ms", ">7.0f"), ("p99 ms", "p99_ms", ">7.0f"),
               ("conns max", lambda row: row["connections_during"]["max"], ">9"), ("after", "connections_after", ">5"),
               ("CPU ms/req", "server_cpu_ms_per_request", ">10.2f")]
    return "\n".join(lines + tables.lines(columns, result["rows"], flag="broken"))


def plot(result: dict):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for name, mode in ((name, mode) for mode in MODES for name in SERVERS):
        rows = [row for row in result["rows"] if row["server"] == name and row["mode"] == mode]
        if not rows:
            continue
        style = {"marker": "os^"[MODES.index(mode)], "linestyle": "-" if name.startswith("gunicorn") else "--",
                 "label": f"{name}, {mode}"}
        axes[0].plot([row["rate"] for row in rows], [row["connections_during"]["max"] for row in rows], **style)
        axes[1].plot([row["rate"] for row in rows], [row["p99_ms"] for row in rows], **style)
    axes[0].axhline(result["max_connections"], color="grey", linestyle="-.", linewidth=0.8)
    axes[0].set(xlabel="offered load, req/s", ylabel="client connections (most seen)",
                title="Connections the database sees (dash-dot: max_connections)")
    axes[1].set(xlabel="offered load, req/s", ylabel="p99 ms (log)", yscale="log", title="Tail latency")
    for axis in axes:
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=6)
    fig.suptitle(provenance.caption(result["provenance"]), fontsize=7)
    fig.tight_layout()
    return fig
