"""Django 3.1-4.1: an async view streams server-sent events from a plain (sync) generator.

Under ASGI these releases call next() on the generator in the event-loop thread itself, so every step
must be quick: no time.sleep(), no blocking reads, no queries. Do the waiting and the queries in the view,
before the response starts, and stream what you already have.
"""
import asyncio

from django.http import StreamingHttpResponse


def sse_events(items):
    for number, item in enumerate(items, start=1):
        yield f"id: {number}\ndata: {item}\n\n"


async def countdown(request):
    await asyncio.sleep(0)  # awaitable work belongs here, before streaming starts
    items = ["3", "2", "1", "liftoff"]
    response = StreamingHttpResponse(sse_events(items), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
