"""Smoke tests for atlas/site/versions_render.py: every page renders, links and anchors line up, sizes stay small."""
import re

import pytest
import yaml

from atlas.data.versions_data import feature_releases, load_capabilities, load_roadmap, use_cases
from atlas.site import versions_render as render

RELEASES = feature_releases()


@pytest.mark.parametrize("version", RELEASES, ids=[f"django-{v}" for v in RELEASES])
def test_release_page_front_matter_and_sections(version):
    page = render.render_release_page(version)
    assert page.startswith("---\n")
    front, body = page[4:].split("\n---\n", 1)
    meta = yaml.safe_load(front)
    assert meta == {
        "title": f"Django {version}",
        "summary": meta["summary"],
        "django": version,
        "tags": ["versions"],
    }
    assert isinstance(meta["summary"], str) and "\n" not in meta["summary"]
    for heading in ("## What it adds for async", "## Use cases it unlocks", "## Upgrade notes", "## Sources"):
        assert heading in body
    assert f"https://docs.djangoproject.com/en/{version}/releases/{version}/" in body
    ids = {c.id for c in load_capabilities()}
    for target in re.findall(r"\]\(matrix\.md#([a-z0-9-]+)\)", body):
        assert target in ids
    for target in re.findall(r"\]\(\.\./use-cases/([a-z0-9-]+)\.md\)", body):
        assert target in use_cases()


def test_release_page_lists_what_it_added():
    page = render.render_release_page("4.1")
    assert "(matrix.md#queryset-async-methods)" in page
    assert "(matrix.md#async-cbv-handlers)" in page
    assert "(matrix.md#async-cache)" not in page  # that one is 4.0


def test_unknown_release_page():
    with pytest.raises(KeyError):
        render.render_release_page("4.3")


def test_capability_matrix_has_an_anchor_and_a_row_per_capability():
    matrix = render.render_capability_matrix()
    caps = load_capabilities()
    for c in caps:  # shipped rows carry data attributes for the filter box; "not there yet" rows do not
        assert len(re.findall(f'<a id="{c.id}"[ >]', matrix)) == 1, c.id
    # Every table row of the main table has 12 cells; cells carry text, not only symbols.
    header = next(line for line in matrix.splitlines() if line.startswith("| Capability |"))
    assert header.count("|") == 13
    assert "✓ yes" in matrix and "◐ partial" in matrix and "— no" in matrix


def test_capability_matrix_cells_follow_added():
    matrix = render.render_capability_matrix()
    row = next(line for line in matrix.splitlines() if '<a id="async-cbv-handlers"' in line)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in row.strip("|").split("|")][1:]
    assert cells[:4] == ["— no"] * 4
    assert all(c.startswith("✓ yes") for c in cells[4:])


def test_partial_notes_are_numbered_and_listed():
    matrix = render.render_capability_matrix()
    referenced = set(re.findall(r"\(#note-(\d+)\)", matrix))
    defined = set(re.findall(r'<a id="note-(\d+)"></a>', matrix))
    assert referenced and referenced == defined


def test_usecase_matrix_rows():
    text = render.render_usecase_matrix()
    for uc in use_cases():
        assert f"(../use-cases/{uc}.md)" in text


def test_upgrade_view_is_compact_and_complete():
    text = render.render_upgrade_view()
    assert len(text.encode()) < 100_000  # Markdown; the HTML stays well under 200 KB
    for start in RELEASES[:-1]:
        assert f"## From Django {start}" in text
    last = text.split("## From Django 3.0", 1)[1].split("\n## ", 1)[0]
    total = int(re.findall(r"\| \[6\.1\]\(6\.1\.md\) \| [^|]* \| (\d+) \|", last)[0])
    shipped = [c for c in load_capabilities() if c.shipped]
    assert total == len([c for c in shipped if c.present_in("6.1") and not c.present_in("3.0")])


def test_roadmap_page():
    text = render.render_roadmap()
    for item in load_roadmap():
        assert item.source.url in text
        assert f"{{ #{item.id} }}" in text
        assert f"| {item.checked} |" in text  # every item shows when it was last checked


def test_roadmap_merged_section_lists_each_merged_item_with_its_notes_heading():
    text = render.render_roadmap()
    merged = [i for i in load_roadmap() if i.status == "merged"]
    assert merged, "roadmap.yml has no merged items"
    section = text.split("## Merged for Django ", 1)[1].split("## Planned and discussed", 1)[0]
    for item in merged:
        row = next(line for line in section.splitlines() if f"(#{item.id})" in line)
        assert item.section in row and item.source.url in row and str(item.checked) in row


def test_coming_next_comes_from_the_roadmap_field():
    text = render.render_timeline()
    line = next(line for line in text.splitlines() if line.startswith("**Coming next:**"))
    flagged = [i for i in load_roadmap() if i.coming_next]
    assert flagged
    for item in load_roadmap():
        assert (f"#{item.id})" in line) == item.coming_next, item.id


def test_patch_release_arrival_shows_on_the_matrix_and_release_page():
    caps = [c for c in load_capabilities() if c.added_patch]
    assert caps, "no capability with added_patch"
    matrix = render.render_capability_matrix()
    header = next(line for line in matrix.splitlines() if line.startswith("| Capability |"))
    columns = re.findall(r"\[([\d.]+)\]\(", header)  # the release of each column, from the table itself
    for c in caps:
        row = next(line for line in matrix.splitlines() if f'<a id="{c.id}"' in line)
        cells = [cell.strip() for cell in row.strip(" |").split(" | ")[1:]]
        assert len(cells) == len(columns)
        for release, cell in zip(columns, cells):
            assert (f"{c.added_patch}+" in cell) == (release == c.added), (release, cell)
        assert f"(from the {c.added_patch} patch release)" in render.render_release_page(c.added)


def test_timeline():
    text = render.render_timeline()
    for v in RELEASES:
        assert f"(versions/{v}.md)" in text
    assert "6.2" in text
