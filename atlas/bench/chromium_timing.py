"""The search's query time as a reader on a slow phone sees it: each query typed into the real search box
in headless Chromium, with the CPU slowed 4× (Lighthouse's mobile setting, through the DevTools protocol),
from the last keystroke to the last change of the result list (atlas/bench/site_browser.search_timing).
`python3 dev.py bench search --chromium` prints these figures."""
from __future__ import annotations

from pathlib import Path

from atlas.bench import site_browser, site_speed

THROTTLE = 4


def query_times(site: Path, queries: list[str], rate: float = THROTTLE) -> list[float]:
    """Milliseconds per query, in order, on the site served gzip-compressed on loopback."""
    from playwright.sync_api import sync_playwright

    with site_browser.serve(site, gzip=True) as server, sync_playwright() as playwright:
        browser = site_browser.launch(playwright)
        try:
            return query_times_in(browser, server, queries, rate)
        finally:
            browser.close()


def query_times_in(browser, server, queries: list[str], rate: float = THROTTLE) -> list[float]:
    """query_times with a running Chromium and a served site (the browser tests have both)."""
    context = site_speed.new_context(browser)
    try:
        page = context.new_page()
        page.goto(server.url)
        site_browser.search(page, "warm up", server)      # the index is loaded in the worker first
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
        times = []
        for query in queries:
            site_browser.search(page, query, server)
            times.append(site_browser.search_timing(page)["ms"])
        return times
    finally:
        context.close()
