"""A pytest plugin for the page matrix: writes every test's outcome as JSON to $ATLAS_PAGE_MATRIX_REPORT.

Loaded with `-p atlas.in_release.page_matrix_plugin` inside a release's environment (any pytest from 6 on).
{"django": "4.2.30", "python": "3.12.1", "tests": {node id: "passed" | "failed" | "skipped: reason" | "not applicable: reason"}}
The suite's own run records the newest release's outcomes with the same `Outcomes` (tests/support/newest_pages.py).
"""
import json
import os
import platform


class Outcomes:
    """Each test's outcome, from pytest's reports: the first failure or skip wins over a later pass."""

    def __init__(self):
        self.tests = {}

    def pytest_runtest_logreport(self, report):
        known = self.tests.get(report.nodeid)
        if report.failed:
            self.tests[report.nodeid] = "failed"
        elif report.skipped and known is None:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.tests[report.nodeid] = "skipped: " + reason
        elif report.when == "call" and report.passed and known is None:
            self.tests[report.nodeid] = "passed"

    def pytest_deselected(self, items):
        for item in items:  # tests/conftest.py: marked since("X.Y") and this Django is older
            mark = item.get_closest_marker("since")
            if mark is not None:
                self.tests[item.nodeid] = f"not applicable: checks behaviour Django {mark.args[0]} added"

    def pytest_collectreport(self, report):
        if report.failed:  # a module that does not even import on this release
            self.tests[report.nodeid or "<collection>"] = "failed"

    def report(self):
        import django

        return {"django": django.get_version(), "python": platform.python_version(), "tests": self.tests}


_outcomes = Outcomes()


def pytest_runtest_logreport(report):
    _outcomes.pytest_runtest_logreport(report)


def pytest_deselected(items):
    _outcomes.pytest_deselected(items)


def pytest_collectreport(report):
    _outcomes.pytest_collectreport(report)


def pytest_sessionfinish(session):
    target = os.environ.get("ATLAS_PAGE_MATRIX_REPORT")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(_outcomes.report(), handle, indent=1)
