"""The resource list in a browser: without a choice every entry shows; picking a topic, kind or release
hides the entries (and whole sections) that do not match, and the count says how many remain. The page
itself works without JavaScript (the form is `hidden` in the HTML; tests/resources checks that)."""
from __future__ import annotations

from atlas.core.django_range import release_key
from atlas.data import resources

PAGE = "resources/"


def visible_titles(page) -> list[str]:
    return page.locator("article li:has(.atlas-resource-meta):visible > a").all_inner_texts()


def test_filter_narrows_the_list_and_hides_empty_sections(page, site_server):
    entries = resources.load_resources()
    vocab = resources.load_vocabulary()
    page.goto(site_server.url + PAGE)
    form = page.locator("form.atlas-resource-filter")
    form.wait_for(state="visible")  # the script un-hides the form
    assert len(visible_titles(page)) == len(entries)

    # A topic used by few entries: only those stay, and sections without one disappear with their heading.
    topic = "sse"
    wanted = sorted(e["title"] for e in entries if topic in e["topics"])
    page.select_option('[data-filter="topic"]', topic)
    page.wait_for_function(f"document.querySelectorAll('.atlas-resource-meta').length > 0 && "
                           f"document.querySelector('.atlas-resource-count').textContent.startsWith('{len(wanted)} of')")
    assert sorted(visible_titles(page)) == wanted
    kept_sections = {vocab.sections[e["section"]]["title"] for e in entries if topic in e["topics"]}
    for section in vocab.sections.values():
        heading = page.locator("article h2", has_text=section["title"]).first
        assert heading.is_visible() == (section["title"] in kept_sections), section["title"]

    # Kind and release combine with the topic; clearing everything brings the whole list back.
    page.select_option('[data-filter="topic"]', "")
    page.select_option('[data-filter="kind"]', "talk")
    talks = sorted(e["title"] for e in entries if e["kind"] == "talk")
    page.wait_for_function(f"document.querySelector('.atlas-resource-count').textContent.startsWith('{len(talks)} of')")
    assert sorted(visible_titles(page)) == talks
    page.select_option('[data-filter="kind"]', "")
    page.select_option('[data-filter="release"]', "3.0")
    on_30 = [e for e in entries if resources.parse_django(e["django"])[0] is None
             or (release_key(resources.parse_django(e["django"])[0]) <= release_key("3.0")
                 and (resources.parse_django(e["django"])[1] is None
                      or release_key(resources.parse_django(e["django"])[1]) >= release_key("3.0")))]
    page.wait_for_function(f"document.querySelector('.atlas-resource-count').textContent.startsWith('{len(on_30)} of')")
    assert len(visible_titles(page)) == len(on_30)
    page.select_option('[data-filter="release"]', "")
    page.wait_for_function("document.querySelector('.atlas-resource-count').textContent === ''")
    assert len(visible_titles(page)) == len(entries)
