"""Small, deliberately wrong pieces of code: each one produces an error from the error index.

The test tests/errors/test_error_index.py runs every one of them on the installed Django and
checks that docs/faq/errors.md quotes the message it really raises.
"""
import asyncio

from django.contrib.auth.models import User
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views import View


async def count_users_wrongly(request):
    # The synchronous ORM call runs inside the event loop: SynchronousOnlyOperation.
    return HttpResponse(str(User.objects.count()))  # blocks on purpose: this view shows the error


async def plain_async_view(request):
    # Fine on its own; fails once DATABASES["default"]["ATOMIC_REQUESTS"] is True.
    return HttpResponse("ok")


def forgot_await(request):
    # A sync view that returns the coroutine instead of awaiting it.
    return plain_async_view(request)


class MixedView(View):
    # One sync handler and one async handler on the same class-based view:
    # MixedView.as_view() raises ImproperlyConfigured (so it is not in urlpatterns below).
    def get(self, request):
        return HttpResponse("sync get")

    async def post(self, request):
        return HttpResponse("async post")


def sync_chunks():
    yield b"a sync generator "
    yield b"served by an async server"


async def async_chunks():
    for chunk in (b"an async generator ", b"served by a sync server"):
        await asyncio.sleep(0)
        yield chunk


async def stream_sync_iterator(request):
    # Under ASGI Django wants an async iterator here.
    return StreamingHttpResponse(sync_chunks())


def stream_async_iterator(request):
    # Under WSGI Django wants a sync iterator here.
    return StreamingHttpResponse(async_chunks())


class NeitherSyncNorAsyncMiddleware:
    sync_capable = False
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response


urlpatterns = [
    path("count/", count_users_wrongly),
    path("plain/", plain_async_view),
    path("forgot-await/", forgot_await),
    path("stream-sync/", stream_sync_iterator),
    path("stream-async/", stream_async_iterator),
]
