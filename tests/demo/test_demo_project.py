"""The demo project every snippet runs in: its async view answers in-process, over WSGI and under uvicorn."""
import io
from wsgiref.util import setup_testing_defaults

import httpx
import pytest

from snippets.demo import urls
from tests.support.servers import python_tool, running_server


async def test_async_view_answers_through_the_asgi_handler(async_client):
    response = await async_client.get("/hello/")
    assert response.status_code == 200
    assert response.content == b"hello from an async view"
    assert urls.urlpatterns  # the URLConf the client used


@pytest.mark.django_db  # the handler's request_started signal checks the database connection
def test_wsgi_application_serves_the_async_view_too():
    from snippets.demo.wsgi import application

    environ = {"PATH_INFO": "/hello/", "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    seen = {}
    body = b"".join(application(environ, lambda status, headers: seen.update(status=status)))
    assert seen["status"].startswith("200")
    assert body == b"hello from an async view"


@pytest.mark.server
def test_asgi_application_under_a_real_uvicorn():
    command = python_tool("uvicorn") + ["snippets.demo.asgi:application", "--port", "{port}", "--log-level", "warning"]
    with running_server(command) as server:
        response = httpx.get(server.url + "/hello/", timeout=10)
    assert response.text == "hello from an async view"
