"""Every paragraph of Django's async guides is mapped to the page that covers it, and a paragraph a new
release adds or rewords is named (atlas/collect/async_guide_map.py, docs/data/async_guide_map.yml)."""
import pytest
import yaml

from atlas.collect import async_guide_map as guide
from atlas.core.datafile import Project
from atlas.core.paths import DATA
from atlas.data.versions_data import releases_by_version

OLD = """\
Async safety
============

Certain parts of Django keep global state that is not coroutine-aware.

Calling them from a running event loop raises an error.
"""
NEW = OLD.replace("raises an error.", "raises SynchronousOnlyOperation.") + """
Pass no database connection between threads.
"""
SOURCES = [{"file": "docs/topics/async.txt"}]


def _scratch(tmp_path, monkeypatch, entries):
    """A copy of the map with these entries, and two releases whose async.txt is OLD then NEW."""
    (tmp_path / "async_guide_map.yml").write_text(yaml.safe_dump({"sources": SOURCES, "paragraphs": entries}))
    texts = {"6.0": OLD, "6.1": NEW}
    monkeypatch.setattr(guide, "_files", lambda release: {"docs/topics/async.txt": texts[release.version]})
    releases = releases_by_version()
    return Project(data_dir=tmp_path, fallback=DATA), [releases["6.0"], releases["6.1"]]


def _entry(text, covered_by="concepts/sync-and-async-bridges.md#async-safety-rules"):
    return {"id": guide.paragraph_id(text), "file": "docs/topics/async.txt", "says": text[:20],
            "covered_by": covered_by}


def test_a_paragraph_is_known_by_its_words_not_its_markup():
    assert guide.paragraph_id("Use :func:`sync_to_async`  here.") == guide.paragraph_id("use ``sync_to_async`` here.")
    assert guide.paragraph_id("Use sync_to_async here.") != guide.paragraph_id("Use async_to_sync here.")


def test_an_unmapped_paragraph_fails_and_a_reworded_one_is_named(tmp_path, monkeypatch):
    first = "Certain parts of Django keep global state that is not coroutine-aware."
    project, releases = _scratch(tmp_path, monkeypatch, [_entry(first)])
    problems = guide.problems(project, releases)
    reworded = [p for p in problems if "Calling them from a running event loop" in p]
    added = [p for p in problems if "Pass no database connection" in p]
    assert len(reworded) == 1 and reworded[0].startswith("docs/topics/async.txt:6 (Django 6.1 sdist")
    assert "new or changed in 6.1" in reworded[0] and "python3 dev.py guide" in reworded[0]
    assert len(added) == 1 and "new or changed in 6.1" in added[0]
    assert not any(first[:30] in p for p in problems)   # the mapped one is fine


def test_a_stale_entry_and_an_anchor_that_points_nowhere_fail(tmp_path, monkeypatch):
    old = "Calling them from a running event loop raises an error."   # 6.0's wording, gone in 6.1
    nowhere = _entry("Pass no database connection between threads.", "concepts/sync-and-async-bridges.md#nope")
    project, releases = _scratch(tmp_path, monkeypatch, [_entry(old), nowhere])
    problems = guide.problems(project, releases)
    assert any("is no longer in Django 6.1's docs/topics/async.txt" in p for p in problems), problems
    assert any("covered_by = 'concepts/sync-and-async-bridges.md#nope': no such page or anchor" in p
               for p in problems), problems


@pytest.mark.matrix  # reads the newest two releases' sdists: the full suite, not `dev.py check`
def test_every_paragraph_of_the_newest_async_guides_is_mapped():
    problems = guide.problems(Project())
    assert not problems, "\n".join(problems)
    mapping = guide.load_map()
    files = guide._files(list(releases_by_version().values())[-1])
    found = guide.paragraphs(files, mapping["sources"])
    assert len(found) >= 120, len(found)   # 130 in 6.1: async.txt 56, the other guides 74
    safety = [p for p in found if p.section == "Async safety"]
    assert safety and all(p.id in {e["id"] for e in mapping["paragraphs"]} for p in safety)
