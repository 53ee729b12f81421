"""Learning path, step 5: tests for the views of steps 2 and 4, written with Django's AsyncClient.

pytest-django's `async_client` fixture is a django.test.AsyncClient; pytest-asyncio runs the async tests.
"""
import time

from snippets.learn import step2_concurrent_view


async def test_briefing_waits_for_its_sources_concurrently(async_client):
    started = time.perf_counter()
    response = await async_client.get("/learn/briefing/")
    elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert response.json() == {"weather": "sunny", "news": "a quiet day", "traffic": "roads clear"}
    # Three sources one after another would take 3 x 0.2 s; concurrently about 0.2 s.
    assert elapsed < 2.5 * step2_concurrent_view.SOURCE_DELAY


async def test_countdown_streams_events_in_order(async_client):
    response = await async_client.get("/learn/countdown/", {"from": 3})

    assert response.streaming
    assert response["Content-Type"] == "text/event-stream"
    events = [chunk async for chunk in response.streaming_content]
    assert events == [b"data: 3\n\n", b"data: 2\n\n", b"data: 1\n\n", b"event: done\ndata: liftoff\n\n"]
