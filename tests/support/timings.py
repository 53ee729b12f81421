"""How long each test took, its CPU time and on which worker: what `python3 dev.py bench suite` prints (the
slowest tests, the costliest in CPU, each worker's busy time) and what the parallel scheduler orders by
(docs/conftest.py: slowest first).

Registered by tests/conftest.py; records in the controller (or the only process) and writes
.cache/timings/last-run.json (this run) and .cache/timings/durations.json (every test's latest duration,
merged over runs, so a run of a few tests keeps the others' figures). Nothing here asserts a time.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from atlas.core.installer import machine_cache
from atlas.core.paths import ROOT
from tests.support.once import WAITED

FOLDER = ROOT / ".cache" / "timings"
LAST_RUN = FOLDER / "last-run.json"
DURATIONS = FOLDER / "durations.json"
# every clone's latest times, merged, once per machine: a fresh clone's first run is ordered by them
MACHINE_DURATIONS = machine_cache() / "timings" / "durations.json"


def load_durations(path: Path = DURATIONS) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def cpu_seconds() -> float:
    """This process's CPU time and that of the children it has waited for (servers a test stopped, the
    subprocesses it ran); not Chromium's, which outlives the tests that use it."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class CpuClock:
    """Where the tests run (each worker, or the only process): a test's CPU time, from the start of its
    setup to the end of its teardown, carried to the recorder in the teardown report."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item) -> None:
        item.stash[CPU_AT_SETUP] = cpu_seconds()
        item.stash[WAITED_AT_SETUP] = WAITED[0]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.when == "teardown" and CPU_AT_SETUP in item.stash:
            report.user_properties.append(("cpu_seconds", round(cpu_seconds() - item.stash[CPU_AT_SETUP], 2)))
            report.user_properties.append(("waited_seconds", round(WAITED[0] - item.stash[WAITED_AT_SETUP], 2)))
        return report


CPU_AT_SETUP = pytest.StashKey[float]()
WAITED_AT_SETUP = pytest.StashKey[float]()


class Recorder:
    def __init__(self) -> None:
        self.tests: dict[str, list] = {}   # node id -> [seconds (setup + call + teardown), worker, CPU-s]
        self.waited: dict[str, float] = {}  # node id -> seconds it waited for another worker (tests/support/once.py)
        self.started = time.time()

    def pytest_runtest_logreport(self, report) -> None:
        gateway = getattr(getattr(report, "node", None), "gateway", None)   # pytest-xdist's controller side
        entry = self.tests.setdefault(report.nodeid, [0.0, gateway.id if gateway else "main", 0.0])
        entry[0] += report.duration
        entry[2] += dict(report.user_properties).get("cpu_seconds", 0.0)
        self.waited[report.nodeid] = self.waited.get(report.nodeid, 0.0) + dict(report.user_properties).get(
            "waited_seconds", 0.0)

    def pytest_sessionfinish(self, session) -> None:
        if not self.tests:
            return
        workers: dict[str, float] = {}
        for seconds, worker, _cpu in self.tests.values():
            workers[worker] = workers.get(worker, 0.0) + seconds
        FOLDER.mkdir(parents=True, exist_ok=True)
        last = {"wall": round(time.time() - self.started, 1), "workers": {w: round(s, 1) for w, s in sorted(workers.items())},
                "tests": {n: [round(s, 2), w, round(c, 2)] for n, (s, w, c) in self.tests.items()}}
        write(LAST_RUN, last)
        # what orders the next run (slowest_first): a test's own time, without its wait for another worker
        own = {n: round(max(0.0, s - self.waited.get(n, 0.0)), 2) for n, (s, _w, _c) in self.tests.items()}
        write(DURATIONS, load_durations(DURATIONS) | own)
        MACHINE_DURATIONS.parent.mkdir(parents=True, exist_ok=True)
        write(MACHINE_DURATIONS, load_durations(MACHINE_DURATIONS) | own)


def recorded_durations() -> dict[str, float]:
    """Each test's latest own time: this clone's, else the one another clone of this machine recorded."""
    return load_durations(MACHINE_DURATIONS) | load_durations(DURATIONS)


def write(path: Path, data: dict) -> None:
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(data, indent=0, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)


def register(config) -> None:
    if config.pluginmanager.has_plugin("atlas.in_release.page_matrix_plugin"):
        return   # a page-matrix run: an older release's, inside a test that is timed itself
    if config.getoption("dist", "no") == "no" or os.environ.get("PYTEST_XDIST_WORKER"):
        config.pluginmanager.register(CpuClock(), "atlas-cpu-clock")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return   # workers' reports reach the controller, which records
    config.pluginmanager.register(Recorder(), "atlas-timings")


# a test with no recorded time yet in a module with `matrix` tests (they install and run old releases)
UNRECORDED_MATRIX_SECONDS = 60.0


def slowest_first(workqueue) -> None:
    """Order the work so the longest units start first and the short ones fill the gaps at the end, instead
    of one release matrix ending the run: by each test's last recorded time (.cache/timings/durations.json, or
    in a fresh clone this machine's: recorded_durations), a test not recorded yet counting as slow when its
    module has matrix tests."""
    recorded = recorded_durations()
    matrix_files: dict[str, bool] = {}

    def expected(nodeid: str) -> float:
        if nodeid in recorded:
            return recorded[nodeid]
        path = nodeid.split("::", 1)[0]
        if path not in matrix_files:
            try:
                matrix_files[path] = "mark.matrix" in (ROOT / path).read_text(encoding="utf-8")
            except OSError:
                matrix_files[path] = False
        return UNRECORDED_MATRIX_SECONDS if matrix_files[path] else 0.0

    units = sorted(workqueue.items(), key=lambda unit: -sum(map(expected, unit[1])))  # stable: ties keep order
    workqueue.clear()
    workqueue.update(units)
