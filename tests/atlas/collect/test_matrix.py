"""Verify capabilities.yml against the real Django releases (atlas/collect/matrix.py).

One test per release installs django==<newest_patch> (once per machine, under ~/.cache/django-async-atlas/envs/: atlas/collect/envs.py) under the release's
probe_python and runs every probe. A missing interpreter is a visible skip locally and a failure in CI.
"""
import re

import pytest
import yaml

from atlas.collect.matrix import probe_release
from atlas.collect.sdists import plain_heading, rst_headings, sdist_text
from atlas.core.paths import DATA
from atlas.data.versions_data import feature_releases, load_capabilities, releases_by_version
from tests.support.releases import interpreter_or_skip

pytestmark = pytest.mark.matrix

RELEASES = feature_releases()
IDS = [f"django-{v}" for v in RELEASES]

@pytest.mark.parametrize("version", RELEASES, ids=IDS)
def test_release_matches_capabilities(version):
    release = releases_by_version()[version]
    interpreter_or_skip(release)
    report = probe_release(release, load_capabilities())
    assert report.django == release.newest_patch
    assert report.outcomes, "no probes ran"
    problems = [o.describe(version) for o in report.mismatches]
    assert not problems, "\n".join(problems)

def test_moving_added_one_release_later_is_caught(tmp_path):
    """The matrix really checks `added`: a copy with async-paginator moved from 6.0 to 6.1 must fail on 6.0."""
    release = releases_by_version()["6.0"]
    interpreter_or_skip(release)
    entries = yaml.safe_load((DATA / "capabilities.yml").read_text(encoding="utf-8"))
    moved = next(e for e in entries if e["id"] == "async-paginator")
    assert moved["added"] == "6.0"
    moved["added"] = "6.1"
    copy = tmp_path / "capabilities.yml"
    copy.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")

    report = probe_release(release, load_capabilities(copy))
    assert [o.capability for o in report.mismatches] == ["async-paginator"]
    outcome = report.mismatches[0]
    assert outcome.expected is False and outcome.found is True
    assert "async-paginator" in outcome.describe("6.0") and "Django 6.0" in outcome.describe("6.0")

def test_failure_message_names_entry_release_and_error(tmp_path):
    """A probe that fails where the data says present reports the exception text."""
    release = releases_by_version()["6.1"]
    interpreter_or_skip(release)
    entries = yaml.safe_load((DATA / "capabilities.yml").read_text(encoding="utf-8"))
    broken = next(e for e in entries if e["id"] == "async-cache")
    broken["probe"] = "from django.core.cache import cache\nassert hasattr(cache, 'anot_there'), 'no anot_there'\n"
    copy = tmp_path / "capabilities.yml"
    copy.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    report = probe_release(release, load_capabilities(copy))
    [outcome] = report.mismatches
    message = outcome.describe("6.1")
    assert "async-cache" in message and "Django 6.1" in message and "no anot_there" in message

# -- sources really exist -------------------------------------------------------------------------

def _headings(text):
    raw = rst_headings(text)
    return set(raw) | {plain_heading(h) for h in raw}

@pytest.mark.parametrize("version", RELEASES, ids=IDS)
def test_sources_exist_in_the_sdist(version):
    """Each capability's source.file is in the sdist of the release that added it, with that heading."""
    release = releases_by_version()[version]
    caps = [c for c in load_capabilities() if c.shipped and c.added == version]
    notes = sdist_text(release, release.source)
    assert notes is not None, f"{release.source} is not in the Django {release.newest_patch} sdist"
    assert f"Django {version} release notes" in notes
    problems = []
    for cap in caps:
        text = sdist_text(release, cap.source.file)
        if text is None:
            problems.append(f"{cap.id}: {cap.source.file} is not in the Django {release.newest_patch} sdist")
            continue
        if cap.source.section not in _headings(text):
            problems.append(f"{cap.id}: no heading {cap.source.section!r} in {cap.source.file} "
                            f"(Django {release.newest_patch})")
    assert not problems, "\n".join(problems)

@pytest.mark.parametrize("version", RELEASES, ids=IDS)
def test_release_facts_match_the_sdist(version):
    """pythons and asgiref_min in releases.yml agree with the packaging metadata of the newest patch."""
    release = releases_by_version()[version]
    meta = (sdist_text(release, "pyproject.toml") or "") + (sdist_text(release, "setup.cfg") or "") + (
        sdist_text(release, "setup.py") or "")
    classifiers = set(re.findall(r"Programming Language :: Python :: (3\.\d+)", meta))
    assert classifiers == set(release.pythons), (classifiers, release.pythons)
    asgiref = re.search(r"asgiref\s*(?:>=|~=)\s*([\d.]+)", meta).group(1)
    assert asgiref == release.asgiref_min
