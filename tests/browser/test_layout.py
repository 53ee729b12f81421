"""Layout on a phone (375 and 390 px) and a desktop (1280 px), light and dark, checked by element geometry in
headless Chromium, not by eye: the site's name is not cut, the "My Django" picker says what it is, nothing in
the header overlaps or leaves the screen, the "applies to" line sits under the page title on every kind of
page, and a code block's copy button never covers its first line."""
from __future__ import annotations

import pytest

from atlas.bench import site_browser

WIDTHS = (375, 390, 1280)
SCHEMES = ("light", "dark")
# A hand-written page, a generated release page, the generated Changes page, a page with code blocks
PAGES = ("use-cases/", "versions/4.2/", "versions/changes/", "use-cases/server-sent-events/")

RECT = "e => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; }"


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5


@pytest.fixture(scope="module", params=[(w, s) for w in WIDTHS for s in SCHEMES], ids=lambda p: f"{p[0]}px-{p[1]}")
def layout_page(request, browser, site_server):
    width, scheme = request.param
    context = browser.new_context(viewport={"width": width, "height": 740}, color_scheme=scheme)
    context.set_default_timeout(site_browser.TIMEOUT_MS)
    page = context.new_page()
    page.width = width
    yield page
    context.close()


def open_page(page, server, path: str) -> None:
    page.goto(server.page_url(path))
    page.wait_for_selector("#atlas-my-django")
    page.select_option("#atlas-my-django", "4.2")  # the picker at its usual width: a release chosen
    page.wait_for_function("document.documentElement.dataset.atlasMyDjango === '4.2'")


def test_header_title_is_whole_and_the_picker_says_what_it_is(layout_page, site_server):
    page = layout_page
    open_page(page, site_server, "")
    title = page.locator(".md-header__topic").first.locator(".md-ellipsis")
    whole = title.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1")
    assert whole, f"{page.width}px: the site's name is cut: {title.evaluate(RECT)}"
    assert title.inner_text().strip() == "Django Async Atlas"
    label = page.locator(".atlas-picker__label")
    box = label.evaluate(RECT)
    assert label.inner_text().strip() == "My Django" and box["width"] > 20 and box["height"] >= 8, (page.width, box)
    parts = page.evaluate(f"""() => [...document.querySelector('.md-header__inner').children]
        .filter(e => e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden')
        .map(e => [e.className, ({RECT})(e)])""")
    for name, rect in parts:  # nothing leaves the screen
        assert rect["left"] >= -0.5 and rect["right"] <= page.width + 0.5, (page.width, name, rect)
    for i, (name_a, a) in enumerate(parts):  # and no two header parts overlap
        for name_b, b in parts[i + 1:]:
            assert not overlap(a, b), (page.width, name_a, a, name_b, b)
    select = page.locator("#atlas-my-django").evaluate(RECT)
    assert not overlap(box, select)


@pytest.mark.parametrize("path", PAGES)
def test_the_applies_to_line_sits_under_the_title(layout_page, site_server, path):
    page = layout_page
    open_page(page, site_server, path)
    h1 = page.locator("article h1").first.evaluate(RECT)
    banner = page.locator("article .atlas-versions").first.evaluate(RECT)
    assert banner["top"] >= h1["bottom"] - 0.5, (page.width, path, h1, banner)
    assert banner["right"] <= page.width + 0.5


def test_a_copy_button_never_covers_the_first_line_of_code(layout_page, site_server):
    page = layout_page
    open_page(page, site_server, "use-cases/server-sent-events/")
    page.wait_for_selector("button.md-code__button", state="attached")
    blocks = page.evaluate(f"""() => [...document.querySelectorAll('.highlight')].map(block => {{
        const code = block.querySelector('pre > code'), nav = block.querySelector('.md-code__nav');
        if (!code || !nav || block.getBoundingClientRect().width === 0) return null;
        const line = document.createRange();
        line.selectNodeContents(code.querySelector('span') || code);
        const rects = [...line.getClientRects()].filter(r => r.width > 0);
        const first = rects.reduce((a, r) => ({{left: Math.min(a.left, r.left), top: Math.min(a.top, r.top),
            right: Math.max(a.right, r.right), bottom: Math.max(a.bottom, r.bottom)}}), {{left: 1e9, top: 1e9, right: -1e9, bottom: -1e9}});
        return {{nav: ({RECT})(nav), line: first, block: ({RECT})(block)}};
    }}).filter(Boolean)""")
    assert len(blocks) >= 3
    for number, found in enumerate(blocks):
        nav, line, block = found["nav"], found["line"], found["block"]
        # the first line runs under the whole width of the box (it scrolls sideways): it must not meet the button
        assert not overlap(nav, {**line, "right": max(line["right"], block["right"])}), (page.width, number, found)
        assert block["top"] - 0.5 <= nav["top"] and nav["bottom"] <= block["bottom"] + 0.5, (page.width, number, found)
