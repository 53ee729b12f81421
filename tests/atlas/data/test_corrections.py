"""Corrections as news (issue 26): each entry of docs/data/corrections.yml becomes an entry of the What
changed page and of its Atom feed, saying what the site said, what is true and the source."""
from __future__ import annotations

import feedparser

from atlas.core.datafile import Project
from atlas.data import corrections
from atlas.site import changes


def test_every_correction_is_on_the_page_and_in_the_feed():
    entries = corrections.load()
    assert entries, "docs/data/corrections.yml holds the corrections of issue 26"
    events = changes.collect()
    page = changes.render_page(events)
    feed = feedparser.parse(changes.render_feed(events, base="https://example.net/atlas/"))
    feed_ids = {e.id for e in feed.entries}
    for entry in entries:
        assert f"**Correction: {entry['title']}**" in page
        event = next(e for e in events if e.kind == "correction" and e.key == entry["id"])
        assert "The site said:" in event.summary and "What is true:" in event.summary
        assert "Source:" in event.summary
        if event in events[:changes.FEED_LIMIT]:
            assert event.id in feed_ids


def test_a_correction_names_a_page_that_exists(tmp_path):
    data = tmp_path / "docs" / "data"
    data.mkdir(parents=True)
    (tmp_path / "docs" / "faq").mkdir()
    (tmp_path / "docs" / "faq" / "index.md").write_text("# FAQ\n")
    (data / "corrections.yml").write_text(
        "- {id: a, date: 2026-12-07, page: faq/index.md#x, title: t, said: s, correct: c, source: {title: t, url: 'https://e.net/'}}\n"
        "- {id: a, date: 2026-12-07, page: faq/nothere.md, title: t, said: s, correct: c, source: {title: t, url: 'https://e.net/'}}\n")
    found = corrections.check(Project(tmp_path))
    assert any("faq/nothere.md is not a page" in line for line in found)
    assert any("used twice" in line for line in found)
    assert not any("faq/index.md" in line for line in found)
