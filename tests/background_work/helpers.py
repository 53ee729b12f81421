"""Run worker processes (which listen on no port) with bounded waits, and poll for a condition."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from atlas.core.paths import ROOT
from tests.support import servers
from tests.support.waiting import wait_until  # noqa: F401 (the tests of this folder import it from here)


def demo_env(**extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="snippets.demo.settings")
    env.update(extra)
    return env


def migrate(db_path: Path) -> None:
    """Create the demo project's tables (django_tasks_db's included) in a file SQLite database."""
    subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=demo_env(DEMO_DB=str(db_path)), check=True, timeout=120)


def running_process(argv: list[str], env: dict):
    """A background process (a task worker) that is stopped with SIGTERM, then SIGKILL, afterwards."""
    return servers.running_process(argv, env, stop_timeout=15)
