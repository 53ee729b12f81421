"""A stand-in for a slow third-party API: a tiny ASGI app to run under uvicorn on loopback.

    UPSTREAM_DELAY=0.2 uvicorn snippets.fan_out.upstream:app --port 9001 --lifespan off

GET /ok    answers 200 with JSON after UPSTREAM_DELAY seconds (default 0.2)
GET /fail  answers 500 after the same delay
GET /hang  answers only after UPSTREAM_HANG seconds (default 5): longer than any sensible timeout
"""
import asyncio
import json
import os

DELAY = float(os.environ.get("UPSTREAM_DELAY", "0.2"))
HANG = float(os.environ.get("UPSTREAM_HANG", "5"))


async def app(scope, receive, send):
    assert scope["type"] == "http"
    path = scope["path"]
    await asyncio.sleep(HANG if path == "/hang" else DELAY)
    status = 500 if path == "/fail" else 200
    body = json.dumps({"path": path, "port": scope["server"][1], "delay": DELAY}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
