"""Long polling: GET /long-polling/poll/?after=<id> answers as soon as there is news, or 204 after a timeout.

The view awaits a future; while it waits, no thread is held, so a server can keep thousands of polls
open. Clients loop: poll, handle the items, poll again with after=<last id>.
"""
import json

from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

from snippets.long_polling.feed import news

MAX_WAIT_SECONDS = 25.0  # below the idle timeouts of common proxies (nginx: 60 s)


def bad_request(message):
    return JsonResponse({"error": message}, status=400)


async def poll(request):
    if request.method != "GET":  # what @require_GET does; it wraps async views only from Django 5.0 on
        return HttpResponseNotAllowed(["GET"])
    try:
        after = int(request.GET.get("after", news.last_id))
        timeout = float(request.GET.get("timeout", MAX_WAIT_SECONDS))
    except ValueError:
        return bad_request("after must be an integer id and timeout a number of seconds")
    if after < 0 or not 0 <= timeout <= MAX_WAIT_SECONDS:
        return bad_request(f"after must be >= 0 and timeout between 0 and {MAX_WAIT_SECONDS:g}")
    if after > news.last_id:
        after = 0  # ids are per process: after a restart the client's id is ahead, so send everything kept
    items = await news.wait(after, timeout)  # no thread is held while this waits
    if not items:
        return HttpResponse(status=204)  # nothing new: the client polls again
    return JsonResponse({
        "items": [{"id": item_id, "data": data} for item_id, data in items],
        "last_id": items[-1][0],
    })


async def publish(request):
    if request.method != "POST":  # what @require_POST does; it wraps async views only from Django 5.0 on
        return HttpResponseNotAllowed(["POST"])
    try:
        data = json.loads(request.body)
    except ValueError:
        return bad_request("send a JSON body")
    return JsonResponse({"id": news.publish(data)}, status=201)


# What @csrf_exempt does; the decorator wraps async views only from Django 5.0 on. A demo endpoint:
# in a real project news comes from your own code, behind auth.
publish.csrf_exempt = True
