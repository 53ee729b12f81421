"""The self-call deadlock, reproduced on real single-worker servers, and each fix.

Every aggregate view calls /self-call/stock/ on its own server with a 2 s timeout (SELF_CALL_TIMEOUT),
so a deadlock shows up as a 504 after ~2 s instead of a hang; the test client's own timeout is 15 s.
"""
import re
import sys
import time

import httpx
import pytest

from snippets.self_call import inventory, views
from tests.support.figures import record
from tests.support.servers import running_server

pytestmark = pytest.mark.server
PY = sys.executable
SERVERS = {
    "gunicorn, 1 sync worker": [PY, "-m", "gunicorn", "snippets.demo.wsgi:application", "--workers", "1",
                                "--bind", "127.0.0.1:{port}", "--graceful-timeout", "1"],
    # --preload: Django is imported before the fork, so the second worker is ready as soon as the first
    # (on a busy machine it could still be importing when the inner request arrives).
    "gunicorn, 2 sync workers": [PY, "-m", "gunicorn", "snippets.demo.wsgi:application", "--workers", "2",
                                 "--preload", "--bind", "127.0.0.1:{port}", "--graceful-timeout", "1"],
    "gunicorn, 1 worker, 2 threads": [PY, "-m", "gunicorn", "snippets.demo.wsgi:application", "--workers", "1",
                                      "--threads", "2", "--bind", "127.0.0.1:{port}", "--graceful-timeout", "1"],
    "uvicorn, 1 worker": [PY, "-m", "uvicorn", "snippets.demo.asgi:application", "--port", "{port}",
                          "--log-level", "warning", "--lifespan", "off", "--timeout-graceful-shutdown", "1"],
    "runserver (threaded, the default)": [PY, "-m", "django", "runserver", "--noreload", "127.0.0.1:{port}"],
    "runserver --nothreading": [PY, "-m", "django", "runserver", "--noreload", "--nothreading",
                                "127.0.0.1:{port}"],
}
# (server, view path, expected): 504 = the self-call deadlocked and timed out; 200 = it worked.
CASES = [
    ("gunicorn, 1 sync worker", "sync", 504),
    ("gunicorn, 1 sync worker", "async", 504),      # under WSGI an async view still holds the worker
    ("gunicorn, 1 sync worker", "async-blocking", 504),
    ("gunicorn, 1 sync worker", "direct", 200),     # fix: call the function, not the URL
    ("gunicorn, 2 sync workers", "sync", 200),      # fix: a second worker serves the inner request
    ("gunicorn, 1 worker, 2 threads", "sync", 200),  # fix: a second thread serves it
    ("gunicorn, 1 worker, 2 threads", "async-blocking", 200),
    ("gunicorn, 1 worker, 2 threads", "async", 200),
    ("uvicorn, 1 worker", "async-blocking", 504),   # a blocking client freezes the event loop
    ("uvicorn, 1 worker", "async", 200),            # fix: an async client leaves the loop free
    ("uvicorn, 1 worker", "sync", 200),             # sync views get a thread per request under ASGI (4.0+)
    ("uvicorn, 1 worker", "async-direct", 200),
    ("runserver (threaded, the default)", "sync", 200),  # "it works in the dev server"
    ("runserver (threaded, the default)", "async-blocking", 200),
    ("runserver (threaded, the default)", "async", 200),
    ("runserver --nothreading", "sync", 504),       # ...because runserver is threaded by default
    ("runserver --nothreading", "async", 504),
]
TIMINGS = []
# Servers whose every case expects 200: a longer self-call timeout costs no time there and keeps a slow
# first request of the second worker from looking like a deadlock (tests/self_call/patient_settings.py).
PATIENT = {name for name in SERVERS if all(expected == 200 for s, _p, expected in CASES if s == name)}


@pytest.fixture(scope="module")
def servers():
    """Start each server once for the module, lazily."""
    import contextlib

    with contextlib.ExitStack() as stack:
        started = {}

        def get(name):
            if name not in started:
                env = {"DJANGO_SETTINGS_MODULE": "tests.self_call.patient_settings"} if name in PATIENT else None
                started[name] = stack.enter_context(running_server(SERVERS[name], env=env))
            return started[name]

        yield get
    print("\n" + "\n".join(TIMINGS))


@pytest.mark.parametrize(("server", "path", "expected"), CASES, ids=[f"{s}-{p}" for s, p, _ in CASES])
def test_self_call(servers, server, path, expected):
    base = servers(server).url
    started = time.perf_counter()
    response = httpx.get(f"{base}/self-call/{path}/", timeout=15)
    elapsed = time.perf_counter() - started
    TIMINGS.append(f"{server:36} /self-call/{path + '/':16} {response.status_code}  {elapsed:.2f} s")
    record("self_call", f"{re.sub(r'[^a-z0-9]+', '_', server.lower()).strip('_')}.{path.replace('-', '_')}", elapsed)
    assert response.status_code == expected, response.text
    if expected == 504:
        assert "timed out after 2 s" in response.json()["error"]
        assert elapsed >= 1.9  # it waited for the inner request, which never came
        # the server is not broken: once the outer request gave up, the worker serves again
        assert httpx.get(f"{base}/self-call/direct/", timeout=15).status_code == 200
    else:
        assert response.json() == {"stock": inventory.stock_levels()}


def test_runserver_is_threaded_unless_told_otherwise():
    """The seed thread's "the dev server is multithreaded by default", checked in Django's own source."""
    from django.core.management.commands import runserver

    parser = runserver.Command().create_parser("manage.py", "runserver")
    assert parser.parse_args([]).use_threading is True
    assert parser.parse_args(["--nothreading"]).use_threading is False


def test_views_module_timeout_default(settings):
    assert views.self_call_timeout() == 2.0
    settings.SELF_CALL_TIMEOUT = 0.5
    assert views.self_call_timeout() == 0.5


def test_urls_route_to_the_views():
    from django.urls import resolve

    import snippets.self_call.urls

    assert len(snippets.self_call.urls.urlpatterns) == 6
    assert resolve("/self-call/stock/").func is views.stock
    assert resolve("/self-call/async-blocking/").func is views.async_aggregate_blocking
