"""The async API index (docs/data/async_api.json) against the real releases and capabilities.yml.

Matrix tests re-run atlas/in_release/async_api_collect.py inside every release's venv (cached per release under
.cache/async-api/, keyed by the collector's code, the scope, the names to resolve and the installed Django)
and compare with the committed file. The others check the committed file itself and the rules that file
APIs under capabilities, without installing anything.
"""
import copy
import json

import jsonschema
import pytest
import yaml

from atlas.collect import async_api, async_api_index
from atlas.core.datafile import Project
from atlas.core.paths import DATA
from atlas.data import async_api as api_data
from atlas.data.versions_data import load_capabilities, load_releases, releases_by_version
from tests.support.releases import interpreter_or_skip


def committed():
    return api_data.load_index()


@pytest.fixture(scope="module")
def fresh():
    for release in load_releases():
        interpreter_or_skip(release)
    return async_api.regenerate()


# -- against the real releases --------------------------------------------------------------------


@pytest.mark.matrix
def test_committed_index_equals_a_fresh_collection(fresh):
    _collected, index = fresh
    problems = async_api.differences(committed(), index)
    assert not problems, "\n".join(problems)


@pytest.mark.matrix
def test_every_api_maps_to_a_capability_and_every_named_api_exists(fresh):
    collected, index = fresh
    problems = async_api.problems_in(collected, index, load_capabilities(), api_data.load_scope())
    assert not problems, "\n".join(problems)


@pytest.mark.matrix
def test_a_capability_naming_a_missing_method_fails_with_file_entry_and_fix(tmp_path):
    release = releases_by_version()["6.1"]
    interpreter_or_skip(release)
    entries = yaml.safe_load((DATA / "capabilities.yml").read_text(encoding="utf-8"))
    cache = next(e for e in entries if e["id"] == "async-cache")
    cache["apis"].append("cache.anot_there()")
    copy_file = tmp_path / "capabilities.yml"
    copy_file.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    capabilities = load_capabilities(copy_file)
    scope = api_data.load_scope()
    collected = {"6.1": async_api.collect_release(release, scope, async_api.all_tokens(capabilities, scope),
                                                  use_cache=False)}
    index = async_api_index.build_index(collected, [release], capabilities, scope)
    problems = async_api.problems_in(collected, index, capabilities, scope)
    [problem] = [p for p in problems if "anot_there" in p]
    assert problem.startswith("docs/data/capabilities.yml:")
    assert "async-cache.apis: 'cache.anot_there' does not exist in Django 6.1" in problem
    assert "correct the name" in problem


@pytest.mark.matrix
def test_a_fresh_collection_that_differs_names_api_and_release(fresh):
    _collected, index = fresh
    changed = copy.deepcopy(committed())
    entry = next(a for a in changed["apis"] if a["short"] == "QuerySet.aget")
    entry["releases"] = entry["releases"][1:]
    entry["since"] = entry["releases"][0]
    problems = async_api.differences(changed, index)
    assert any("django.db.models.query.QuerySet.aget: releases" in p and "Django 4.1" in p for p in problems), problems
    assert any("QuerySet.aget: since is '4.2'" in p for p in problems), problems


# -- the committed file ---------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["async_api", "async_api_scope"])
def test_data_file_matches_its_schema(stem):
    schema = json.loads((DATA / "schemas" / f"{stem}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    path = DATA / (f"{stem}.json" if stem == "async_api" else f"{stem}.yml")
    data = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert not errors, "\n".join(errors[:20])


def test_committed_index_covers_every_release_and_is_consistent():
    index = committed()
    assert [r["version"] for r in index["releases"]] == [r.version for r in load_releases()]
    assert [r["django"] for r in index["releases"]] == [r.newest_patch for r in load_releases()]
    versions = [r["version"] for r in index["releases"]]
    for release in index["releases"]:
        assert release["count"] == sum(release["version"] in a["releases"] for a in index["apis"])
    anchors = [a["anchor"] for a in index["apis"]]
    assert len(anchors) == len(set(anchors)), "two rows share an anchor"
    for api in index["apis"]:
        assert api["since"] == api["releases"][0] and api["since"] in versions
        assert api["until"] is None or api["until"] == api["releases"][-1]


def test_check_finds_nothing_in_the_committed_files():
    assert async_api.check(Project()) == []


def test_an_api_no_capability_names_is_reported_with_the_fix():
    """Take cache.atouch() out of async-cache: BaseCache.atouch then belongs to nothing."""
    caps = load_capabilities()
    cut = [c if c.id != "async-cache" else
           type(c)(**{**c.__dict__, "apis": tuple(a for a in c.apis if a != "cache.atouch()")}) for c in caps]
    apis = {a["name"]: a for a in committed()["apis"]}
    mapping = async_api_index.map_to_capabilities(apis, cut, api_data.load_scope())
    assert mapping["django.core.cache.backends.base.BaseCache.atouch"].capability is None
    assert mapping["django.core.cache.backends.base.BaseCache.aget"].capability == "async-cache"
    index = copy.deepcopy(committed())
    for api in index["apis"]:
        m = mapping[api["name"]]
        api["capability"], api["exclusion"] = m.capability, m.exclusion
    problems = async_api.problems_in({}, index, cut, api_data.load_scope())
    assert any("BaseCache.atouch (Django 4.0+) belongs to no capability" in p and "exclusion with a reason" in p
               for p in problems), problems


def test_manager_methods_follow_the_queryset_and_overrides_follow_their_base():
    by_short = {}
    for api in committed()["apis"]:
        by_short.setdefault(api["short"], []).append(api)
    [manager_aget] = by_short["Manager.aget"]
    assert manager_aget["delegates_to"] == "django.db.models.query.QuerySet.aget"
    assert manager_aget["capability"] == "queryset-async-methods" and manager_aget["since"] == "4.1"
    related = [a for a in by_short["RelatedManager.aadd"]]
    assert related and related[0]["built_by"] == "create_reverse_many_to_one_manager"
    assert related[0]["since"] == "4.2"


def test_execution_is_decided_from_the_source_of_each_release():
    apis = {a["short"]: a for a in committed()["apis"] if a["area"] != "sessions"}
    assert apis["QuerySet.aget"]["execution"] == "thread"
    assert "sync_to_async" in apis["QuerySet.aget"]["evidence"]
    assert apis["ASGIHandler.listen_for_disconnect"]["execution"] == "native"
    # aget_many has no sync_to_async of its own but awaits aget, which has
    assert apis["BaseCache.aget_many"]["execution"] == "thread"
    assert apis["BaseCache.adecr"]["evidence"] == "awaits BaseCache.aincr"


def test_thread_use_propagates_through_awaited_apis():
    apis = [
        {"name": "django.x.A.aget", "member": "aget", "kind": "method", "thread_markers": ["sync_to_async"],
         "awaits": []},
        {"name": "django.x.A.aget_many", "member": "aget_many", "kind": "method", "thread_markers": [],
         "awaits": ["aget"]},
        {"name": "django.x.A.apure", "member": "apure", "kind": "method", "thread_markers": [], "awaits": []},
        {"name": "django.x.A.aother", "member": "aother", "kind": "method", "thread_markers": [],
         "awaits": ["<dynamic>"]},
        {"name": "django.x.A.acaller", "member": "acaller", "kind": "method", "thread_markers": [],
         "awaits": ["aother"]},
    ]
    result = async_api_index.execution_by_name(apis)
    assert result["django.x.A.aget"][0] == "thread"
    assert result["django.x.A.aget_many"] == ("thread", "awaits A.aget")
    assert result["django.x.A.apure"][0] == "native"
    assert result["django.x.A.aother"][0] == "depends"
    assert result["django.x.A.acaller"][0] == "depends"
