"""Side-by-side snippets for release ranges (snippets/versions/), each run under real Django releases.

The tabs are found on the pages (every `=== "Django ..."` content tab of docs/), so a new tab is always
tested. Every tab's snippet runs under the oldest and the newest release of its range, in that release's
venv (under ~/.cache/django-async-atlas/envs/, atlas.collect.environments.ensure_venv; the newest uses the main venv's
interpreter), through atlas.collect.release_snippets.run_snippet_under, and must give the result BEHAVIOUR
records for it. The boundary tests show why a newer tab needs its range: under the release just before
it, its snippet fails with the error a reader would get.
"""
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from atlas.collect.envs import PythonNotFound
from atlas.collect.release_snippets import SnippetFailed, run_snippet_under
from atlas.core.paths import DOCS
from atlas.data.frontmatter import feature_releases, parse_range
from atlas.data.versions_data import releases_by_version
from tests.support import snippet_use
from tests.support.markers import require_marker
from tests.support.tools import missing_in_ci_or_skip

LOOKUP_OLD = "snippets/versions/lookup_sync_to_async.py"
LOOKUP_NEW = "snippets/versions/lookup_aget.py"
STREAM_OLD = "snippets/versions/stream_sync_generator.py"
STREAM_NEW = "snippets/versions/stream_async_generator.py"
LOGIN_OLD = "snippets/versions/login_check_by_hand.py"
LOGIN_NEW = "snippets/versions/login_required_async.py"

RELEASES = feature_releases()
TAB = re.compile(r'^(?P<indent>[ \t]*)=== "(?P<label>Django [^"]+)"[ \t]*$', re.MULTILINE)
INCLUDE = re.compile(r'--8<-- "(?P<path>versions/[^"]+\.py)"')


@dataclass(frozen=True)
class Tab:
    page: str            # relative to docs/
    label: str           # 'Django 3.1 – 4.0'
    snippet: str         # 'snippets/versions/lookup_sync_to_async.py'
    low: str
    high: str            # the newest feature release for an open range ('4.1+')
    follows: str | None  # the release just before `low` when an older tab precedes this one in its set

    def __str__(self):
        return f"{self.page}:{self.label}"


def discover_tabs() -> list[Tab]:
    """Every `=== "Django ..."` tab on every page, with the snippet its body includes and its range. Tabs
    on consecutive lines of one set follow each other: each later tab starts where the earlier one ended."""
    tabs = []
    for path in sorted(DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = list(TAB.finditer(text))
        page = path.relative_to(DOCS).as_posix()
        for index, match in enumerate(found):
            end = found[index + 1].start() if index + 1 < len(found) else len(text)
            body = re.split(r"\n(?=\S)", text[match.end():end], maxsplit=1)[0]   # up to the first unindented line
            includes = INCLUDE.findall(body)
            assert len(includes) == 1, (f"docs/{page}: tab {match['label']!r} should include exactly one snippet "
                                        f"from snippets/versions/ (found {includes})")
            value = match["label"].removeprefix("Django ").replace("–", "-").replace(" ", "")
            applies = parse_range(value, RELEASES, f"docs/{page}: tab {match['label']!r}")
            # the same tab set: nothing unindented between the previous tab's line and this one
            same_set = index > 0 and not re.search(r"\n\S", text[found[index - 1].end():match.start()])
            tabs.append(Tab(page, match["label"], "snippets/" + includes[0], applies.low,
                            applies.high or RELEASES[-1],
                            RELEASES[RELEASES.index(applies.low) - 1] if same_set else None))
    return tabs


TABS = discover_tabs()


def under(version, snippet, check):
    """run_snippet_under, with a missing interpreter skipped locally and failed in CI."""
    require_marker("matrix", f"runs {snippet} under Django {version}")
    try:
        outcome = run_snippet_under(version, snippet, check)
    except PythonNotFound as exc:
        missing_in_ci_or_skip(f"{exc}: needed to run {snippet} under Django {version}")
    assert outcome.django == releases_by_version()[version].newest_patch
    snippet_use.record_run_elsewhere(Path(snippet))   # in that release's venv, where coverage does not run
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


@pytest.mark.matrix
def test_sync_generator_moves_to_a_worker_thread_in_4_2():
    """From 4.2 the ASGI handler consumes a sync iterator in a worker thread (sync_to_async(list)), so the
    old snippet still works but no longer runs on the loop."""
    result = under("4.2", STREAM_OLD, STREAM_CHECK).result
    assert result["body"] == COUNTDOWN
    assert result["on_loop_thread"] is False


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


@pytest.mark.matrix
def test_login_required_on_async_views_5_0_still_redirects_anonymous_users():
    """Django 5.0's login_required returns a sync wrapper: for a logged-in user it hands back the async
    view's coroutine unawaited and the handler refuses it (BEHAVIOUR's boundary test). Anonymous users are
    still redirected (the wrapper never calls the view), so a test that only tries an anonymous request
    misses the problem."""
    assert under("5.0", LOGIN_NEW, ANONYMOUS_ONLY).result == {
        "anonymous": [302, "/accounts/login/?next=/account/"]}


# -- every tab the pages show ----------------------------------------------------------------------


def check_stream(result):
    assert result["status"] == 200
    assert result["content_type"] == "text/event-stream" and result["cache_control"] == "no-cache"
    assert result["body"] == COUNTDOWN and result["steps"] == 4
    # up to 4.1 the handler calls next() on a sync generator in the event-loop thread (the page's warning:
    # no blocking there); an async generator runs on the loop by nature
    assert result["on_loop_thread"] is True


def equals(expected):
    def check(result):
        assert result == expected
    return check


LOOKED_UP = equals([200, {"id": 1, "name": "editors"}, 404])
LOGGED_IN = equals({"anonymous": [302, "/accounts/login/?next=/account/"], "logged_in": [200, {"username": "ada"}]})


@dataclass
class Behaviour:
    check_code: str    # run against the imported snippet (its `result` is handed back)
    verify: callable   # asserts on `result`
    too_early: tuple[str, str] | None = None   # (exception type, text) under the release before its range


#: what each tab's snippet does. A tab whose snippet is missing here fails test_every_tab_is_checked.
BEHAVIOUR = {
    LOOKUP_OLD: Behaviour(LOOKUP_CHECK, LOOKED_UP),
    LOOKUP_NEW: Behaviour(LOOKUP_CHECK, LOOKED_UP, ("AttributeError", "has no attribute 'aget'")),
    STREAM_OLD: Behaviour(STREAM_CHECK, check_stream),
    STREAM_NEW: Behaviour(STREAM_CHECK, check_stream, ("TypeError", "'async_generator' object is not iterable")),
    LOGIN_OLD: Behaviour(BOTH, LOGGED_IN),
    LOGIN_NEW: Behaviour(BOTH, LOGGED_IN, ("ValueError", "unawaited coroutine")),
}


def test_the_pages_show_version_tabs():
    assert len(TABS) >= 6, TABS
    assert all(tab.follows for tab in TABS if tab.label.endswith("+")), "an open range that follows no tab"


@pytest.mark.parametrize("tab", TABS, ids=str)
def test_every_tab_is_checked(tab):
    assert tab.snippet in BEHAVIOUR, (f"docs/{tab.page}: tab {tab.label!r} shows {tab.snippet}, which "
                                      f"tests/versions/test_version_tabs.py does not know: add its check to BEHAVIOUR")
    assert (BEHAVIOUR[tab.snippet].too_early is not None) == (tab.follows is not None), (
        f"docs/{tab.page}: tab {tab.label!r}: record in BEHAVIOUR how its snippet fails under Django {tab.follows}"
        if tab.follows else f"{tab.snippet} is the first tab of its set: it has no release before its range")


@pytest.mark.matrix
@pytest.mark.parametrize(("tab", "version"), [(tab, version) for tab in TABS for version in (tab.low, tab.high)],
                         ids=lambda value: str(value))
def test_each_tab_works_at_both_ends_of_its_range(tab, version):
    behaviour = BEHAVIOUR.get(tab.snippet) or pytest.fail(f"{tab.snippet} has no BEHAVIOUR entry")
    behaviour.verify(under(version, tab.snippet, behaviour.check_code).result)


@pytest.mark.matrix
@pytest.mark.parametrize("tab", [tab for tab in TABS if tab.follows], ids=str)
def test_a_newer_tab_fails_one_release_before_its_range(tab):
    behaviour = BEHAVIOUR.get(tab.snippet) or pytest.fail(f"{tab.snippet} has no BEHAVIOUR entry")
    failed = failure_under(tab.follows, tab.snippet, behaviour.check_code)
    error_type, text = behaviour.too_early
    assert failed.error_type == error_type and text in failed.error, (failed.error_type, failed.error)
