"""The concurrent dashboard: blocks load with asyncio.gather; the ORM blocks still run one after another
on a single thread (sync_to_async(thread_sensitive=True)), while the HTTP block overlaps with them."""
import threading
import time

import pytest
from asgiref.sync import ThreadSensitiveContext
from django.contrib.auth import get_user_model
from django.db.backends import utils as db_utils

from snippets.dashboard import views
from tests.support.servers import python_tool, running_server

QUERY_DELAY = 0.1  # added to every query so that overlapping queries would be impossible to miss
STATUS_DELAY = 0.2

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def status_server():
    command = python_tool("uvicorn") + ["snippets.fan_out.upstream:app", "--port", "{port}", "--lifespan", "off",
                                        "--log-level", "warning", "--timeout-graceful-shutdown", "1"]
    with running_server(command, env={"UPSTREAM_DELAY": str(STATUS_DELAY)}) as server:
        yield server


@pytest.fixture
async def people():
    User = get_user_model()
    for number in range(7):
        await User.objects.acreate(username=f"user{number}", is_staff=number < 2)


@pytest.fixture
def query_log(monkeypatch):
    """Record which thread ran each SQL query, and when (a test-only wrapper around the cursor)."""
    log = []
    original = db_utils.CursorWrapper._execute

    def recording(self, sql, params, *args):
        started = time.perf_counter()
        time.sleep(QUERY_DELAY)
        try:
            return original(self, sql, params, *args)
        finally:
            log.append({"thread": threading.get_ident(), "start": started, "end": time.perf_counter(), "sql": sql})

    monkeypatch.setattr(db_utils.CursorWrapper, "_execute", recording)
    return log


@pytest.mark.django_db(transaction=True)
async def test_dashboard_blocks(people, async_client, settings, status_server):
    settings.DASHBOARD_STATUS_URL = f"{status_server.url}/ok"
    response = await async_client.get("/dashboard/")
    assert response.status_code == 200
    body = response.json()
    assert body["users"] == 7 and body["staff"] == 2
    assert body["newest"] == ["user6", "user5", "user4", "user3", "user2"]
    assert body["status"]["ok"] is True


@pytest.mark.django_db(transaction=True)
async def test_a_failing_status_block_leaves_the_others(people, async_client, settings, status_server):
    settings.DASHBOARD_STATUS_URL = f"{status_server.url}/fail"
    body = (await async_client.get("/dashboard/")).json()
    assert body["users"] == 7
    assert body["status"]["ok"] is False and "500" in body["status"]["error"]


@pytest.mark.django_db(transaction=True)
async def test_orm_blocks_run_one_after_another_on_one_thread(people, settings, status_server, query_log, rf,
                                                              monkeypatch):
    settings.DASHBOARD_STATUS_URL = f"{status_server.url}/ok"
    loop_thread = threading.get_ident()
    status_call = {}
    original = views.service_status

    async def timed_status():
        status_call["start"] = time.perf_counter()
        try:
            return await original()
        finally:
            status_call["end"] = time.perf_counter()

    monkeypatch.setattr(views, "service_status", timed_status)
    request = rf.get("/dashboard/")
    started = time.perf_counter()
    async with ThreadSensitiveContext():  # what ASGIHandler does around every request (Django 4.0+)
        response = await views.dashboard(request)
    total = time.perf_counter() - started
    assert response.status_code == 200
    queries = sorted(query_log, key=lambda q: q["start"])
    threads = {q["thread"] for q in queries}
    print(f"\n{len(queries)} queries on {len(threads)} thread(s); ORM time {sum(q['end'] - q['start'] for q in queries):.3f} s "
          f"(incl. {QUERY_DELAY} s added per query), status call {STATUS_DELAY} s, whole dashboard {total:.3f} s")
    assert len(queries) == 3                     # two counts and one SELECT for the newest users
    assert len(threads) == 1                     # every query ran on the same thread...
    assert loop_thread not in threads            # ...which is not the event loop's thread
    for before, after in zip(queries, queries[1:]):
        assert after["start"] >= before["end"]   # and no two queries overlapped
    # The HTTP block overlapped with the queries: it started before the last one ended and ended after the
    # first one started (intervals, not a total time, which a busy machine stretches: seen 0.54 s > 0.51 s)
    assert status_call["start"] < queries[-1]["end"] and queries[0]["start"] < status_call["end"], status_call


def test_dashboard_status_is_none_without_a_url(settings):
    import asyncio

    settings.DASHBOARD_STATUS_URL = None
    assert asyncio.run(views.service_status()) is None


def test_urls_route_to_the_dashboard():
    from django.urls import resolve

    import snippets.dashboard.urls

    assert resolve("/dashboard/").func is snippets.dashboard.urls.views.dashboard
