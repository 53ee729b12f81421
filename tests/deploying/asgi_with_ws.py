"""Test-only ASGI app: the demo Django project for HTTP, plus a tiny echo for WebSocket scopes, so one
upstream behind nginx can answer both (the atlas's chat page has the real Channels consumer)."""
from snippets.demo.asgi import application as django_application


async def application(scope, receive, send):
    if scope["type"] != "websocket":
        return await django_application(scope, receive, send)
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": "echo: " + (event.get("text") or "")})
