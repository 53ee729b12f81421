"""The demo project under every server the deploying page lists: each is started on a free loopback
port and must answer the async view /hello/. Startup-to-answer times are printed (not asserted)."""
import re
import sys
import time

import httpx
import pytest

from snippets.deploying import gunicorn_conf
from tests.support.figures import record
from tests.support.servers import python_tool, running_server

ASGI = "snippets.demo.asgi:application"
WSGI = "snippets.demo.wsgi:application"
SERVERS = {
    "uvicorn": python_tool("uvicorn") + [ASGI, "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"],
    "daphne": python_tool("daphne") + ["-b", "127.0.0.1", "-p", "{port}", ASGI],
    "hypercorn": python_tool("hypercorn") + ["--bind", "127.0.0.1:{port}", ASGI],
    "granian": python_tool("granian") + ["--interface", "asgi", "--host", "127.0.0.1", "--port", "{port}",
                                         "--workers", "1", ASGI],
    "gunicorn+UvicornWorker": python_tool("gunicorn") + ["-c", "snippets/deploying/gunicorn_conf.py",
                                                         "--workers", "1", "--bind", "127.0.0.1:{port}", ASGI],
    "runserver (WSGI dev server)": [sys.executable, "-m", "django", "runserver", "127.0.0.1:{port}", "--noreload"],
    "gunicorn sync (WSGI)": python_tool("gunicorn") + ["--workers", "1", "--bind", "127.0.0.1:{port}", WSGI],
}


def first_answer(url: str, timeout: float = 30.0) -> httpx.Response:
    """Some servers listen before their worker is ready: retry connection errors for a bounded time."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=10)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.mark.server
@pytest.mark.parametrize("name", list(SERVERS))
def test_server_answers_the_async_view(name):
    started = time.perf_counter()
    with running_server(SERVERS[name], timeout=60) as server:
        response = first_answer(server.url + "/hello/")
        elapsed = time.perf_counter() - started
        log = server.output()
    assert response.status_code == 200, log
    assert response.text == "hello from an async view"
    print(f"\n{name}: first answer {elapsed:.2f} s after start")
    record("deploying", f"first_answer.{re.sub(r'[^a-z]+', '_', name.lower()).strip('_')}", elapsed)


def test_gunicorn_conf_names_the_uvicorn_worker():
    assert gunicorn_conf.worker_class == "uvicorn_worker.UvicornWorker"
    assert gunicorn_conf.graceful_timeout < gunicorn_conf.timeout
