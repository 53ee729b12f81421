"""The error index (docs/data/errors.yml, rendered into docs/faq/errors.md) is true on the real code.

* every entry has a trigger below that produces its message for real on the installed packages (Django,
  asgiref, Channels, uvicorn), quoted character for character, raised as the type the page names;
* a Django or asgiref exception is raised from the file the entry names;
* the lines recorded per Django release (and for the installed asgiref, Channels, uvicorn) are the lines
  where the message's text stands in that release's source (each release's sdist), or null where the
  release does not have it.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
import warnings
from importlib import metadata

import django
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections
from django.test import override_settings

from atlas.collect import error_lines
from atlas.core.datafile import Project
from atlas.core.errors import DataError
from atlas.core.paths import ROOT
from atlas.data import error_index
from atlas.data.versions_data import load_releases
from atlas.site import error_index_render
from snippets.errors import broken_views

ENTRIES = {entry.id: entry for entry in error_index.load_errors()}


# --- triggers: each returns (kind, message) caught from the real code --------------------------------------

def caught(error: BaseException) -> tuple[str, str, list[tuple[str, int]]]:
    """(type, message, frames) of a raised exception; frames are (file, line) from the traceback."""
    frames, traceback = [], error.__traceback__
    while traceback is not None:
        frames.append((traceback.tb_frame.f_code.co_filename, traceback.tb_lineno))
        traceback = traceback.tb_next
    return type(error).__name__, str(error), frames


def warned(records) -> tuple[str, str, list[tuple[str, int]]]:
    assert records, "no warning was raised"
    record = records[0]
    # a warning's location is its caller's (stacklevel), not the warn() line: no frames to check
    return record.category.__name__, str(record.message), []


async def synchronous_only_operation(async_client, client):
    with override_settings(ROOT_URLCONF="snippets.errors.broken_views"), pytest.raises(Exception) as info:
        await async_client.get("/count/")
    return caught(info.value)


async def atomic_requests_async_view(async_client, client, monkeypatch=None):
    settings_dict = connections.settings["default"]
    previous = settings_dict.get("ATOMIC_REQUESTS", False)
    settings_dict["ATOMIC_REQUESTS"] = True
    try:
        with override_settings(ROOT_URLCONF="snippets.errors.broken_views"), pytest.raises(RuntimeError) as info:
            await async_client.get("/plain/")
    finally:
        settings_dict["ATOMIC_REQUESTS"] = previous
    return caught(info.value)


async def unawaited_coroutine(async_client, client):
    def request():
        with override_settings(ROOT_URLCONF="snippets.errors.broken_views"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "coroutine ... was never awaited"
            with pytest.raises(ValueError) as info:
                client.get("/forgot-await/")
            result = caught(info.value)
            traceback = info.value.__traceback__
            while traceback is not None:  # close the coroutine the view forgot, so it is not reported later
                for value in traceback.tb_frame.f_locals.values():
                    if asyncio.iscoroutine(value):
                        value.close()
                traceback = traceback.tb_next
            return result

    return await sync_to_async(request)()


async def mixed_handlers(async_client, client):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured) as info:
        broken_views.MixedView.as_view()
    return caught(info.value)


async def streaming_sync_iterator_under_asgi(async_client, client):
    with override_settings(ROOT_URLCONF="snippets.errors.broken_views"):
        response = await async_client.get("/stream-sync/")
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            body = b"".join([chunk async for chunk in response])  # what Django's ASGIHandler does
    assert body == b"a sync generator served by an async server"
    return warned(records)


async def streaming_async_iterator_under_wsgi(async_client, client):
    def request():
        with override_settings(ROOT_URLCONF="snippets.errors.broken_views"):
            response = client.get("/stream-async/")
            with warnings.catch_warnings(record=True) as records:
                warnings.simplefilter("always")
                body = b"".join(response)  # what a WSGI server does
        assert body == b"an async generator served by a sync server"
        return warned(records)

    return await sync_to_async(request)()


async def middleware_neither_sync_nor_async(async_client, client):
    from django.core.handlers.asgi import ASGIHandler

    path = "snippets.errors.broken_views.NeitherSyncNorAsyncMiddleware"
    with override_settings(MIDDLEWARE=[path]), pytest.raises(RuntimeError) as info:
        ASGIHandler()
    return caught(info.value)


async def asgi_not_http(async_client, client):
    from django.core.handlers.asgi import ASGIHandler

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        raise AssertionError("Django should not answer a WebSocket")

    scope = {"type": "websocket", "path": "/ws/chat/", "headers": [], "query_string": b""}
    with pytest.raises(ValueError) as info:
        await ASGIHandler()(scope, receive, send)
    return caught(info.value)


async def async_to_sync_in_event_loop(async_client, client):
    async def fetch():
        return 1

    with pytest.raises(RuntimeError) as info:
        async_to_sync(fetch)()
    return caught(info.value)


async def async_to_sync_non_async_callable(async_client, client):
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        async_to_sync(lambda: None)
    return warned(records)


async def sync_to_async_on_coroutine_function(async_client, client):
    async def already_async():
        return 1

    with pytest.raises(TypeError) as info:
        sync_to_async(already_async)
    return caught(info.value)


async def handshake_error(communicator) -> None:
    """Open the socket and wait for the application to fail (raising its exception), not for a timeout."""
    await communicator.send_input({"type": "websocket.connect"})
    await asyncio.wait_for(asyncio.shield(communicator.future), 10)


async def channels_no_route(async_client, client):
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.urls import path

    application = URLRouter([path("ws/chat/", AsyncWebsocketConsumer.as_asgi())])
    communicator = WebsocketCommunicator(application, "/ws/nowhere/")
    with pytest.raises(ValueError) as info:
        await handshake_error(communicator)
    return caught(info.value)


async def channels_auth_without_session(async_client, client):
    from channels.auth import AuthMiddleware
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.testing import WebsocketCommunicator

    communicator = WebsocketCommunicator(AuthMiddleware(AsyncWebsocketConsumer.as_asgi()), "/ws/chat/")
    with pytest.raises(ValueError) as info:
        await handshake_error(communicator)
    return caught(info.value)


async def channels_layer_not_configured(async_client, client):
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.testing import WebsocketCommunicator

    class RoomConsumer(AsyncWebsocketConsumer):
        async def connect(self):
            await self.channel_layer.group_add("room", self.channel_name)
            await self.accept()

    with override_settings(CHANNEL_LAYERS={}):
        communicator = WebsocketCommunicator(RoomConsumer.as_asgi(), "/ws/room/")
        with pytest.raises(AttributeError) as info:
            await handshake_error(communicator)
    return caught(info.value)


def uvicorn_output(app: str) -> str:
    """Start a real uvicorn on loopback with a wrong app path; it exits at once and logs why."""
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", "0"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "snippets.demo.settings",
                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0, "uvicorn should refuse to start"
    return result.stdout + result.stderr


async def uvicorn_wrong_attribute(async_client, client):
    output = await asyncio.to_thread(uvicorn_output, "snippets.demo.asgi:app")
    message = next(line.split("ERROR:", 1)[1].strip() for line in output.splitlines() if "Error loading" in line)
    return "error", message, []


async def uvicorn_wrong_module(async_client, client):
    output = await asyncio.to_thread(uvicorn_output, "asgi:application")
    message = next(line.split("ERROR:", 1)[1].strip() for line in output.splitlines() if "Error loading" in line)
    return "error", message, []


TRIGGERS = {
    "synchronous-only-operation": synchronous_only_operation,
    "atomic-requests-async-view": atomic_requests_async_view,
    "unawaited-coroutine-view": unawaited_coroutine,
    "mixed-sync-async-handlers": mixed_handlers,
    "streaming-sync-iterator-asgi": streaming_sync_iterator_under_asgi,
    "streaming-async-iterator-wsgi": streaming_async_iterator_under_wsgi,
    "middleware-neither-sync-nor-async": middleware_neither_sync_nor_async,
    "asgi-not-http": asgi_not_http,
    "async-to-sync-in-event-loop": async_to_sync_in_event_loop,
    "async-to-sync-non-async-callable": async_to_sync_non_async_callable,
    "sync-to-async-on-coroutine": sync_to_async_on_coroutine_function,
    "channels-no-route": channels_no_route,
    "channels-auth-without-session": channels_auth_without_session,
    "channels-layer-not-configured": channels_layer_not_configured,
    "uvicorn-attribute-not-found": uvicorn_wrong_attribute,
    "uvicorn-module-not-found": uvicorn_wrong_module,
}


def installed_key(entry) -> str:
    """The key of `lines` for what is installed: the Django feature release, or the package version."""
    if entry.package == "django":
        return "{}.{}".format(*django.VERSION[:2])
    return metadata.version(entry.package)


def test_entries_and_triggers_match():
    assert len(ENTRIES) >= 12, f"only {len(ENTRIES)} entries in docs/data/errors.yml"
    assert set(ENTRIES) == set(TRIGGERS), (
        f"docs/data/errors.yml and the triggers differ: entries without a trigger "
        f"{sorted(set(ENTRIES) - set(TRIGGERS))}, triggers without an entry {sorted(set(TRIGGERS) - set(ENTRIES))}"
    )


@pytest.mark.parametrize("anchor", sorted(ENTRIES))
def test_every_entry_has_a_trigger(anchor):
    """Django, asgiref and third-party entries alike: a message nobody provoked is not quoted."""
    assert anchor in TRIGGERS, (
        f"docs/data/errors.yml: entry {anchor} ({ENTRIES[anchor].source}) has no trigger in {__file__}; "
        f"add a function that provokes it and register it in TRIGGERS"
    )


@pytest.fixture(scope="module")
def collected_lines():
    """Where each entry's text stands in every Django release's sdist and the installed third-party code."""
    return error_lines.collect(list(ENTRIES.values()))


@pytest.mark.parametrize("anchor", sorted(ENTRIES))
def test_recorded_lines_are_the_real_source_lines(anchor, collected_lines):
    entry = ENTRIES[anchor]
    assert installed_key(entry) in entry.lines, (
        f"docs/data/errors.yml: {anchor}.lines has no line for the installed {entry.package} "
        f"{installed_key(entry)}; run `python3 dev.py errors`"
    )
    assert entry.lines == collected_lines[anchor], (
        f"docs/data/errors.yml: {anchor}.lines = {entry.lines}, but {entry.text_at_source!r} stands in "
        f"{entry.source} at {collected_lines[anchor]}; run `python3 dev.py errors`"
    )
    assert entry.lines[installed_key(entry)] is not None, f"{anchor}: the installed code lacks the message"


def test_every_django_entry_has_a_line_for_every_release():
    assert error_index.check(Project()) == []


def test_a_new_release_without_lines_is_to_collect_not_a_problem():
    releases = [r.version for r in load_releases()]
    entries = list(ENTRIES.values())
    assert error_index.to_collect([*releases, "9.9"], entries) == ["9.9"]
    assert error_index.line_problems([*releases, "9.9"], entries) == []


def test_an_entry_missing_a_collected_release_still_fails():
    releases = [r.version for r in load_releases()]
    django = [e for e in ENTRIES.values() if e.package == "django"]
    for dropped in (releases[1], releases[-1]):   # a middle release, and the newest that the others have
        short = dataclasses.replace(django[0], lines={v: n for v, n in django[0].lines.items() if v != dropped})
        problems = error_index.line_problems([*releases, "9.9"], [short, *django[1:]])
        assert len(problems) == 1 and problems[0].startswith(f"docs/data/errors.yml: {short.id}.lines: has "), problems


def test_the_page_renders_every_entry_with_its_lines():
    page = error_index_render.render_error_index()
    for entry in ENTRIES.values():
        assert f"{{ #{entry.id} }}" in page and entry.message in page
        line = entry.lines[installed_key(entry)]
        assert f"line {line} in" in page


# Channels' consumers close stale database connections before each handler, which touches the
# connection a previous test on this worker may have left: allow it.
@pytest.mark.django_db
@pytest.mark.parametrize("anchor", sorted(TRIGGERS))
async def test_the_page_quotes_the_real_message_exactly(anchor, async_client, client):
    assert anchor in ENTRIES, f"trigger {anchor!r} has no entry in docs/data/errors.yml"
    kind, message, frames = await asyncio.wait_for(TRIGGERS[anchor](async_client, client), 90)
    print(f"\n{anchor}: {kind}: {message}")
    entry = ENTRIES[anchor]
    assert entry.message == message, (
        f"docs/data/errors.yml: {anchor}.message is\n  {entry.message!r}\nbut the installed code says\n  {message!r}"
    )
    assert entry.raised_as.rsplit(".", 1)[-1] == kind, f"{anchor}: the entry says {entry.raised_as}, code raised {kind}"
    # The exception comes from the file the entry names (its text may be defined a few lines away from
    # the raise, as in django/utils/asyncio.py, so the line itself is checked by the sdist test above).
    if entry.package in ("django", "asgiref") and not entry.raised_as.endswith("Warning"):
        assert any(path.replace("\\", "/").endswith("/" + entry.source) for path, _line in frames), (
            f"{anchor}: {kind} was not raised from {entry.source} (last frames: {frames[-3:]})"
        )



def test_a_package_the_index_has_no_name_for_is_refused_with_its_line(tmp_path):
    """The schema's enum is the one list of packages (the loader has no second check); the page names each."""
    schema = json.loads((ROOT / "docs/data/schemas/errors.schema.json").read_text(encoding="utf-8"))
    assert set(schema["items"]["properties"]["package"]["enum"]) == set(error_index.PACKAGES)
    text = (ROOT / "docs/data/errors.yml").read_text(encoding="utf-8").replace("package: asgiref", "package: trio", 1)
    (tmp_path / "errors.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"errors\.yml:\d+: .*package: 'trio' is not allowed"):
        error_index.load_errors(tmp_path / "errors.yml")
