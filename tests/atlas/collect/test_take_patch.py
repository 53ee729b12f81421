"""Taking a patch release is one command (issue 26, item 1), run here on a fake patch release with every
expensive step recorded instead of run; and a patch shows as news on the Changes page."""
from __future__ import annotations

import shutil

import pytest
import yaml

from atlas.collect import take_patch
from atlas.core.paths import DATA
from atlas.site import changes


@pytest.fixture()
def data(tmp_path):
    shutil.copy(DATA / "releases.yml", tmp_path / "releases.yml")
    return tmp_path


def recording(project_release=False, wrong=()):
    done = []
    steps = take_patch.Steps(
        probe=lambda release: done.append(("probe", release.newest_patch)) or list(wrong),
        resolve=lambda feature: done.append(("resolve", feature)),
        lock=lambda patch: done.append(("lock", patch)),
        collect=lambda feature: done.append(("collect", feature)),
        page_matrix=lambda feature: done.append(("page_matrix", feature)) or [],
        is_project_release=lambda feature: project_release,
    )
    return steps, done


def newest(data_dir, feature):
    return next(e["newest_patch"] for e in yaml.safe_load((data_dir / "releases.yml").read_text())
                if e["version"] == feature)


def test_a_patch_of_an_older_release_updates_data_pins_collections_and_page_matrix(data):
    steps, done = recording()
    assert take_patch.take("5.2.99", steps, data_dir=data, log=lambda *a: None) == 0
    assert newest(data, "5.2") == "5.2.99"
    assert done == [("probe", "5.2.99"), ("resolve", "5.2"), ("collect", "5.2"), ("page_matrix", "5.2")]


def test_the_projects_own_release_moves_the_lock_instead(data):
    steps, done = recording(project_release=True)
    assert take_patch.take("6.1.99", steps, data_dir=data, log=lambda *a: None) == 0
    assert ("lock", "6.1.99") in done and not any(step == "resolve" for step, _ in done)


def test_a_probe_that_disagrees_stops_before_anything_is_written(data):
    steps, done = recording(wrong=["async-views"])
    lines = []
    assert take_patch.take("5.2.99", steps, data_dir=data, log=lines.append) == 1
    assert newest(data, "5.2") != "5.2.99" and done == [("probe", "5.2.99")]
    assert "async-views" in lines[-1]


def test_bad_input_says_why(data):
    steps, _ = recording()
    lines = []
    assert take_patch.take("7.9.1", steps, data_dir=data, log=lines.append) == 2
    assert "not a release of docs/data/releases.yml" in lines[-1]
    assert take_patch.take("5.2rc1", steps, data_dir=data, log=lines.append) == 2


def test_set_pin_rewrites_the_django_line_only(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("asgiref==3.13.0\nDjango==6.1.3\ndjango-tasks-db==0.13.0\n")
    assert take_patch.set_pin(lock, "6.1.4")
    assert lock.read_text() == "asgiref==3.13.0\nDjango==6.1.4\ndjango-tasks-db==0.13.0\n"


def test_a_patch_is_news():
    import datetime as dt

    old = [{"version": "5.2", "newest_patch": "5.2.19"}]
    new = [{"version": "5.2", "newest_patch": "5.2.20"}]
    [event] = changes._diff_releases(old, new, "c" * 40, dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc))
    assert event.kind == "patch" and event.title == "Patch release: Django 5.2.20"
    assert event.page == "versions/5.2.md"
