"""Learning path, step 4: a server-sent events countdown streamed by an async generator."""
import asyncio

from django.http import StreamingHttpResponse


async def countdown_events(start: int, pause: float = 0.05):
    for number in range(start, 0, -1):
        yield f"data: {number}\n\n"
        await asyncio.sleep(pause)  # the loop serves other requests meanwhile
    yield "event: done\ndata: liftoff\n\n"


async def countdown(request):
    start = min(int(request.GET.get("from", 3)), 10)
    response = StreamingHttpResponse(countdown_events(start), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
