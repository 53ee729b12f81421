import os
import tempfile
import time
from pathlib import Path

import pytest

from atlas.core import cycles
from atlas.core.data_stamp import steady_data
from atlas.core.paths import ROOT
from tests.support import markers, parts, snippet_use, timings
from tests.support.once import once_per_run, shared_tmp
from tests.support.page_ranges import out_of_range
from tests.support.sitebuild import Build, build


def pytest_sessionstart(session):
    """Write the generated pages before collection, so the tests that walk docs/ (front matter, Sybil,
    snippet policy) see the same pages on a fresh clone as after a build (atlas/site/generate.py)."""
    if session.config.pluginmanager.has_plugin("atlas.in_release.page_matrix_plugin"):
        return  # a page-matrix run on an older release: the run that started it has generated the pages
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a parallel worker: the controller wrote them before it started the workers
    from atlas.site import generate

    generate.write()


@pytest.hookimpl(wrapper=True)
def pytest_collection(session):
    """Collection only reads docs/data (parameters come from it): one stamp for all of it, not one per
    lookup (atlas/core/data_stamp.py)."""
    with steady_data():
        return (yield)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real site, built once per run with --strict (the first worker builds it, the others reuse it:
    tests/support/once.py); tests read its files."""
    def build_it():
        started = time.perf_counter()
        result = build(ROOT, shared_tmp(tmp_path_factory) / "site", shared=True)
        print(f"\nsite built in {time.perf_counter() - started:.1f} s")
        return result.saved()
    saved = once_per_run(tmp_path_factory, "built-site", build_it)
    result = Build.from_saved(saved)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.output}"
    return result


@pytest.fixture(scope="session")
def redis_server():
    """A private redis-server on a free loopback port for the whole session (no persistence)."""
    from tests.support.servers import running_server
    from tests.support.tools import require_tool

    executable = require_tool("redis-server", "redis-server")
    command = [executable, "--port", "{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    with running_server(command) as server:
        server.redis_url = f"redis://127.0.0.1:{server.port}/0"
        yield server


@pytest.fixture(scope="session")
def postgresql_server():
    """A throwaway PostgreSQL cluster for the whole session (snippets/lab/pg.py: initdb in a temporary
    directory, run as `nobody` under root, since PostgreSQL refuses root)."""
    from snippets.lab import pg
    from tests.support.tools import INSTALL_HINT, missing_in_ci_or_skip

    if pg.bin_dir() is None:
        missing_in_ci_or_skip("PostgreSQL is not installed; " + INSTALL_HINT.format(package="postgresql"))
    markers.require_marker("server", "starts PostgreSQL")
    with pg.cluster(max_connections=60) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item):
    """Remember the running test: helpers that start servers, Chromium or a build check its marker
    (tests/support/markers.py)."""
    markers.current = item
    try:
        return (yield)
    finally:
        markers.current = None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Leave out tests marked `since("X.Y")` on a Django older than X.Y: they check behaviour the page
    says that release added. The page matrix records them as not applicable there, with the reason."""
    import django

    parts.select(config, items)   # `--part X [--release Y]`: one CI job's share
    running = django.VERSION[:2]
    older = [item for item in items if (mark := item.get_closest_marker("since"))
             and running < tuple(int(n) for n in mark.args[0].split("."))]
    if older:
        config.hook.pytest_deselected(items=older)
        items[:] = [item for item in items if item not in older]
    skips = out_of_range("{}.{}".format(*running))  # the lock may pin an older release than a page needs
    for item in items:
        path = Path(str(item.path))
        reason = next((why for tests, why in skips.items() if path == tests or path.is_relative_to(tests)), None)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
    for item in items:  # the first test of a run to ask for the built site builds it, whichever that is
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.build)
    order_browser_tests_last(items)


def order_browser_tests_last(items):
    """Run the browser tests last. Playwright's sync API keeps an event loop running in the main thread
    while its browser is open (a package fixture: it closes after the last of them), and code that starts
    its own loop (asyncio.run, async_to_sync, pytest-asyncio) cannot run under it. (With parallel workers,
    docs/conftest.py gives every test in tests/browser/ to one worker, which runs them first.)"""
    browser_dir = Path(__file__).parent / "browser"
    uses_browser = [item for item in items if Path(str(item.path)).is_relative_to(browser_dir)]
    elsewhere = [item.nodeid for item in items
                 if item.get_closest_marker("browser") and not Path(str(item.path)).is_relative_to(browser_dir)]
    if elsewhere:
        raise pytest.UsageError(f"browser tests outside tests/browser/: {elsewhere}. Move them there: the "
                                "parallel scheduler (docs/conftest.py) gives that folder to one worker.")
    if uses_browser:
        chosen = set(map(id, uses_browser))
        items[:] = [item for item in items if id(item) not in chosen] + uses_browser


def pytest_addoption(parser):
    parts.add_options(parser)
    parser.addoption("--whole-run", action="store_true",
                     help="the run is the whole suite (or CI's suite part): also check what needs every test's "
                          "outcome, and fail the run on a problem: every snippet a page shows ran (coverage, "
                          "tests/support/snippet_use.py) and every page claiming the newest release passed here "
                          "(tests/support/newest_pages.py); `python3 dev.py test` without arguments turns it on")


def pytest_configure(config):
    cycles.collect_less_often()  # a worker spent a tenth of its CPU time in cycle passes (atlas/core/cycles.py)
    timings.register(config)   # each test's time and worker: `dev.py bench suite`, the scheduler's order
    parts.register(config)     # every collected test, for the check that CI's jobs run them all
    if not config.getoption("whole_run"):
        return
    if not os.environ.get("PYTEST_XDIST_WORKER"):     # the controller sees every worker's reports
        # imported here, not at the top: it reads data files with packages that an older release's
        # page-matrix environment lacks
        from tests.support import newest_pages

        config.atlas_newest_pages = newest_pages.NewestPages()
        config.pluginmanager.register(config.atlas_newest_pages, "atlas-newest-pages")
    if not os.environ.get("PYTEST_XDIST_WORKER"):     # the controller (or a single process) sets up
        data_dir = Path(tempfile.mkdtemp(prefix="atlas-snippet-use-"))
        snippet_use.write_config(data_dir)
        os.environ[snippet_use.ENV_DIR] = str(data_dir)  # inherited by the workers and the servers
        if config.getoption("dist", "no") != "no":
            return                                       # the workers run the tests and record
    config.atlas_recorder = snippet_use.start(Path(os.environ[snippet_use.ENV_DIR]))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    config = session.config
    recorder = getattr(config, "atlas_recorder", None)
    if recorder is not None:
        recorder.stop()
        recorder.save()
    if not config.getoption("whole_run") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from tests.support import newest_pages

    newest_pages.report(config.atlas_newest_pages, session)
    data_dir = Path(os.environ[snippet_use.ENV_DIR])
    shown = sorted(snippet_use.shown_snippets())
    problems = snippet_use.unexercised(snippet_use.executed_lines(data_dir), shown)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    reporter.write_sep("=", f"snippet use: {len(shown) - len(problems)} of {len(shown)} shown snippets ran",
                       red=bool(problems), green=not problems)
    for problem in problems:
        reporter.write_line(problem)
    if problems:
        reporter.write_line("A snippet a page shows needs a test that runs it (tests/support/snippet_use.py).")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
