"""Uploads under ASGI: the async upload view in-process, then under a real single-worker uvicorn
(slow upload does not block others, oversized gets 413, a dropped client does not break the server),
and the same slow upload against gunicorn with one sync worker for contrast."""
import asyncio
import socket
import sys
import time

import httpx
import pytest

from snippets.uploads import views
from tests.support.figures import record
from tests.support.servers import running_server
from tests.support.waiting import established, wait_until

BOUNDARY = "atlas-boundary-7d1f"
PY = sys.executable
UVICORN = [PY, "-m", "uvicorn", "snippets.demo.asgi:application", "--port", "{port}", "--workers", "1",
           "--log-level", "warning", "--lifespan", "off", "--timeout-graceful-shutdown", "1"]
GUNICORN = [PY, "-m", "gunicorn", "snippets.demo.wsgi:application", "--workers", "1", "--worker-class", "sync",
            "--bind", "127.0.0.1:{port}", "--graceful-timeout", "1"]


def multipart(filename: str, payload: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + payload + f"\r\n--{BOUNDARY}--\r\n".encode()


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


# --- in-process -------------------------------------------------------------------------------------

@pytest.fixture
def upload_settings(settings, tmp_path):
    settings.UPLOAD_DIR = str(tmp_path)
    settings.UPLOAD_MAX_BYTES = 1000
    return settings


async def test_small_upload_is_stored(upload_settings, async_client, tmp_path):
    body = multipart("hello.txt", b"x" * 500)
    response = await async_client.post("/uploads/", body, content_type=HEADERS["Content-Type"])
    assert response.status_code == 201, response.content
    assert response.json() == {"name": "hello.txt", "size": 500}
    assert (tmp_path / "hello.txt").read_bytes() == b"x" * 500


async def test_file_over_the_limit_is_refused_with_413(upload_settings, async_client, tmp_path):
    body = multipart("big.bin", b"x" * 1500)  # over 1000 bytes, but within the multipart allowance
    response = await async_client.post("/uploads/", body, content_type=HEADERS["Content-Type"])
    assert response.status_code == 413
    assert response.json()["error"] == "upload of 1500 bytes is larger than the limit of 1000 bytes"
    assert not list(tmp_path.iterdir())


async def test_declared_length_far_over_the_limit_is_refused_before_parsing(upload_settings, async_client):
    body = multipart("huge.bin", b"x" * (views.MULTIPART_OVERHEAD + 5000))
    response = await async_client.post("/uploads/", body, content_type=HEADERS["Content-Type"])
    assert response.status_code == 413


async def test_missing_field_and_wrong_method(upload_settings, async_client):
    response = await async_client.post("/uploads/", {"other": "value"})
    assert response.status_code == 400
    assert (await async_client.get("/uploads/")).status_code == 405


# --- under a real uvicorn with one worker -------------------------------------------------------------

async def slow_body(payload: bytes, chunks: int, pause: float, first_sent: asyncio.Event):
    size = -(-len(payload) // chunks)
    for start in range(0, len(payload), size):
        yield payload[start:start + size]
        first_sent.set()  # the client took the first chunk: the upload is under way
        await asyncio.sleep(pause)  # the slowness under test, not a wait


async def race_slow_upload_against_quick_requests(base: str, chunks: int = 10, pause: float = 0.25):
    """Start a slow upload (~chunks*pause s), then send quick GETs; return when each finished."""
    body = multipart("slow.bin", b"s" * 20_000)
    headers = {**HEADERS, "Content-Length": str(len(body))}  # without it Django would see an empty form
    finished = {}
    first_sent = asyncio.Event()
    async with httpx.AsyncClient(timeout=30) as client:
        assert (await client.get(f"{base}/hello/")).status_code == 200  # warm-up: Django's first-request set-up
        started = time.perf_counter()

        async def upload():
            response = await client.post(f"{base}/uploads/", content=slow_body(body, chunks, pause, first_sent),
                                         headers=headers)
            finished["upload"] = time.perf_counter() - started
            return response

        async def quick():
            await first_sent.wait()
            quick_times = []
            for _ in range(3):
                t = time.perf_counter()
                response = await client.get(f"{base}/hello/")
                quick_times.append(time.perf_counter() - t)
                assert response.status_code == 200
            finished["quick"] = time.perf_counter() - started
            finished["quick_latencies"] = quick_times

        upload_response, _ = await asyncio.wait_for(asyncio.gather(upload(), quick()), timeout=60)
    return upload_response, finished


@pytest.fixture(scope="module")
def uvicorn_server():
    """One uvicorn (one worker) for the tests below: each leaves it as it found it."""
    with running_server(UVICORN) as server:
        yield server


@pytest.mark.server
async def test_slow_upload_does_not_block_other_requests_under_uvicorn(uvicorn_server):
    response, finished = await race_slow_upload_against_quick_requests(uvicorn_server.url)
    print(f"\nuvicorn, 1 worker: slow upload done at {finished['upload']:.2f} s; three quick GETs done at "
          f"{finished['quick']:.2f} s (each {', '.join(f'{t * 1000:.0f} ms' for t in finished['quick_latencies'])})")
    record("uploads", "uvicorn.upload_done", finished["upload"])
    record("uploads", "uvicorn.quick_done", finished["quick"])
    for place, latency in zip(("first", "second", "third"), finished["quick_latencies"]):
        record("uploads", f"uvicorn.quick_ms.{place}", latency * 1000)
    assert response.status_code == 201, response.text
    assert response.json()["size"] == 20_000
    assert finished["quick"] < finished["upload"]  # served while the upload was still arriving


@pytest.mark.server
async def test_slow_upload_holds_the_only_sync_worker_under_gunicorn():
    with running_server(GUNICORN) as server:
        response, finished = await race_slow_upload_against_quick_requests(server.url)
    print(f"\ngunicorn, 1 sync worker: slow upload done at {finished['upload']:.2f} s; three quick GETs done at "
          f"{finished['quick']:.2f} s (first waited {finished['quick_latencies'][0]:.2f} s)")
    record("uploads", "gunicorn.upload_done", finished["upload"])
    record("uploads", "gunicorn.first_wait", finished["quick_latencies"][0])
    record("uploads", "gunicorn.quick_done", finished["quick"])
    assert response.status_code == 201, response.text
    assert finished["quick"] > finished["upload"]  # the worker was busy reading the upload


@pytest.mark.server
def test_oversized_and_unsized_uploads_under_uvicorn(uvicorn_server):
    big = multipart("big.bin", b"x" * (2 * 1024 * 1024))
    url = f"{uvicorn_server.url}/uploads/"
    too_big = httpx.post(url, content=big, headers=HEADERS, timeout=30)
    chunked = httpx.post(url, content=iter([big[:1000]]), headers=HEADERS, timeout=30)
    assert too_big.status_code == 413
    assert "larger than the limit of 1048576 bytes" in too_big.json()["error"]
    assert chunked.status_code == 411  # httpx sent Transfer-Encoding: chunked, no Content-Length


@pytest.mark.server
def test_client_dropping_mid_upload_does_not_break_the_server(uvicorn_server):
    server = uvicorn_server
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"POST /uploads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n"
                     b"Content-Type: multipart/form-data; boundary=" + BOUNDARY.encode() + b"\r\n\r\n")
        sock.sendall(b"x" * 1000)  # then hang up, 99 000 bytes short
    wait_until(lambda: established(server.process.pid, server.port) == 0, "the server to see the hang-up")
    after = httpx.get(f"{server.url}/hello/", timeout=10)
    log = server.output()
    assert after.status_code == 200
    assert "Traceback" not in log, log


def test_why_the_view_demands_content_length():
    """Django's multipart parser reads by Content-Length: the same body without the header parses as empty."""
    import io

    from django.core.handlers.asgi import ASGIRequest

    body = multipart("a.txt", b"hello")

    def request(headers):
        scope = {"type": "http", "method": "POST", "path": "/uploads/", "query_string": b"",
                 "headers": [(b"content-type", HEADERS["Content-Type"].encode()), *headers]}
        return ASGIRequest(scope, io.BytesIO(body))

    assert request([(b"content-length", str(len(body)).encode())]).FILES["file"].read() == b"hello"
    assert len(request([]).FILES) == 0  # chunked upload, no Content-Length: nothing parsed


def test_urls_route_to_the_upload_view():
    from django.urls import resolve

    import snippets.uploads.urls

    assert resolve("/uploads/").func is snippets.uploads.urls.views.upload
