"""Work done once per test run, shared by the parallel workers (pytest -n): the first worker that needs
it computes it under a file lock and saves it as JSON in the run's shared temporary folder; the others
wait on the lock and read it. (The browser tests need none of this: they all run on one worker,
docs/conftest.py.)"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable


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
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            return json.loads(saved.read_text())
        result = compute()
        saved.write_text(json.dumps(result))
        return result

