"""Rehearse a new release: on a scratch copy of the data without 6.1, the upstream report must find Django 6.1
on the (fake, recorded) index, install it, run every probe, and draft what the committed data says about 6.1.

Needs the 6.1 sdist (pip download, cached once per machine: atlas.collect.matrix.SDIST_DIR) and the Python that 6.1 is probed with
(its environment under ~/.cache/django-async-atlas/envs/, shared with `dev.py matrix`)."""
from __future__ import annotations

import shutil

import pytest
import yaml

from atlas.collect import pypi, upstream
from atlas.collect.envs import PythonNotFound, find_python
from atlas.core.paths import DATA
from atlas.data.versions_data import load_capabilities, releases_by_version
from tests.support.fake_pypi import TODAY, fake_index, recorded, with_versions
from tests.support.tools import missing_in_ci_or_skip

# Installs Django 6.1 in a release environment: the full suite runs it, `dev.py check` leaves it out.
pytestmark = pytest.mark.matrix

KEY_FIELDS = ("version", "newest_patch", "released", "end_of_support", "end_of_support_expected", "lts",
              "pythons", "asgiref_min", "source", "support_source")


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    committed = releases_by_version()["6.1"]
    try:
        find_python(committed.probe_python)
    except PythonNotFound as exc:
        missing_in_ci_or_skip(f"the rehearsal installs Django 6.1 on Python {committed.probe_python}: {exc}")
    scratch = tmp_path_factory.mktemp("data-without-6.1")
    releases = [e for e in yaml.safe_load((DATA / "releases.yml").read_text()) if e["version"] != "6.1"]
    (scratch / "releases.yml").write_text(yaml.safe_dump(releases, sort_keys=False))
    capabilities = [c for c in yaml.safe_load((DATA / "capabilities.yml").read_text()) if c.get("added") != "6.1"]
    for cap in capabilities:
        if "changed" in cap:
            cap["changed"] = [ch for ch in cap["changed"] if ch["version"] != "6.1"]
    (scratch / "capabilities.yml").write_text(yaml.safe_dump(capabilities, sort_keys=False))
    for name in ("roadmap.yml", "upstream.yml"):
        shutil.copy(DATA / name, scratch / name)
    projects = recorded()
    if committed.newest_patch not in projects["django"]["releases"]:  # releases.yml moved past the recording
        projects["django"] = with_versions(projects["django"], committed.newest_patch)
    with fake_index(projects) as url:
        report, drafts = upstream.build_report(TODAY, pypi.Index(url + "/pypi"), scratch, install=True,
                                               fetch=lambda u: (_ for _ in ()).throw(OSError("offline")))
    return committed, report, drafts


def test_the_report_finds_6_1_and_drafts_it(rehearsal):
    committed, report, drafts = rehearsal
    text = "\n".join(report.lines)
    assert f"NEW release: Django {committed.newest_patch} (uploaded " in text
    assert "releases.yml has no 6.1" in text
    assert [d.feature for d in drafts] == ["6.1"]
    assert "draft releases.yml entry:" in text


def test_draft_key_fields_match_the_committed_entry(rehearsal):
    committed, _, drafts = rehearsal
    entry = drafts[0].entry
    for name in KEY_FIELDS:
        want = getattr(committed, name)
        want = list(want) if isinstance(want, tuple) else want
        assert entry[name] == want, f"{name}: draft {entry[name]!r}, committed {want!r}"
    assert entry["probe_python"] in committed.pythons


def test_draft_lists_what_6_1_added_and_changed_for_async(rehearsal):
    _, _, drafts = rehearsal
    draft = drafts[0]
    capabilities = load_capabilities()
    places = {(i.file, i.section) for i in draft.items}
    for cap in (c for c in capabilities if c.added == "6.1"):
        assert (cap.source.file, cap.source.section) in places, f"{cap.id}: its source is not among the draft's items"
    proposed = {cid for c in draft.changed for cid in [c["capability"], *c["or"]]}
    for cap in capabilities:
        if any(ch.version == "6.1" for ch in cap.changed):
            assert cap.id in proposed, f"{cap.id} changed in 6.1 but the draft does not propose it"


def test_probes_ran_on_6_1_and_everything_from_6_0_still_passes(rehearsal):
    _, _, drafts = rehearsal
    first = drafts[0].probe_lines[0]
    assert first.startswith(f"probes on Django {releases_by_version()['6.1'].newest_patch} / Python 3.")
    kept, total = first.split(": ", 1)[1].split(" capabilities")[0].split(" of ")
    assert int(kept) == int(total) > 30
    assert not any("GONE" in line for line in drafts[0].probe_lines)


def test_api_diff_lists_the_async_apis_6_1_added(rehearsal):
    async_api = pytest.importorskip("atlas.data.async_api", reason="the async API index (atlas/data/async_api.py) is not "
                                                              "in this checkout; the draft says so instead")
    _, _, drafts = rehearsal
    added = {a["name"] for a in async_api.load_index()["apis"] if a.get("since") == "6.1"}
    lines = drafts[0].probe_lines
    assert any(line.startswith("async APIs: ") for line in lines), lines
    for name in added:
        assert f"  + {name}" in lines, name
