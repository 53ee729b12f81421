"""Side-by-side snippets for release ranges (snippets/versions/), each run under real Django releases.

Every tab's snippet runs under the oldest and the newest release of its range, in that release's venv
(.cache/django-matrix/<X.Y>/, atlas.matrix.ensure_venv; 6.1 uses the main venv's interpreter), through
atlas.release_snippets.run_snippet_under. The boundary tests show why the newer snippet needs its range:
under the release just before it, it fails with the error a reader would get.
"""
import pytest

from atlas.matrix import PythonNotFound
from atlas.paths import DOCS
from atlas.release_snippets import SnippetFailed, run_snippet_under
from atlas.versions_data import releases_by_version
from tests.support.tools import missing_in_ci_or_skip

pytestmark = pytest.mark.matrix

LOOKUP_OLD = "snippets/versions/lookup_sync_to_async.py"  # 3.1 - 4.0
LOOKUP_NEW = "snippets/versions/lookup_aget.py"  # 4.1+
STREAM_OLD = "snippets/versions/stream_sync_generator.py"  # 3.1 - 4.1
STREAM_NEW = "snippets/versions/stream_async_generator.py"  # 4.2+
LOGIN_OLD = "snippets/versions/login_check_by_hand.py"  # 3.1 - 5.0
LOGIN_NEW = "snippets/versions/login_required_async.py"  # 5.1+

#: page -> [(tab label, snippet)]: the tabs the pages show, and so the ranges tested below.
TABS = {
    "learn/03-orm-and-sync-to-async.md": [("Django 3.1 – 4.0", LOOKUP_OLD), ("Django 4.1+", LOOKUP_NEW)],
    "use-cases/server-sent-events.md": [("Django 3.1 – 4.1", STREAM_OLD), ("Django 4.2+", STREAM_NEW)],
    "use-cases/async-middleware-auth.md": [("Django 3.1 – 5.0", LOGIN_OLD), ("Django 5.1+", LOGIN_NEW)],
}


def under(version, snippet, check):
    """run_snippet_under, with a missing interpreter skipped locally and failed in CI."""
    try:
        outcome = run_snippet_under(version, snippet, check)
    except PythonNotFound as exc:
        missing_in_ci_or_skip(f"{exc}: needed to run {snippet} under Django {version}")
    assert outcome.django == releases_by_version()[version].newest_patch
    print(f"\n{snippet} under Django {outcome.django} / Python {outcome.python}: {outcome.seconds:.2f} s")
    return outcome


def failure_under(version, snippet, check):
    try:
        outcome = under(version, snippet, check)
    except SnippetFailed as exc:
        print(f"\n{snippet} under Django {exc.django}: {exc.error_type}: {exc.error}")
        return exc
    pytest.fail(f"{snippet} unexpectedly worked under Django {version}: {outcome.result!r}")


# -- a. looking up a row ---------------------------------------------------------------------------

LOOKUP_CHECK = """
from django.contrib.auth.models import Group
from django.test import AsyncClient
Group.objects.create(name="editors")
probe_urls.urlpatterns.append(path("groups/<str:name>/", snippet.group_detail))
async def main():
    client = AsyncClient()
    found = await client.get("/groups/editors/")
    missing = await client.get("/groups/nobody/")
    return [found.status_code, json.loads(found.content), missing.status_code]
result = run(main())
"""


@pytest.mark.parametrize("version, snippet", [("3.1", LOOKUP_OLD), ("4.0", LOOKUP_OLD),
                                              ("4.1", LOOKUP_NEW), ("6.1", LOOKUP_NEW)])
def test_lookup_from_an_async_view(version, snippet):
    assert under(version, snippet, LOOKUP_CHECK).result == [200, {"id": 1, "name": "editors"}, 404]


def test_aget_needs_4_1():
    """Django 4.0's managers have no async query methods: the view fails on its first line."""
    failed = failure_under("4.0", LOOKUP_NEW, LOOKUP_CHECK)
    assert failed.error_type == "AttributeError"
    assert "has no attribute 'aget'" in failed.error


# -- b. streaming ----------------------------------------------------------------------------------

# Wraps the snippet's generator to note the thread each step runs in; asgi_get runs the event loop in
# the main thread, so "on_loop_thread" means the step ran in the event-loop thread itself.
STREAM_CHECK = """
import inspect, threading
steps = []
original = snippet.sse_events
if inspect.isasyncgenfunction(original):
    snippet.PAUSE_SECONDS = 0.05
    async def recording(*args):
        async for chunk in original(*args):
            steps.append(threading.get_ident())
            yield chunk
else:
    def recording(*args):
        for chunk in original(*args):
            steps.append(threading.get_ident())
            yield chunk
snippet.sse_events = recording
probe_urls.urlpatterns.append(path("countdown/", snippet.countdown))
status, headers, body = asgi_get("/countdown/")
result = {"status": status, "content_type": headers["content-type"], "cache_control": headers.get("cache-control"),
          "body": body.decode(), "steps": len(steps),
          "on_loop_thread": all(t == threading.main_thread().ident for t in steps)}
"""

COUNTDOWN = "id: 1\ndata: 3\n\nid: 2\ndata: 2\n\nid: 3\ndata: 1\n\nid: 4\ndata: liftoff\n\n"


@pytest.mark.parametrize("version, snippet", [("3.1", STREAM_OLD), ("4.1", STREAM_OLD),
                                              ("4.2", STREAM_NEW), ("6.1", STREAM_NEW)])
def test_streaming_from_an_async_view(version, snippet):
    result = under(version, snippet, STREAM_CHECK).result
    assert result["status"] == 200
    assert result["content_type"] == "text/event-stream" and result["cache_control"] == "no-cache"
    assert result["body"] == COUNTDOWN and result["steps"] == 4
    # 3.1-4.1 call next() on a sync generator in the event-loop thread (the page's warning: no blocking
    # there); an async generator runs on the loop by nature.
    assert result["on_loop_thread"] is True


def test_sync_generator_moves_to_a_worker_thread_in_4_2():
    """From 4.2 the ASGI handler consumes a sync iterator in a worker thread (sync_to_async(list)), so the
    old snippet still works but no longer runs on the loop."""
    result = under("4.2", STREAM_OLD, STREAM_CHECK).result
    assert result["body"] == COUNTDOWN
    assert result["on_loop_thread"] is False


def test_async_generator_needs_4_2():
    """Django 4.1's StreamingHttpResponse calls iter() on its content: an async generator is refused."""
    failed = failure_under("4.1", STREAM_NEW, STREAM_CHECK)
    assert failed.error_type == "TypeError"
    assert "'async_generator' object is not iterable" in failed.error


# -- c. requiring login ----------------------------------------------------------------------------

LOGIN_CHECK = """
from django.contrib.auth.models import User
from django.test import AsyncClient
probe_urls.urlpatterns.append(path("account/", snippet.account))
user = User.objects.create_user("ada", password="not-used")
anonymous = AsyncClient()
logged_in = AsyncClient()
logged_in.force_login(user)
async def main():
    away = await anonymous.get("/account/")
    result = {"anonymous": [away.status_code, away["Location"]]}
    if not ANONYMOUS_ONLY:
        home = await logged_in.get("/account/")
        result["logged_in"] = [home.status_code, json.loads(home.content)]
    return result
result = run(main())
"""
BOTH = "ANONYMOUS_ONLY = False\n" + LOGIN_CHECK
ANONYMOUS_ONLY = "ANONYMOUS_ONLY = True\n" + LOGIN_CHECK


@pytest.mark.parametrize("version, snippet", [("3.1", LOGIN_OLD), ("5.0", LOGIN_OLD),
                                              ("5.1", LOGIN_NEW), ("6.1", LOGIN_NEW)])
def test_requiring_login_on_an_async_view(version, snippet):
    assert under(version, snippet, BOTH).result == {
        "anonymous": [302, "/accounts/login/?next=/account/"],
        "logged_in": [200, {"username": "ada"}],
    }


def test_login_required_on_async_views_needs_5_1():
    """Django 5.0's login_required returns a sync wrapper: for a logged-in user it hands back the async
    view's coroutine unawaited and the handler refuses it. Anonymous users are still redirected (the
    wrapper never calls the view), so a test that only tries an anonymous request misses the problem."""
    assert under("5.0", LOGIN_NEW, ANONYMOUS_ONLY).result == {
        "anonymous": [302, "/accounts/login/?next=/account/"]}
    failed = failure_under("5.0", LOGIN_NEW, BOTH)
    assert failed.error_type == "ValueError"
    assert "unawaited coroutine" in failed.error


# -- the pages show exactly these tabs -------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(TABS))
def test_pages_show_the_tested_tabs(page):
    """Each tab set on the page: the labels in order, each tab's body including its tested snippet."""
    text = (DOCS / page).read_text(encoding="utf-8")
    starts = []
    for label, _ in TABS[page]:
        tab = f'=== "{label}"'
        assert text.count(tab) == 1, f"docs/{page} should have the tab {tab} exactly once"
        starts.append(text.index(tab))
    assert starts == sorted(starts), f"docs/{page}: tabs out of order"
    ends = starts[1:] + [starts[-1] + 600]
    for (label, snippet), start, end in zip(TABS[page], starts, ends):
        include = f'--8<-- "{snippet.removeprefix("snippets/")}"'
        assert include in text[start:end], f"docs/{page}: tab {label!r} does not include {include}"
