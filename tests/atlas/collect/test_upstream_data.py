"""docs/data/upstream.yml and link_status.json match their schemas; the cross-file rules hold and can fail."""
from __future__ import annotations

import json
import shutil

import jsonschema
import yaml

from atlas.collect import upstream
from atlas.core.datafile import Project
from atlas.core.paths import DATA
from atlas.site import link_status_render


def test_upstream_and_link_status_match_their_schemas():
    for name, load in (("upstream.yml", yaml.safe_load), ("link_status.json", json.loads)):
        schema = json.loads((DATA / "schemas" / (name.rsplit(".", 1)[0] + ".schema.json")).read_text())
        jsonschema.Draft202012Validator(schema).validate(load((DATA / name).read_text()))


def test_schema_refuses_a_bad_link_status():
    schema = json.loads((DATA / "schemas" / "link_status.schema.json").read_text())
    bad = {"checked": "2026-11-27", "checker": "lychee", "links": {"https://x.example.net/": {"status": "fine"}}}
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
    assert errors


def test_cross_file_rules_hold_and_fail_when_the_release_is_out(tmp_path):
    assert upstream.check(Project()) == []
    for name in ("releases.yml", "roadmap.yml", "upstream.yml"):
        shutil.copy(DATA / name, tmp_path / name)
    releases = yaml.safe_load((tmp_path / "releases.yml").read_text())
    releases.append(dict(releases[-1], version="6.2", newest_patch="6.2"))
    (tmp_path / "releases.yml").write_text(yaml.safe_dump(releases, sort_keys=False))
    problems = upstream.check_data(tmp_path)
    assert problems and all("that release is out" in p for p in problems)
    assert problems[0].startswith("docs/data/roadmap.yml:")


def test_resources_page_says_when_links_were_checked(tmp_path):
    status = tmp_path / "link_status.json"
    url = yaml.safe_load((DATA / "resources.yml").read_text())[0]["url"]
    status.write_text(json.dumps({"checked": "2026-11-27", "checker": "lychee 0.24.2", "links": {
        url: {"status": "ok", "code": 200, "redirects_to": None, "detail": "200 OK", "checked": "2026-11-27",
              "last_ok": "2026-11-27", "where": ["docs/data/resources.yml"]},
        "https://gone.example.net/": {"status": "broken", "code": 404, "redirects_to": None, "detail": "404",
                                     "checked": "2026-11-27", "last_ok": "2026-10-02", "where": ["docs/faq/index.md"]},
    }}))
    text = link_status_render.render_link_status(status)
    assert "last checked on 2026-11-27 with lychee 0.24.2 (1 broken, 1 ok)" in text
    assert "<https://gone.example.net/>: broken 404 on 2026-11-27 (last fine: 2026-10-02)" in text
    assert f"| <{url}> | ok | 2026-11-27 |" in text
