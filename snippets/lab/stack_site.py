"""A Django site served with the middleware a reader runs: `LAB_STACK=default` (the default) gives it
`startproject`'s MIDDLEWARE and the apps it needs, `LAB_STACK=none` no middleware. The default stack is read
from the running Django's own project template (snippets.stack.startproject).

    gunicorn snippets.lab.stack_site:wsgi      uvicorn snippets.lab.stack_site:asgi

/hello/ and /ahello/ answer at once (a sync and an async view); /hold/ and /ahold/ wait (?s=seconds, default
120: `time.sleep` in a worker thread, `asyncio.sleep` on the event loop) and count themselves in /holding/;
/events/ is a server-sent-events stream that sends one event, then waits.
"""
import asyncio
import os
import threading
import time

from django.conf import settings

from snippets.stack import startproject

STACK = os.environ.get("LAB_STACK", "default")
if STACK not in ("default", "none"):
    raise SystemExit(f"LAB_STACK={STACK!r}: use 'default' (startproject's middleware) or 'none'")
APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.messages"]
settings.configure(DEBUG=False, SECRET_KEY="lab-only-not-secret", ALLOWED_HOSTS=["127.0.0.1", "localhost"],
                   ROOT_URLCONF=__name__, MIDDLEWARE=startproject.MIDDLEWARE if STACK == "default" else [],
                   INSTALLED_APPS=APPS if STACK == "default" else [],
                   # the stack's middleware touch no table unless a view reads the session or the user
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
                   if STACK == "default" else {},
                   USE_TZ=True, LOGGING_CONFIG=None)

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

holding = 0  # requests waiting right now (threads and tasks alike)
lock = threading.Lock()


def count(step: int) -> None:
    global holding
    with lock:
        holding += step


def hello(request):
    return HttpResponse("hello")


async def ahello(request):
    return HttpResponse("hello")


def hold(request):
    count(1)
    try:
        time.sleep(float(request.GET.get("s", "120")))
    finally:
        count(-1)
    return JsonResponse({"held": True})


async def ahold(request):
    count(1)
    try:
        await asyncio.sleep(float(request.GET.get("s", "120")))
    finally:
        count(-1)
    return JsonResponse({"held": True})


async def events(request):
    async def stream():
        count(1)
        try:
            yield b"data: hello\n\n"
            await asyncio.sleep(float(request.GET.get("s", "120")))
            yield b"data: bye\n\n"
        finally:
            count(-1)

    return StreamingHttpResponse(stream(), content_type="text/event-stream")


async def waiting(request):  # async: no thread of its own while thousands of requests hold theirs
    return JsonResponse({"holding": holding, "pid": os.getpid()})


urlpatterns = [path("hello/", hello), path("ahello/", ahello), path("hold/", hold), path("ahold/", ahold),
               path("events/", events), path("holding/", waiting)]
wsgi = get_wsgi_application()
asgi = get_asgi_application()
