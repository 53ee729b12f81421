"""Server-sent events: GET /sse/events/ streams the news feed as text/event-stream (Django 4.2+ under ASGI).

* every event carries an `id:`; a browser's EventSource sends the last one back in the Last-Event-ID
  header when it reconnects, and the stream resumes with the next event;
* a comment line (": heartbeat") goes out when nothing happened for a while, so proxies and load
  balancers do not drop an idle connection and a dead client is noticed;
* when the client goes away, Django 5.0+ cancels the generator: the `finally` block runs at once.
"""
import asyncio
import json
import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse

from snippets.long_polling.feed import news

logger = logging.getLogger(__name__)
RETRY_MS = 3000  # how long a browser waits before reconnecting


def format_event(event_id, data, event="news"):
    lines = [f"id: {event_id}", f"event: {event}"]
    lines += [f"data: {line}" for line in json.dumps(data).splitlines()]
    return "\n".join(lines) + "\n\n"


async def event_stream(after, heartbeat):
    sent = 0
    try:
        yield f"retry: {RETRY_MS}\n\n"
        while True:
            items = await news.wait(after, timeout=heartbeat)  # no thread held while waiting
            if not items:
                yield ": heartbeat\n\n"
                continue
            for item_id, data in items:
                yield format_event(item_id, data)
                after = item_id
                sent += 1
    except asyncio.CancelledError:
        logger.info("sse client disconnected after %d events (last id %d)", sent, after)
        raise  # let the cancellation finish
    finally:
        logger.info("sse stream closed")


async def events(request):
    if request.method != "GET":  # what @require_GET does; it wraps async views only from Django 5.0 on
        return HttpResponseNotAllowed(["GET"])
    raw = request.headers.get("Last-Event-ID", "").strip()
    if raw and not (raw.isascii() and raw.isdigit()):
        # A browser only echoes ids we sent, so this is a hand-made request: say what is wrong.
        return HttpResponse("Last-Event-ID must be a non-negative integer id\n", status=400,
                            content_type="text/plain")
    after = int(raw) if raw else news.last_id  # first visit: only news from now on
    if after > news.last_id:
        after = 0  # ids are per process; after a restart send everything still kept
    heartbeat = getattr(settings, "SSE_HEARTBEAT_SECONDS", 15.0)
    response = StreamingHttpResponse(event_stream(after, heartbeat), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"  # never cache a live stream
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once instead of buffering
    return response
