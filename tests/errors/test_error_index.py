"""The error index (docs/faq/errors.md) quotes each message exactly as the installed code raises it.

Every entry on the page is a `## ... { #anchor }` heading followed by:
  * a ```text block holding the exact message,
  * a line `**Raised as:** `ExceptionOrWarning``,
  * a line `**Source:** `package/module.py`, line N` (checked against the installed package).
Each Django and asgiref entry must have a trigger below that produces the message for real on the installed
Django; Channels and uvicorn entries are triggered for real too where that is cheap, and their source line is
always checked.
"""
from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections
from django.test import override_settings

from atlas.paths import DOCS, ROOT
from snippets.errors import broken_views

PAGE = DOCS / "faq" / "errors.md"
SITE_PACKAGES = Path(pytest.__file__).resolve().parent.parent
THIRD_PARTY = ("channels/", "uvicorn/")
NOT_ENTRIES = {"how-this-page-is-checked", "sources"}  # the page's closing sections
HEADING = re.compile(r"^## (?P<title>.+?) \{ #(?P<anchor>[a-z0-9-]+) \}\s*$")
MESSAGE = re.compile(r"^```text\n(?P<message>.*?)\n```", re.MULTILINE | re.DOTALL)
RAISED_AS = re.compile(r"^\*\*Raised as:\*\* `(?P<kind>[A-Za-z_.]+)`", re.MULTILINE)
SOURCE = re.compile(r"^\*\*Source:\*\* `(?P<path>[\w/.]+\.py)`, line (?P<line>\d+)", re.MULTILINE)


def page_entries() -> dict[str, dict]:
    """anchor -> {title, message, kind, path, line} for each `##` entry of the page."""
    entries: dict[str, dict] = {}
    current = None
    body: list[str] = []

    def close():
        if current is None:
            return
        text = "\n".join(body)
        message, kind, source = MESSAGE.search(text), RAISED_AS.search(text), SOURCE.search(text)
        assert message and kind and source, (
            f"docs/faq/errors.md#{current['anchor']}: each entry needs a ```text block with the exact message, "
            f"a '**Raised as:** `Type`' line and a '**Source:** `pkg/file.py`, line N' line"
        )
        entries[current["anchor"]] = dict(current, message=message["message"], kind=kind["kind"],
                                          path=source["path"], line=int(source["line"]))

    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            close()
            match = HEADING.match(line)
            assert match, f"docs/faq/errors.md: heading without an explicit anchor: {line!r}; add {{ #some-id }}"
            current, body = (None if match["anchor"] in NOT_ENTRIES else match.groupdict()), []
        elif current is not None:
            body.append(line)
    close()
    return entries


ENTRIES = page_entries()


# --- triggers: each returns (kind, message) caught from the real code --------------------------------------

def caught(error: BaseException) -> tuple[str, str]:
    return type(error).__name__, str(error)


def warned(records) -> tuple[str, str]:
    assert records, "no warning was raised"
    record = records[0]
    return record.category.__name__, str(record.message)


async def synchronous_only_operation(async_client, client):
    with override_settings(ROOT_URLCONF="snippets.errors.broken_views"):
        with pytest.raises(Exception) as info:
            await async_client.get("/count/")
    return caught(info.value)


async def atomic_requests_async_view(async_client, client, monkeypatch=None):
    settings_dict = connections.settings["default"]
    previous = settings_dict.get("ATOMIC_REQUESTS", False)
    settings_dict["ATOMIC_REQUESTS"] = True
    try:
        with override_settings(ROOT_URLCONF="snippets.errors.broken_views"):
            with pytest.raises(RuntimeError) as info:
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


async def channels_no_route(async_client, client):
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.urls import path

    application = URLRouter([path("ws/chat/", AsyncWebsocketConsumer.as_asgi())])
    communicator = WebsocketCommunicator(application, "/ws/nowhere/")
    with pytest.raises(ValueError) as info:
        await asyncio.wait_for(communicator.connect(timeout=1), 10)
    return caught(info.value)


async def channels_auth_without_session(async_client, client):
    from channels.auth import AuthMiddleware
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.testing import WebsocketCommunicator

    communicator = WebsocketCommunicator(AuthMiddleware(AsyncWebsocketConsumer.as_asgi()), "/ws/chat/")
    with pytest.raises(ValueError) as info:
        await asyncio.wait_for(communicator.connect(timeout=1), 10)
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
            await asyncio.wait_for(communicator.connect(timeout=1), 10)
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
    return "error", message


async def uvicorn_wrong_module(async_client, client):
    output = await asyncio.to_thread(uvicorn_output, "asgi:application")
    message = next(line.split("ERROR:", 1)[1].strip() for line in output.splitlines() if "Error loading" in line)
    return "error", message


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

# A piece of each message's literal text that must stand at (or just after) the quoted source line.
SOURCE_TEXT = {
    "synchronous-only-operation": "You cannot call this from an async context",
    "atomic-requests-async-view": "You cannot use ATOMIC_REQUESTS with async views.",
    "unawaited-coroutine-view": "didn't return an HttpResponse object. It returned an ",
    "mixed-sync-async-handlers": "HTTP handlers must either be all sync or all ",
    "streaming-sync-iterator-asgi": "StreamingHttpResponse must consume synchronous iterators",
    "streaming-async-iterator-wsgi": "StreamingHttpResponse must consume asynchronous iterators",
    "middleware-neither-sync-nor-async": "must have at least one of ",
    "asgi-not-http": "Django can only handle ASGI/HTTP connections, not %s.",
    "async-to-sync-in-event-loop": "You cannot use AsyncToSync in the same thread as an async event loop",
    "async-to-sync-non-async-callable": "async_to_sync was passed a non-async-marked callable",
    "sync-to-async-on-coroutine": "sync_to_async can only be applied to sync functions.",
    "channels-no-route": "No route found for path %r.",
    "channels-auth-without-session": "AuthMiddleware cannot find session in scope. ",
    "channels-layer-not-configured": "Returns a channel layer by alias, or None if it is not configured.",
    "uvicorn-attribute-not-found": 'Attribute "{attrs_str}" not found in module "{module_str}".',
    "uvicorn-module-not-found": 'Could not import module "{module_str}".',
}


def test_the_page_has_the_entries_people_hit():
    assert len(ENTRIES) >= 12, f"only {len(ENTRIES)} entries on docs/faq/errors.md"
    assert set(ENTRIES) == set(SOURCE_TEXT), (
        f"page entries and test data differ: only on page {sorted(set(ENTRIES) - set(SOURCE_TEXT))}, "
        f"only in test {sorted(set(SOURCE_TEXT) - set(ENTRIES))}"
    )


@pytest.mark.parametrize("anchor", sorted(ENTRIES))
def test_each_django_or_asgiref_entry_has_a_trigger(anchor):
    entry = ENTRIES[anchor]
    if entry["path"].startswith(THIRD_PARTY):
        return  # third-party: the source check below is the minimum; most have a trigger as well
    assert anchor in TRIGGERS, f"docs/faq/errors.md#{anchor} ({entry['path']}) has no trigger in {__file__}"


@pytest.mark.parametrize("anchor", sorted(ENTRIES))
def test_quoted_source_line_holds_the_message(anchor):
    entry = ENTRIES[anchor]
    source = SITE_PACKAGES / entry["path"]
    assert source.is_file(), f"docs/faq/errors.md#{anchor}: {entry['path']} is not an installed file"
    lines = source.read_text(encoding="utf-8").splitlines()
    window = " ".join(lines[max(entry["line"] - 2, 0): entry["line"] + 3])
    assert SOURCE_TEXT[anchor] in window, (
        f"docs/faq/errors.md#{anchor}: {entry['path']} line {entry['line']} no longer holds "
        f"{SOURCE_TEXT[anchor]!r}; update the line number on the page"
    )


@pytest.mark.parametrize("anchor", sorted(TRIGGERS))
async def test_the_page_quotes_the_real_message_exactly(anchor, async_client, client):
    assert anchor in ENTRIES, f"trigger {anchor!r} has no entry on docs/faq/errors.md"
    kind, message = await asyncio.wait_for(TRIGGERS[anchor](async_client, client), 90)
    print(f"\n{anchor}: {kind}: {message}")
    entry = ENTRIES[anchor]
    assert entry["message"] == message, (
        f"docs/faq/errors.md#{anchor} quotes\n  {entry['message']!r}\nbut the installed code says\n  {message!r}"
    )
    assert entry["kind"].rsplit(".", 1)[-1] == kind, f"#{anchor}: page says {entry['kind']}, code raised {kind}"
