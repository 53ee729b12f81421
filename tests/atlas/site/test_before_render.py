"""What a release did before a change, on the release pages and the API index (atlas/site/before_render.py)."""
from atlas.data import async_api
from atlas.site import async_api_render, versions_render


def test_a_release_page_says_what_the_release_before_it_did():
    page = versions_render.render_release_page("4.1")
    section = page[page.index("## Before this release"):page.index("## Use cases it unlocks")]
    assert 'data-before="4.0"' in section            # "My Django" marks it for a reader on 4.0 or older
    assert "has no attribute 'aget'" in section and "Django 4.0.10 raised" in section
    assert "Its docs of <code>get()</code> ([Django 4.0 docs, " in section and "sync_to_async()" in section


def test_a_view_decorator_before_5_0_shows_the_error_a_request_gets():
    page = versions_render.render_release_page("5.0")
    section = page[page.index("## Before this release"):page.index("## Use cases it unlocks")]
    assert "It returned an unawaited coroutine instead" in section   # @csrf_exempt on 4.2, served by the test client


def test_a_release_with_no_async_directive_says_so():
    page = versions_render.render_release_page("3.0")
    assert "No async-related versionadded, versionchanged or deprecated directive" in page


def test_the_api_index_gives_each_new_api_its_before():
    index = async_api_render.render_index()
    aget = next(a for a in async_api.load_index()["apis"] if a["short"] == "QuerySet.aget")
    entry = index[index.index(f"#{aget['anchor']}"):]
    entry = entry[:entry.index("</div>")]
    assert '<span class="atlas-before" data-before="4.0">before 4.1:' in entry
    assert "<code>QuerySet.get()</code> through <code>sync_to_async()</code>" in entry
