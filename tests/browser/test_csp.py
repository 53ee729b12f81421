"""The offline promise, enforced by the browser: each page's Content-Security-Policy (atlas/site/csp.py, put on
every page by the build) refuses anything from another origin and any inline script the theme does not
need. The pages themselves break nothing (tests/browser/test_every_page.py and every journey check that);
here a page is given an outside image, an outside script and an inline script, and all three are refused."""
import pytest

from atlas.bench import site_browser

OUTSIDE = "http://outside.example"
INJECTED = (f'<img id="outside-image" src="{OUTSIDE}/tracker.png" alt="">'
            f'<script src="{OUTSIDE}/script.js"></script>'
            '<script>window.__injectedInlineRan = true;</script>')


@pytest.mark.build
def test_the_policy_allows_no_other_origin(built_site):
    from atlas.site import csp

    policy = csp.policy_of((built_site.site / "index.html").read_text())
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for name, sources in directives.items():
        for source in sources.split():
            assert source in ("'self'", "'none'", "data:", "'unsafe-hashes'") or source.startswith("'sha256-"), \
                f"{name} allows {source}"


def test_a_page_with_outside_resources_and_an_inline_script_is_refused_them(browser, site_server):
    context = browser.new_context(viewport=site_browser.DESKTOP)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    context.add_init_script(site_browser.RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    answered, failed = [], {}
    page.on("response", lambda response: response.url.startswith(OUTSIDE) and answered.append(response.url))
    page.on("requestfailed", lambda request: failed.setdefault(request.url, request.failure))
    target = site_server.page_url("concepts/")
    original = (site_server.site / "concepts" / "index.html").read_text()
    assert "</article>" in original
    page.route(target, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8",
        body=original.replace("</article>", INJECTED + "</article>", 1)))
    try:
        page.goto(target, wait_until="load")
        page.wait_for_function("() => window.__atlasCsp && window.__atlasCsp.length >= 3")
        assert page.evaluate("() => window.__injectedInlineRan === undefined")
        assert page.evaluate("() => document.getElementById('outside-image').naturalWidth") == 0
        # the page itself still works: Material's bundle ran and the search box is there
        assert page.evaluate("() => typeof document$ !== 'undefined'")
        violations = page.evaluate(site_browser.CSP_VIOLATIONS)
    finally:
        context.close()
    refused = {(v["directive"], v["blocked"]) for v in violations}
    assert ("img-src", f"{OUTSIDE}/tracker.png") in refused, violations
    assert ("script-src-elem", f"{OUTSIDE}/script.js") in refused, violations
    assert ("script-src-elem", "inline") in refused, violations
    assert answered == []
    # Chromium reports a refused resource as a request that failed before leaving the browser
    assert {url: why for url, why in failed.items() if url.startswith(OUTSIDE)} == {
        f"{OUTSIDE}/tracker.png": "csp", f"{OUTSIDE}/script.js": "csp"}
