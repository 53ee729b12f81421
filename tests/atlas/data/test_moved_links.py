"""No page or data file links an address known to have moved (issue 26, item 3: DEP 14 moved from
accepted/ to final/ in django/deps, leaving five dead links)."""
from __future__ import annotations

from atlas.core.datafile import Project
from atlas.data import moved_links


def test_no_link_points_at_a_moved_address():
    assert moved_links.check(Project()) == []


def test_a_moved_address_is_reported_with_its_new_place(tmp_path):
    (tmp_path / "docs" / "data").mkdir(parents=True)
    old = next(iter(moved_links.MOVED))
    (tmp_path / "docs" / "page.md").write_text(f"Read [the DEP]({old}).\n", encoding="utf-8")
    found = moved_links.check(Project(tmp_path))
    assert len(found) == 1 and "page.md" in found[0] and moved_links.MOVED[old][0] in found[0]
