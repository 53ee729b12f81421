"""snippets.sse.views in-process with Django's AsyncClient: the stream's format, heartbeats, Last-Event-ID."""
import asyncio

import pytest
from django.urls import resolve

from snippets.long_polling.feed import news
from snippets.sse import urls, views
from snippets.sse.views import format_event


@pytest.fixture(autouse=True)
def quick_heartbeat(settings):
    settings.SSE_HEARTBEAT_SECONDS = 0.05


def parse(chunk):
    text = chunk.decode() if isinstance(chunk, bytes) else chunk
    return dict(line.split(": ", 1) for line in text.strip().splitlines() if not line.startswith(":"))


async def take(response, count):
    chunks = []
    iterator = response.streaming_content.__aiter__()  # aiter() and anext() are 3.10+: this runs on 3.9 too
    for _ in range(count):
        chunks.append((await asyncio.wait_for(iterator.__anext__(), timeout=5)).decode())
    return chunks


async def test_headers_retry_and_heartbeat(async_client):
    response = await async_client.get("/sse/events/")
    assert response.status_code == 200
    assert response.is_async
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    chunks = await take(response, 2)
    assert chunks == ["retry: 3000\n\n", ": heartbeat\n\n"]
    await response.streaming_content.aclose()


async def test_new_events_arrive_with_ids(async_client):
    response = await async_client.get("/sse/events/")
    first = await take(response, 1)
    assert first == ["retry: 3000\n\n"]
    published = news.publish({"headline": "kettle boiled"})
    chunks = [c for c in await take(response, 3) if not c.startswith(":")]
    assert parse(chunks[0]) == {"id": str(published), "event": "news", "data": '{"headline": "kettle boiled"}'}
    await response.streaming_content.aclose()


async def test_reconnect_with_last_event_id_resumes_at_the_next_event(async_client):
    ids = [news.publish({"n": n}) for n in range(3)]
    response = await async_client.get("/sse/events/", headers={"Last-Event-ID": str(ids[0])})
    chunks = await take(response, 3)
    assert [parse(c)["id"] for c in chunks[1:]] == [str(ids[1]), str(ids[2])]
    await response.streaming_content.aclose()


async def test_an_id_ahead_of_the_feed_replays_what_is_kept(async_client):
    """After a server restart the browser's id is ahead of the new process's ids."""
    newest = news.publish({"n": "newest"})
    response = await async_client.get("/sse/events/", headers={"Last-Event-ID": str(newest + 10_000)})
    chunks = await take(response, 2)
    assert parse(chunks[1])["id"] == str(news.since(0)[0][0])
    await response.streaming_content.aclose()


@pytest.mark.parametrize("bad", ["abc", "-1", "1.5", "²", "12 13"])
async def test_malformed_last_event_id_is_a_400(async_client, bad):
    response = await async_client.get("/sse/events/", headers={"Last-Event-ID": bad})
    assert response.status_code == 400
    assert b"Last-Event-ID must be a non-negative integer" in response.content


def test_multiline_data_becomes_several_data_lines():
    event = format_event(7, "a\nb")  # json.dumps escapes the newline: still one line
    assert event == 'id: 7\nevent: news\ndata: "a\\nb"\n\n'


def test_the_url_routes_to_the_view():
    assert resolve("/sse/events/").func is views.events
    assert len(urls.urlpatterns) == 1
