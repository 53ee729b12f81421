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


@contextlib.contextmanager
def started(argv: list[str], port: int, env: dict | None = None, timeout: float = 30.0):
    """Run argv (its own process group), wait until `port` accepts connections, yield the Popen."""
    log = Path(tempfile.mkstemp(prefix="atlas-lab-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=child_env(env), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{argv[:4]} exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            with socket.socket() as sock:
                sock.settimeout(0.2)
                if sock.connect_ex((HOST, port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{argv[:4]} did not listen within {timeout:.0f} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        process.log = log
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.unlink(missing_ok=True)


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
