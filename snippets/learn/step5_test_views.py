"""Learning path, step 5: tests for the views of steps 2 and 4, written with Django's AsyncClient.

pytest-django's `async_client` fixture is a django.test.AsyncClient; pytest-asyncio runs the async tests.
"""
from snippets.learn import step2_concurrent_view


async def test_briefing_waits_for_its_sources_concurrently(async_client, monkeypatch):
    waiting, most_at_once = 0, 0
    real_source = step2_concurrent_view.slow_source

    async def counted_source(answer: str) -> str:
        nonlocal waiting, most_at_once
        waiting += 1
        most_at_once = max(most_at_once, waiting)
        try:
            return await real_source(answer)
        finally:
            waiting -= 1

    monkeypatch.setattr(step2_concurrent_view, "slow_source", counted_source)
    response = await async_client.get("/learn/briefing/")

    assert response.status_code == 200
    assert response.json() == {"weather": "sunny", "news": "a quiet day", "traffic": "roads clear"}
    # One after another, one source would wait at a time; awaited concurrently, all three do.
    assert most_at_once == 3


async def test_countdown_streams_events_in_order(async_client):
    response = await async_client.get("/learn/countdown/", {"from": 3})

    assert response.streaming
    assert response["Content-Type"] == "text/event-stream"
    events = [chunk async for chunk in response.streaming_content]
    assert events == [b"data: 3\n\n", b"data: 2\n\n", b"data: 1\n\n", b"event: done\ndata: liftoff\n\n"]
