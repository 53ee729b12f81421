"""`python3 dev.py upstream` (atlas/collect/upstream.py) against a fake package index on loopback.

The index answers with responses recorded from PyPI's JSON API on 2026-11-27 (tests/support/recorded_pypi/,
trimmed to versions, upload times and yanked flags); tests add or drop versions to stage a move, and pass
a fixed "today", so nothing here depends on the real date or on what PyPI says now.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from atlas.collect import pypi, release_notes, upstream, upstream_moves
from atlas.core.paths import DATA
from tests.support.fake_pypi import TODAY, fake_index, recorded, with_versions

# -- versions ---------------------------------------------------------------------------------------


def test_versions_follow_django_and_the_annual_numbering():
    v = pypi.parse_version
    assert (v("6.1.3").feature, v("6.1.3").patch, v("6.1.3").final) == ("6.1", 3, True)
    assert (v("6.2a1").feature, v("6.2a1").final) == ("6.2", False)
    assert v("6.2a1").key < v("6.2b1").key < v("6.2rc1").key < v("6.2").key < v("6.2.1").key
    assert (v("2028").feature, v("2028.1").feature, v("2028.1").patch) == ("2028", "2028", 1)
    assert v("2028rc1").key < v("2028").key < v("2028.2").key
    assert v("6.2").key < v("2028a1").key
    assert v("1.0.dev1") is None and v("2026.10.19.post1") is None


def test_django_moves_finds_new_releases_prereleases_and_patches():
    # fictional releases: the logic, not the real list (that one lives in releases.yml)
    pypi = {k: None for k in ["8.1.9", "8.1.10", "8.1.11", "8.2.3", "8.3a1", "8.3b1", "2031a1", "8.0.19"]}
    moves = upstream_moves.django_moves({"8.0": "8.0.19", "8.1": "8.1.10", "8.2": "8.2.3"}, pypi)
    assert [(f, v.raw) for f, v, _ in moves.new_features] == [("8.3", "8.3b1"), ("2031", "2031a1")]
    assert [(f, have, v.raw) for f, have, v, _ in moves.new_patches] == [("8.1", "8.1.10", "8.1.11")]
    quiet = upstream_moves.django_moves({"8.2": "8.2.3"}, {"8.2.3": None, "8.2rc1": None, "8.1.12": None})
    assert quiet.new_features == [] and quiet.new_patches == []  # an older series' patch is not "new"


# -- the index --------------------------------------------------------------------------------------


def test_index_reads_the_json_api_and_skips_yanked_releases():
    django = recorded()["django"]
    django = with_versions(django, "6.1.4")
    django["releases"]["6.1.5"] = [{"upload_time": "2026-12-02T10:00:00", "yanked": True}]
    with fake_index({"django": django}) as url:
        found = pypi.Index(url + "/pypi").releases("django")
    assert found["6.1.3"] == dt.date(2026, 11, 3)
    assert found["6.1.4"] == dt.date(2026, 12, 1)
    assert "6.1.5" not in found
    with fake_index({}) as url:
        assert pypi.Index(url + "/pypi").releases("no-such-project") == {}


def test_index_falls_back_to_pip_index_versions_on_a_local_simple_index():
    with fake_index({"django": recorded()["django"]}) as url:
        dead = pypi.Index("http://127.0.0.1:9/pypi", timeout=2, simple=url + "/simple")
        found = dead.releases("django")
    assert "6.1.3" in found and "3.0.14" in found
    assert all(date is None for date in found.values())  # pip does not say when
    assert "pip index versions django" in dead.log[0]
    with pytest.raises(pypi.IndexUnreachable):
        pypi.Index("http://127.0.0.1:9/pypi", timeout=2, pip_fallback=False).releases("django")


# -- packages ---------------------------------------------------------------------------------------


def test_package_moves_compare_pypi_with_the_lock_and_the_pages(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("uvicorn==0.54.0\nchannels_redis==4.3.0\ndaphne==4.2.3\n")
    pages = tmp_path / "docs"
    pages.mkdir()
    (pages / "page.md").write_text("Served by daphne 4.2.3 and `channels-redis==4.4.0`; celery 5.7.0 workers.\n")
    projects = recorded()
    projects["uvicorn"] = with_versions(projects["uvicorn"], "0.55.0")
    names = ["uvicorn", "channels-redis", "daphne", "celery", "django-tasks"]
    mentions = upstream_moves.page_mentions(names, [pages])
    assert mentions["channels-redis"][0] == "4.4.0" and mentions["celery"][0] == "5.7.0"
    with fake_index(projects) as url:
        moves, problems, unpinned = upstream_moves.package_moves(names, upstream_moves.lock_pins(lock), mentions,
                                                           pypi.Index(url + "/pypi"))
    by_name = {m.name: m for m in moves}
    assert by_name["uvicorn"].newest == "0.55.0" and by_name["uvicorn"].lock == "0.54.0"
    assert "channels-redis" not in by_name  # the page already names a version as new as PyPI's newest
    assert "daphne" not in by_name and "celery" not in by_name
    assert problems == []
    assert [line.split()[0] for line in unpinned] == ["django-tasks"]


# -- freshness --------------------------------------------------------------------------------------


def test_stale_entries_follow_the_fixed_today():
    assert upstream_moves.stale_entries(TODAY, 31) == []
    later = upstream_moves.stale_entries(dt.date(2027, 1, 15), 31)
    from atlas.data.versions_data import load_capabilities, load_roadmap

    expected = {i.id for i in load_roadmap()} | {c.id for c in load_capabilities() if not c.shipped}
    assert {s.id for s in later} == expected
    assert all(s.age > 31 for s in later)


# -- the next release's notes -----------------------------------------------------------------------

NOTES = """\
==========================
Django 9.9 release notes
==========================

What's new
==========

Minor features
--------------

Cache
~~~~~

* The cache gains a knob nobody asked for.

Tasks
~~~~~

* ...

* Task results remember their queue.

Backwards incompatible changes
==============================

Miscellaneous
-------------

* Views declared with ``async def`` now get a fresh :class:`~asyncio.TaskGroup`.

* The ``asgiref`` floor moves up.
"""


def test_note_items_keep_async_bullets_and_async_sections():
    items = release_notes.note_items(NOTES, "docs/releases/9.9.txt")
    assert [(i.section, i.short()) for i in items] == [
        ("Tasks", "* Task results remember their queue."),
        ("Miscellaneous", "* Views declared with async def now get a fresh asyncio.TaskGroup."),
        ("Miscellaneous", "* The asgiref floor moves up."),
    ]
    assert items[1].path == "Backwards incompatible changes › Miscellaneous"


def test_note_items_find_every_merged_roadmap_heading_in_the_recorded_structure():
    """Each merged roadmap item names a heading path that the extractor produces for release notes."""
    from atlas.data.versions_data import load_roadmap

    for item in (i for i in load_roadmap() if i.status == "merged"):
        assert " › " in item.section or item.section == "Python compatibility", item.id


def test_notes_status_unchanged_changed_and_unreachable():
    import hashlib

    state = {"next_release_notes": {"release": "9.9", "repo": "django/django", "path": "docs/releases/9.9.txt",
                                    "commit": "0" * 40, "read": "2026-11-27", "chars": len(NOTES),
                                    "sha256": hashlib.sha256(NOTES.encode()).hexdigest()}}
    same = upstream.notes_status(state, {}, fetch=lambda url: NOTES)
    assert same[1].endswith(": unchanged")
    changed = upstream.notes_status(state, {}, fetch=lambda url: NOTES + "\n* Async templates, at last.\n")
    assert "CHANGED" in changed[1]
    assert any("Async templates, at last." in line for line in changed)

    def unreachable(url):
        raise OSError("no route")

    lines = upstream.notes_status(state, {}, fetch=unreachable)
    assert "cannot check from here" in lines[1]
    # an instruction a person can follow: a browser address and a git command, no tool of an assistant
    assert "https://github.com/django/django/blob/main/docs/releases/" in lines[1]
    assert "git clone https://github.com/django/django" in lines[1]


REPORT_DATA = ("releases.yml", "capabilities.yml", "roadmap.yml", "upstream.yml")  # what every report reads


def copied_data(tmp_path, *names: str):
    """tmp_path/data holding copies of these files of docs/data."""
    data = tmp_path / "data"
    data.mkdir()
    for name in names:
        shutil.copy(DATA / name, data / name)
    return data


def test_report_with_a_new_patch_and_a_moved_package(tmp_path):
    data = copied_data(tmp_path, *REPORT_DATA)
    projects = recorded()
    projects["django"] = with_versions(projects["django"], "6.1.4")
    projects["channels"] = with_versions(projects["channels"], "4.4.0")

    def unreachable(url):
        raise OSError("offline")

    with fake_index(projects) as url:
        report, drafts = upstream.build_report(TODAY, pypi.Index(url + "/pypi"), data, install=False,
                                               fetch=unreachable)
    text = "\n".join(report.lines)
    assert report.moved and drafts == []
    assert "newer patch: Django 6.1.4 (uploaded 2026-12-01); releases.yml 6.1 newest_patch is 6.1.3" in text
    assert "channels 4.4.0 (uploaded 2026-12-01); we use: lock 4.3.2" in text
    assert "cannot check from here" in text
    assert "## Checked more than 31 days ago\n  none" in text
    assert "never checked: run `python3 dev.py links`" in text


def test_report_lists_what_is_older_than_the_thresholds(tmp_path):
    data = copied_data(tmp_path, *REPORT_DATA)
    (data / "link_status.json").write_text(json.dumps({"checked": "2026-11-27", "checker": "lychee", "links": {
        "https://gone.example.net/": {"status": "broken", "code": 404, "redirects_to": None, "detail": "",
                                     "checked": "2026-11-27", "last_ok": None, "where": ["x"]}}}))
    with fake_index(recorded()) as url:
        report, _ = upstream.build_report(dt.date(2027, 1, 15), pypi.Index(url + "/pypi"), data,
                                          install=False, draft=False, fetch=lambda u: NOTES)
    text = "\n".join(report.lines)
    assert report.moved
    assert "roadmap: django-6-2-lts checked 2026-11-27 (49 days)" in text
    assert "not there yet: tasks-worker checked 2026-11-27 (49 days)" in text
    assert "last checked 2026-11-27 (49 days ago): 1 links, 1 failing\n    https://gone.example.net/" in text
    assert "older than 14 days" in text
    assert "links the site shows were never checked, e.g. https://" in text


def test_report_is_quiet_when_nothing_moved(tmp_path):
    data = copied_data(tmp_path, *REPORT_DATA, "page_matrix.json", "errors.yml")
    from atlas.collect import linkcheck

    fine = {"status": "ok", "code": 200, "redirects_to": None, "detail": "", "checked": "2026-11-23",
            "last_ok": "2026-11-23", "where": ["x"]}
    links = {url: fine for url in linkcheck.outside_links(tmp_path)}
    (data / "link_status.json").write_text(json.dumps({"checked": "2026-11-23", "checker": "lychee", "links": links}))
    projects = recorded()
    lock = tmp_path / "requirements.lock"
    lock.write_text("".join(f"{name}=={max((pypi.generic_key(v), v) for v in p['releases'] if pypi.generic_key(v))[1]}\n"
                            for name, p in projects.items()))
    with fake_index(projects) as url:
        report, _ = upstream.build_report(TODAY, pypi.Index(url + "/pypi"), data, install=False,
                                          lock_path=lock, fetch=lambda u: (_ for _ in ()).throw(OSError("x")))
    text = "\n".join(report.lines)
    assert "nothing new: newest release 6.1 (6.1.3)" in text
    assert f"last checked 2026-11-23 (4 days ago): {len(links)} links, 0 failing" in text and links
    assert "pinned or versioned packages current" in text
    assert "## Releases to collect\n  none" in text
    assert "cannot check from here" in text  # the notes cannot be compared: reported, not counted as a move
    assert not report.moved, text


def test_notes_are_compared_with_a_prerelease_sdist_when_there_is_one(monkeypatch):
    """With 9.9a1 on the index the notes come from its sdist (pip download); here the sdist reader is
    replaced so the test needs no release that does not exist."""
    import hashlib

    from atlas.collect import sdists

    asked = []

    def fake_sdist_text(release, member):
        asked.append((release.newest_patch, member))
        return NOTES

    monkeypatch.setattr(sdists, "sdist_text", fake_sdist_text)
    state = {"next_release_notes": {"release": "9.9", "repo": "django/django", "path": "docs/releases/9.9.txt",
                                    "commit": "0" * 40, "read": "2026-11-27", "chars": 1,
                                    "sha256": hashlib.sha256(b"older text").hexdigest()}}
    lines = upstream.notes_status(state, {"9.9a1": None, "9.9b1": None, "9.8": None},
                                  fetch=lambda url: pytest.fail("GitHub must not be asked when a sdist exists"))
    assert asked == [("9.9b1", "docs/releases/9.9.txt")]
    assert lines[1].startswith("  the Django 9.9b1 sdist: CHANGED")
    assert any("Task results remember their queue." in line for line in lines)


def test_update_patches_rewrites_only_newest_patch_when_the_probes_agree(tmp_path):
    from atlas.collect.matrix import Outcome, ReleaseReport
    data = copied_data(tmp_path, "releases.yml")
    before = (data / "releases.yml").read_text()
    seen = []

    from atlas.data.versions_data import load_releases

    newest, previous = load_releases(data / "releases.yml")[:-3:-1]  # the two newest releases of the file

    def bump(patch: str) -> str:
        head, _, last = patch.rpartition(".")
        return f"{head}.{int(last) + 1}" if head.count(".") == 1 else f"{patch}.1"

    good, bad = bump(newest.newest_patch), bump(previous.newest_patch)

    def probe(release, capabilities):
        seen.append(release.newest_patch)
        fine = release.newest_patch == good  # the other newer patch loses a capability
        return ReleaseReport(release.version, release.newest_patch, "3.x",
                             [Outcome("async-views", True, True, None, 0.0),
                              Outcome("async-cache", True, fine, None if fine else "gone", 0.0)])

    moves = [(newest.version, newest.newest_patch, pypi.parse_version(good), None),
             (previous.version, previous.newest_patch, pypi.parse_version(bad), None)]
    lines = upstream.apply_patches(data, moves, [], probe=probe)
    assert seen == [good, bad]
    assert lines == [f"UPDATED releases.yml {newest.version}: newest_patch {newest.newest_patch} -> {good} "
                     "(2 probes as expected)", f"not updated {previous.version} to {bad}: async-cache"]
    after = (data / "releases.yml").read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [(f'  newest_patch: "{newest.newest_patch}"', f'  newest_patch: "{good}"')]


def test_report_lists_a_new_release_to_collect(tmp_path):
    """A release just added to releases.yml passes the checks; the report says what to collect for it."""
    data = copied_data(tmp_path, *REPORT_DATA, "page_matrix.json", "errors.yml")
    with (data / "releases.yml").open("a") as releases:
        releases.write('- version: "9.9"\n  newest_patch: "9.9"\n')
    with fake_index(recorded()) as url:
        report, _ = upstream.build_report(TODAY, pypi.Index(url + "/pypi"), data, install=False, draft=False,
                                          fetch=lambda u: NOTES)
    text = "\n".join(report.lines)
    assert report.moved
    assert ("## Releases to collect\n"
            "  Django 9.9: page-matrix results — run `python3 dev.py pagematrix --resolve 9.9`, then "
            "`python3 dev.py pagematrix`\n"
            "  Django 9.9: error-index lines — run `python3 dev.py errors`\n") in text, text
