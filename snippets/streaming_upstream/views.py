"""Relay a slow upstream (e.g. tokens from a model API) to the browser as it arrives: GET /relay/tokens/?prompt=…

The upstream answers one token per line. Each line goes out at once as a server-sent event, so the
first token reaches the browser while the upstream is still producing the rest.

* Backpressure: the ASGI server's `send` waits while the client's socket is full, so our generator
  pauses, and httpx reads from the upstream only when we ask for the next line.
* Cancellation (Django 5.0+): when the browser goes away, Django cancels the generator; `finally`
  closes the upstream response, so the upstream stops working for nobody.
* Failures: an upstream that is down or answers an error gives a 502 with a JSON reason; one that
  breaks mid-stream gives a final `event: error`.
"""
import json
import logging
import os

import httpx
from django.http import HttpResponseNotAllowed, JsonResponse, StreamingHttpResponse

logger = logging.getLogger(__name__)
UPSTREAM_URL = os.environ.get("ATLAS_UPSTREAM_URL", "http://127.0.0.1:8001/tokens")
# Connect quickly or fail; between two tokens allow a slow model up to 60 s.
TIMEOUT = httpx.Timeout(5.0, read=60.0)


def sse(event, data):
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


async def relay_tokens(request):
    if request.method != "GET":  # what @require_GET does; it wraps async views only from Django 5.0 on
        return HttpResponseNotAllowed(["GET"])
    client = httpx.AsyncClient(timeout=TIMEOUT)
    upstream_request = client.build_request("GET", UPSTREAM_URL, params={"prompt": request.GET.get("prompt", "")})
    try:
        upstream = await client.send(upstream_request, stream=True)
    except httpx.HTTPError as error:
        await client.aclose()
        return JsonResponse({"error": f"upstream unreachable ({type(error).__name__})"}, status=502)
    if upstream.status_code != 200:
        await upstream.aclose()
        await client.aclose()
        return JsonResponse({"error": f"upstream answered {upstream.status_code}"}, status=502)

    async def relay():
        try:
            async for line in upstream.aiter_lines():  # reads on demand: no faster than we yield
                if line:
                    yield sse("token", line)
            yield sse("done", {})
        except httpx.HTTPError as error:  # the upstream broke mid-stream
            yield sse("error", {"error": f"upstream failed mid-stream ({type(error).__name__})"})
        finally:  # also runs when the client disconnects (the generator is cancelled)
            await upstream.aclose()
            await client.aclose()
            logger.info("relay closed the upstream response")

    response = StreamingHttpResponse(relay(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
