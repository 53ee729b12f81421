"""Each use-case page names the packages its readers meet, rendered from docs/data/ecosystem.json."""
from __future__ import annotations

import json

import yaml

from atlas.core.paths import DATA, DOCS
from atlas.site import ecosystem_use_cases, generate

ECOSYSTEM = json.loads((DATA / "ecosystem.json").read_text(encoding="utf-8"))
USE_CASES = yaml.safe_load((DATA / "use_cases.yml").read_text(encoding="utf-8"))


def test_every_use_case_page_includes_its_own_list():
    for key, value in USE_CASES.items():
        assert value.get("ecosystem"), f"{key}: no ecosystem entry in docs/data/use_cases.yml"
        text = (DOCS / value["page"]).read_text(encoding="utf-8")
        assert generate.table_include(ecosystem_use_cases.PREFIX + key) in text, value["page"]


def test_a_list_names_each_package_the_use_case_names_and_each_that_plugs_into_its_kinds():
    packages = {p["name"]: p for p in ECOSYSTEM["packages"]}
    for key, value in USE_CASES.items():
        text = ecosystem_use_cases.render(key)
        want = set(value["ecosystem"].get("packages", []))
        want |= {n for n, p in packages.items() if p["in_top"] and set(value["ecosystem"].get("kinds", [])) & set(p["plugs_into"])}
        listed = {line.split("](")[0][3:] for line in text.splitlines() if line.startswith("- [")}
        assert listed == want, key


def test_a_line_says_what_the_data_says():
    text = ecosystem_use_cases.render("deploying")
    whitenoise = next(p for p in ECOSYSTEM["packages"] if p["name"] == "whitenoise")
    middleware = whitenoise["middleware"][0]
    line = next(x for x in text.splitlines() if x.startswith("- [whitenoise]"))
    assert ("sync-only" in line) == (not middleware["async_capable"])
    assert f"{middleware['sync_to_async']} sync_to_async + {middleware['async_to_sync']} async_to_sync" in line
    for offer in whitenoise.get("async_offers", []):
        assert f"{offer['package']} {offer['since']}" in line


def test_the_build_check_names_a_use_case_package_the_data_does_not_collect(tmp_path):
    from atlas.core.datafile import Project
    from atlas.data import ecosystem as rules

    text = (DATA / "use_cases.yml").read_text(encoding="utf-8").replace("packages: [channels]", "packages: [chanels]", 1)
    (tmp_path / "use_cases.yml").write_text(text, encoding="utf-8")
    problems = rules.check(Project(data_dir=tmp_path, fallback=DATA))
    assert any("'chanels' is not a package of docs/data/ecosystem.json" in p and "use_cases.yml" in p for p in problems), problems
