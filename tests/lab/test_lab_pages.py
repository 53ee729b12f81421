"""The built lab pages: notebooks render with their plots, load nothing from outside hosts, and survive
Material's instant navigation (headless Chromium)."""
import contextlib
import functools
import http.server
import re
import threading

import pytest

from tests.support.tools import require_tool

NOTEBOOK_PAGES = ["threads-vs-tasks", "sync-vs-async-under-load", "fan-out", "cpu-bound"]
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"", re.IGNORECASE)

pytestmark = pytest.mark.build


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebook_page_renders_outputs_and_loads_nothing_external(built_site, name):
    html = (built_site.site / "lab" / name / "index.html").read_text()
    assert "data:image/png;base64," in html, "the stored plot is not on the page"
    assert "Applies to <strong>Django" in html
    external = [tag for tag in EXTERNAL.findall(html) if 'rel="canonical"' not in tag]
    assert external == [], external
    assert "cdn.jsdelivr" not in html and "mathjax" not in html.lower()
    assert (built_site.site / "lab" / name / f"{name}.ipynb").exists()  # include_source: the download


@contextlib.contextmanager
def serving(directory):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_instant_navigation_from_the_lab_index_to_a_notebook_shows_its_plot(built_site):
    chromium = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with serving(built_site.site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--headless"])
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            requests = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(f"{base}/lab/")
            page.evaluate("window.__labMarker = 'still here'")  # survives only an instant (XHR) navigation
            page.locator("article a[href*='threads-vs-tasks']").first.click()
            page.wait_for_url("**/lab/threads-vs-tasks/")
            plot = page.locator(".jupyter-wrapper img[src^='data:image/png']").first
            plot.wait_for(state="visible")
            assert page.evaluate("window.__labMarker") == "still here", "the click was a full page load"
            assert plot.evaluate("img => img.naturalWidth") > 100
            assert page.locator(".jupyter-wrapper .jp-Cell").count() >= 4
            assert [url for url in requests if not url.startswith(base) and not url.startswith("data:")] == []
        finally:
            browser.close()
