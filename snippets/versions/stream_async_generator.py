"""Django 4.2+: an async view streams server-sent events from an async generator.

The generator may await between events (here a pause; in real code a queue or a feed) without holding
a thread or blocking other requests.
"""
import asyncio

from django.http import StreamingHttpResponse

PAUSE_SECONDS = 1.0


async def sse_events(items, pause):
    for number, item in enumerate(items, start=1):
        if number > 1:
            await asyncio.sleep(pause)
        yield f"id: {number}\ndata: {item}\n\n"


async def countdown(request):
    items = ["3", "2", "1", "liftoff"]
    response = StreamingHttpResponse(sse_events(items, PAUSE_SECONDS), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
