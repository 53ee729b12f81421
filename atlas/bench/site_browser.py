"""Drive the built site in headless Chromium, as a reader sees it: shared by the browser tests and by
`python -m atlas.bench.site_speed`.

* `serve(site)` serves a built site on a free 127.0.0.1 port under the path of `site_url` (as GitHub
  Pages does: https://django-async-atlas.github.io/atlas/ -> http://127.0.0.1:PORT/atlas/), answering
  a missing page with the site's 404.html and status 404;
* `launch(playwright)` starts Debian's /usr/bin/chromium (Playwright's own browser download is not used);
* `site_pages(site)` lists every page of the build from its sitemap.xml;
* `search(page, query)` types a query into Material's search box and returns the results once the web
  worker has answered.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import re
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from atlas.core.paths import ROOT

HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}
TIMEOUT_MS = 15_000


def site_url() -> str:
    # a regex, not a YAML load: mkdocs.yml may hold !!python/name tags that a safe loader rejects
    # the published address: the value, or the default of `!ENV [ATLAS_SITE_URL, "..."]`
    found = re.search(r"^site_url:.*?(https?://[^'\"\s\]]+)", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE)
    assert found, "mkdocs.yml has no site_url"
    return found.group(1)


def base_path() -> str:
    """The path the site is published under, '/atlas/' for https://django-async-atlas.github.io/atlas/."""
    path = urlsplit(site_url()).path or "/"
    return path if path.endswith("/") else path + "/"


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


GZIP_TYPES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".ipynb"}


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    gzip = False

    def log_message(self, *args):  # keep test output quiet
        pass

    def send_head(self):
        path = urlsplit(self.path).path
        if not path.startswith(self.prefix):
            return self._not_found()
        local = Path(self.translate_path(self.path))
        if local.is_dir() and not (local / "index.html").exists() or not local.exists():
            return self._not_found()
        if path.endswith("/sitemap.xml"):
            return self._sitemap_at_this_origin(local)
        if self.gzip and local.is_dir() and path.endswith("/"):
            local = local / "index.html"
        if self.gzip and local.is_file() and local.suffix in GZIP_TYPES \
                and "gzip" in self.headers.get("Accept-Encoding", ""):
            return self._gzipped(local)
        return super().send_head()

    def _gzipped(self, local: Path):
        """Text compressed as a static host (GitHub Pages, nginx's gzip on) sends it."""
        body = gzip.compress(local.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(local)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _sitemap_at_this_origin(self, local: Path):
        """The sitemap as the published site serves it: its URLs on the origin the site is served from.
        Material's instant navigation maps sitemap URLs to the page's host but keeps their port, so a
        sitemap naming the public host would turn instant navigation off on a test port."""
        public = urlsplit(site_url())
        body = local.read_bytes().replace(
            f"{public.scheme}://{public.netloc}".encode(), f"http://{HOST}:{self.server.server_address[1]}".encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def translate_path(self, path):
        parts = urlsplit(path)
        stripped = parts.path[len(self.prefix) - 1:] if parts.path.startswith(self.prefix) else parts.path
        return super().translate_path(stripped)

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.exists() else b"not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None


@dataclass
class SiteServer:
    port: int
    prefix: str
    site: Path

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def url(self) -> str:
        """The site's home page, e.g. http://127.0.0.1:PORT/atlas/."""
        return self.origin + self.prefix

    def page_url(self, path: str) -> str:
        return self.url + path.lstrip("/")


@contextlib.contextmanager
def serve(site: Path, prefix: str | None = None, gzip: bool = False):
    """Serve the built site folder with http.server in a thread on a free loopback port; with gzip, text
    goes out compressed to clients that accept it."""
    prefix = prefix or base_path()
    handler = type("Handler", (_SiteHandler,), {"prefix": prefix, "gzip": gzip})
    server = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield SiteServer(server.server_address[1], prefix, site)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class RequestTracker:
    """Counts a page's requests in flight, to wait until its network is quiet (cheaper than Playwright's
    networkidle, which always waits 500 ms)."""

    def __init__(self, page):
        self.page = page
        self.pending = 0
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, _request):
        self.pending += 1
        self.last = time.monotonic()

    def _ended(self, _request):
        self.pending = max(0, self.pending - 1)
        self.last = time.monotonic()

    def wait_quiet(self, quiet_s: float = 0.15, timeout_s: float = TIMEOUT_MS / 1000) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pending == 0 and time.monotonic() - self.last >= quiet_s:
                return
            self.page.wait_for_timeout(25)   # lets Playwright deliver the events
        raise TimeoutError(f"{self.pending} requests still in flight after {timeout_s} s")


# An init script (run before the page's own, outside its Content-Security-Policy) that records every
# violation of the policy; CSP_VIOLATIONS reads them.
RECORD_CSP_VIOLATIONS = """
window.__atlasCsp = [];
document.addEventListener('securitypolicyviolation', (e) => {
    const seen = {directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample,
                  source: `${e.sourceFile}:${e.lineNumber}`, page: location.pathname};
    window.__atlasCsp.push(seen);
    if (window.__atlasReportCsp) window.__atlasReportCsp(seen);
});
"""
CSP_VIOLATIONS = "() => window.__atlasCsp || []"


def record_csp_violations(context) -> list[dict]:
    """Every Content-Security-Policy violation in any page of this browser context, across navigations."""
    found: list[dict] = []
    context.expose_function("__atlasReportCsp", lambda violation: found.append(violation))
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return found


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS, timeout=60_000)


def site_pages(site: Path) -> list[str]:
    """Every page of the build as a path relative to the site root ('' for home, 'faq/', ...), from
    sitemap.xml, checked against the index.html files on disk."""
    tree = ET.parse(site / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root_url = site_url()
    paths = []
    for loc in tree.getroot().findall("s:url/s:loc", namespace):
        url = loc.text.strip()
        assert url.startswith(root_url), f"sitemap entry {url} is not under site_url {root_url}"
        paths.append(url[len(root_url):])
    return paths


def all_index_pages(site: Path) -> list[str]:
    return sorted(
        "" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
    )


# --- search ---------------------------------------------------------------------------------------------

@dataclass
class SearchResult:
    title: str         # the page title (h1) or the section heading (h2) the link shows
    href: str          # absolute URL as the browser resolved it
    path: str          # relative to the site root, without Material's ?h= highlight: 'faq/#anchor'
    score: float       # the worker's score, as Material writes it in data-md-score
    item: int          # which result item (one per page) it belongs to, from 0


def open_search(page) -> None:
    """Open the search box: on a wide screen click the field in the header, on a narrow one its icon."""
    query = page.locator("input.md-search__input")
    if not query.is_visible():
        page.locator("label.md-header__button[for=__search]").click()
    query.click()
    query.wait_for(state="visible", timeout=TIMEOUT_MS)


def wait_for_search_ready(page) -> None:
    """Material loads its index in a web worker; until it is ready the results meta says so and no
    result is listed. Wait for the placeholder text 'Type to start searching' (rendered when ready)."""
    page.wait_for_function(
        """() => {
            const meta = document.querySelector('.md-search-result__meta');
            return meta && !/initializing/i.test(meta.textContent) && meta.textContent.trim().length > 0;
        }""",
        timeout=TIMEOUT_MS,
    )


# Installed once per document, for the benchmark's search latency: the time of the last keystroke in the
# search box and of the last change of the result list, both from performance.now().
SEARCH_PROBE = """() => {
    if (window.__atlasSearch) return;
    const probe = window.__atlasSearch = {lastKey: 0, lastChange: 0, changes: 0};
    const box = document.querySelector('input.md-search__input');
    box.addEventListener('keyup', () => { probe.lastKey = performance.now(); }, true);
    const observer = new MutationObserver(() => { probe.lastChange = performance.now(); probe.changes++; });
    for (const selector of ['.md-search-result__list', '.md-search-result__meta']) {
        observer.observe(document.querySelector(selector), {childList: true, subtree: true, characterData: true});
    }
}"""

# Installed before any page script runs (install_search_probe): counts the queries Material's search sends
# to its web worker (message type 2) and the results it gets back (type 3), and notes, two animation frames
# after each result, that the result list has been drawn. The results of the typed query are shown once
# every query sent has been answered and drawn, and the last one sent is the query in the box.
WORKER_PROBE = """(() => {
    const Native = window.Worker;
    if (!Native || window.__atlasWorker) return;
    const probe = window.__atlasWorker = {posted: 0, answered: 0, drawn: 0, lastQuery: null};
    window.Worker = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', event => {
                if (!event.data || event.data.type !== 3) return;
                const answered = ++probe.answered;
                requestAnimationFrame(() => requestAnimationFrame(() => { probe.drawn = Math.max(probe.drawn, answered); }));
            });
        }
        postMessage(message, ...rest) {
            if (message && message.type === 2) { probe.posted++; probe.lastQuery = message.data; }
            return super.postMessage(message, ...rest);
        }
    };
})();"""

SEARCH_SETTLED = """(query) => {
    const probe = window.__atlasWorker;
    const box = document.querySelector('input.md-search__input');
    return !!probe && !!box && box.value === query && probe.lastQuery === query
        && probe.posted > 0 && probe.drawn === probe.posted;
}"""


def install_search_probe(context) -> None:
    """Call on every browser context whose pages search (before opening them): see WORKER_PROBE."""
    context.add_init_script(WORKER_PROBE)


def search(page, query: str, server: SiteServer, type_delay_ms: int | None = None) -> list[SearchResult]:
    """Type `query` into the search box (Material listens to keyup): key by key with `type_delay_ms`
    between keys as a reader does (the benchmark), or else only its last key. Wait until the worker has
    answered every query sent and the results are drawn (WORKER_PROBE), and return them, best first (see
    read_results)."""
    assert page.evaluate("!!window.__atlasWorker"), "the page's context has no search probe: install_search_probe"
    open_search(page)
    wait_for_search_ready(page)
    page.evaluate(SEARCH_PROBE)
    box = page.locator("input.md-search__input")
    if type_delay_ms is None:
        # Material searches on every keyup: fill all but the last character (no keyup), then type it, so
        # the worker answers the whole query once instead of once per prefix
        box.fill(query[:-1])
        box.press_sequentially(query[-1:])
    else:
        box.fill("")
        box.press_sequentially(query, delay=type_delay_ms)
    page.wait_for_function(SEARCH_SETTLED, arg=query, timeout=TIMEOUT_MS, polling="raf")
    return read_results(page, server)


def search_timing(page) -> dict:
    """Milliseconds from the last keystroke to the last change of the results (call after search())."""
    return page.evaluate("""() => {
        const probe = window.__atlasSearch;
        return {ms: probe.lastChange - probe.lastKey, changes: probe.changes};
    }""")


def read_results(page, server: SiteServer) -> list[SearchResult]:
    """The results as a reader sees them, best first: every link shown in the result list (the
    collapsed "N more on this page" excluded), without a page's title when only shown as the heading
    of its matching sections (score 0)."""
    rows = page.eval_on_selector_all(
        ".md-search-result__item",
        """items => items.flatMap((item, index) =>
            Array.from(item.querySelectorAll('a.md-search-result__link'))
                .filter(link => !link.closest('details.md-search-result__more'))
                .map(link => {
                    const article = link.querySelector('article');
                    const heading = link.querySelector('h1, h2');
                    return {href: link.href, item: index,
                            score: parseFloat(article ? article.dataset.mdScore : '0') || 0,
                            title: heading ? heading.textContent.trim() : ''};
                }))""",
    )
    results = []
    for row in rows:
        if row["score"] <= 0:
            continue
        href = row["href"]
        path = href[len(server.url):] if href.startswith(server.url) else href
        path = re.sub(r"\?h=[^#]*", "", path)
        results.append(SearchResult(re.sub(r"\s+", " ", row["title"]), href, path, row["score"], row["item"]))
    return results


def close_search(page) -> None:
    page.keyboard.press("Escape")
