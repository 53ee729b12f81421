"""Sybil collects every docs/**/*.md page; atlas/site/doc_examples.py says how blocks run."""
from pathlib import Path

import pytest

from atlas.site.doc_examples import make_sybil

DOCS = Path(__file__).parent
_page_with_database = [None]


@pytest.fixture
def docs_database(request, django_db_setup, django_db_blocker):
    """The demo project's database (migrated): empty when a page starts, shared by that page's blocks."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        if _page_with_database[0] != request.node.path:
            _page_with_database[0] = request.node.path
            call_command("flush", interactive=False, verbosity=0)
        yield


# Sybil items do not get autouse fixtures, so the database fixture is requested by name.
pytest_collect_file = make_sybil(DOCS, fixtures=["docs_database"]).pytest()


def pytest_collection_modifyitems(items):
    """Mark page examples as database users, so pytest-django creates the test database for them."""
    for item in items:
        if Path(str(item.path)).is_relative_to(DOCS) and item.path.suffix == ".md":
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.hookimpl(optionalhook=True)  # runs without pytest-xdist (page-matrix environments) ignore it
def pytest_xdist_make_scheduler(config, log):
    """Parallel runs (pytest-xdist) keep each page's examples on one worker, as its blocks share one
    namespace, run every browser test on one worker, and spread every other test on its own. (xdist's
    `loadgroup` would do it with a marker, but it renames node ids, which pytest 9 no longer allows.)

    Why one worker for Chromium: a browser test keeps both cores of this machine busy by itself (the
    renderer, the browser and the driver are separate processes), so the browser tests take as long on one
    worker as on four (measured: 142 s either way) and cost a fifth more CPU on four. That worker takes them
    first, then other tests: Chromium is a package fixture (tests/browser/conftest.py), so it closes, with
    the event loop Playwright's sync API keeps running, before the worker's next test starts its own.
    Every other unit goes out slowest first (slowest_first)."""
    if config.getvalue("dist") != "load":
        return None  # a scheduling the run asked for (--dist ...)
    from xdist.scheduler import LoadScopeScheduling

    # a run that leaves the browser out (`dev.py check`: -m "not browser and ...") keeps no worker for the
    # rest of tests/browser/ (page weight, the gzip server): they spread like any other test
    browser_runs = "not browser" not in (config.getvalue("markexpr") or "")

    class PagesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path.startswith(BROWSER_TESTS) and browser_runs:
                return BROWSER_TESTS
            return path if path.startswith("docs/") and path.endswith(".md") else nodeid

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "_slowest_first", False):   # once, when the first work is handed out
                self._slowest_first = True
                from tests.support.timings import slowest_first

                slowest_first(self.workqueue)
            if BROWSER_TESTS in self.workqueue and len(self.workqueue) > 1:
                # several workers: the browser tests go first, to the first worker; one worker: last
                self.workqueue.move_to_end(BROWSER_TESTS, last=len(self.nodes) < 2)
            super()._assign_work_unit(node)

    return PagesTogether(config, log)


BROWSER_TESTS = "tests/browser/"
