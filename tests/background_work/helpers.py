"""Run worker processes (which listen on no port) with bounded waits, and poll for a condition."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from atlas.paths import ROOT


def demo_env(**extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="snippets.demo.settings")
    env.update(extra)
    return env


def migrate(db_path: Path) -> None:
    """Create the demo project's tables (django_tasks_db's included) in a file SQLite database."""
    subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=demo_env(DEMO_DB=str(db_path)), check=True, timeout=120)


@contextlib.contextmanager
def running_process(argv: list[str], env: dict):
    """A background process (a task worker) that is stopped with SIGTERM, then SIGKILL, afterwards."""
    with tempfile.NamedTemporaryFile(prefix="atlas-worker-", suffix=".log", delete=False) as handle:
        log = Path(handle.name)
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    process.log = log
    try:
        yield process
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.unlink(missing_ok=True)


def wait_until(check, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Call check() until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout:.0f} s")
