"""Every capability and roadmap item names its primary source, and the resource page lists each one,
generated from the data (issue 26, item 4; atlas/data/primary_sources.py)."""
from __future__ import annotations

from atlas.core.datafile import Project
from atlas.data import primary_sources
from atlas.data.versions_data import load_capabilities, load_roadmap
from atlas.site.resources_render import render_resources_page


def test_every_capability_and_roadmap_item_names_its_source():
    assert primary_sources.check(Project()) == []
    assert [c.id for c in load_capabilities() if primary_sources.capability_source(c) is None] == []


def test_every_source_is_on_the_rendered_resource_page():
    page = render_resources_page()
    expected = [primary_sources.capability_source(c) for c in load_capabilities()]
    expected += [(item.source.url, item.source.title) for item in load_roadmap()]
    assert [url for url, _title in expected if f"]({url})" not in page] == []
    assert "](https://docs.djangoproject.com/en/4.1/releases/4.1/)" in page  # sdist files become their docs


def test_a_capability_without_a_source_fails(tmp_path):
    data = tmp_path / "docs" / "data"
    data.mkdir(parents=True)
    (data / "capabilities.yml").write_text(
        "- {id: with-source, name: A, added: '5.0', source: {file: docs/releases/5.0.txt, section: Models}}\n"
        "- {id: tracked, name: B, status: missing, tracked_by: {url: 'https://code.djangoproject.com/ticket/1', title: T}}\n"
        "- {id: no-source, name: C, added: '5.0'}\n"
        "- {id: odd-file, name: D, added: '5.0', source: {file: README.rst, section: X}}\n")
    (data / "roadmap.yml").write_text("- {id: plan, title: P, status: discussed}\n")
    found = primary_sources.check(Project(tmp_path))
    assert any("no-source names no primary source" in line for line in found)
    assert any("plan names no primary source" in line for line in found)
    assert any("'README.rst' is not a docs file" in line for line in found)
    assert not any("with-source names" in line or "tracked names" in line for line in found)


def test_sdist_files_become_the_docs_of_their_release():
    assert primary_sources.file_url("docs/releases/3.0.1.txt", "3.0") == "https://docs.djangoproject.com/en/3.0/releases/3.0.1/"
    assert primary_sources.file_url("docs/ref/checks.txt", "3.1") == "https://docs.djangoproject.com/en/3.1/ref/checks/"
