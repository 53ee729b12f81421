"""A small server-sent-events stream used to check that a proxy passes events through as they happen."""
import asyncio

from django.http import StreamingHttpResponse


async def ticks(request):
    count = int(request.GET.get("count", "4"))
    interval = float(request.GET.get("interval", "0.5"))

    async def events():
        for number in range(count):
            yield f"data: tick {number}\n\n"
            await asyncio.sleep(interval)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
