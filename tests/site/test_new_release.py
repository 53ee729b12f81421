"""A new Django release is one data edit: add it to docs/data/releases.yml, and the build gives it a page,
a matrix column, a nav entry and upgrade pairs, with no other file touched (issue 11, "one source per fact")."""
import re

import pytest
import yaml

from tests.support.once import once_per_run, shared_scratch
from tests.support.sitebuild import Build, build, copy_project

pytestmark = [pytest.mark.build, pytest.mark.scratch_build]

NEW = "9.9"  # a release that does not exist, so the test never collides with the real data


@pytest.fixture(scope="module")
def site_with_new_release(tmp_path_factory):
    """A scratch copy with one more release in releases.yml, built: (site, the release before it). Built
    once per run: parallel workers share it (tests/support/once.py)."""
    def build_it() -> dict:
        project = copy_project(shared_scratch(tmp_path_factory, "new-release") / "project")
        data = project / "docs" / "data" / "releases.yml"
        newest = yaml.safe_load(data.read_text())[-1]
        # The new entry follows the newest one; only the version and the dates must differ.
        data.write_text(data.read_text().rstrip("\n") + f"""
- version: "{NEW}"
  newest_patch: "{NEW}"
  released: 2031-04-01
  end_of_support: 2032-12-31
  end_of_support_expected: true
  lts: false
  pythons: {newest["pythons"]}
  asgiref_min: "{newest["asgiref_min"]}"
  probe_python: "{newest["probe_python"]}"
  summary: A release added by a test to show that one data entry is enough.
  upgrade_notes: []
  pitfalls: []
  source: docs/releases/{NEW}.txt
""")
        result = build(project, project.parent / "site")
        return {"build": result.saved(), "previous": newest["version"]}

    saved = once_per_run(tmp_path_factory, "new-release-site", build_it)
    built = Build.from_saved(saved["build"])
    assert built.returncode == 0, built.output
    return built.site, saved["previous"]


def test_the_new_release_has_its_page(site_with_new_release):
    site, _ = site_with_new_release
    page = (site / "versions" / NEW / "index.html").read_text()
    assert re.search(rf"<h1[^>]*>Django {re.escape(NEW)}<", page)
    assert "A release added by a test" in page


def test_the_new_release_has_a_matrix_column(site_with_new_release):
    site, previous = site_with_new_release
    matrix = (site / "versions" / "matrix" / "index.html").read_text()
    headers = re.findall(r"<thead>\s*<tr>\s*<th>(Capability|Use case)</th>(.*?)</thead>", matrix, re.S)
    by_release = [(name, re.findall(r'<a href="\.\./([\d.]+)/">', header)) for name, header in headers]
    by_release = [(name, columns) for name, columns in by_release if columns]  # matrices, not other tables
    assert {name for name, _ in by_release} == {"Capability", "Use case"}
    for name, columns in by_release:
        assert columns[-2:] == [previous, NEW], (name, columns)


def test_the_new_release_is_in_the_nav_first(site_with_new_release):
    site, previous = site_with_new_release
    html = (site / "versions" / "index.html").read_text()
    section = html[re.search(r">\s*Releases\s*<", html).start():]
    assert re.findall(r'href="([\d.]+)/"', section)[:2] == [NEW, previous]


def test_the_upgrade_view_pairs_every_release_with_the_new_one(site_with_new_release):
    site, previous = site_with_new_release
    upgrade = (site / "versions" / "upgrade" / "index.html").read_text()
    sections = re.split(r"<h2 id=", upgrade)[1:]
    starts = [re.search(r">From Django ([\d.]+)", s)[1] for s in sections]
    assert starts[-1] == previous  # from the release before it, the new one is the only upgrade
    for start, section in zip(starts, sections):
        assert f'href="../{NEW}/"' in section, f"no upgrade from {start} to {NEW}"
