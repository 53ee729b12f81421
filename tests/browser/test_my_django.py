""""My Django" (docs/assets/javascripts/my-django.js) in headless Chromium, in the light and the dark
scheme, on a desktop and a phone: the reader picks a release once and the matrix, the "Applies to" line,
the version tabs and the capability filter answer for it. Expected values come from the data
(docs/data/*.yml, page front matter), not from this file."""
from __future__ import annotations

import re

import pytest

from atlas.bench import site_browser
from atlas.core.paths import DOCS
from atlas.data import frontmatter
from atlas.data.versions_data import load_capabilities
from tests.support.axe import serious_in_both_schemes

RELEASES = frontmatter.feature_releases()
NEWEST = RELEASES[-1]
MATRIX = "versions/matrix/"
TABBED_PAGE = "use-cases/server-sent-events/"
LABEL = re.compile(r"Django (\d+\.\d+)(?:\s*[–-]\s*(\d+\.\d+)|(\+))?")

LAYOUTS = {
    "light-desktop": ("light", site_browser.DESKTOP),
    "dark-desktop": ("dark", site_browser.DESKTOP),
    "light-mobile": ("light", site_browser.MOBILE),
    "dark-mobile": ("dark", site_browser.MOBILE),
}
# The behaviour tests run on two layouts that cover both schemes and both viewports between them: what a
# scheme changes is colour, which the accessibility test checks in both schemes on both viewports.
BEHAVIOUR = ["light-desktop", "dark-mobile"]


def key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


@pytest.fixture(scope="module")
def contexts(browser):
    """One browser context per layout for the module: a new context costs Chromium about 0.7 s of CPU
    (a fresh renderer, the theme's scripts compiled again), a new page in a warm one far less."""
    made = {}

    def context_for(layout: str):
        if layout not in made:
            scheme, viewport = LAYOUTS[layout]
            made[layout] = browser.new_context(viewport=viewport, color_scheme=scheme)
            made[layout].set_default_timeout(site_browser.TIMEOUT_MS)
        return made[layout]

    yield context_for
    for context in made.values():
        context.close()


@pytest.fixture(params=BEHAVIOUR)
def reader(request, contexts, site_server):
    """A new page for one scheme and viewport, with nothing remembered (the reader's choice lives in
    localStorage: cleared when the test ends), recording every request that leaves 127.0.0.1."""
    page = contexts(request.param).new_page()
    page.outside = []
    page.on("request", lambda r: None if r.url.startswith(site_server.origin) or r.url.startswith("data:")
            else page.outside.append(r.url))
    page.scheme = "slate" if LAYOUTS[request.param][0] == "dark" else "default"
    yield page
    if page.url.startswith(site_server.origin):
        page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    page.close()
    assert page.outside == [], f"requests left the site: {page.outside}"


def pick(page, release: str) -> None:
    page.select_option("#atlas-my-django", release)
    page.wait_for_function("r => document.documentElement.dataset.atlasMyDjango === r", arg=release)


def open_page(page, server, path: str) -> None:
    page.goto(server.page_url(path))
    page.wait_for_selector("#atlas-my-django")
    assert page.evaluate("document.body.dataset.mdColorScheme") == page.scheme


def page_range(path: str) -> frontmatter.DjangoRange:
    """The releases the page applies to (derived from what it describes, atlas/data/applies.py)."""
    from atlas.data import applies

    source = DOCS / (path.rstrip("/") + ".md")
    meta, _body, _line = frontmatter.split(source.read_text(encoding="utf-8"), str(source))
    code = frontmatter.parse_range(meta["django"], RELEASES, str(source))
    return applies.applies_to(path.rstrip("/") + ".md", meta, code)


def test_picker_lists_every_release_and_is_remembered(reader, site_server):
    open_page(reader, site_server, "")
    options = reader.eval_on_selector_all("#atlas-my-django option", "os => os.map(o => o.value)")
    assert options == [""] + RELEASES[::-1], options  # "Not sure", then newest first
    assert reader.is_visible("#atlas-my-django")
    pick(reader, "4.2")
    reader.reload()
    reader.wait_for_function("document.documentElement.dataset.atlasMyDjango === '4.2'")
    assert reader.input_value("#atlas-my-django") == "4.2"
    pick(reader, "")  # "Not sure" forgets the choice
    reader.reload()
    reader.wait_for_selector("#atlas-my-django")
    assert reader.input_value("#atlas-my-django") == ""
    assert reader.locator(".atlas-versions__mine").count() == 0


def test_matrix_highlights_the_readers_column_and_marks_what_it_lacks(reader, site_server):
    open_page(reader, site_server, MATRIX)
    for release in ("3.2", "5.0"):  # a second choice on the same page moves the highlight
        pick(reader, release)
        header = reader.locator(".atlas-matrix thead th.atlas-col--mine")
        assert header.count() == 1 and header.inner_text().strip().startswith(release)
        lacking = sorted(reader.eval_on_selector_all(
            ".atlas-matrix tr.atlas-row--lacking .atlas-row", "as => as.map(a => a.id)"))
        expected = sorted(c.id for c in load_capabilities() if c.shipped and not c.present_in(release))
        assert lacking == expected, release
        badges = reader.locator(".atlas-matrix .atlas-lacks")
        assert badges.count() == len(expected) and badges.first.inner_text() == f"not in {release}"
        # the reader's column is in view, also on a phone where the table scrolls sideways
        assert reader.evaluate("""() => {
            const th = document.querySelector('.atlas-matrix thead th.atlas-col--mine');
            const box = th.closest('.md-typeset__scrollwrap').getBoundingClientRect();
            const r = th.getBoundingClientRect();
            return r.left >= box.left - 1 && r.right <= box.right + 1;
        }"""), release


def test_applies_to_line_answers_for_the_readers_release(reader, site_server):
    page = TABBED_PAGE
    applies = page_range(page)
    before = RELEASES[RELEASES.index(applies.low) - 1]
    open_page(reader, site_server, page)
    pick(reader, before)
    note = reader.locator(".atlas-versions__mine")
    assert f"Not in your Django {before}" in note.inner_text() and f"arrives in {applies.low}" in note.inner_text()
    link = note.locator("a")
    assert f"from {before} to {NEWEST}" in link.inner_text()
    link.click()
    reader.wait_for_url(re.compile(r"/versions/upgrade/\?from=" + re.escape(before)))
    # instant navigation changes the address before it swaps the content: wait for the section
    reader.locator(f"#from-django-{before.replace('.', '')}").wait_for(state="visible")
    open_page(reader, site_server, page)
    pick(reader, NEWEST)
    from atlas.data import use_case_levels

    level = use_case_levels.table()["server-sent-events"][NEWEST].level
    said = reader.locator(".atlas-versions__mine").inner_text()
    assert said.startswith(f"✓ Your Django {NEWEST}: {use_case_levels.load().label(level)}"), said


def test_version_tabs_open_on_the_readers_release(reader, site_server):
    open_page(reader, site_server, TABBED_PAGE)
    labels = reader.eval_on_selector_all(".tabbed-set .tabbed-labels > label", "ls => ls.map(l => l.textContent)")
    ranges = [LABEL.search(text) for text in labels]
    assert len([r for r in ranges if r]) >= 2, labels
    for release in (RELEASES[0] if not ranges[0] else ranges[0].group(1), NEWEST):
        pick(reader, release)
        checked = reader.evaluate("""() => [...document.querySelectorAll('.tabbed-set .tabbed-labels > label')]
            .filter(l => document.getElementById(l.htmlFor).checked).map(l => l.textContent)""")
        for text in checked:
            match = LABEL.search(text)
            low, high = match.group(1), None if match.group(3) else (match.group(2) or match.group(1))
            assert key(low) <= key(release) and (high is None or key(release) <= key(high)), (release, checked)


def test_matrix_filter_and_what_changed(reader, site_server):
    caps = [c for c in load_capabilities() if c.shipped]
    open_page(reader, site_server, MATRIX)
    reader.fill("#atlas-matrix-filter", "aget")
    shown = reader.eval_on_selector_all(".atlas-matrix tbody tr:not([hidden]) .atlas-row", "as => as.map(a => a.id)")
    assert shown and sorted(shown) == sorted(c.id for c in caps if "aget" in (c.name + " ".join(c.apis)).lower())
    reader.fill("#atlas-matrix-filter", "")
    reader.select_option("#atlas-matrix-from", "4.1")
    reader.select_option("#atlas-matrix-to", "4.2")
    reader.check("#atlas-matrix-changed")
    shown = reader.eval_on_selector_all(".atlas-matrix tbody tr:not([hidden]) .atlas-row", "as => as.map(a => a.id)")
    expected = [c.id for c in caps if c.level_in("4.1") != c.level_in("4.2") or any(ch.version == "4.2" for ch in c.changed)]
    assert sorted(shown) == sorted(expected)
    assert reader.inner_text("#atlas-matrix-count").startswith(f"{len(expected)} of {len(caps)}")


@pytest.mark.parametrize("reader", ["light-desktop", "light-mobile"], indirect=True)
def test_matrix_with_a_release_chosen_is_accessible(reader, site_server, axe_script):
    """Every axe rule in the light scheme, then the rules a scheme changes (contrast) after switching the
    page to the dark one in place, as the page walk does: both schemes on both viewports, two loads."""
    open_page(reader, site_server, MATRIX)
    pick(reader, "4.2")
    assert serious_in_both_schemes(reader, axe_script) == []


def test_api_index_marks_what_the_reader_can_call(reader, site_server):
    import json

    apis = json.loads((DOCS / "data" / "async_api.json").read_text())["apis"]
    release = "4.1"
    callable_here = [a for a in apis if key(a["since"]) <= key(release)
                     and (not a["until"] or key(release) <= key(a["until"]))]
    open_page(reader, site_server, "versions/async-api/")
    pick(reader, release)
    assert reader.locator(".atlas-api.atlas-mine--yes").count() == len(callable_here)
    marked_no = reader.locator(".atlas-api.atlas-mine--no")
    assert marked_no.count() == reader.locator(".atlas-api").count() - len(callable_here)
    assert marked_no.first.locator(".atlas-mine-note").inner_text().startswith(f"✗ not in your {release}")


def test_a_reader_on_an_ended_release_is_told_what_it_means(reader, site_server):
    """Issue 26, item 2: on an ended release (state on the build day, atlas/data/support.py) My Django says no
    fix comes any more, not even for security, and links the upgrade; on a supported one it says nothing."""
    from atlas.data import support

    states = support.states()
    ended = [v for v in RELEASES if states[v] == support.ENDED]
    living = [v for v in RELEASES if states[v] != support.ENDED]
    assert ended and living
    open_page(reader, site_server, "learn/")
    pick(reader, ended[-1])
    notice = reader.locator(".atlas-support-notice")
    assert notice.count() == 1 and "not even for security" in notice.inner_text()
    assert f"from {ended[-1]}" in notice.locator("a").inner_text()
    pick(reader, living[-1])
    assert reader.locator(".atlas-support-notice").count() == 0


def test_a_release_page_tells_a_reader_on_the_release_before_what_they_have(reader, site_server):
    """Issue 31, item 3: "Before this release" (docs/data/async_before.json) is marked for a reader on the
    release before the change or an older one, and not for a reader who has the change."""
    import json

    records = [r for r in json.loads((DOCS / "data" / "async_before.json").read_text())["directives"]
               if r["release"] == "4.1"]
    groups = len({r["capability"] for r in records})
    open_page(reader, site_server, "versions/4.1/")
    pick(reader, "4.0")
    mine = reader.locator("#before-this-release ~ .atlas-before.atlas-before--mine")
    assert mine.count() == groups
    assert mine.first.locator(".atlas-before-note").inner_text().startswith("Your Django 4.0 works this way")
    pick(reader, "4.1")
    assert reader.locator(".atlas-before--mine").count() == 0
