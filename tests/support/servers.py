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
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas.core.paths import ROOT
from snippets.lab import procs
from snippets.lab.procs import HOST, free_port
from tests.support import snippet_use
from tests.support.markers import require_marker


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
    """A background process (a server, a task worker), started by the project's one helper
    (snippets/lab/procs.running), with the demo settings and, under --whole-run, coverage."""
    require_marker("server", f"starts {' '.join(argv[:3])}")
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="snippets.demo.settings")
    if os.environ.get(snippet_use.ENV_DIR):   # the run records which snippets run (--whole-run)
        full_env.update(snippet_use.subprocess_env(os.environ[snippet_use.ENV_DIR]))
    full_env.update(env or {})
    with procs.running(argv, full_env, stop_signal=stop_signal, stop_timeout=stop_timeout) as process:
        yield process


@contextlib.contextmanager
def running_server(command: list[str], env: dict | None = None, port: int | None = None,
                   timeout: float = 30.0, stop_signal: int = signal.SIGTERM):
    port = port or free_port()
    argv = [part.replace("{port}", str(port)) for part in command]
    with running_process(argv, env, stop_signal) as process:
        procs.wait_for_port(port, process, process.log, timeout)
        yield Server(port, process, process.log)
