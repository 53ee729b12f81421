"""What a reader does on the built site, in headless Chromium against the site served on loopback:
open the home page, click through every top-level section, search (a use case, an error message),
switch light/dark and reload, copy a code snippet, look at a notebook's plots, use the menu on a phone,
and land on the 404 page."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from playwright.sync_api import expect

from atlas.bench import site_browser
from atlas.core.paths import ROOT

CHAT_USE_CASE = "use-cases/real-time-chat/"
ERROR_QUERY = "You cannot call this from an async context"
ERROR_ENTRY = "faq/errors/#synchronous-only-operation"


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may carry !!python/name tags (pymdownx options): read them as plain values."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def top_level_sections() -> list[tuple[str, str]]:
    """(title, path of its first page) for each top-level nav entry of mkdocs.yml: ('FAQ', 'faq/')."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_AnyTagLoader)
    sections = []
    for entry in config["nav"]:
        (title, target), = entry.items()
        while isinstance(target, list):
            first = target[0]
            target = first if isinstance(first, str) else next(iter(first.values()))
        page = re.sub(r"(^|/)index\.md$", r"\1", target)
        page = re.sub(r"\.md$", "/", page)
        sections.append((title, page))
    return sections


def h1_text(page) -> str:
    return page.locator("article.md-content__inner h1").first.inner_text().strip()


def test_home_page_renders(page, site_server):
    response = page.goto(site_server.url)
    assert response.status == 200
    assert page.title() == "Django Async Atlas"
    assert h1_text(page) == "Django Async Atlas"
    assert page.locator(".md-tabs").is_visible()
    assert page.locator("article.md-content__inner p").first.is_visible()


def test_every_top_level_section_is_reachable_from_the_tabs(page, site_server):
    page.goto(site_server.url)
    sections = top_level_sections()
    assert len(sections) >= 5, sections
    visited = []
    for title, path in sections:
        tab = page.locator(".md-tabs__link", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
        assert tab.count() == 1, f"no single tab named {title!r} in the header"
        tab.click()
        page.wait_for_url(site_server.page_url(path))
        # Instant navigation changes the URL first and swaps the content and the header in afterwards:
        # wait (retrying) until the active tab is the one clicked, which also means the new page is in.
        active = page.locator(".md-tabs__item--active .md-tabs__link")
        expect(active).to_have_text(re.compile(rf"^\s*{re.escape(title)}\s*$"))
        heading = h1_text(page)
        assert heading, f"{path}: no h1"
        visited.append((title, path, heading))
    print("\n" + "\n".join(f"  {title:14} /{path:22} h1: {heading}" for title, path, heading in visited))


def test_searching_websocket_chat_lists_the_chat_use_case(shared_page, site_server):
    shared_page.goto(site_server.url)
    results = site_browser.search(shared_page, "websocket chat", site_server)
    print("\nwebsocket chat ->", [(r.path, r.title) for r in results[:5]])
    assert any(r.path.startswith(CHAT_USE_CASE) for r in results[:3]), \
        f"{CHAT_USE_CASE} is not among the first three results: {[r.path for r in results[:5]]}"
    site_browser.close_search(shared_page)


def test_searching_an_error_message_finds_its_entry_in_the_error_index(shared_page, site_server):
    shared_page.goto(site_server.url)
    results = site_browser.search(shared_page, ERROR_QUERY, site_server)
    print(f"\n{ERROR_QUERY} ->", [(r.path, r.title) for r in results[:5]])
    assert ERROR_ENTRY in [r.path for r in results[:3]], \
        f"{ERROR_ENTRY} is not among the first three results: {[r.path for r in results[:5]]}"
    # and following the result lands on the entry
    entry = next(r for r in results if r.path == ERROR_ENTRY)
    assert entry.href.endswith("#synchronous-only-operation"), entry.href
    shared_page.locator(f"a.md-search-result__link[href='{entry.href}']").click()
    # The URL's fragment is not waited for: navigation.tracking rewrites it to the section in view as the
    # page settles (a CI run saw it gone). What the reader needs is the entry on screen.
    shared_page.wait_for_url(re.compile(r".*/faq/errors/[^/]*$"))
    heading = shared_page.locator("#synchronous-only-operation")
    expect(heading).to_be_in_viewport()
    assert "You cannot call this from an async context" in heading.inner_text()


def scheme(page) -> str:
    return page.get_attribute("body", "data-md-color-scheme")


def stored_palette(page) -> dict | None:
    """Material keeps the choice in localStorage under '__palette', scoped by the site's path
    ('/atlas/.__palette')."""
    value = page.evaluate("""() => {
        const key = Object.keys(localStorage).find(k => k === '__palette' || k.endsWith('.__palette'));
        return key ? localStorage.getItem(key) : null;
    }""")
    return json.loads(value) if value else None


def switch_to(page, wanted_scheme: str) -> None:
    """Click the palette toggle (automatic -> light -> dark -> automatic) until the reader has chosen
    `wanted_scheme` explicitly (not the automatic mode that happens to show it)."""
    for _ in range(3):
        stored = stored_palette(page)
        if stored and stored["color"]["media"] != "(prefers-color-scheme)" \
                and stored["color"]["scheme"] == wanted_scheme:
            break
        page.locator("form[data-md-component=palette] label:not([hidden])").click()
    assert scheme(page) == wanted_scheme


def test_light_dark_toggle_works_and_persists_across_a_reload(page, site_server):
    page.goto(site_server.page_url("faq/"))
    assert scheme(page) == "default"   # the browser prefers light: automatic mode shows light
    background_light = page.evaluate("() => getComputedStyle(document.body).backgroundColor")

    switch_to(page, "slate")
    assert stored_palette(page)["color"]["scheme"] == "slate"
    background_dark = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background_dark != background_light

    page.reload()
    assert scheme(page) == "slate", "the dark scheme did not survive a reload"
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == background_dark
    page.goto(site_server.page_url("learn/"))
    assert scheme(page) == "slate", "the dark scheme did not follow to another page"

    switch_to(page, "default")
    page.reload()
    assert scheme(page) == "default"
    print(f"\nbackground light {background_light}, dark {background_dark}; stored {stored_palette(page)}")


def first_page_with_code(site) -> str:
    for path in site_browser.site_pages(site):
        if re.search(r'<div class="[^"]*\bhighlight\b[^"]*"[^>]*><(?:span class="filename"|pre)',
                     (site / path / "index.html").read_text()):
            return path
    raise AssertionError("no page of the build shows a code block")


def test_the_copy_button_copies_a_snippets_code(browser, site_server):
    context = browser.new_context(viewport=site_browser.DESKTOP)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_server.origin)
        page = context.new_page()
        path = first_page_with_code(site_server.site)
        page.goto(site_server.page_url(path))
        block = page.locator("div.highlight:has(pre > code) >> visible=true").first   # not in a closed <details>
        block.scroll_into_view_if_needed()
        block.hover()
        # Material 9.8 renders the copy button as button.md-code__button[data-md-type=copy] (earlier
        # releases: button.md-clipboard)
        button = block.locator("button.md-code__button[data-md-type=copy], button.md-clipboard")
        button.click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        code = block.locator("code").text_content()   # what Material copies: the text, not the layout
        print(f"\ncopied {len(copied)} characters from the first code block of /{path}")
        assert copied.strip() and copied.strip() == code.strip()
        assert page.locator(".md-dialog").inner_text().strip() == "Copied to clipboard"
    finally:
        context.close()


def notebook_pages(site) -> list[str]:
    return [path for path in site_browser.site_pages(site)
            if 'class="jupyter-wrapper"' in (site / path / "index.html").read_text()]


def test_a_notebook_page_shows_its_plots(page, site_server):
    pages = notebook_pages(site_server.site)
    assert pages, "no notebook page (docs/lab/*.ipynb rendered by mkdocs-jupyter) in the build"
    shown = {}
    for path in pages:
        page.goto(site_server.page_url(path))
        images = page.locator(".jupyter-wrapper img")
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()  # plots load lazily: wait until this one has
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
            assert image.is_visible()
        shown[path] = images.count()
    print(f"\nnotebook plots shown: {shown}")
    assert sum(shown.values()) > 0, f"notebook pages show no plot: {shown}"


def test_the_menu_opens_and_navigates_on_a_phone(browser, site_server):
    context = browser.new_context(viewport=site_browser.MOBILE, is_mobile=True, has_touch=True)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(site_server.url)
        assert not page.locator(".md-tabs").is_visible(), "tabs are shown at 375 px"
        menu = page.locator("label.md-header__button[for=__drawer]")
        assert menu.is_visible()
        menu.click()
        drawer = page.locator("nav.md-nav--primary")
        page.wait_for_function("() => document.getElementById('__drawer').checked")
        assert drawer.is_visible()
        link = drawer.locator("a.md-nav__link[href$='faq/']").first
        link.click()
        page.wait_for_url(site_server.page_url("faq/"))
        page.wait_for_function("() => !document.getElementById('__drawer').checked")
        assert "FAQ" in page.title() or h1_text(page)
    finally:
        context.close()


def test_a_missing_page_answers_404_with_search_and_the_main_sections(page, site_server):
    response = page.goto(site_server.page_url("no-such-page/"))
    assert response.status == 404
    assert h1_text(page) == "Page not found"
    links = page.eval_on_selector_all(".atlas-404 a", "as => as.map(a => a.href)")
    for _title, path in top_level_sections()[1:]:
        assert site_server.page_url(path) in links, f"404 page does not link to /{path}"
    # the search prompt opens the search with the words of the missing address filled in
    page.locator(".atlas-404-search").click()
    page.wait_for_url(re.compile(re.escape(site_server.url) + r"\?q="))
    page.wait_for_function("() => document.getElementById('__search')?.checked")
    assert page.locator("input.md-search__input").input_value() == "no such page"
    page.wait_for_selector(".md-search-result__meta")


# -- A first-time reader with a Django 4.2 project ------------------------------------------------------
# WSGI today, the default middleware, Celery for jobs. Sets "My Django" to 4.2 once and works from the site
# alone. What each step must show comes from the data (atlas/data/use_case_levels.py, atlas/data/applies.py).

READER_RELEASE = "4.2"


def pick_release(page, release: str) -> None:
    page.wait_for_selector("#atlas-my-django")
    page.select_option("#atlas-my-django", release)
    page.wait_for_function("r => document.documentElement.dataset.atlasMyDjango === r", arg=release)


def follow_tab(page, server, title: str, path: str) -> None:
    page.locator(".md-tabs__link", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")).click()
    page.wait_for_url(server.page_url(path))
    expect(page.locator(".md-tabs__item--active .md-tabs__link")).to_have_text(re.compile(rf"^\s*{re.escape(title)}\s*$"))


def mine_note(page) -> str:
    note = page.locator(".atlas-versions__mine").first
    note.wait_for(state="visible")
    return note.inner_text()


def test_a_42_reader_finds_what_42_can_do_on_the_use_cases_index(page, site_server):
    from atlas.data import use_case_levels
    from atlas.data.versions_data import use_cases

    levels, table = use_case_levels.load(), use_case_levels.table()
    page.goto(site_server.url)
    pick_release(page, READER_RELEASE)
    follow_tab(page, site_server, "Use cases", "use-cases/")
    expect(page.locator(".atlas-uc-release")).to_have_text(f"On your Django {READER_RELEASE}")
    rows = page.locator("article table tbody tr")
    assert rows.count() == len(use_cases())
    for title, level in [(title, table[uc][READER_RELEASE].level) for uc, (title, _p) in use_cases().items()]:
        row = page.locator("article table tbody tr", has=page.locator(f"a:text-is('{title}')"))
        assert row.locator(".atlas-uc-level").inner_text() == levels.label(level), title
    background = page.locator("article table tbody tr", has=page.locator("a:text-is('Background work')"))
    assert "Celery" in background.inner_text() and "django-tasks" in background.inner_text()


def test_a_42_reader_opens_the_upgrade_page_at_42_from_the_nav(page, site_server):
    page.goto(site_server.url)
    pick_release(page, READER_RELEASE)
    follow_tab(page, site_server, "Versions", "versions/")
    page.locator("nav.md-nav a.md-nav__link", has_text=re.compile(r"^\s*Upgrading")).first.click()
    page.wait_for_url(re.compile(r"/versions/upgrade/$"))
    section = page.locator(f"#from-django-{READER_RELEASE.replace('.', '')}")
    section.wait_for(state="visible")
    # scrolled to the section's heading: its top at the top edge (to a pixel: seen -0.05 px) and on screen
    page.wait_for_function("""id => { const r = document.getElementById(id).getBoundingClientRect();
                                      return r.top >= -1 && r.top < window.innerHeight / 2; }""",
                           arg=f"from-django-{READER_RELEASE.replace('.', '')}")
    # what 5.2 adds is in that section, use cases first
    row = page.locator(f"#from-django-{READER_RELEASE.replace('.', '')} + * tr", has=page.locator("a:text-is('5.2')"))
    assert row.count() == 1


@pytest.mark.parametrize("path", ["versions/3.1/", "versions/4.1/", "lab/", "lab/fan-out/",
                                  "use-cases/async-middleware-auth/", "use-cases/background-work/",
                                  "use-cases/server-sent-events/"])
def test_a_42_reader_is_not_told_not_for_you_where_the_page_applies(page, site_server, path):
    page.goto(site_server.url)
    pick_release(page, READER_RELEASE)
    page.goto(site_server.page_url(path))
    text = mine_note(page)
    assert text.startswith(f"✓ Your Django {READER_RELEASE}"), (path, text)
    if path == "use-cases/background-work/":
        assert "Celery" in text and "django-tasks" in text
    if path == "use-cases/async-middleware-auth/":  # its 5.0+ parts say the reader's release lacks them
        marks = page.locator("h2 .atlas-part-mine--no")
        assert marks.count() >= 1 and all(f"not in your {READER_RELEASE}" in t for t in marks.all_inner_texts())
        assert page.locator("h2:has-text('Middleware that works in both modes') .atlas-part-mine--no").count() == 0


def test_a_42_reader_starts_from_their_situation_on_the_home_page(page, site_server):
    from atlas.data import use_case_levels

    levels, table = use_case_levels.load(), use_case_levels.table()
    page.goto(site_server.url)
    pick_release(page, READER_RELEASE)
    expect(page.locator(".atlas-uc-mine")).to_have_text(f"your Django {READER_RELEASE}")
    situations = page.locator(".atlas-situations")
    # live notifications: server-sent events on 4.2, at the level the data gives
    realtime = situations.locator("p", has_text="I need real-time updates.")
    assert realtime.locator(".atlas-uc-level").first.inner_text() == levels.label(table["server-sent-events"][READER_RELEASE].level)
    jobs = situations.locator("p", has_text="I need background jobs.")
    assert "django-tasks" in jobs.inner_text() and "Celery" in jobs.inner_text()
    # Celery or django.tasks: one click to the direct answer for the reader's release
    jobs.locator("a", has_text="Celery and django.tasks").click()
    # instant navigation: the address changes first, the page swaps in after; no "load" event to wait for
    # (Material's anchor tracking may rewrite the fragment as it scrolls: wait for the page, not the fragment)
    page.wait_for_url(re.compile(r"/use-cases/background-work/(#.*)?$"), wait_until="commit")
    page.locator("#celery-or-django-tasks").wait_for(state="visible")
    backport = next(w for w in levels.ways["background-work"] if w.django).django  # "4.2-5.2"
    low, high = backport.split("-")
    assert low <= READER_RELEASE <= high  # the reader's release is one the backport covers
    answer = page.locator("#celery-or-django-tasks + p + ul li", has_text=f"On Django {low} to {high}")
    answer.wait_for(state="visible")
    assert "Celery" in answer.inner_text() and "django-tasks" in answer.inner_text()
    rows = page.locator("table tr", has=page.locator("td:text-is('Retries'), td:text-is('Periodic')"))
    assert rows.count() == 2


def test_a_reader_finds_what_to_read_first_and_how_to_report_a_mistake(page, site_server):
    page.goto(site_server.url)
    follow_tab(page, site_server, "Resources", "resources/")
    first = page.locator("#start-here ~ ul").first.locator("li").first
    assert "Asynchronous support" in first.inner_text() and "Why read it first" in first.inner_text()
    page.goto(site_server.page_url("use-cases/server-sent-events/"))
    report = page.locator(".atlas-mistake a", has_text="Open an issue about this page")
    href = report.get_attribute("href")
    assert href.startswith("https://github.com/") and "/issues/new?" in href
    assert "title=Mistake%20on%20/use-cases/server-sent-events/" in href


def test_a_42_reader_finds_the_numbers_for_their_own_stack(page, site_server):
    """From "Is async faster for me?" to "Check your stack", which opens at the reader's release with its
    startproject middleware; pasting their stack (the default plus two packages) gives each entry's hops."""
    from atlas.data import stack as stack_data

    mine = next(r for r in stack_data.load()["releases"] if r["version"] == READER_RELEASE)
    page.goto(site_server.url)
    pick_release(page, READER_RELEASE)
    faster = page.locator(".atlas-situations p", has_text="Is async faster for me?")
    default_total = mine["default"]["async-asgi"]["sync_to_async"]
    assert f"makes {default_total} thread hops per request" in faster.inner_text()
    faster.locator("a", has_text="Check your stack").click()
    # (Material's anchor tracking may add a fragment as the page scrolls: wait for the page, not the address)
    page.wait_for_url(re.compile(r"/concepts/check-your-stack/(#.*)?$"), wait_until="commit")
    page.wait_for_selector(".atlas-stack-total")
    assert page.input_value("#atlas-stack-release") == READER_RELEASE
    assert page.inner_text(".atlas-stack-total").startswith(f"{default_total} sync_to_async")
    extra = ["corsheaders.middleware.CorsMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware"]
    stack = [extra[0], *mine["default_stack"], extra[1]]
    page.fill("#atlas-stack-input", "MIDDLEWARE = [\n" + "".join(f"    '{p}',\n" for p in stack) + "]\n")
    page.click(".atlas-stack-check button[type=submit]")
    page.wait_for_function("n => document.querySelectorAll('.atlas-stack-table tbody tr').length === n",
                           arg=len(stack))
    shown = page.eval_on_selector_all(".atlas-stack-table tbody tr",
                                      "rs => rs.map(r => [r.cells[1].dataset.path || r.cells[1].innerText.trim(),"
                                      " r.cells[2].innerText.trim()])")
    assert [path for path, _hops in shown] == stack
    added = {m["path"]: m["added"]["async-asgi"]["sync_to_async"] for m in mine["middleware"]}
    assert [int(hops) for path, hops in shown if path in added] == [added[p] for p in mine["default_stack"]]
    total = int(re.search(r"\d+", page.inner_text(".atlas-stack-total"))[0])
    assert total >= default_total
