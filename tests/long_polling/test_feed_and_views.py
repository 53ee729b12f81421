"""The feed and the long-polling view in-process: news wakes a waiting request, the timeout gives 204,
bad input gives 400, and a cancelled wait (client gone) leaves nothing behind."""
import asyncio
import threading
from urllib.parse import urlencode

import pytest
from django.urls import resolve

from snippets.long_polling import redis_views, urls, views
from snippets.long_polling.feed import Feed, news
from tests.support.waiting import async_wait_until


async def test_wait_returns_news_published_while_waiting():
    feed = Feed()
    waiter = asyncio.create_task(feed.wait(after=0, timeout=5))
    await async_wait_until(lambda: feed.waiting == 1, "the wait to register")
    assert not waiter.done() and feed.waiting == 1
    feed.publish({"headline": "first"})
    assert await asyncio.wait_for(waiter, 5) == [(1, {"headline": "first"})]
    assert feed.waiting == 0


async def test_wait_returns_at_once_when_news_is_already_there():
    feed = Feed()
    feed.publish("a")
    feed.publish("b")
    assert await feed.wait(after=1, timeout=5) == [(2, "b")]


async def test_wait_times_out_with_nothing():
    feed = Feed()
    assert await feed.wait(after=0, timeout=0.05) == []
    assert feed.waiting == 0


async def test_publish_from_another_thread_wakes_the_loop():
    feed = Feed()
    waiter = asyncio.create_task(feed.wait(after=0, timeout=5))
    await async_wait_until(lambda: feed.waiting == 1, "the wait to register")
    threading.Thread(target=feed.publish, args=("from a thread",)).start()
    assert await asyncio.wait_for(waiter, 5) == [(1, "from a thread")]


async def test_a_cancelled_wait_unregisters_itself():
    feed = Feed()
    waiter = asyncio.create_task(feed.wait(after=0, timeout=5))
    await async_wait_until(lambda: feed.waiting == 1, "the wait to register")
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert feed.waiting == 0


async def test_the_view_answers_when_news_arrives(async_client):
    after = news.last_id
    waiting = news.waiting
    query = urlencode({"after": after, "timeout": 5})
    request = asyncio.create_task(async_client.get("/long-polling/poll/?" + query))
    await async_wait_until(lambda: news.waiting == waiting + 1, "the view to wait for news")
    assert not request.done()
    published = await async_client.post("/long-polling/publish/", {"headline": "now"},
                                        content_type="application/json")
    assert published.status_code == 201
    response = await asyncio.wait_for(request, 5)
    assert response.status_code == 200
    assert response.json() == {"items": [{"id": after + 1, "data": {"headline": "now"}}], "last_id": after + 1}


async def test_the_view_answers_204_on_timeout(async_client):
    response = await async_client.get("/long-polling/poll/?" + urlencode({"timeout": 0.05}))
    assert response.status_code == 204
    assert response.content == b""


@pytest.mark.parametrize("query", [{"after": "x"}, {"after": "-1"}, {"timeout": "soon"}, {"timeout": "600"}])
async def test_bad_parameters_are_a_400(async_client, query):
    # The query string is written out: Django 3.1's AsyncClient drops a `data` dict on GET.
    response = await async_client.get("/long-polling/poll/?" + urlencode(query))
    assert response.status_code == 400
    assert "error" in response.json()


async def test_publish_needs_json(async_client):
    response = await async_client.post("/long-polling/publish/", "not json", content_type="application/json")
    assert response.status_code == 400


def test_the_urls_route_to_both_versions():
    assert resolve("/long-polling/poll/").func is views.poll
    assert resolve("/long-polling/publish/").func is views.publish
    assert resolve("/long-polling/redis/poll/").func is redis_views.poll
    assert resolve("/long-polling/redis/publish/").func is redis_views.publish
    assert len(urls.urlpatterns) == 4
