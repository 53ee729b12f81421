"""Two ASGI apps that hold each request open until the client leaves: `django_app` goes through
Django's ASGI handler (an async view awaiting asyncio.sleep), `bare_app` is a plain ASGI coroutine.

    uvicorn snippets.lab.request_cost_app:django_app      uvicorn snippets.lab.request_cost_app:bare_app
"""
import asyncio

from django.conf import settings

settings.configure(DEBUG=False, SECRET_KEY="lab-only-not-secret", ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[], INSTALLED_APPS=[], DATABASES={}, USE_TZ=True, LOGGING_CONFIG=None)

from django.core.asgi import get_asgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

holding = 0  # requests waiting right now, in either app


async def hold(request):
    global holding
    holding += 1
    try:
        await asyncio.sleep(float(request.GET.get("s", "120")))
    finally:
        holding -= 1
    return JsonResponse({"held": True})


async def count(request):
    return JsonResponse({"holding": holding})


urlpatterns = [path("hold/", hold), path("holding/", count)]
django_app = get_asgi_application()


async def bare_app(scope, receive, send):
    global holding
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = b'{"holding": %d}' % holding
    if scope["path"] == "/hold/":
        holding += 1
        try:
            await asyncio.sleep(0 if b"s=0" in scope["query_string"] else 120)
        finally:
            holding -= 1
        body = b'{"held": true}'
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
