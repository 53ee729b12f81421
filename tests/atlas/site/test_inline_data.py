"""Facts from docs/data written into hand-written pages by the build (atlas/site/inline_data.py). Issue 26,
item 10: DJANGO_ALLOW_ASYNC_UNSAFE arrived in 3.0.1, which an "Applies to" range cannot say; the FAQ now
states the patch release where it names the variable, rendered from the capability's added_patch."""
from __future__ import annotations

import re

import pytest

from atlas.core.errors import DataError
from atlas.core.paths import DOCS
from atlas.data.versions_data import load_capabilities
from atlas.site import inline_data


def test_since_gives_the_patch_release_when_there_is_one():
    caps = {c.id: c for c in load_capabilities()}
    assert caps["allow-async-unsafe"].added_patch == "3.0.1"
    assert inline_data.expand("from Django [[since:allow-async-unsafe]]") == "from Django 3.0.1+"
    assert inline_data.expand("[[since:async-views]]") == "3.1+"


def test_an_unknown_capability_fails_with_page_line_and_fix():
    with pytest.raises(DataError, match=r"faq/x\.md:2: \[\[since:no-such-thing\]\] names no capability"):
        inline_data.expand("line one\n[[since:no-such-thing]]", "faq/x.md")


def test_every_faq_paragraph_naming_the_escape_hatch_says_since_when():
    text = (DOCS / "faq" / "index.md").read_text(encoding="utf-8")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if "DJANGO_ALLOW_ASYNC_UNSAFE" in p]
    assert paragraphs
    for paragraph in paragraphs:
        assert "[[since:allow-async-unsafe]]" in paragraph, paragraph[:200]


def test_the_covered_releases_follow_the_release_list():
    """A page naming the releases the atlas covers renders them, so adding a release cannot leave it behind."""
    from atlas.data.versions_data import load_releases

    versions = [r.version for r in load_releases()]
    assert inline_data.expand("from [[releases]]:", "p.md") == f"from {versions[0]} to {versions[-1]}:"


def test_the_newest_release_is_rendered():
    from atlas.data.versions_data import load_releases

    assert inline_data.expand("Today ([[newest]]):", "p.md") == f"Today ({load_releases()[-1].version}):"
