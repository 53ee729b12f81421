"""The async API index page, the release pages' API lists and the published downloads, from the data."""
import json
import re

import jsonschema
import pytest

from atlas.core.paths import DOCS, ROOT
from atlas.data import async_api
from atlas.data.versions_data import load_releases
from atlas.site import async_api_render, download_envelope, downloads, generate, registry
from atlas.site.md_text import prose
from atlas.site.versions_render import render_release_page


def index():
    return async_api.load_index()


def test_every_api_has_one_entry_with_its_stable_anchor():
    page = async_api_render.render_index()
    for api in index()["apis"]:
        assert page.count(f"{{ #{api['anchor']} }}") == 1, api["name"]
        assert f"### {prose(api['short'])} {{ #{api['anchor']} }}" in page  # dunder names as code


def test_entries_are_grouped_by_area_in_the_scope_order():
    page = async_api_render.render_index()
    titles = async_api.load_scope()["area_titles"]
    found = re.findall(r"^## (.+) \{ #area-([a-z-]+) \.atlas-api-area \}$", page, re.MULTILINE)
    assert [area for _t, area in found] == [a for a in titles if any(x["area"] == a for x in index()["apis"])]
    assert all(titles[area] == title for title, area in found)


def test_an_entry_links_release_capability_use_cases_and_django_reference():
    page = async_api_render.render_index()
    entry = page.split("{ #api-queryset-aget }", 1)[1].split("</div>", 1)[0]
    assert "since [4.1](4.1.md)" in entry
    assert "thread-wrapped" in entry and "sync twin `get()`" in entry
    assert "(matrix.md#queryset-async-methods)" in entry
    assert "(../use-cases/dashboard.md)" in entry
    assert "(https://docs.djangoproject.com/en/6.1/ref/models/querysets/#django.db.models.query.QuerySet.aget)" in entry


def test_excluded_apis_say_why():
    page = async_api_render.render_index()
    entry = page.split("{ #api-asgihandler-read-body }", 1)[1].split("</div>", 1)[0]
    assert "no capability: Steps of `ASGIHandler.__call__`" in entry


def test_the_page_asks_for_the_index_and_is_in_nav():
    assert generate.table_include("async-api-index") in (DOCS / "versions" / "async-api.md").read_text()
    assert "async-api-index" in registry.placeholders()
    assert "versions/async-api.md" in (ROOT / "mkdocs.yml").read_text()


def test_each_release_page_lists_the_apis_that_release_added():
    data = index()
    for release in load_releases():
        page = render_release_page(release.version)
        added = [a for a in data["apis"] if a["since"] == release.version]
        section = page.split("## Async APIs added", 1)[1].split("\n## ", 1)[0]
        for api in added:
            assert f"[{prose(api['short'])}](async-api.md#{api['anchor']})" in section, (release.version, api["name"])
        others = [a for a in data["apis"] if a["since"] != release.version]
        for api in others:
            assert f"(async-api.md#{api['anchor']})" not in section, (release.version, api["name"])
        if not added:
            assert "No public async callable is new" in section


@pytest.fixture(scope="module")
def pages() -> dict:
    """Every generated page, rendered once for the tests of this module (a few seconds each time)."""
    return registry.generated_pages()


@pytest.fixture(scope="module")
def published(pages) -> dict:
    """What the downloads step writes (downloads/*.json, their schemas, llms.txt)."""
    return downloads.files(pages)


def test_downloads_match_their_schemas_and_name_version_and_releases(published):
    files = published
    for name in ("async-api", "capabilities"):
        data = json.loads(files[f"downloads/{name}.json"])
        schema = json.loads(files[f"downloads/{name}.schema.json"])
        jsonschema.Draft202012Validator.check_schema(schema)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert not errors, (name, errors[:10])
        assert data["$schema"] == f"{name}.schema.json"
        assert data["atlas_version"] == download_envelope.atlas_version()
        assert [r["version"] for r in data["django_releases"]] == [r.version for r in load_releases()]
        assert [r["django"] for r in data["django_releases"]] == [r.newest_patch for r in load_releases()]


def test_a_broken_download_fails_its_schema(published):
    files = published
    data = json.loads(files["downloads/capabilities.json"])
    data["capabilities"][0]["support_by_release"]["4.1"] = "maybe"
    schema = json.loads(files["downloads/capabilities.schema.json"])
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def test_downloads_are_published_and_linked_from_matrix_index_and_readme(pages, published):
    assert set(published) <= set(registry.generated_files(pages))
    for page in ("versions/matrix.md", "versions/async-api.md"):
        text = (DOCS / page).read_text()
        assert "../downloads/async-api.json" in text or "../downloads/capabilities.json" in text, page
    assert "../downloads/capabilities.json" in (DOCS / "versions/matrix.md").read_text()
    assert "../downloads/async-api.json" in (DOCS / "versions/async-api.md").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "downloads/capabilities.json" in readme and "downloads/async-api.json" in readme


def test_llms_txt_lists_every_page_of_the_nav(published):
    text = published["llms.txt"]
    assert text.startswith("# Django Async Atlas\n\n> ")
    for _section, path in downloads._nav_pages():
        assert f"]({downloads._url(path)})" in text, path


def test_the_built_site_publishes_the_downloads_and_llms_txt(built_site):
    for name in ("async-api", "capabilities"):
        data = json.loads((built_site.site / "downloads" / f"{name}.json").read_text())
        schema = json.loads((built_site.site / "downloads" / f"{name}.schema.json").read_text())
        assert not list(jsonschema.Draft202012Validator(schema).iter_errors(data)), name
    assert (built_site.site / "llms.txt").read_text().startswith("# Django Async Atlas")
    index_html = (built_site.site / "versions" / "async-api" / "index.html").read_text()
    assert 'id="api-queryset-aget"' in index_html and 'class="atlas-api-filter" hidden' in index_html
