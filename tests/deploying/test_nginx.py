"""snippets/deploying/nginx-site.conf in front of a real uvicorn: an SSE stream passes through unbuffered
and a WebSocket upgrade gets through. The test wraps the site file in a minimal nginx.conf of its own."""
import asyncio
import os
import time
from pathlib import Path

import httpx
import pytest
import websockets

from atlas.core.paths import ROOT
from snippets.deploying import streaming_view
from tests.support.figures import record
from tests.support.servers import free_port, python_tool, running_server
from tests.support.tools import require_tool

SITE = ROOT / "snippets" / "deploying" / "nginx-site.conf"
WRAPPER = """\
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""
UVICORN = python_tool("uvicorn") + ["tests.deploying.asgi_with_ws:application", "--host", "127.0.0.1",
                                    "--port", "{port}", "--log-level", "warning"]


def nginx_config(tmp: Path, upstream_port: int, listen_port: int, buffering: str = "off") -> Path:
    site = SITE.read_text()
    for old, new in [("127.0.0.1:8000", f"127.0.0.1:{upstream_port}"),
                     ("listen 8080;", f"listen 127.0.0.1:{listen_port};"),
                     # the demo project serves its stream under /deploying/, not /events/
                     ("location /events/", "location /deploying/"),
                     ("proxy_buffering off;", f"proxy_buffering {buffering};")]:
        assert old in site, old
        site = site.replace(old, new)
    (tmp / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    conf.write_text(WRAPPER.format(user=user, tmp=tmp, site=tmp / "site.conf"))
    return conf


def first_event_and_total(url: str) -> tuple[float, float, list[str]]:
    started = time.perf_counter()
    first = None
    events = []
    with httpx.stream("GET", url, timeout=15) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(line[6:])
                first = first if first is not None else time.perf_counter() - started
    return first, time.perf_counter() - started, events


@pytest.mark.since("4.2")  # the ticks view streams an async generator: StreamingHttpResponse takes one from 4.2
@pytest.mark.server
@pytest.mark.parametrize("buffering", ["off", "on"])
def test_sse_through_nginx(tmp_path, buffering):
    nginx = require_tool("nginx", "nginx-light")
    with running_server(UVICORN) as upstream:
        port = free_port()
        conf = nginx_config(tmp_path, upstream.port, port, buffering)
        with running_server([nginx, "-p", str(tmp_path), "-c", str(conf)], port=port) as proxy:
            assert httpx.get(proxy.url + "/hello/", timeout=10).text == "hello from an async view"
            # 4 events, 0.5 s apart: the last one is produced 1.5 s after the first, at the earliest.
            first, total, events = first_event_and_total(proxy.url + "/deploying/ticks/?count=4&interval=0.5")
    print(f"\nnginx proxy_buffering {buffering}: first event after {first:.2f} s, stream ended after {total:.2f} s")
    record("deploying", f"nginx_buffering_{buffering}.first_event", first)
    record("deploying", f"nginx_buffering_{buffering}.stream_over", total)
    assert events == [f"tick {n}" for n in range(4)]
    if buffering == "off":
        assert first < 1.5, "the first event waited for the end of the stream"
    # With buffering on, nginx 1.22 on loopback with a fast client also forwarded the first event at once
    # (measured, printed above); the setting matters when the client is slow or a filter holds data.


@pytest.mark.server
def test_websocket_upgrade_through_nginx(tmp_path):
    nginx = require_tool("nginx", "nginx-light")
    with running_server(UVICORN) as upstream:
        port = free_port()
        conf = nginx_config(tmp_path, upstream.port, port)
        with running_server([nginx, "-p", str(tmp_path), "-c", str(conf)], port=port) as proxy:
            async def talk():
                async with websockets.connect(proxy.ws_url + "/ws/echo/", open_timeout=10) as ws:
                    await ws.send("hello")
                    return await asyncio.wait_for(ws.recv(), 10)

            assert asyncio.run(talk()) == "echo: hello"


@pytest.mark.since("4.2")  # an async generator in StreamingHttpResponse
async def test_ticks_stream_in_process(async_client):
    """The stream itself (snippets.deploying.urls routes /deploying/ticks/ to it), without a proxy."""
    from django.urls import resolve

    assert resolve("/deploying/ticks/").func is streaming_view.ticks
    assert resolve("/deploying/ticks/").func.__module__ == "snippets.deploying.streaming_view"
    response = await async_client.get("/deploying/ticks/?count=2&interval=0")
    body = b"".join([chunk async for chunk in response.streaming_content])
    assert body == b"data: tick 0\n\ndata: tick 1\n\n"
