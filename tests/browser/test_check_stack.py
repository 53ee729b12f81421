""""Check your stack" (docs/assets/javascripts/check-stack.js) in headless Chromium: the startproject stack,
a stack with third-party entries, and broken input, read from the published downloads/stack.json under the
site's Content-Security-Policy (the `context` fixture fails a test on any violation). Expected figures come
from docs/data/stack.json."""
from __future__ import annotations

import re

import pytest

from atlas.data import stack as stack_data
from tests.support.axe import serious_in_both_schemes

PAGE = "concepts/check-your-stack/"
DATA = stack_data.load()
NEWEST = DATA["releases"][-1]
LTS = "4.2"


def release(version: str) -> dict:
    return next(r for r in DATA["releases"] if r["version"] == version)


def as_setting(paths: list[str]) -> str:
    return "MIDDLEWARE = [\n" + "".join(f"    '{p}',  # comment\n" for p in paths) + "]\n"


@pytest.fixture
def checker(page, site_server):
    page.outside = []
    page.on("request", lambda r: None if r.url.startswith(site_server.origin) else page.outside.append(r.url))
    page.goto(site_server.page_url(PAGE))
    page.wait_for_selector(".atlas-stack-check:not([hidden])")
    page.wait_for_selector(".atlas-stack-total")
    yield page
    assert page.outside == [], f"requests left the site: {page.outside}"


def check(page, text: str, version: str, view: str = "async-asgi") -> None:
    page.fill("#atlas-stack-input", text)
    page.select_option("#atlas-stack-release", version)
    page.select_option("#atlas-stack-view", view)
    page.click(".atlas-stack-check button[type=submit]")


def rows(page) -> list[list[str]]:
    """Each result row's cells as text; the middleware cell as the dotted path it shows in two parts."""
    return page.eval_on_selector_all(".atlas-stack-table tbody tr", """rs => rs.map(r => Array.from(r.cells).map(
        c => c.dataset.path || c.innerText.trim()))""")


def test_the_default_stack_opens_filled_in_and_totals_what_the_data_says(checker):
    assert checker.input_value("#atlas-stack-release") == NEWEST["version"]
    for path in NEWEST["default_stack"]:
        assert path in checker.input_value("#atlas-stack-input")
    total = NEWEST["default"]["async-asgi"]["sync_to_async"]
    assert checker.inner_text(".atlas-stack-total").startswith(f"{total} sync_to_async")
    # the stack was measured whole: its own figure, not the sum of its parts measured alone (Math.round)
    cpu = int(NEWEST["default"]["async-asgi"]["cpu_us"]["median"] + 0.5)
    assert f"about {cpu} µs, as measured for this very stack" in checker.inner_text(".atlas-stack-total")
    found = rows(checker)
    assert [r[1] for r in found] == NEWEST["default_stack"]
    by_path = {m["path"]: m for m in NEWEST["middleware"]}
    assert [int(r[2]) for r in found] == [by_path[p]["added"]["async-asgi"]["sync_to_async"] for p in NEWEST["default_stack"]]
    fixes = checker.inner_text(".atlas-stack-fixes")
    assert "XFrameOptionsMiddleware: run its hooks in the event loop" in fixes
    assert "MessageMiddleware: drop it if the project does not use it" in fixes


def test_release_and_view_kind_change_the_figures(checker):
    old = release(LTS)
    check(checker, as_setting(old["default_stack"]), LTS, "sync-wsgi")
    assert checker.inner_text(".atlas-stack-total").startswith(
        f"{old['default']['sync-wsgi']['sync_to_async']} sync_to_async")
    check(checker, as_setting(old["default_stack"]), LTS, "async-asgi")
    assert checker.inner_text(".atlas-stack-total").startswith(
        f"{old['default']['async-asgi']['sync_to_async']} sync_to_async")


def test_third_party_entries_are_named_unknown_with_how_to_measure_them(checker):
    stack = ["myapp.middleware.TimingMiddleware", *NEWEST["default_stack"], "otherapp.middleware.AuditMiddleware"]
    check(checker, as_setting(stack), NEWEST["version"])
    found = {r[1]: r for r in rows(checker)}
    for path in ("myapp.middleware.TimingMiddleware", "otherapp.middleware.AuditMiddleware"):
        assert found[path][2] == "?"
        assert "Unknown" in found[path][4] and "Count your own project" in found[path][4]
    total = NEWEST["default"]["async-asgi"]["sync_to_async"]
    assert checker.inner_text(".atlas-stack-total").startswith(f"At least {total} sync_to_async")
    assert "not counting 2 unknown entries" in checker.inner_text(".atlas-stack-total")
    assert "what each known middleware added when measured alone" in checker.inner_text(".atlas-stack-total")
    link = checker.locator(".atlas-stack-unknown a").first  # how to measure it: the script's section
    assert link.evaluate("a => a.href").endswith("/concepts/middleware-and-async/#count-your-own-project")
    link.click()
    checker.wait_for_url(re.compile(r"/concepts/middleware-and-async/"))
    checker.locator("#count-your-own-project").wait_for(state="visible")


def test_a_middleware_missing_its_prerequisite_says_so(checker):
    check(checker, as_setting(["django.contrib.auth.middleware.AuthenticationMiddleware"]), NEWEST["version"])
    assert "Needs SessionMiddleware before it." in rows(checker)[0][4]


@pytest.mark.parametrize("text, line, words", [
    ("MIDDLEWARE = [\n    'django.middleware.common.CommonMiddleware',\n", 1, "never closed"),
    ("MIDDLEWARE = [\n    'django.middleware.common.CommonMiddleware'\n    'x.y.Z',\n]", 3, "comma is missing"),
    ("MIDDLEWARE = [\n    django.middleware.common.CommonMiddleware,\n]", 2, "not a quoted string"),
    ("MIDDLEWARE = [\n    'django.middleware.common.CommonMiddleware,\n]", 2, "not closed"),
    ("MIDDLEWARE = [\n  'not a path',\n]", 2, "not a dotted path"),
    ("   \n", 1, "empty"),
])
def test_broken_input_gets_a_message_with_its_line(checker, text, line, words):
    check(checker, text, NEWEST["version"])
    message = checker.inner_text(".atlas-stack-error")
    assert message.startswith(f"Line {line}: ") and words in message, message
    assert checker.locator(".atlas-stack-table").count() == 0


@pytest.mark.parametrize("text", ["default", "broken"])
def test_the_result_and_the_error_are_accessible_in_both_schemes(checker, axe_script, text):
    """axe-core on the filled-in page (the result table, or the error message), light then dark scheme."""
    if text == "broken":
        check(checker, "MIDDLEWARE = [\n  'x.y.Z'\n  'a.b.C',\n]", NEWEST["version"])
        checker.wait_for_selector(".atlas-stack-error")
    assert serious_in_both_schemes(checker, axe_script) == []


def test_the_ecosystem_packages_middleware_is_recognised_and_counted(checker):
    """docs/data/ecosystem.json's middleware, published in downloads/stack.json: counted on the newest release
    (an async view under ASGI, where it was measured), its package named; one not measured says why."""
    from atlas.site.ecosystem_publish import third_party

    known = {m["path"]: m for m in third_party()["middleware"]}
    cors, csp = known["corsheaders.middleware.CorsMiddleware"], known["csp.middleware.CSPMiddleware"]
    unmeasured = next(m for m in known.values() if not m["configured"])
    stack = [cors["path"], *NEWEST["default_stack"], csp["path"], unmeasured["path"]]
    check(checker, as_setting(stack), NEWEST["version"])
    found = {r[1]: r for r in rows(checker)}
    assert int(found[cors["path"]][2]) == cors["sync_to_async"] == 0
    assert found[csp["path"]][2].startswith(str(csp["sync_to_async"])) and "process_request" in found[csp["path"]][3]
    assert "django-csp" in found[csp["path"]][4]
    assert found[unmeasured["path"]][2] == "?" and unmeasured["why"][:30] in found[unmeasured["path"]][4]
    total = NEWEST["default"]["async-asgi"]["sync_to_async"] + cors["sync_to_async"] + csp["sync_to_async"]
    assert checker.inner_text(".atlas-stack-total").startswith(f"At least {total} sync_to_async")
    assert "not counting 1 unknown entry" in checker.inner_text(".atlas-stack-total")
