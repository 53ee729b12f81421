"""A slow upstream for the tests: a tiny raw ASGI app that emits one token per line, with a pause between.

GET /tokens?prompt=… sends TOKENS tokens DELAY seconds apart; prompt "fail" answers 500, prompt "break"
drops the connection after two tokens.
It appends what happened to the file named by ATLAS_UPSTREAM_LOG: "start", "token N",
"finished", or "client disconnected after N tokens".
"""
import asyncio
import contextlib
import os
from urllib.parse import parse_qs

TOKENS = int(os.environ.get("ATLAS_FAKE_TOKENS", "10"))
DELAY = float(os.environ.get("ATLAS_FAKE_DELAY", "0.2"))


def record(line):
    with open(os.environ["ATLAS_UPSTREAM_LOG"], "a") as log:
        log.write(line + "\n")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    prompt = parse_qs(scope["query_string"].decode()).get("prompt", [""])[0]
    if prompt == "fail":
        await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"model crashed"})
        return
    gone = asyncio.Event()

    async def watch():
        while (await receive())["type"] != "http.disconnect":
            pass
        gone.set()

    watcher = asyncio.create_task(watch())
    record("start")
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    sent = 0
    try:
        for n in range(TOKENS):
            with contextlib.suppress(TimeoutError):  # pause between tokens, but notice a disconnect at once
                await asyncio.wait_for(gone.wait(), DELAY)
            if gone.is_set():
                record(f"client disconnected after {sent} tokens")
                return
            if prompt == "break" and n == 2:
                raise RuntimeError("the fake upstream breaks mid-stream, as asked")
            await send({"type": "http.response.body", "body": f"tok{n}\n".encode(), "more_body": True})
            sent += 1
            record(f"token {n}")
        await send({"type": "http.response.body", "body": b""})
        record("finished")
    finally:
        watcher.cancel()
