"""Long polling that works across several server processes: news lives in a Redis stream.

`XREAD BLOCK` waits inside Redis until an entry newer than the client's id arrives, or the timeout
passes; the view awaits it through redis.asyncio, so no thread is held. Any process can publish with
`XADD`, and every process's waiters see it. Ids are Redis stream ids such as "1732531200000-0".
"""
import json
import os
import re

import redis.asyncio as redis
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

REDIS_URL = os.environ.get("ATLAS_REDIS_URL", "redis://127.0.0.1:6379/0")
STREAM = "atlas:news"
KEEP = 1000  # entries kept in the stream (approximately)
MAX_WAIT_SECONDS = 25.0
STREAM_ID = re.compile(r"^(\$|\d{1,20}(-\d{1,20})?)$")  # "$" means "only news from now on"


def connect():
    # One client per request keeps the example simple; a real project shares a pool per process.
    return redis.from_url(REDIS_URL, decode_responses=True)


async def poll(request):
    if request.method != "GET":  # what @require_GET does; it wraps async views only from Django 5.0 on
        return HttpResponseNotAllowed(["GET"])
    after = request.GET.get("after", "$")
    try:
        timeout = float(request.GET.get("timeout", MAX_WAIT_SECONDS))
    except ValueError:
        timeout = -1.0
    if not STREAM_ID.match(after) or not 0 <= timeout <= MAX_WAIT_SECONDS:
        return JsonResponse({"error": "after must be a stream id such as 1732531200000-0 (or $), "
                                      f"timeout between 0 and {MAX_WAIT_SECONDS:g} seconds"}, status=400)
    async with connect() as client:
        # BLOCK 0 would mean "forever": always pass at least 1 ms.
        answer = await client.xread({STREAM: after}, block=max(1, int(timeout * 1000)), count=100)
    if not answer:
        return HttpResponse(status=204)
    _stream, entries = answer[0]
    return JsonResponse({
        "items": [{"id": entry_id, "data": json.loads(fields["data"])} for entry_id, fields in entries],
        "last_id": entries[-1][0],
    })


async def publish(request):
    if request.method != "POST":  # what @require_POST does; it wraps async views only from Django 5.0 on
        return HttpResponseNotAllowed(["POST"])
    try:
        data = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "send a JSON body"}, status=400)
    async with connect() as client:
        entry_id = await client.xadd(STREAM, {"data": json.dumps(data)}, maxlen=KEEP, approximate=True)
    return JsonResponse({"id": entry_id}, status=201)


# What @csrf_exempt does; the decorator wraps async views only from Django 5.0 on. A demo endpoint:
# in a real project news comes from your own code, behind auth.
publish.csrf_exempt = True
