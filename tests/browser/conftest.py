"""Fixtures of the browser suite: one headless Chromium per session, the built site served on loopback,
and axe-core installed from the npm registry (tests/browser/package-lock.json) into .cache/."""
from __future__ import annotations

import fcntl
import time
from pathlib import Path

import pytest

from atlas.bench import npm_install, site_browser
from atlas.core.paths import CACHE
from tests.support.markers import require_marker
from tests.support.tools import missing_in_ci_or_skip, require_tool

HERE = Path(__file__).resolve().parent
AXE_CACHE = CACHE / "browser-npm"


def pytest_collection_modifyitems(items):
    """A test here that uses the browser is marked `browser` (tests of plain helpers stay in `dev.py check`)."""
    for item in items:
        if Path(str(item.fspath)).parent == HERE and "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built site on a free 127.0.0.1 port, under the path of site_url (/atlas/), 404.html for misses."""
    with site_browser.serve(built_site.site) as server:
        yield server


@pytest.fixture(scope="session")
def gzip_site_server(built_site):
    """The built site served gzip-compressed, as a static host serves it: what the page-weight benchmark weighs."""
    with site_browser.serve(built_site.site, gzip=True) as server:
        yield server


# package scope: Chromium closes after the last browser test, and with it the event loop Playwright's sync
# API keeps running, so the worker that ran them can take other tests (docs/conftest.py)
@pytest.fixture(scope="package")
def browser():
    require_tool("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.lock
        missing_in_ci_or_skip("playwright is not installed in the virtualenv")
    started = time.perf_counter()
    with sync_playwright() as playwright:
        require_marker("browser", "starts Chromium")
        chromium = site_browser.launch(playwright)
        yield chromium
        chromium.close()
    print(f"\nbrowser session: {time.perf_counter() - started:.1f} s")


@pytest.fixture
def context(browser):
    """A fresh browser context (own storage, viewport 1280x800) per test: cheap, isolates localStorage.
    Whatever the test does (search, palette, instant navigation), the pages' Content-Security-Policy must
    refuse nothing: a violation fails the test when it ends."""
    ctx = browser.new_context(viewport=site_browser.DESKTOP)
    ctx.set_default_timeout(site_browser.TIMEOUT_MS)
    violations = site_browser.record_csp_violations(ctx)
    site_browser.install_search_probe(ctx)
    yield ctx
    ctx.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="package")
def shared_page(browser):
    """One page reused by the tests that only read (search queries): avoids reloading the index."""
    ctx = browser.new_context(viewport=site_browser.DESKTOP)
    ctx.set_default_timeout(site_browser.TIMEOUT_MS)
    violations = site_browser.record_csp_violations(ctx)
    site_browser.install_search_probe(ctx)
    yield ctx.new_page()
    ctx.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js, installed with `npm ci` from tests/browser/package-lock.json into .cache/browser-npm
    the first time (the lock pins the version; npm checks its integrity hash)."""
    AXE_CACHE.mkdir(parents=True, exist_ok=True)
    with open(AXE_CACHE.parent / "browser-npm.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)   # parallel workers (pytest -n) share .cache/
        return _install_axe()


def _install_axe() -> Path:
    return npm_install.installed(HERE, AXE_CACHE, "node_modules/axe-core/axe.min.js", lambda: require_tool("npm"))
