"""Every page of the built site, in Chromium: nothing is requested from a host other than 127.0.0.1,
nothing is written to the console as an error, no script throws, no Content-Security-Policy violation, and
axe-core finds no serious or critical accessibility violation, in the light scheme and (colour contrast) in
the dark one.

The pages come from the build's sitemap.xml. A walk loads each in full, then reaches each again by
instant navigation, as a reader following links does, to run axe in both schemes; the tests below read
what it recorded: the suite stays fast as pages are added.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from atlas.bench import site_browser
from tests.support.axe import AXE_RUN, DARK_BACKGROUND, DARK_RULES, FOLLOW, NO_TRANSITIONS, SCHEME

SERIOUS = ("serious", "critical")
LOCAL_SCHEMES = ("data", "blob", "about")


@dataclass
class Visit:
    path: str
    scheme: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    status: int | None = None
    title: str = ""
    background: str = ""


def outside(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return parts.hostname != site_browser.HOST


def record(page, visits: list[Visit]) -> None:
    """Note every request, console error and uncaught exception on the page against the current visit."""
    page.on("request", lambda request: visits[-1].requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and visits[-1].console_errors.append(
        f"{message.text} ({message.location.get('url', '')}:{message.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda error: visits[-1].page_errors.append(str(error)))


def walk_page(browser):
    """A page of a new light desktop context that records Content-Security-Policy violations."""
    context = browser.new_context(viewport=site_browser.DESKTOP, color_scheme="light")
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    context.add_init_script(site_browser.RECORD_CSP_VIOLATIONS)
    return context, context.new_page()


def load_each(browser, server, paths: list[str]) -> list[Visit]:
    """Load each page in full (light, as the browser prefers): its status, requests, errors and
    Content-Security-Policy violations, all it brings itself, head included."""
    context, page = walk_page(browser)
    tracker = site_browser.RequestTracker(page)
    visits: list[Visit] = []
    record(page, visits)
    try:
        for path in paths:
            visits.append(Visit(path, "light"))
            response = page.goto(server.page_url(path), wait_until="load")
            visits[-1].status = response.status if response else None
            assert page.get_attribute("body", "data-md-color-scheme") == "default", path
            visits[-1].title = page.title()
            # the search worker and instant navigation fetch after load: wait until the network is quiet
            tracker.wait_quiet()
            visits[-1].csp_violations = page.evaluate(site_browser.CSP_VIOLATIONS)
    finally:
        context.close()
    return visits


def check_each(browser, server, axe_script, loaded: list[Visit]) -> list[Visit]:
    """Reach each page as a reader following links does (instant navigation, from the first page, loaded in
    full), and run every axe rule on it in the light scheme, then the rules a scheme changes (contrast) in
    the dark one. axe is evaluated once, from outside the page, which the page's policy (no inline script
    but the theme's) would otherwise refuse; evaluating it on every full load cost as much as the load."""
    context, page = walk_page(browser)
    visits = [Visit(seen.path, "dark", status=seen.status) for seen in loaded]
    current: list[Visit] = []
    record(page, current)
    try:
        current.append(visits[0])
        with page.expect_response(lambda response: response.url.endswith("/sitemap.xml")):
            page.goto(server.page_url(loaded[0].path), wait_until="load")  # instant navigation reads it first
        page.evaluate(axe_script.read_text())
        page.evaluate(NO_TRANSITIONS)
        page.evaluate("() => { window.__atlasWalk = true; }")  # a full reload would forget it, and axe
        for seen, dark in zip(loaded, visits):
            if dark is not visits[0]:
                current.append(dark)
                try:
                    reached = page.evaluate(FOLLOW, [server.page_url(seen.path), site_browser.TIMEOUT_MS])
                except PlaywrightError as error:
                    if "context was destroyed" in str(error):  # a full load began: let it end, as closing
                        # the context in the middle of one can hang Playwright
                        page.wait_for_function("() => !window.__atlasWalk && document.readyState === 'complete'")
                    raise AssertionError(f"{seen.path}: following a link did not navigate instantly: {error}") from error
                assert page.evaluate("() => window.__atlasWalk === true"), \
                    f"{seen.path}: following a link reloaded the page instead of navigating instantly"
                assert reached == server.page_url(seen.path) and page.title() == seen.title, \
                    f"{seen.path}: following a link reached {reached} titled {page.title()!r}"
            page.evaluate(SCHEME, "default")
            seen.violations = page.evaluate(AXE_RUN, {"resultTypes": ["violations"]})
            dark.background = page.evaluate(SCHEME, "slate")
            dark.violations = page.evaluate(AXE_RUN, DARK_RULES)
        by_page = {urlsplit(server.page_url(visit.path)).path: visit for visit in visits}
        for violation in page.evaluate(site_browser.CSP_VIOLATIONS):  # one document: sort them by page
            by_page.get(violation["page"], visits[-1]).csp_violations.append(violation)
    finally:
        context.close()
    return visits


def visit_all(browser, server, axe_script, paths: list[str]) -> list[Visit]:
    """Every page twice: loaded in full (light), then reached by instant navigation and checked with axe in
    both schemes (its requests and errors on the way recorded too). Measured on 2 cores, 53 pages: the
    full loads 29 CPU-s; axe on each full load, as before, 43 CPU-s more; axe after instant navigation 31."""
    loaded = load_each(browser, server, paths)
    return loaded + check_each(browser, server, axe_script, loaded)


@pytest.fixture(scope="module")
def walk(browser, site_server, axe_script):
    """The walk, once for the module's tests (every browser test runs on one worker: docs/conftest.py)."""
    paths = site_browser.site_pages(site_server.site)
    visits = visit_all(browser, site_server, axe_script, paths)
    assert all(v.background == DARK_BACKGROUND for v in visits if v.scheme == "dark"), \
        "switching to the dark scheme did not change the page background"
    print(f"\nvisited {len(visits) // 2} pages in the light and the dark scheme")
    return visits


def test_the_walk_covers_every_page_of_the_build(walk, built_site):
    from_sitemap = site_browser.site_pages(built_site.site)
    on_disk = set(site_browser.all_index_pages(built_site.site))
    assert on_disk - set(from_sitemap) == set(), "pages built but missing from sitemap.xml"
    assert [visit.path for visit in walk if visit.scheme == "light"] == from_sitemap
    assert all(visit.status == 200 for visit in walk), [(v.path, v.status) for v in walk if v.status != 200]


def test_no_page_requests_anything_from_outside_hosts(walk):
    problems = {f"{v.path or '/'} ({v.scheme})": sorted({u for u in v.requests if outside(u)}) for v in walk}
    problems = {page: urls for page, urls in problems.items() if urls}
    total = sum(len(v.requests) for v in walk)
    print(f"\n{total} requests recorded over {len(walk) // 2} page loads; outside hosts: {problems or 'none'}")
    assert not problems, f"pages requested outside hosts (the site must work offline): {problems}"


def test_no_page_logs_a_console_error_or_throws(walk):
    problems = {f"{v.path or '/'} ({v.scheme})": v.console_errors + v.page_errors
                for v in walk if v.console_errors or v.page_errors}
    assert not problems, f"console errors or uncaught exceptions: {problems}"


def test_no_page_breaks_its_content_security_policy(walk, built_site):
    """Every page carries the policy (a meta tag allowing this origin only), and nothing on any page, the
    theme's scripts, the search worker and the notebooks included, is refused by it."""
    from atlas.site import csp

    policies = {csp.policy_of((built_site.site / v.path / "index.html").read_text()) for v in walk}
    assert len(policies) == 1 and None not in policies, policies
    problems = {v.path or "/": v.csp_violations for v in walk if v.csp_violations}
    assert not problems, f"Content-Security-Policy violations: {problems}"


def format_violations(walk) -> str:
    lines = []
    for visit in walk:
        for violation in visit.violations:
            lines.append(f"{visit.path or '/'} [{visit.scheme}] {violation['impact']}: {violation['id']} — "
                         f"{violation['help']} ({violation['count']} nodes)")
            for node in violation["nodes"]:
                lines.append(f"    {node['target']}: {node['summary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def test_axe_finds_no_serious_or_critical_violation(walk):
    report = format_violations(walk)
    print("\naxe-core violations (all impacts):\n" + (report or "none"))
    serious = [(v.path or "/", v.scheme, x["id"], x["impact"]) for v in walk for x in v.violations
               if x["impact"] in SERIOUS]
    assert not serious, f"serious/critical accessibility violations: {serious}\n{report}"
