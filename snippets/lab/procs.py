"""Start a helper process (upstream, server under test) on a free loopback port and stop it again."""
from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def child_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    """Return once `port` accepts connections; RuntimeError with the process's output if it dies first or
    the timeout passes."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode} before listening:\n"
                               f"{log.read_text(errors='replace')}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex((HOST, port)) == 0:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{process.args[:4]} did not listen on {HOST}:{port} within {timeout:.0f} s:\n"
                               f"{log.read_text(errors='replace')}")
        time.sleep(0.05)


@contextlib.contextmanager
def running(argv: list[str], env: dict, port: int | None = None, timeout: float = 30.0,
            stop_signal: int = signal.SIGTERM, stop_timeout: float = 10.0):
    """The one way the project starts a helper process (a server, a worker, an upstream): `argv` in its own
    process group with environment `env`, its output in a log file (`process.log`); with `port`, wait until
    the port accepts connections. Stopped afterwards with `stop_signal`, then SIGKILL if it lingers."""
    log = Path(tempfile.mkstemp(prefix="atlas-process-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    process.log = log
    try:
        if port is not None:
            wait_for_port(port, process, log, timeout)
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, stop_signal)
            try:
                process.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.unlink(missing_ok=True)


@contextlib.contextmanager
def started(argv: list[str], port: int, env: dict | None = None, timeout: float = 30.0):
    """Run argv with the project importable, wait until `port` accepts connections, yield the Popen."""
    with running(argv, child_env(env), port, timeout) as process:
        yield process


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def run_async(make_coroutine):
    """asyncio.run(make_coroutine()), also from inside a running loop (a Jupyter kernel has one): then the
    coroutine gets its own loop in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
