"""An async Django site where one view burns CPU while others wait on I/O (snippets.lab.cpu_in_view).

    uvicorn snippets.lab.cpu_in_view_app:app

/io/ awaits 50 ms; /burn/<way>/?n=N runs the pure-Python `burn` from snippets.lab.cpu_bound inline (on the
event loop), in asyncio.to_thread, or in a one-process pool; /lag/ reports how late the event loop woke a
10 ms timer since the last /lag/ (and starts that timer task on first use).
"""
import asyncio
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings

settings.configure(DEBUG=False, SECRET_KEY="lab-only-not-secret", ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[], INSTALLED_APPS=[], DATABASES={}, USE_TZ=True, LOGGING_CONFIG=None)

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

from snippets.lab.cpu_bound import burn  # noqa: E402

lags: list[float] = []
monitor = None
pool = None


def unpinned() -> None:
    os.sched_setaffinity(0, range(os.cpu_count()))  # the pool's process may use any core: that is its point


async def watch_loop() -> None:
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append((time.perf_counter() - started - 0.01) * 1000)


async def io(request):
    await asyncio.sleep(0.05)
    return JsonResponse({"pid": os.getpid()})


async def burn_view(request, way):
    global pool
    n = int(request.GET.get("n", "1000000"))
    if way == "inline":
        result = burn(n)  # holds the event loop for the whole computation
    elif way == "to_thread":
        result = await asyncio.to_thread(burn, n)
    else:
        if pool is None:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=unpinned)
        result = await asyncio.get_running_loop().run_in_executor(pool, burn, n)
    return JsonResponse({"result": result})


async def lag(request):
    global monitor
    if monitor is None:
        monitor = asyncio.create_task(watch_loop())
    seen, lags[:] = sorted(lags), []
    p99 = seen[min(len(seen) - 1, int(0.99 * len(seen)))] if seen else None
    return JsonResponse({"samples": len(seen), "p99_ms": p99, "max_ms": seen[-1] if seen else None,
                         "median_ms": statistics.median(seen) if seen else None})


urlpatterns = [path("io/", io), path("burn/<str:way>/", burn_view), path("lag/", lag)]
app = get_asgi_application()
