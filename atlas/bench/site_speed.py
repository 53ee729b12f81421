"""How heavy and how quick the built site is for a reader, measured in headless Chromium on loopback.

    python3 dev.py bench site                       # builds the site (--strict) into a temp folder
    python -m atlas.bench.site_speed --site DIR   # measures an already built site

Serves the site gzip-compressed, as a static host does. Prints figures and a verdict against the budgets;
asserts nothing and exits 0 either way: speed on a shared machine is a figure to read, not a test to pass
(tests/browser/test_site_speed.py runs the code at a tiny size and checks the verdict's arithmetic):

* per page: what a first visit transfers and its requests, weighed by atlas/bench/page_weight.py
  against its budgets (the one way the atlas weighs pages);
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
import time
from dataclasses import dataclass
from pathlib import Path

from atlas.bench import page_weight, site_browser
from atlas.bench.built_site import site_to_measure
from atlas.core.paths import ROOT

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
class Report:
    pages: list[page_weight.Visit]
    fcp_ms: list[float]
    search_ms: dict[str, float]
    screenshots: list[Path]
    seconds: float = 0.0


def new_context(browser, viewport=site_browser.DESKTOP, scheme="light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    site_browser.install_search_probe(context)
    return context


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
    """Measure every page (or `pages`) on a gzip `server`; the smoke test passes small values."""
    started = time.perf_counter()
    weights = page_weight.weigh(browser, server, site_browser.site_pages(server.site) if pages is None else pages)
    fcp = [first_contentful_paint(browser, server) for _ in range(fcp_runs)]
    search = search_latency(browser, server, queries)
    saved = screenshots(browser, server) if shots else []
    return Report(weights, fcp, search, saved, time.perf_counter() - started)


def verdict(report: Report) -> list[page_weight.Verdict]:
    """Search latency (the slowest query) against its budget; page weight has its own (page_weight.verdict)."""
    slowest = max(report.search_ms, key=report.search_ms.get)
    return [page_weight.Verdict(f"search answers within {SEARCH_BUDGET_MS} ms of the last keystroke",
                                 f"slowest {report.search_ms[slowest]:.0f} ms ({slowest!r})",
                                 report.search_ms[slowest] <= SEARCH_BUDGET_MS)]


def format_report(report: Report) -> str:
    lines = ["Page weight, first visit, gzip (atlas/bench/page_weight.py)",
             page_weight.format_report(report.pages),
             ""]
    lines.append("Home page first contentful paint (cold, 3 runs): "
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
    lines.append("Verdict on search:")
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

    with site_to_measure(args.site) as site, site_browser.serve(site, gzip=True) as server, \
            sync_playwright() as playwright:
        browser = site_browser.launch(playwright)
        try:
            report = run(browser, server, shots=not args.no_screenshots)
        finally:
            browser.close()
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
