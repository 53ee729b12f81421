"""docs/data/ecosystem.json (the most downloaded Django packages on the async path) against the real packages.

Matrix tests collect again (every package's distribution, and its middleware through the stack probe in an
environment holding the newest Django and the package) and compare with the committed file; a plain count
through AsyncClient in a real startproject project, written without the collector, checks three packages'
middleware. The other tests check the committed file itself.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from atlas.collect import ecosystem
from atlas.collect.ecosystem_config import CONFIG
from atlas.core.paths import ROOT

PLAIN_COUNT = ROOT / "tests" / "stack" / "plain_count.py"


def committed() -> dict:
    return json.loads(ecosystem.DATA_FILE.read_text(encoding="utf-8"))


def by_name() -> dict[str, dict]:
    return {p["name"]: p for p in committed()["packages"]}


def test_every_package_of_the_ranking_has_a_row_in_its_order():
    assert [p["name"] for p in committed()["packages"]] == [p["name"] for p in ecosystem.ranked()]
    assert len(committed()["packages"]) >= 40


def test_each_middleware_row_is_measured_or_says_why_not():
    rows = [m for p in committed()["packages"] for m in p["middleware"]]
    assert len(rows) >= 10
    for m in rows:
        if m["configured"]:
            assert m["steady"], m["path"]
            for direction in ("sync_to_async", "async_to_sync"):
                assert m[direction] == sum(c["count"] for c in m["calls"] if c["direction"] == direction), m["path"]
        else:
            assert m["why"].strip(), m["path"]


def test_a_package_with_middleware_in_its_code_lists_it_under_plugs_into():
    for p in committed()["packages"]:
        assert sorted(m["path"] for m in p["middleware"]) == sorted(p["plugs_into"].get("middleware", [])), p["name"]


def test_sync_only_middleware_makes_one_hop_each_way_and_hop_free_ones_none():
    """What Django's adaptation predicts for a middleware measured alone: a sync-only one runs in a thread
    (one sync_to_async) and calls the rest of the chain back (one async_to_sync)."""
    for p in committed()["packages"]:
        for m in p["middleware"]:
            if m.get("configured") and not m["prerequisites"] and not m["async_capable"]:
                assert (m["sync_to_async"], m["async_to_sync"]) == (1, 1), m["path"]


def test_the_file_heading_is_what_a_fresh_collection_writes():
    fresh = ecosystem.heading()
    assert {k: committed().get(k) for k in fresh} == fresh


@pytest.mark.matrix
@pytest.mark.parametrize("name", [p["name"] for p in ecosystem.ranked()])
def test_a_fresh_collection_of_each_package_matches_its_committed_row(name, tmp_path, monkeypatch):
    """ecosystem.collect() one package at a time (`python3 dev.py ecosystem --check` does them all), so the
    parallel workers share the packages out instead of one worker probing all of them in a row."""
    monkeypatch.setattr(ecosystem, "RESULTS", tmp_path / "results")  # every probe runs again
    entry = next(p for p in ecosystem.ranked() if p["name"] == name)
    fresh = ecosystem.collect_package(entry, ecosystem.newest_release())
    assert fresh == by_name()[name], f"{name} differs from a fresh collection — run `python3 dev.py ecosystem`"


def _settings_tail(apps, middleware, settings) -> str:
    lines = [f"INSTALLED_APPS += {apps!r}", f"MIDDLEWARE = {middleware!r}"]
    lines += [f"{k} = {v!r}" for k, v in settings.items() if k != "MIDDLEWARE"]
    return "\n" + "\n".join(lines) + "\n"


@pytest.mark.matrix
@pytest.mark.parametrize("name", ["django-cors-headers", "django-csp", "django-silk"])
def test_a_plain_count_through_async_client_agrees_with_the_collected_middleware(name, package_project):
    """startproject in the package's environment, MIDDLEWARE set to what the probe measured (its
    prerequisites and the middleware), AsyncClient requests counted by tests/stack/plain_count.py."""
    row = by_name()[name]
    project = package_project(name, row["version"])
    config = CONFIG[name]
    for m in [m for m in row["middleware"] if m["configured"]]:
        settings = project.path / "mysite" / "settings.py"
        base = settings.read_text(encoding="utf-8").split("\n# -- atlas\n")[0]
        settings.write_text(base + "\n# -- atlas\n" + _settings_tail(
            [a for a in config.get("installed_apps", []) if a != "django.contrib.staticfiles"],
            m["prerequisites"] + [m["path"]], config.get("settings", {})), encoding="utf-8")
        subprocess.run([str(project.python), "manage.py", "migrate", "-v0", "--skip-checks"], cwd=project.path, check=True,
                       capture_output=True, env=project.env)
        assert project.run(str(PLAIN_COUNT)) == m["with_prerequisites"], m["path"]


def test_the_build_check_says_when_the_collected_file_does_not_follow_the_ranking(tmp_path):
    from atlas.core.datafile import Project
    from atlas.data import ecosystem as rules

    assert rules.check(Project()) == []
    ranking = json.loads(ecosystem.RANKING_FILE.read_text(encoding="utf-8"))
    ranking["packages"][0]["version_checked"] = "0.0.1"  # a refreshed ranking the collector has not followed
    (tmp_path / "ecosystem_ranking.json").write_text(json.dumps(ranking), encoding="utf-8")
    copy = Project(data_dir=tmp_path, fallback=ecosystem.DATA_FILE.parent)  # the rest: the repository's data
    assert any("run `python3 dev.py ecosystem`" in p for p in rules.check(copy))


def test_the_middleware_is_measured_on_each_lts_release_the_package_declares():
    from atlas.data.versions_data import load_releases

    lts = [r.version for r in load_releases() if r.lts]
    newest = committed()["django"]
    rows = 0
    for p in committed()["packages"]:
        if not any(m["configured"] for m in p["middleware"]) and not p.get("lts"):
            continue
        declared = [v for v in lts if v in p["django_releases"] and v != newest]
        assert [row["django"] for row in p.get("lts", [])] == [v for v in declared if p.get("setup") is not None], p["name"]
        for row in p.get("lts", []):
            assert ("why" in row) != ("measured_on" in row), p["name"]
            if "measured_on" in row:
                rows += 1
                assert row["measured_on"]["django"].startswith(row["django"] + "."), p["name"]
                assert [m["path"] for m in row["middleware"]] == [m["path"] for m in p["middleware"] if m["path"] in
                                                                  {x["path"] for x in row["middleware"]}], p["name"]
    assert rows >= 10


def test_the_page_shows_each_lts_measurement_and_each_offer_with_its_source():
    from atlas.site import ecosystem_render

    text = ecosystem_render.render()
    for p in committed()["packages"]:
        for row in p.get("lts", []):
            assert f"On Django {row.get('measured_on', {}).get('django', row['django'])}" in text, p["name"]
        for offer in p.get("async_offers", []):
            assert f"Async since **{offer['package']} {offer['since']}**" in text
            assert offer["evidence"]["url"] in text and f"line {offer['evidence']['line']}" in text


def test_every_middleware_that_hops_or_is_sync_only_has_what_to_do():
    """On the newest release or an LTS one: the page's 'What to do' line (ecosystem_config.FIXES)."""
    from atlas.collect.ecosystem_config import FIXES

    rows = [m for p in committed()["packages"] for m in p["middleware"]]
    rows += [m for p in committed()["packages"] for row in p.get("lts", []) for m in row.get("middleware", [])]
    costly = {m["path"] for m in rows if m["configured"]
              and (m["sync_to_async"] != 0 or m["async_to_sync"] != 0 or not m["async_capable"])}
    assert costly and sorted(costly - set(FIXES)) == []
    assert sorted(set(FIXES) - {m["path"] for m in rows}) == [], "a fix for a middleware the data no longer has"
