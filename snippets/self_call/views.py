"""Views that call their own server over HTTP -- the self-call deadlock -- and the fixes.

The aggregate views fetch /self-call/stock/ from the very server that is running them. The inner call
has a short timeout (SELF_CALL_TIMEOUT, default 2 s) so a deadlock shows up as a clear 504 instead of a
hang; in real code without a timeout the request would simply never finish.
"""
import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import JsonResponse

from .inventory import stock_levels


def self_call_timeout() -> float:
    return getattr(settings, "SELF_CALL_TIMEOUT", 2.0)


def stock(request):
    """The inner endpoint: a plain sync view."""
    return JsonResponse(stock_levels())


def timed_out(url):
    return JsonResponse({"error": f"self-call to {url} timed out after {self_call_timeout():g} s"}, status=504)


# --- the problem -----------------------------------------------------------------------------------

def sync_aggregate(request):
    """A sync view that calls its own server with a blocking client.

    Deadlocks on a server with one worker and one thread (gunicorn -w 1 sync, runserver --nothreading):
    the only worker is busy here, waiting for a request that only it could serve.
    """
    url = request.build_absolute_uri("/self-call/stock/")
    try:
        response = httpx.get(url, timeout=self_call_timeout())
    except httpx.TimeoutException:
        return timed_out(url)
    return JsonResponse({"stock": response.json()})


async def async_aggregate_blocking(request):
    """An async view that calls its own server with a BLOCKING client: it freezes the event loop.

    Deadlocks under uvicorn with one worker: the loop that should accept and answer the inner request
    is stuck inside httpx.get() below.
    """
    url = request.build_absolute_uri("/self-call/stock/")
    try:
        response = httpx.get(url, timeout=self_call_timeout())  # noqa: ASYNC210 - the deadlock this page shows; never do blocking I/O in async code
    except httpx.TimeoutException:
        return timed_out(url)
    return JsonResponse({"stock": response.json()})


# --- the fixes --------------------------------------------------------------------------------------

async def async_aggregate(request):
    """Fix: await an async client. The loop stays free to serve the inner request (a sync view, which
    Django runs in a thread of its own for that request)."""
    url = request.build_absolute_uri("/self-call/stock/")
    async with httpx.AsyncClient(timeout=self_call_timeout()) as client:
        try:
            response = await client.get(url)
        except httpx.TimeoutException:
            return timed_out(url)
    return JsonResponse({"stock": response.json()})


def direct_aggregate(request):
    """Best fix: no HTTP at all. Call the function the endpoint calls."""
    return JsonResponse({"stock": stock_levels()})


async def async_direct_aggregate(request):
    """The same from an async view: run the sync function in a thread and await it."""
    levels = await sync_to_async(stock_levels)()
    return JsonResponse({"stock": levels})
