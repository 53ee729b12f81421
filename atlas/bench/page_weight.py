"""What a first visit to each page costs a reader: bytes over the wire and requests, with the site served
gzip-compressed as a static host serves it, in headless Chromium with a cold cache.

    python -m atlas.bench.page_weight                 # builds the site (--strict) into a temp folder
    python -m atlas.bench.page_weight --site DIR      # weighs an already built site (e.g. an older one)

The one way the atlas weighs its pages: `dev.py bench site` prints these figures too. Prints one line
per page and a verdict against the budgets; asserts nothing. Budgets (issue #14):
article pages <= 200 KB, notebook pages <= 300 KB, every page <= 15 requests. Transferred bytes are the
encoded response bodies (Playwright's request sizes), everything the page loads until its network is
quiet: the search worker and its index included, since a first visit downloads them.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas.bench import site_browser
from atlas.bench.built_site import site_to_measure

ARTICLE_BUDGET = 200 * 1024
NOTEBOOK_BUDGET = 300 * 1024
REQUEST_BUDGET = 15


@dataclass
class Verdict:
    budget: str
    measured: str
    ok: bool

    def __str__(self) -> str:
        return f"  {'within budget' if self.ok else 'OVER BUDGET':13}  {self.budget}: {self.measured}"


@dataclass
class Visit:
    path: str
    notebook: bool
    requests: int
    transferred: int

    @property
    def budget(self) -> int:
        return NOTEBOOK_BUDGET if self.notebook else ARTICLE_BUDGET

    @property
    def within_budget(self) -> bool:
        return self.transferred <= self.budget and self.requests <= REQUEST_BUDGET


def is_notebook(site: Path, path: str) -> bool:
    return 'class="jupyter-wrapper' in (site / path / "index.html").read_text(encoding="utf-8")


def first_visit(browser, server, path: str) -> tuple[int, int]:
    """(requests, encoded bytes) of one cold visit, until no request has been in flight for 300 ms."""
    context = browser.new_context(viewport=site_browser.DESKTOP)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    try:
        page = context.new_page()
        tracker = site_browser.RequestTracker(page)
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(server.page_url(path), wait_until="load")
        tracker.wait_quiet(quiet_s=0.3)
        real = [r for r in finished if not r.url.startswith("data:")]
        return len(real), sum(r.sizes()["responseBodySize"] for r in real)
    finally:
        context.close()


def weigh(browser, server, paths: list[str]) -> list[Visit]:
    return [Visit(path, is_notebook(server.site, path), *first_visit(browser, server, path)) for path in paths]


def verdict(visits: list[Visit]) -> list[Verdict]:
    """Each budget compared with what was measured: the bytes of article and of notebook pages, and requests."""
    lines = []
    for kind, budget, group in (("article", ARTICLE_BUDGET, [v for v in visits if not v.notebook]),
                                ("notebook", NOTEBOOK_BUDGET, [v for v in visits if v.notebook])):
        if group:
            over = [v for v in group if v.transferred > budget]
            heaviest = f" (heaviest /{max(over, key=lambda v: v.transferred).path})" if over else ""
            lines.append(Verdict(f"every {kind} page transfers at most {budget // 1024} KB, cold",
                                 f"{len(over)} of {len(group)} over{heaviest}", not over))
    many = [v for v in visits if v.requests > REQUEST_BUDGET]
    lines.append(Verdict(f"every page makes at most {REQUEST_BUDGET} requests",
                         f"{len(many)} of {len(visits)} over", not many))
    return lines


def format_report(visits: list[Visit]) -> str:
    lines = [f"{'page':<48} {'kind':<9} {'requests':>8} {'KB':>8}  budget"]
    for v in sorted(visits, key=lambda v: -v.transferred):
        mark = "ok" if v.within_budget else f"OVER ({v.budget // 1024} KB, {REQUEST_BUDGET} requests)"
        lines.append(f"{v.path or '/':<48} {'notebook' if v.notebook else 'article':<9} {v.requests:>8} "
                     f"{v.transferred / 1024:>8.1f}  {mark}")
    for kind, group in (("article", [v for v in visits if not v.notebook]), ("notebook", [v for v in visits if v.notebook])):
        if group:
            sizes = sorted(v.transferred for v in group)
            lines.append(f"{kind} pages: {len(group)}, median {sizes[len(sizes) // 2] / 1024:.1f} KB, "
                         f"max {sizes[-1] / 1024:.1f} KB, max requests {max(v.requests for v in group)}, "
                         f"over budget: {sum(not v.within_budget for v in group)}")
    lines.append("Verdict:")
    lines.extend(str(line) for line in verdict(visits))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an already built site folder")
    args = parser.parse_args(argv)
    with site_to_measure(args.site) as site, site_browser.serve(site, gzip=True) as server, \
            sync_playwright() as playwright:
        browser = site_browser.launch(playwright)
        try:
            print(format_report(weigh(browser, server, site_browser.site_pages(site))))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
