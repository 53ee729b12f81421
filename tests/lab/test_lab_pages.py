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


PREFIX = "/atlas"  # the path of site_url: Material's instant navigation only takes over links below it


class PrefixedHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site under /atlas/, as GitHub Pages does."""

    def translate_path(self, path):
        return super().translate_path(path[len(PREFIX):] if path.startswith(PREFIX + "/") else "/__missing__")

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(directory):
    handler = functools.partial(PrefixedHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
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
            page.wait_for_load_state("networkidle")  # instant navigation starts once it has the sitemap

            def follow(selector):
                """Click a link; True if Material's instant navigation (XHR) handled it, False if the page reloaded."""
                page.evaluate("window.__labMarker = 'still here'")  # survives only an instant navigation
                page.locator(selector).first.click()
                page.wait_for_load_state("networkidle")
                return page.evaluate("window.__labMarker") == "still here"

            markdown_page_instant = follow(".md-tabs a[href*='learn']")
            page.goto(f"{base}/lab/")
            page.wait_for_load_state("networkidle")
            notebook_instant = follow("article a[href*='threads-vs-tasks']")
            page.wait_for_url("**/lab/threads-vs-tasks/")
            plot = page.locator(".jupyter-wrapper img[src^='data:image/png']").first
            plot.wait_for(state="visible")
            print(f"\ninstant navigation handled: Markdown page {markdown_page_instant}, notebook {notebook_instant}")
            # a notebook link must behave like any other page's link (instant or not, the same way)
            assert notebook_instant == markdown_page_instant
            assert plot.evaluate("img => img.naturalWidth") > 100
            assert page.locator(".jupyter-wrapper .jp-Cell").count() >= 4
            origin = base[: -len(PREFIX)]
            assert [url for url in requests if not url.startswith(origin) and not url.startswith("data:")] == []
        finally:
            browser.close()
