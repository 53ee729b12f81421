"""Hold N requests open on a real server and read what they cost it: the worker's threads, resident memory
and open file descriptors from /proc/PID, and the kernel's memory from /proc/meminfo (system-wide), before
and while the N wait. Shared by snippets.lab.waiting_memory and snippets.lab.held_connections.

Each server runs under gunicorn's master with one worker (the process measured), so the async and the
threaded server have the same layout. The N clients are plain sockets in this process, each sending one
GET and reading nothing until the end.
"""
from __future__ import annotations

import contextlib
import os
import resource
import socket
import sys
import time

import psutil

from . import procs, request_cost

#: name -> (gunicorn worker arguments, app, path held open). `{threads}` is replaced by N + SPARE.
SERVERS = {
    "uvicorn, async view": (["--worker-class", "uvicorn_worker.UvicornWorker"], "snippets.lab.stack_site:asgi", "/ahold/"),
    "uvicorn, async SSE view": (["--worker-class", "uvicorn_worker.UvicornWorker"], "snippets.lab.stack_site:asgi",
                                "/events/"),
    "uvicorn, bare ASGI app": (["--worker-class", "uvicorn_worker.UvicornWorker"], "snippets.lab.request_cost_app:bare_app",
                               "/hold/"),
    "gunicorn gthread, sync view": (["--worker-class", "gthread", "--threads", "{threads}",
                                     "--worker-connections", "{threads}"], "snippets.lab.stack_site:wsgi", "/hold/"),
}
SPARE = 8  # threads a threaded server keeps free to answer /holding/
KERNEL = request_cost.KERNEL


def raise_nofile() -> int:
    """This process opens one socket per held request: lift its soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def limits() -> dict:
    """The limits that cap how many connections or threads a server can hold, as this machine sets them."""
    def read(path: str):
        with contextlib.suppress(OSError):
            text = open(path, encoding="utf-8").read().split()  # noqa: SIM115
            return [int(value) for value in text] if len(text) > 1 else int(text[0])
        return None

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return {"nofile_soft": soft, "nofile_hard": hard, "somaxconn": read("/proc/sys/net/core/somaxconn"),
            "tcp_max_syn_backlog": read("/proc/sys/net/ipv4/tcp_max_syn_backlog"),
            "ip_local_port_range": read("/proc/sys/net/ipv4/ip_local_port_range"),
            "threads_max": read("/proc/sys/kernel/threads-max"), "pid_max": read("/proc/sys/kernel/pid_max"),
            "max_map_count": read("/proc/sys/vm/max_map_count")}


def listen_overflows() -> int:
    """TcpExt ListenOverflows: connections dropped because a listen queue (the backlog) was full."""
    with open("/proc/net/netstat", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split()[1:], values.split()[1:]))["ListenOverflows"])
    return 0


def argv(name: str, port: int, count: int, backlog: int = 4096) -> list[str]:
    worker, app, _ = SERVERS[name]
    worker = [part.replace("{threads}", str(count + SPARE)) for part in worker]
    return procs.python_module("gunicorn", "--bind", f"{procs.HOST}:{port}", "--workers", "1", "--backlog",
                               str(backlog), "--timeout", "300", "--graceful-timeout", "1", "--log-level", "warning",
                               *worker, app)


def with_nofile(command: list[str], soft: int) -> list[str]:
    """command, started with its soft limit on open files lowered to `soft` (what `ulimit -n` sets)."""
    setter = ("import os, resource, sys; hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; "
              "resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), hard)); os.execv(sys.argv[2], sys.argv[2:])")
    return [sys.executable, "-c", setter, str(soft), *command]


def worker_pid(master: int) -> int:
    request_cost.wait_until(lambda: psutil.Process(master).children(), timeout=30, what="a gunicorn worker")
    children = psutil.Process(master).children()
    return children[0].pid


def held_now(port: int) -> int:
    """Requests the server says are held, or -1 while it is too busy to answer within the poll's timeout
    (starting thousands of threads at once, it can be)."""
    try:
        return request_cost.holding(port)
    except OSError:
        return -1


def fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settled(value, target: int, timeout: float, quiet_s: float = 1.0) -> None:
    """Wait until value() reaches target or has not changed for quiet_s (or timeout passes)."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        current = value()
        if current >= target:
            return
        if current != last:
            last, since = current, time.monotonic()
        elif time.monotonic() - since > quiet_s:
            return
        time.sleep(0.1)


def snapshot(pid: int) -> dict:
    return {**request_cost.proc_status(pid), "fds": fds(pid), **request_cost.meminfo()}


def hold(name: str, count: int, stack: str = "default", nofile: int | None = None, timeout: float = 120.0) -> dict:
    """Start `name`, hold `count` requests open, and return the worker's figures before and while they wait
    (per request), or, when the server cannot hold them all within `timeout`, how many it held and why."""
    raise_nofile()
    port = procs.free_port()
    command = argv(name, port, count)
    if nofile:
        command = with_nofile(command, nofile)
    path = SERVERS[name][2]
    with procs.started(command, port, env={"LAB_STACK": stack}) as master:
        worker = worker_pid(master.pid)
        for _ in range(3):  # warm-up: imports, URL resolver, the first threads
            request_cost.get(port, f"{path}?s=0")
        request_cost.holding(port)
        request_cost.wait_until(lambda: request_cost.holding(port) == 0, what="the warm-up to end")
        before, overflows = snapshot(worker), listen_overflows()
        sockets, refused, held = [], [], 0
        try:
            for _ in range(count):
                try:
                    sock = socket.create_connection((procs.HOST, port), timeout=10)
                    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                except OSError as error:
                    refused.append(type(error).__name__)
                    continue
                sockets.append(sock)
            if nofile:  # a probe of the limit: count what the worker accepted once that stops growing
                settled(lambda: fds(worker), count + before["fds"], timeout)
            else:
                request_cost.wait_until(lambda: held_now(port) >= count, timeout=timeout, what=f"{count} held requests")
                held = count
            after = snapshot(worker)
        finally:
            for sock in sockets:
                sock.close()
        log = master.log.read_text(errors="replace")
    row = {"server": name, "stack": stack, "count": count, "held": held, "connect_errors": len(refused),
           "listen_overflows": listen_overflows() - overflows, "nofile_soft": nofile,
           "threads_before": before["Threads"], "threads_while": after["Threads"],
           "fds_before": before["fds"], "fds_while": after["fds"],
           # a socket the worker accepted is a descriptor, whether or not its request got to the view
           "accepted": after["fds"] - before["fds"],
           "log_errors": sorted({line.strip()[:160] for line in log.splitlines()
                                 if "Too many open files" in line or "Error" in line})[:5]}
    if held:
        row.update(threads_per_request=(after["Threads"] - before["Threads"]) / held,
                   fds_per_request=(after["fds"] - before["fds"]) / held,
                   rss_kib_per_request=(after["VmRSS"] - before["VmRSS"]) / held)
        row["kernel_kib_per_request"] = sum(after[key] - before[key] for key in KERNEL) / held
        row["total_kib_per_request"] = row["rss_kib_per_request"] + row["kernel_kib_per_request"]
    return row
