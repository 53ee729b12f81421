"""The parts of `python3 dev.py test` that CI runs as parallel jobs (.github/workflows/ci.yml):

    python3 dev.py test --part suite                   # everything but the browser tests and the release matrices
    python3 dev.py test --part browser                 # tests/browser/ (headless Chromium)
    python3 dev.py test --part matrices --release 4.2  # the release matrices' tests of one release
    python3 dev.py test --part matrices --release cross  # the matrix tests that span every release

Every test belongs to exactly one part (and a matrix test to one release or to "cross"), so the jobs together
run the whole suite; tests/site/test_ci_parts.py checks the workflow against this. Without --part, nothing is
left out.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from atlas.core.paths import ROOT

PARTS = ("suite", "browser", "matrices")
CROSS = "cross"   # matrix tests that read or run every release at once
BROWSER_DIR = ROOT / "tests" / "browser"
#: every test this run collected, before any selection (-m, -k, --part): tests/site/test_ci_parts.py
COLLECTED: list = []


class Collected:
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items) -> None:
        COLLECTED[:] = list(items)


def part_of(item) -> str:
    if Path(str(item.path)).is_relative_to(BROWSER_DIR):
        return "browser"
    return "matrices" if item.get_closest_marker("matrix") else "suite"


def release_of(item) -> str | None:
    """A matrix test's release: its `version` or `release` parameter; CROSS for the others."""
    if part_of(item) != "matrices":
        return None
    from atlas.data.versions_data import load_releases

    params = getattr(getattr(item, "callspec", None), "params", {})
    value = params.get("version", params.get("release"))
    return value if value in {r.version for r in load_releases()} else CROSS


def register(config) -> None:
    config.pluginmanager.register(Collected(), "atlas-collected")


def add_options(parser) -> None:
    parser.addoption("--part", choices=PARTS, help="run one part of the suite, as a CI job does (tests/support/parts.py)")
    parser.addoption("--release", help="with --part matrices: one release's matrix tests (X.Y), or 'cross'")


def select(config, items) -> None:
    part, release = config.getoption("part"), config.getoption("release")
    if release and part != "matrices":
        raise pytest.UsageError("--release goes with --part matrices")
    if not part:
        return
    kept = [i for i in items if part_of(i) == part and (release is None or release_of(i) == release)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
