"""Every page of the built site, loaded in Chromium: nothing is requested from a host other than
127.0.0.1, nothing is written to the console as an error, no script throws, and axe-core finds no
serious or critical accessibility violation, in the light scheme and (colour contrast) in the dark one.

The pages come from the build's sitemap.xml; a walk loads each once (light), then switches it to the dark
scheme in place, and the tests below read what it recorded: the suite stays fast as pages are added.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.browser import site_browser

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
    background: str = ""


def outside(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return parts.hostname != site_browser.HOST


AXE_RUN = """async (options) => {
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
        count: v.nodes.length,
    }));
}"""


# Switch a loaded page to the dark scheme in place, as Material's toggle does (attributes on <body>),
# with transitions off so that axe reads final colours, not colours halfway through a fade. (A constructed
# style sheet: the page's Content-Security-Policy refuses an inline <style> element.)
TO_DARK = """() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('*, *::before, *::after { transition: none !important; animation: none !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    document.body.setAttribute('data-md-color-scheme', 'slate');
    return getComputedStyle(document.body).backgroundColor;
}"""


def visit_all(browser, server, axe_script, paths: list[str]) -> list[Visit]:
    """Load each page once (light, as the browser prefers): record its requests, errors and
    Content-Security-Policy violations, run every axe rule; then switch it to the dark scheme and run the
    rules a scheme changes (contrast). axe is evaluated from outside the page, which the page's policy
    (no inline script but the theme's) would otherwise refuse."""
    context = browser.new_context(viewport=site_browser.DESKTOP, color_scheme="light")
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    context.add_init_script(site_browser.RECORD_CSP_VIOLATIONS)
    axe = axe_script.read_text()
    page = context.new_page()
    current: list[Visit] = []
    tracker = site_browser.RequestTracker(page)
    page.on("request", lambda request: current[-1].requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and current[-1].console_errors.append(
        f"{message.text} ({message.location.get('url', '')}:{message.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda error: current[-1].page_errors.append(str(error)))
    visits = []
    try:
        for path in paths:
            light = Visit(path, "light")
            current.append(light)
            response = page.goto(server.page_url(path), wait_until="load")
            light.status = response.status if response else None
            assert page.get_attribute("body", "data-md-color-scheme") == "default", path
            page.evaluate(axe)
            light.violations = page.evaluate(AXE_RUN, {"resultTypes": ["violations"]})
            dark = Visit(path, "dark", status=light.status)
            dark.background = page.evaluate(TO_DARK)
            dark.violations = page.evaluate(AXE_RUN, {"runOnly": ["color-contrast", "link-in-text-block"],
                                                     "resultTypes": ["violations"]})
            # the search worker and instant navigation fetch after load: wait until the network is quiet
            tracker.wait_quiet()
            light.csp_violations = page.evaluate(site_browser.CSP_VIOLATIONS)
            visits += [light, dark]
    finally:
        context.close()
    return visits


@pytest.fixture(scope="module")
def walk(browser, site_server, axe_script):
    """The walk, once for the module's tests (every browser test runs on one worker: docs/conftest.py)."""
    paths = site_browser.site_pages(site_server.site)
    visits = visit_all(browser, site_server, axe_script, paths)
    assert all(v.background == "rgb(30, 33, 41)" for v in visits if v.scheme == "dark"), \
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
    from atlas import csp

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
