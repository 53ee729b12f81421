"""URLs of the demo project: one include per use case."""
from django.http import HttpResponse
from django.urls import path


async def hello(request):
    return HttpResponse("hello from an async view")


urlpatterns = [
    path("hello/", hello),
]
