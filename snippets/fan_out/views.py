"""One page that aggregates several APIs: async, threaded and sequential versions side by side.

The upstreams come from settings, for example:

    FAN_OUT_UPSTREAMS = {"weather": "http://127.0.0.1:9001/ok", "news": "http://127.0.0.1:9002/ok"}
    FAN_OUT_TIMEOUT = 1.0   # seconds each upstream may take

Each view answers 200 with one block per upstream: {"ok": true, "data": ...} or
{"ok": false, "error": "..."}; a failing or slow upstream never fails the page.
"""
import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from django.conf import settings
from django.http import JsonResponse


def upstreams() -> dict[str, str]:
    return getattr(settings, "FAN_OUT_UPSTREAMS", {})


def timeout() -> float:
    return getattr(settings, "FAN_OUT_TIMEOUT", 1.0)


def describe(error: Exception, limit: float) -> str:
    """A short, readable reason for a failed block."""
    if isinstance(error, (TimeoutError, httpx.TimeoutException)):
        return f"timed out after {limit:g} s"
    if isinstance(error, httpx.HTTPStatusError):
        return f"upstream answered {error.response.status_code}"
    return f"{type(error).__name__}: {error}"


# --- async: one client, all calls at once, a hard deadline per call -------------------------------

async def fetch_block(client: httpx.AsyncClient, url: str, limit: float) -> dict:
    try:
        async with asyncio.timeout(limit):  # a total deadline, not just per socket read (3.11+)
            response = await client.get(url)
            response.raise_for_status()
            return {"ok": True, "data": response.json()}
    except (TimeoutError, httpx.HTTPError, ValueError) as error:
        return {"ok": False, "error": describe(error, limit)}


async def aggregate_async(request):
    started = time.perf_counter()
    sources, limit = upstreams(), timeout()
    async with httpx.AsyncClient() as client:
        # fetch_block never raises, so gather never cancels a sibling; results keep the order.
        results = await asyncio.gather(*(fetch_block(client, url, limit) for url in sources.values()))
    return JsonResponse({"blocks": dict(zip(sources, results)),
                         "elapsed": round(time.perf_counter() - started, 3)})


# --- sync, threaded: the same idea with a thread per call -----------------------------------------

def fetch_block_sync(client: httpx.Client, url: str, limit: float) -> dict:
    try:
        response = client.get(url, timeout=limit)  # per connect/read/write, not a total deadline
        response.raise_for_status()
        return {"ok": True, "data": response.json()}
    except (httpx.HTTPError, ValueError) as error:
        return {"ok": False, "error": describe(error, limit)}


def aggregate_threaded(request):
    started = time.perf_counter()
    sources, limit = upstreams(), timeout()
    with httpx.Client() as client, ThreadPoolExecutor(max_workers=max(len(sources), 1)) as pool:
        futures = {name: pool.submit(fetch_block_sync, client, url, limit) for name, url in sources.items()}
        blocks = {name: future.result() for name, future in futures.items()}
    return JsonResponse({"blocks": blocks, "elapsed": round(time.perf_counter() - started, 3)})


# --- sync, sequential: one call after the other ---------------------------------------------------

def aggregate_sequential(request):
    started = time.perf_counter()
    sources, limit = upstreams(), timeout()
    with httpx.Client() as client:
        blocks = {name: fetch_block_sync(client, url, limit) for name, url in sources.items()}
    return JsonResponse({"blocks": blocks, "elapsed": round(time.perf_counter() - started, 3)})
