"""URLs of the demo project: one include per use case whose page claims the running Django release."""
from django.http import HttpResponse
from django.urls import include, path, re_path

from atlas.data.page_code import runs_here

# snippet package -> where the demo project mounts its URLs
USE_CASE_URLS = {
    "deploying": "deploying/",
    "async_auth": "auth/",
    "fan_out": "fan-out/",
    "self_call": "self-call/",
    "dashboard": "dashboard/",
    "uploads": "uploads/",
    "background_work": "background/",
    "sse": "sse/",
    "long_polling": "long-polling/",
    "streaming_upstream": "relay/",
    "learn": "learn/",
}


async def hello(request):
    return HttpResponse("hello from an async view")


def use_case_urls(package):
    """The use case's URLconf; if it does not import on this release, one that answers every request with
    that ImportError, so only this use case's tests fail (naming the cause) and the others still run."""
    try:
        return include(f"snippets.{package}.urls")
    except ImportError as error:
        reason = f"snippets.{package}.urls does not import on this Django release: {error}"

        def unavailable(request, *args, **kwargs):
            raise ImportError(reason)

        return include([re_path(r"", unavailable)])


urlpatterns = [path("hello/", hello)] + [
    path(prefix, use_case_urls(package)) for package, prefix in USE_CASE_URLS.items() if runs_here(package)
]
