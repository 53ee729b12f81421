"""A pytest plugin for the page matrix: writes every test's outcome as JSON to $ATLAS_PAGE_MATRIX_REPORT.

Loaded with `-p atlas.in_release.page_matrix_plugin` inside a release's environment (any pytest from 6 on).
{"django": "4.2.30", "python": "3.12.1", "tests": {node id: "passed" | "failed" | "skipped: reason" | "not applicable: reason"}}
"""
import json
import os
import platform

_outcomes = {}


def pytest_runtest_logreport(report):
    known = _outcomes.get(report.nodeid)
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.skipped and known is None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _outcomes[report.nodeid] = f"skipped: {reason}"
    elif report.when == "call" and report.passed and known is None:
        _outcomes[report.nodeid] = "passed"


def pytest_deselected(items):
    for item in items:  # tests/conftest.py: marked since("X.Y") and this Django is older
        mark = item.get_closest_marker("since")
        if mark is not None:
            _outcomes[item.nodeid] = f"not applicable: checks behaviour Django {mark.args[0]} added"


def pytest_collectreport(report):
    if report.failed:  # a module that does not even import on this release
        _outcomes[report.nodeid or "<collection>"] = "failed"


def pytest_sessionfinish(session):
    import django

    target = os.environ.get("ATLAS_PAGE_MATRIX_REPORT")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump({"django": django.get_version(), "python": platform.python_version(),
                       "tests": _outcomes}, handle, indent=1)
