"""How heavy and how quick the built site is for a reader, measured in headless Chromium on loopback.

    python3 dev.py bench site                       # builds the site (--strict) into a temp folder
    python -m tests.browser.bench_site --site DIR   # measures an already built site

Prints figures and a verdict against the budgets below; asserts nothing and exits 0 either way: speed on a
shared machine is a figure to read, not a test to pass (tests/browser/test_bench_site.py runs the code at
a tiny size and checks the verdict's arithmetic):

* per page: bytes transferred, uncompressed (Content-Length of every response, the search index and
  the web worker included), and the request count, against the budget of an article page: under
  400 KB and under 15 requests;
* the home page's first contentful paint (Paint Timing API), cold cache, median of 3;
* search: milliseconds from the last keystroke of a query to the last change of the result list
  (measured in the page: performance.now() in a keyup listener and in a MutationObserver), against
  the budget of 150 ms, typed at 60 ms per key after the index is loaded;
* screenshots (PNG) of the home page, a use-case page and the capability matrix, light and dark,
  desktop 1280x800 and mobile 375x740, into lab-output/screenshots/ (git-ignored).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from atlas.paths import ROOT
from tests.browser import site_browser

PAGE_BUDGET_BYTES = 400 * 1024
PAGE_BUDGET_REQUESTS = 15
SEARCH_BUDGET_MS = 150
SEARCH_QUERIES = ["websocket chat", "chat", "background jobs", "faster", "deadlock", "transaction",
                  "thread memory", "uvicorn", "You cannot call this from an async context"]
SCREENSHOT_DIR = ROOT / "lab-output" / "screenshots"
SCREENSHOT_PAGES = {
    "home": [""],
    "use-case": ["use-cases/server-sent-events/", "use-cases/real-time-chat/", "use-cases/"],
    "matrix": ["versions/matrix/"],
}


@dataclass
class PageWeight:
    path: str
    requests: int
    bytes: int
    by_type: dict = field(default_factory=dict)

    @property
    def within_budget(self) -> bool:
        return self.bytes < PAGE_BUDGET_BYTES and self.requests < PAGE_BUDGET_REQUESTS

    @property
    def bytes_without_search_index(self) -> int:
        return self.bytes - self.by_type.get("fetch", 0) - self.by_type.get("xhr", 0)


@dataclass
class Report:
    pages: list[PageWeight]
    fcp_ms: list[float]
    search_ms: dict[str, float]
    screenshots: list[Path]
    seconds: float = 0.0


def new_context(browser, viewport=site_browser.DESKTOP, scheme="light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    site_browser.install_search_probe(context)
    return context


def weigh(browser, server, paths: list[str], batch: int = 4) -> list[PageWeight]:
    """Load each page with a cold cache (a fresh context) and add up what came over the wire until its
    network is quiet (no request in flight for 300 ms: the search worker fetches its index after load).
    Pages load `batch` at a time: byte and request counts do not depend on timing."""
    weights = []
    for start in range(0, len(paths), batch):
        loads = []
        try:
            for path in paths[start:start + batch]:
                context = new_context(browser)
                page = context.new_page()
                tracker = site_browser.RequestTracker(page)
                responses = []
                page.on("response", lambda response, bucket=responses: bucket.append(response))
                page.evaluate("url => { location.href = url; }", server.page_url(path))   # do not wait
                loads.append((path, context, page, tracker, responses))
            for path, _context, page, tracker, _responses in loads:
                page.wait_for_url(server.page_url(path))
                page.wait_for_load_state("load")
                tracker.wait_quiet(quiet_s=0.3)
            for path, _context, _page, _tracker, responses in loads:
                weight = PageWeight(path, 0, 0)
                for response in responses:
                    if response.url.startswith("data:"):
                        continue
                    size = int(response.headers.get("content-length") or 0)
                    kind = response.request.resource_type
                    weight.requests += 1
                    weight.bytes += size
                    weight.by_type[kind] = weight.by_type.get(kind, 0) + size
                weights.append(weight)
        finally:
            for _path, context, *_rest in loads:
                context.close()
    return weights


def first_contentful_paint(browser, server) -> float:
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(server.url, wait_until="load")
        page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
        return page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0].startTime")
    finally:
        context.close()


def search_latency(browser, server, queries) -> dict[str, float]:
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(server.url)
        site_browser.search(page, "warm up", server)      # loads the index in the worker first
        timings = {}
        for query in queries:
            site_browser.search(page, query, server, type_delay_ms=60)
            timings[query] = site_browser.search_timing(page)["ms"]
        return timings
    finally:
        context.close()


def first_existing(site: Path, candidates: list[str]) -> str | None:
    return next((path for path in candidates if (site / path / "index.html").exists()), None)


def screenshots(browser, server, folder: Path = SCREENSHOT_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, candidates in SCREENSHOT_PAGES.items():
        path = first_existing(server.site, candidates)
        if path is None:
            print(f"  screenshot {name}: none of {candidates} is built yet")
            continue
        for scheme in ("light", "dark"):
            for device, viewport in (("desktop", site_browser.DESKTOP), ("mobile", site_browser.MOBILE)):
                mobile = device == "mobile"
                context = new_context(browser, viewport, scheme, is_mobile=mobile, has_touch=mobile)
                try:
                    page = context.new_page()
                    page.goto(server.page_url(path))
                    page.wait_for_load_state("networkidle")
                    target = folder / f"{name}-{scheme}-{device}.png"
                    page.screenshot(path=str(target))
                    saved.append(target)
                finally:
                    context.close()
    return saved


def run(browser, server, shots: bool = True, pages: list[str] | None = None, fcp_runs: int = 3,
        queries: list[str] = SEARCH_QUERIES) -> Report:
    """Measure every page (or `pages`); the smoke test passes small values."""
    started = time.perf_counter()
    weights = weigh(browser, server, site_browser.site_pages(server.site) if pages is None else pages)
    fcp = [first_contentful_paint(browser, server) for _ in range(fcp_runs)]
    search = search_latency(browser, server, queries)
    saved = screenshots(browser, server) if shots else []
    return Report(weights, fcp, search, saved, time.perf_counter() - started)


@dataclass
class Verdict:
    budget: str
    measured: str
    ok: bool

    def __str__(self) -> str:
        return f"  {'within budget' if self.ok else 'OVER BUDGET':13}  {self.budget}: {self.measured}"


def verdict(report: Report) -> list[Verdict]:
    """Each budget compared with what was measured: page weight and requests (with and without the search
    index, which a reader downloads once per visit), and search latency (the slowest query)."""
    over = [w for w in report.pages if not w.within_budget]
    without_index = [w for w in report.pages
                     if w.bytes_without_search_index >= PAGE_BUDGET_BYTES or w.requests >= PAGE_BUDGET_REQUESTS]
    slowest = max(report.search_ms, key=report.search_ms.get)
    return [
        Verdict(f"every page under {PAGE_BUDGET_BYTES // 1024} KB and {PAGE_BUDGET_REQUESTS} requests, cold",
                f"{len(over)} of {len(report.pages)} pages over"
                + (f" (heaviest /{max(over, key=lambda w: w.bytes).path})" if over else ""), not over),
        Verdict(f"every page under {PAGE_BUDGET_BYTES // 1024} KB without the search index",
                f"{len(without_index)} of {len(report.pages)} pages over", not without_index),
        Verdict(f"search answers within {SEARCH_BUDGET_MS} ms of the last keystroke",
                f"slowest {report.search_ms[slowest]:.0f} ms ({slowest!r})",
                report.search_ms[slowest] <= SEARCH_BUDGET_MS),
    ]


def kb(size: int) -> str:
    return f"{size / 1024:,.1f}"


def format_report(report: Report) -> str:
    lines = [f"Page weight, cold cache (budget for an article: < {PAGE_BUDGET_BYTES // 1024} KB uncompressed, "
             f"< {PAGE_BUDGET_REQUESTS} requests)",
             f"{'page':40} {'requests':>8} {'KB':>9} {'html':>7} {'css':>7} {'js':>7} {'xhr':>7} {'KB-xhr':>7}  budget"]
    for weight in sorted(report.pages, key=lambda w: w.path):
        by = weight.by_type
        index = by.get("fetch", 0) + by.get("xhr", 0)      # search_index.json (worker) and sitemap.xml
        lines.append(f"{'/' + weight.path:40} {weight.requests:>8} {kb(weight.bytes):>9} "
                     f"{kb(by.get('document', 0)):>7} {kb(by.get('stylesheet', 0)):>7} "
                     f"{kb(by.get('script', 0)):>7} {kb(index):>7} {kb(weight.bytes_without_search_index):>7}  "
                     f"{'ok' if weight.within_budget else 'OVER'}")
    heaviest = max(report.pages, key=lambda w: w.bytes)
    lines.append(f"median page {kb(int(statistics.median(w.bytes for w in report.pages)))} KB, "
                 f"heaviest /{heaviest.path} {kb(heaviest.bytes)} KB; "
                 f"{sum(not w.within_budget for w in report.pages)} of {len(report.pages)} pages over budget")
    lines.append("xhr = what Material fetches after load: search/search_index.json for the search worker, "
                 "sitemap.xml for instant navigation; KB-xhr = the page without them. Cold cache: a reader's "
                 "second page reuses the CSS, JS and index from the browser cache.")
    lines.append("")
    lines.append(f"Home page first contentful paint (cold, 3 runs): "
                 + ", ".join(f"{ms:.0f}" for ms in report.fcp_ms)
                 + f" ms; median {statistics.median(report.fcp_ms):.0f} ms")
    lines.append("")
    lines.append(f"Search: last keystroke -> results shown (budget {SEARCH_BUDGET_MS} ms)")
    for query, ms in report.search_ms.items():
        lines.append(f"  {query!r:48} {ms:7.1f} ms  {'ok' if ms <= SEARCH_BUDGET_MS else 'OVER'}")
    values = list(report.search_ms.values())
    lines.append(f"  median {statistics.median(values):.1f} ms, max {max(values):.1f} ms")
    if report.screenshots:
        lines.append("")
        lines.append("Screenshots:")
        lines.extend(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                     for path in report.screenshots)
    lines.append("")
    lines.append("Verdict:")
    lines.extend(str(line) for line in verdict(report))
    lines.append(f"\nbenchmark took {report.seconds:.1f} s")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build one with --strict)")
    parser.add_argument("--no-screenshots", action="store_true")
    args = parser.parse_args(argv)
    if site_browser.chromium_path() is None:
        print("chromium is not installed (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as scratch:
        site = args.site
        if site is None:
            from tests.support.sitebuild import build

            result = build(ROOT, Path(scratch) / "site")
            if result.returncode != 0:
                print(result.output, file=sys.stderr)
                return 1
            site = result.site
        with site_browser.serve(site) as server, sync_playwright() as playwright:
            browser = site_browser.launch(playwright)
            try:
                report = run(browser, server, shots=not args.no_screenshots)
            finally:
                browser.close()
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
