"""The Changes page and its Atom feed (atlas/site/changes.py), from a scratch git history and from the real one;
the feed is read back with feedparser, a real feed parser."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
import yaml

from atlas.core.paths import ROOT
from atlas.site import changes, registry


def git(repo: Path, *args: str, when: str = "2026-11-20T10:00:00+00:00") -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when, GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.net", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.net")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def write(repo: Path, name: str, data) -> None:
    path = repo / "docs" / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture()
def history(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    repo = tmp_path / "atlas"
    repo.mkdir()
    git(repo, "init", "-q")
    releases = [{"version": "6.0", "newest_patch": "6.0.10", "summary": "Tasks."}]
    caps = [{"id": "async-views", "name": "Async views", "added": "3.1", "apis": ["async def view"]},
            {"id": "async-transactions", "name": "Async transactions", "status": "missing", "notes": "n"}]
    roadmap = [{"id": "dep-20", "title": "Annual releases", "status": "proposed"}]
    resources = [{"title": "Old post", "url": "https://old.example.net/", "description": "d"}]
    for name, data in (("releases.yml", releases), ("capabilities.yml", caps), ("roadmap.yml", roadmap),
                       ("resources.yml", resources)):
        write(repo, name, data)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start", when="2026-11-01T09:00:00+00:00")

    write(repo, "releases.yml", releases + [{"version": "6.1", "newest_patch": "6.1.3", "summary": "asend."}])
    caps[1] = {"id": "async-transactions", "name": "Async transactions", "added": "6.2", "apis": ["aatomic()"]}
    caps[0]["apis"] = ["async def view", "AsyncClient"]
    write(repo, "capabilities.yml", caps + [{"id": "async-paginator", "name": "Async paginator", "added": "6.0",
                                             "apis": ["AsyncPaginator"]}])
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "6.1", when="2026-11-10T09:00:00+00:00")

    write(repo, "roadmap.yml", [dict(roadmap[0], status="accepted")])
    write(repo, "resources.yml", [{"title": "New talk", "url": "https://new.example.net/", "description": "d"}])
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "roadmap and resources", when="2026-11-20T09:00:00+00:00")
    return repo


def test_collect_finds_each_kind_of_change(history):
    events = changes.collect(history)
    titles = [e.title for e in events]
    assert titles == [
        "Roadmap: Annual releases is now accepted",
        "Resource added: New talk",
        "Resource removed: Old post",
        "New release: Django 6.1",
        "New APIs listed for Async views",
        "Shipped: Async transactions",
        "New capability: Async paginator",
    ], titles
    assert {e.kind for e in events} == {"roadmap", "resource", "release", "capability", "api"}
    assert events[0].when == dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)
    assert all(e.when.date() != dt.date(2026, 11, 1) for e in events)  # the first version is the baseline


def test_feed_parses_with_feedparser(history):
    events = changes.collect(history)
    feed = feedparser.parse(changes.render_feed(events, base="https://atlas.example.net/"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Django Async Atlas: what changed"
    assert feed.feed.updated_parsed[:5] == (2026, 11, 20, 9, 0)
    assert [e.title for e in feed.entries] == [e.title for e in events]
    first = feed.entries[0]
    assert first.link == "https://atlas.example.net/versions/roadmap/#dep-20"
    assert first.id.startswith("tag:django-async-atlas,2026:change/")
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    release = next(e for e in feed.entries if e.title == "New release: Django 6.1")
    assert release.link == "https://atlas.example.net/versions/6.1/"
    assert release.tags[0].term == "release"


def test_page_groups_by_day_and_links_the_pages(history):
    page = changes.render_page(changes.collect(history))
    assert page.startswith("---\ntitle: What changed\n")
    assert page.index("## 2026-11-20") < page.index("## 2026-11-10")
    assert "([release](6.1.md))" in page
    assert "([roadmap](roadmap.md#dep-20))" in page
    assert "[Atom feed](../changes.xml)" in page  # a generated file: MkDocs checks the link


def test_page_leads_with_releases_and_new_answers_and_folds_the_resource_list(history):
    events = changes.collect(history)
    page = changes.render_page(events)
    news, folded = page.split("## The resource list", 1)
    assert all(f"([{e.kind}]" not in folded for e in events if e.kind != "resource")
    assert all(e.title in folded and e.title not in news for e in events if e.kind == "resource")
    assert '??? note "2 additions and removals, newest first"' in folded  # one added, one removed
    days = news.split("\n## ")[1:]
    for day in days:  # within a day: releases first, then new capabilities, APIs, roadmap news
        kinds = [line.split("([", 1)[1].split("]", 1)[0] for line in day.splitlines() if line.startswith("- **")]
        assert kinds == sorted(kinds, key=changes.LEAD.index), kinds
    assert any(day.split("- **", 1)[1].count("([release]") for day in days if "([release]" in day)
    first_with_release = next(day for day in days if "([release]" in day)
    assert first_with_release.split("- **", 2)[1].find("([release]") > 0


def test_no_history_gives_an_empty_but_valid_feed(tmp_path):
    assert changes.collect(tmp_path) == []
    feed = feedparser.parse(changes.render_feed([], base="https://atlas.example.net/"))
    assert not feed.bozo and feed.entries == []
    assert "No changes recorded yet" in changes.render_page([])


def test_the_site_registers_the_page_and_the_feed_from_the_real_history():
    assert changes.PAGE_PATH in registry.generated_pages()
    files = registry.generated_files(registry.generated_pages())
    feed = feedparser.parse(files[changes.FEED_PATH])
    assert not feed.bozo, feed.get("bozo_exception")
    if (ROOT / ".git").exists() and subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT,
                                                   capture_output=True, text=True).stdout.strip() == "false":
        events = changes.events()
        assert any(e.kind == "roadmap" for e in events)  # e.g. the merged-for-6.2 items
        assert len(feed.entries) == min(len(events), changes.FEED_LIMIT)
        assert [e.title for e in feed.entries] == [e.title for e in events[:changes.FEED_LIMIT]]
    nav = (ROOT / "mkdocs.yml").read_text()
    assert changes.PAGE_PATH in nav
