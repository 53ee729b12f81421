"""The view under load: it waits on a slow upstream (snippets.lab.upstream, 100 ms) and answers.

The sync view blocks its worker thread on the call; the async view awaits it and lets the event loop
serve other requests meanwhile. One shared client per process, as a real project would keep. Each answer
names the worker process (pid) that served it, so the load test can count each worker's share.
"""
import os

import httpx
from django.http import JsonResponse
from django.urls import path

UPSTREAM = os.environ.get("LAB_UPSTREAM", "http://127.0.0.1:8081/")
LIMITS = httpx.Limits(max_connections=2000, max_keepalive_connections=2000)

sync_client = httpx.Client(limits=LIMITS, timeout=30)
async_client = httpx.AsyncClient(limits=LIMITS, timeout=30)


def sync_view(request):
    upstream = sync_client.get(UPSTREAM)
    return JsonResponse({"upstream": upstream.status_code, "pid": os.getpid()})


async def async_view(request):
    upstream = await async_client.get(UPSTREAM)
    return JsonResponse({"upstream": upstream.status_code, "pid": os.getpid()})


urlpatterns = [
    path("sync/", sync_view),
    path("async/", async_view),
]
