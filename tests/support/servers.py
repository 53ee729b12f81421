"""Start real servers (uvicorn, daphne, redis-server, ...) on free loopback ports for a test, and stop them.

    with running_server(["uvicorn", "snippets.demo.asgi:application", "--port", "{port}"]) as server:
        httpx.get(server.url + "/hello/")

`{port}` in the command is replaced by a free port; the context waits until the port accepts connections
(or the process dies, which fails with its output) and terminates the process afterwards.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from atlas.core.paths import ROOT
from tests.support import snippet_use
from tests.support.markers import require_marker

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening:\n{log.read_text()}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {HOST}:{port} within {timeout:.0f} s:\n{log.read_text()}")


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def python_tool(module: str) -> list[str]:
    """Run a server's module with the suite's own interpreter (no reliance on PATH)."""
    return [sys.executable, "-m", module]


@contextlib.contextmanager
def running_process(argv: list[str], env: dict | None = None, stop_signal: int = signal.SIGTERM,
                    stop_timeout: float = 10.0):
    """A background process (a server, a task worker) in its own process group, its output in a log file
    (`process.log`); stopped afterwards with `stop_signal`, then SIGKILL if it lingers."""
    require_marker("server", f"starts {' '.join(argv[:3])}")
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="snippets.demo.settings")
    if os.environ.get(snippet_use.ENV_DIR):   # the run records which snippets run (--snippet-use)
        full_env.update(snippet_use.subprocess_env(os.environ[snippet_use.ENV_DIR]))
    full_env.update(env or {})
    with tempfile.NamedTemporaryFile(prefix="atlas-process-", suffix=".log", delete=False) as handle:
        log = Path(handle.name)
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    process.log = log
    try:
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
def running_server(command: list[str], env: dict | None = None, port: int | None = None,
                   timeout: float = 30.0, stop_signal: int = signal.SIGTERM):
    port = port or free_port()
    argv = [part.replace("{port}", str(port)) for part in command]
    with running_process(argv, env, stop_signal) as process:
        wait_for_port(port, process, process.log, timeout)
        yield Server(port, process, process.log)
