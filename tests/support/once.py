"""Work done once per test run, shared by the parallel workers (pytest -n): the first worker that needs
it computes it under a file lock and saves it as JSON in the run's shared temporary folder; the others
wait on the lock and read it. Long work can be cut in parts (`once_per_run_in_parts`) that idle workers
take over, so one worker does not carry it alone."""
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


def once_per_run(tmp_path_factory, name: str, compute: Callable[[], Any], wait: bool = True) -> Any:
    """compute()'s JSON-able result, computed by one worker of the run and read by the others. With
    wait=False, return BUSY at once if another worker is computing it."""
    folder = shared_tmp(tmp_path_factory)
    saved = folder / f"{name}.json"
    with open(folder / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return BUSY
        if saved.exists():
            return json.loads(saved.read_text())
        result = compute()
        saved.write_text(json.dumps(result))
        return result


BUSY = object()


def once_per_run_in_parts(tmp_path_factory, name: str, count: int, compute: Callable[[int], Any]) -> list:
    """[compute(0), ..., compute(count - 1)], each part computed once per run: a worker takes every part
    no other worker has started, then waits for the parts others are computing."""
    results = [once_per_run(tmp_path_factory, f"{name}-{i}", lambda i=i: compute(i), wait=False)
               for i in range(count)]
    return [once_per_run(tmp_path_factory, f"{name}-{i}", lambda i=i: compute(i)) if result is BUSY else result
            for i, result in enumerate(results)]
