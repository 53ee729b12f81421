"""Support shown as a state on the build day, not a bare date (issue 26, item 2): 4.2's support ended on
7 April 2026, yet the release pages and the versions index showed the date as if it were ahead."""
from __future__ import annotations

import datetime as dt

import pytest

from atlas.core.django_range import release_key
from atlas.data import support
from atlas.data.versions_data import releases_by_version
from atlas.site.versions_render import render_release_page, render_timeline

BUILD_DAY = "2026-12-07"


@pytest.fixture()
def on_build_day(monkeypatch):
    monkeypatch.setenv("ATLAS_TODAY", BUILD_DAY)


def test_today_is_injectable(monkeypatch):
    monkeypatch.setenv("ATLAS_TODAY", "2030-01-02")
    assert support.today() == dt.date(2030, 1, 2)


@pytest.mark.parametrize("version, day, expected", [
    ("4.2", "2026-12-07", support.ENDED),
    ("4.2", "2026-01-01", support.SECURITY),   # mainstream ended 2023-12-04
    ("4.2", "2023-06-01", support.SUPPORTED),
    ("5.1", "2026-12-07", support.ENDED),
    ("5.2", "2026-12-07", support.SECURITY),   # mainstream ended 2025-12-03, security until 2028
    ("6.0", "2026-12-07", support.SECURITY),   # mainstream ended 2026-08-31
    ("6.1", "2026-12-07", support.SUPPORTED),
])
def test_state_on_a_day(version, day, expected):
    assert support.state(releases_by_version()[version], dt.date.fromisoformat(day)) == expected


def test_every_release_before_5_2_has_ended_on_the_build_day():
    for version, release in releases_by_version().items():
        ended = support.state(release, dt.date.fromisoformat(BUILD_DAY)) == support.ENDED
        assert ended == (release.key < release_key("5.2")), version


def test_the_versions_index_shows_the_state(on_build_day):
    table = render_timeline()
    assert "Support on December 7, 2026" in table
    row = next(line for line in table.splitlines() if "[Django 4.2 LTS]" in line)
    assert row.endswith("| ended April 7, 2026 |")
    row = next(line for line in table.splitlines() if "[Django 5.2 LTS]" in line)
    assert "security fixes only" in row


def test_a_release_page_says_it_has_ended(on_build_day):
    page = render_release_page("4.2")
    assert "| Support on December 7, 2026 | **ended**: no more fixes, not even for security, since April 7, 2026 |" in page
    assert "**supported**" in render_release_page("6.1")
