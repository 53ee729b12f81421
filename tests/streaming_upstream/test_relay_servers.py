"""snippets.streaming_upstream.views end to end: fake slow upstream (uvicorn) -> the relay view (uvicorn)
-> an httpx streaming client, all on loopback."""
import json
import time
from pathlib import Path

import django
import httpx
import pytest
from django.urls import resolve

from snippets.streaming_upstream import urls, views
from tests.support.figures import record
from tests.support.servers import free_port, python_tool, running_server
from tests.support.waiting import wait_until

pytestmark = pytest.mark.server

UVICORN = python_tool("uvicorn")
TOKENS = 10


@pytest.fixture
def upstream_log(tmp_path):
    return tmp_path / "upstream.log"


@pytest.fixture
def upstream(upstream_log):
    env = {"ATLAS_UPSTREAM_LOG": str(upstream_log), "ATLAS_FAKE_TOKENS": str(TOKENS), "ATLAS_FAKE_DELAY": "0.2"}
    command = UVICORN + ["tests.streaming_upstream.fake_upstream:app", "--port", "{port}", "--log-level", "warning"]
    with running_server(command, env=env) as server:
        yield server


def relay_server(upstream_url):
    command = UVICORN + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
    return running_server(command, env={"ATLAS_UPSTREAM_URL": upstream_url,
                                        "DJANGO_SETTINGS_MODULE": "tests.sse.server_settings"})


def events(lines, deadline):
    current = {}
    for line in lines:
        assert time.monotonic() < deadline, "the relay stalled"
        if line == "":
            if current:
                yield current["event"], json.loads(current["data"])
            current = {}
        else:
            field, _, value = line.partition(": ")
            current[field] = value


def log_lines(path: Path):
    return path.read_text().splitlines() if path.exists() else []


def test_tokens_arrive_before_the_upstream_has_finished(upstream, upstream_log):
    with relay_server(upstream.url + "/tokens") as relay, httpx.Client(timeout=10) as http:
        started = time.perf_counter()
        with http.stream("GET", relay.url + "/relay/tokens/", params={"prompt": "hi"}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream"
            received, first_at, upstream_done_at_first = [], None, None
            for event, data in events(response.iter_lines(), time.monotonic() + 15):
                if event == "token":
                    if first_at is None:
                        first_at = time.perf_counter() - started
                        upstream_done_at_first = "finished" in log_lines(upstream_log)
                    received.append(data)
                elif event == "done":
                    break
        total = time.perf_counter() - started
    assert received == [f"tok{n}" for n in range(TOKENS)]
    assert upstream_done_at_first is False  # the first token came while the upstream was still working
    assert log_lines(upstream_log)[-1] == "finished"
    record("streaming_upstream", "first_token", first_at)
    record("streaming_upstream", "all_tokens", total)
    print(f"\nfirst token after {first_at:.3f} s, all {TOKENS} after {total:.3f} s "
          f"(upstream: {TOKENS} tokens 0.2 s apart)")


def test_client_disconnect_closes_the_upstream(upstream, upstream_log):
    with relay_server(upstream.url + "/tokens") as relay, httpx.Client(timeout=10) as http:
        with http.stream("GET", relay.url + "/relay/tokens/") as response:
            taken = 0
            for event, _data in events(response.iter_lines(), time.monotonic() + 10):
                taken += event == "token"
                if taken == 2:
                    break
        if django.VERSION < (5, 0):
            # What the page warns about: before 5.0 nothing cancels the relay, which reads the upstream to the end.
            deadline = time.monotonic() + 15
            while "finished" not in log_lines(upstream_log):
                assert time.monotonic() < deadline, f"the upstream did not run to the end: {log_lines(upstream_log)}"
                time.sleep(0.05)
            print(f"\nDjango {django.get_version()}: the upstream ran to the end after the client left")
            return
        # The client is gone: Django cancels the relay, whose `finally` closes the upstream response.
        wait_until(lambda: any(line.startswith("client disconnected") for line in log_lines(upstream_log)),
                   "the upstream to see the disconnect", 5)
        stopped = [line for line in log_lines(upstream_log) if line.startswith("client disconnected")][0]
        sent = int(stopped.split()[-2])
        assert sent < TOKENS and "finished" not in log_lines(upstream_log)
        wait_until(lambda: "relay closed the upstream response" in relay.output(),
                   "'relay closed the upstream response' in the relay's output", 5)
    print(f"\nupstream stopped after {sent} of {TOKENS} tokens")


def test_an_upstream_error_becomes_a_502_with_a_reason(upstream):
    with relay_server(upstream.url + "/tokens") as relay:
        response = httpx.get(relay.url + "/relay/tokens/", params={"prompt": "fail"}, timeout=10)
    assert response.status_code == 502
    assert response.json() == {"error": "upstream answered 500"}


def test_an_unreachable_upstream_becomes_a_502_with_a_reason():
    nobody = f"http://127.0.0.1:{free_port()}/tokens"  # nothing listens there: connection refused
    with relay_server(nobody) as relay:
        response = httpx.get(relay.url + "/relay/tokens/", timeout=10)
    assert response.status_code == 502
    assert response.json() == {"error": "upstream unreachable (ConnectError)"}


def test_an_upstream_that_breaks_mid_stream_ends_with_an_error_event(upstream):
    with relay_server(upstream.url + "/tokens") as relay, httpx.Client(timeout=10) as http, \
            http.stream("GET", relay.url + "/relay/tokens/", params={"prompt": "break"}) as response:
        assert response.status_code == 200  # the status went out with the first token
        got = list(events(response.iter_lines(), time.monotonic() + 10))
    assert got[:2] == [("token", "tok0"), ("token", "tok1")]
    assert got[-1] == ("error", {"error": "upstream failed mid-stream (RemoteProtocolError)"})


def test_the_url_routes_to_the_relay():
    assert resolve("/relay/tokens/").func is views.relay_tokens
    assert len(urls.urlpatterns) == 1
