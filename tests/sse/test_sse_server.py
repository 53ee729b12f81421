"""Server-sent events under a real uvicorn on loopback, read by an httpx streaming client."""
import time

import httpx
import pytest

from tests.support.servers import python_tool, running_server
from tests.support.waiting import wait_until

pytestmark = pytest.mark.server

# Before Django 5.0 a streaming response's generator runs on after its client leaves, and uvicorn's graceful
# shutdown would wait for it until the suite's 10 s stop timeout: 1 s is plenty for the streams that do end.
COMMAND = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning",
                                    "--timeout-graceful-shutdown", "1"]


@pytest.fixture(scope="module")
def server():
    with running_server(COMMAND, env={"DJANGO_SETTINGS_MODULE": "tests.sse.server_settings"}) as server:
        yield server


def read_events(lines, count, deadline):
    """Collect `count` events (dicts) and the heartbeats seen meanwhile, from an iterator of lines."""
    events, heartbeats, current = [], 0, {}
    for line in lines:
        assert time.monotonic() < deadline, "events did not arrive in time"
        if line.startswith(":"):
            heartbeats += 1
        elif line == "":
            if "id" in current:
                events.append(current)
                if len(events) == count:
                    break
            current = {}
        else:
            field, _, value = line.partition(": ")
            current[field] = value
    return events, heartbeats


def test_events_stream_and_resume_under_uvicorn(server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        first = http.post("/long-polling/publish/", json={"n": 0}).json()["id"]
        started = time.perf_counter()
        with http.stream("GET", "/sse/events/", headers={"Last-Event-ID": str(first - 1)}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream"
            assert response.headers["x-accel-buffering"] == "no"
            lines = response.iter_lines()
            events, _ = read_events(lines, 1, time.monotonic() + 5)
            assert events[0]["id"] == str(first)
            for n in (1, 2):  # published while the stream is open: delivered live
                http.post("/long-polling/publish/", json={"n": n})
            events, heartbeats = read_events(lines, 2, time.monotonic() + 5)
            assert [e["data"] for e in events] == ['{"n": 1}', '{"n": 2}']
            last_id = events[-1]["id"]
        print(f"\nthree events over a real socket in {time.perf_counter() - started:.3f} s")
        http.post("/long-polling/publish/", json={"n": 3})  # published while the client was away
        with http.stream("GET", "/sse/events/", headers={"Last-Event-ID": last_id}) as response:
            events, _ = read_events(response.iter_lines(), 1, time.monotonic() + 5)
            assert events[0]["data"] == '{"n": 3}'
            assert int(events[0]["id"]) == int(last_id) + 1


def test_heartbeats_keep_an_idle_stream_alive(server):
    with httpx.Client(base_url=server.url, timeout=10) as http, http.stream("GET", "/sse/events/") as response:
        seen, deadline = 0, time.monotonic() + 5
        for line in response.iter_lines():
            assert time.monotonic() < deadline
            seen += line == ": heartbeat"
            if seen == 3:
                break
    assert seen == 3


@pytest.mark.since("5.0")  # before 5.0 nothing cancels the generator: the page's warning says so
def test_client_disconnect_cancels_the_generator(server):
    before = server.output().count("sse client disconnected")
    with httpx.Client(base_url=server.url, timeout=10) as http, http.stream("GET", "/sse/events/") as response:
        next(response.iter_lines())  # the retry line: the generator is running
        # leaving the block closes the connection while the generator waits for news
    wait_until(lambda: server.output().count("sse client disconnected") > before,
               "the generator to be cancelled (\"sse client disconnected\" in the server's output)", 5)
    assert "sse stream closed" in server.output()


def test_malformed_last_event_id_gets_a_400_from_the_real_server(server):
    response = httpx.get(server.url + "/sse/events/", headers={"Last-Event-ID": "yesterday"}, timeout=10)
    assert response.status_code == 400
    assert "Last-Event-ID" in response.text
