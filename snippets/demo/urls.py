"""URLs of the demo project: one include per use case."""
from django.http import HttpResponse
from django.urls import include, path


async def hello(request):
    return HttpResponse("hello from an async view")


urlpatterns = [
    path("hello/", hello),
    path("deploying/", include("snippets.deploying.urls")),
    path("auth/", include("snippets.async_auth.urls")),
    path("fan-out/", include("snippets.fan_out.urls")),
    path("self-call/", include("snippets.self_call.urls")),
    path("dashboard/", include("snippets.dashboard.urls")),
    path("uploads/", include("snippets.uploads.urls")),
    path("background/", include("snippets.background_work.urls")),
    path("sse/", include("snippets.sse.urls")),
    path("long-polling/", include("snippets.long_polling.urls")),
    path("relay/", include("snippets.streaming_upstream.urls")),
    path("learn/", include("snippets.learn.urls")),
]
