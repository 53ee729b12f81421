"""Long polling under real uvicorn processes on loopback.

* 200 requests wait at once, all pending together (no pool caps them). Measured fact, Django 6.1.3 with
  asgiref 3.13: each in-flight request still owns one *parked* helper thread (asgiref's per-request
  ThreadSensitiveContext executor, created when the MiddlewareMixin middleware and the request_started
  receivers run their sync parts); the waiting itself is a future on the event loop, so those threads
  sleep: the process burns next to no CPU while 200 requests wait;
* the in-process feed does not cross processes; the Redis stream version does (two servers, one Redis).
"""
import asyncio
import time

import httpx
import psutil
import pytest

from tests.support.figures import record
from tests.support.servers import python_tool, running_server
from tests.support.waiting import async_wait_until, established, until_idle

pytestmark = pytest.mark.server

COMMAND = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
WAITERS = 200


@pytest.fixture(scope="module")
def redis_env(redis_server):
    return {"ATLAS_REDIS_URL": redis_server.redis_url}


@pytest.fixture(scope="module")
def server(redis_env):
    with running_server(COMMAND, env=redis_env) as server:
        yield server


async def test_200_waiters_pending_together_park_threads_but_burn_no_cpu(server):
    process = psutil.Process(server.process.pid)
    idle_threads = process.num_threads()
    rss_idle = process.memory_info().rss
    limits = httpx.Limits(max_connections=WAITERS + 10, max_keepalive_connections=WAITERS + 10)
    async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as http:
        after = 0
        while True:  # find the current last id
            response = await http.get("/long-polling/poll/", params={"after": after, "timeout": 0})
            if response.status_code == 204:
                break
            after = response.json()["last_id"]
        started = time.perf_counter()
        polls = [asyncio.create_task(http.get("/long-polling/poll/", params={"after": after, "timeout": 20}))
                 for _ in range(WAITERS)]
        await async_wait_until(lambda: established(server.process.pid, server.port) >= WAITERS,
                               "the 200 polls to connect", timeout=20)
        await until_idle(server.process.pid, "the server to take in the 200 polls")
        assert not any(poll.done() for poll in polls), "a poll answered before there was news"
        waiting_threads = process.num_threads()
        rss_waiting = process.memory_info().rss
        open_connections = established(server.process.pid, server.port)
        cpu_before = sum(process.cpu_times()[:2])
        await asyncio.sleep(1.0)  # the measurement window (CPU used in one quiet second), not a wait
        cpu_quiet = sum(process.cpu_times()[:2]) - cpu_before
        published_at = time.perf_counter()
        await http.post("/long-polling/publish/", json={"headline": "for everyone"})
        responses = await asyncio.wait_for(asyncio.gather(*polls), timeout=20)
        answered = time.perf_counter()
    assert {r.status_code for r in responses} == {200}
    assert all(r.json()["items"][0]["data"] == {"headline": "for everyone"} for r in responses)
    print(f"\n{WAITERS} waiting polls: {open_connections} open connections, server threads "
          f"{idle_threads} idle -> {waiting_threads} while waiting, CPU {cpu_quiet * 1000:.0f} ms in a quiet "
          f"second, RSS +{(rss_waiting - rss_idle) / WAITERS / 1024:.0f} KiB per waiting request; all connected "
          f"in {published_at - started:.2f} s, all answered {answered - published_at:.3f} s after the publish")
    record("long_polling", "cpu_quiet_ms", cpu_quiet * 1000)
    record("long_polling", "answered_after_publish", answered - published_at)
    assert open_connections >= WAITERS  # all 200 were waiting at the same time
    # At most one (parked) helper thread per in-flight request: nothing is multiplied, nothing is pooled.
    assert waiting_threads <= idle_threads + WAITERS + 5
    assert cpu_quiet < 0.5  # the waiting requests (and their parked threads) cost no CPU


def test_timeout_gives_204_under_uvicorn(server):
    started = time.perf_counter()
    response = httpx.get(server.url + "/long-polling/poll/", params={"timeout": 0.5}, timeout=10)
    elapsed = time.perf_counter() - started
    assert response.status_code == 204
    assert elapsed >= 0.5
    print(f"\n204 after {elapsed:.3f} s (timeout 0.5 s)")


async def poll_and_publish(waiter, publisher_url, poll_path, publish_path, waiting=None, poll_timeout=3):
    """Wait for news (from now on) in one process, publish in the other once the poll waits there:
    `waiting()` says so when given (Redis: a blocked client), else the waiter has the connection and is idle.
    The publisher answers a first request before the poll starts: a process's first request loads Django's
    URLs and middleware, which on a loaded machine took longer than a 3 s poll waits."""
    async with httpx.AsyncClient(timeout=15) as http:
        assert (await http.get(publisher_url + publish_path)).status_code == 405  # warm: publishing needs POST
        poll = asyncio.create_task(http.get(waiter.url + poll_path, params={"timeout": poll_timeout}))
        if waiting is None:
            await async_wait_until(lambda: established(waiter.process.pid, waiter.port) >= 1, "the poll to connect")
            await until_idle(waiter.process.pid, "the poll to be waiting in the view")
        else:
            await async_wait_until(lambda: asyncio.to_thread(waiting), "the poll to start waiting")
        assert not poll.done()
        published = await http.post(publisher_url + publish_path, json={"from": "the other process"})
        assert published.status_code == 201
        return await asyncio.wait_for(poll, poll_timeout + 10)


async def test_in_process_feed_does_not_reach_another_worker(server, redis_env):
    with running_server(COMMAND, env=redis_env) as other:
        response = await poll_and_publish(server, other.url, "/long-polling/poll/",
                                          "/long-polling/publish/")
    assert response.status_code == 204  # published in the other process: never seen here


def blocked_in_xread(redis_env):
    """True once a client of the Redis server is blocked (the poll's XREAD BLOCK)."""
    import redis

    client = redis.Redis.from_url(redis_env["ATLAS_REDIS_URL"])
    return lambda: client.info("clients")["blocked_clients"] >= 1


async def test_redis_stream_reaches_every_worker(server, redis_env):
    with running_server(COMMAND, env=redis_env) as other:
        # news is expected: the poll answers when it comes, so a long timeout costs nothing
        response = await poll_and_publish(server, other.url, "/long-polling/redis/poll/",
                                          "/long-polling/redis/publish/", waiting=blocked_in_xread(redis_env),
                                          poll_timeout=15)
        assert response.status_code == 200
        body = response.json()
        assert body["items"][0]["data"] == {"from": "the other process"}
        # Resume from the returned id: a second poll gets what was published in between, at once.
        async with httpx.AsyncClient(timeout=10) as http:
            await http.post(other.url + "/long-polling/redis/publish/", json={"n": 2})
            again = await http.get(server.url + "/long-polling/redis/poll/",
                                   params={"after": body["last_id"], "timeout": 3})
            assert again.json()["items"][0]["data"] == {"n": 2}
            timeout = await http.get(server.url + "/long-polling/redis/poll/", params={"timeout": 0.2})
            assert timeout.status_code == 204
            bad = await http.get(server.url + "/long-polling/redis/poll/", params={"after": "DROP"})
            assert bad.status_code == 400
