import time
from pathlib import Path

import pytest

from atlas.paths import ROOT
from tests.support.sitebuild import build


def pytest_sessionstart(session):
    """Write the generated pages before collection, so the tests that walk docs/ (front matter, Sybil,
    snippet policy) see the same pages on a fresh clone as after a build (atlas/generate.py)."""
    from atlas import generate

    generate.write()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real site, built once per test session with --strict; tests read its files."""
    site = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    result = build(ROOT, site)
    result.seconds = time.perf_counter() - started
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.output}"
    print(f"\nsite built in {result.seconds:.1f} s")
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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Leave out tests marked `since("X.Y")` on a Django older than X.Y: they check behaviour the page
    says that release added. The page matrix records them as not applicable there, with the reason."""
    import django

    running = django.VERSION[:2]
    older = [item for item in items if (mark := item.get_closest_marker("since"))
             and running < tuple(int(n) for n in mark.args[0].split("."))]
    if older:
        config.hook.pytest_deselected(items=older)
        items[:] = [item for item in items if item not in older]
    order_browser_tests_last(items)


def order_browser_tests_last(items):
    """Run the browser tests last. Playwright's sync API keeps an event loop running in the main thread
    while its browser is open (a session fixture), and code that starts its own loop (asyncio.run,
    async_to_sync, pytest-asyncio) cannot run under it."""
    browser_dir = Path(__file__).parent / "browser"
    uses_browser = [item for item in items
                    if item.get_closest_marker("browser") or Path(str(item.path)).is_relative_to(browser_dir)]
    if uses_browser:
        chosen = set(map(id, uses_browser))
        items[:] = [item for item in items if id(item) not in chosen] + uses_browser
