"""What async_unsafe guards, collected from the sdists (issue 26, item 6: the FAQ said "connection methods
and a few other places"; in every release it guards database-backend methods only)."""
from __future__ import annotations

import ast

import pytest

from atlas.collect import async_unsafe
from atlas.core.datafile import Project
from atlas.core.paths import DOCS
from atlas.data.versions_data import feature_releases


def test_decorated_callables_are_found_with_their_class():
    tree = ast.parse(
        "class W:\n    @async_unsafe\n    def cursor(self): pass\n    def plain(self): pass\n"
        "@asyncio.async_unsafe\ndef f(): pass\n@async_unsafe('msg')\ndef g(): pass\n")
    assert async_unsafe._decorated(tree) == ["W.cursor", "f", "g"]


@pytest.mark.matrix
def test_committed_data_equals_a_fresh_collection_from_the_sdists():
    assert async_unsafe.load() == async_unsafe.collect()


def test_every_release_is_collected_and_only_backends_are_guarded():
    assert async_unsafe.check(Project()) == []
    assert [r["version"] for r in async_unsafe.load()["releases"]] == feature_releases()
    for release in async_unsafe.load()["releases"]:
        assert release["decorated"], release["version"]
        assert all(item.startswith("django/db/backends/") for item in release["decorated"]), release["version"]


def test_the_faq_says_exactly_what_it_guards():
    faq = (DOCS / "faq" / "index.md").read_text(encoding="utf-8")
    entry = faq.split("{ #async-unsafe }", 1)[1].split("\n## ", 1)[0]
    assert "a few other places" not in entry
    assert '--8<-- "generated/async-unsafe.md"' in entry
    text = async_unsafe.render()
    assert text.startswith("It guards database-backend methods only")
    assert "`cursor()`" in text and "`get_new_connection()` (MySQL, Oracle, PostgreSQL, SQLite)" in text
