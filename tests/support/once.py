"""Work done once per test run, shared by the parallel workers (pytest -n): the first worker that needs
it computes it under a file lock and saves it as JSON in the run's shared temporary folder; the others
wait on the lock and read it. (The browser tests need none of this: they all run on one worker,
docs/conftest.py.)"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable

# seconds this process spent waiting for work another worker did: not a test's own time, so the recorded
# durations leave it out (tests/support/timings.py); else the test that waited for the site build counts as
# slow, goes first in the next run, and waits beside the build again
WAITED = [0.0]


def shared_tmp(tmp_path_factory) -> Path:
    """A temporary folder shared by the parallel workers of one run, or this run's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_scratch(tmp_path_factory, name: str) -> Path:
    """An empty folder in the run's shared temporary folder, for work done by once_per_run (a folder left by
    a worker whose attempt failed is cleared first)."""
    folder = shared_tmp(tmp_path_factory) / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def once_per_run(tmp_path_factory, name: str, compute: Callable[[], Any]) -> Any:
    """compute()'s JSON-able result, computed by one worker of the run and read by the others."""
    folder = shared_tmp(tmp_path_factory)
    saved = folder / f"{name}.json"
    with open(folder / f"{name}.lock", "w") as lock:
        started = time.perf_counter()
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            WAITED[0] += time.perf_counter() - started
            return json.loads(saved.read_text())
        result = compute()
        saved.write_text(json.dumps(result))
        return result

