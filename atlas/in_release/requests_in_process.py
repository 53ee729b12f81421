"""GET requests sent in process through a Django handler: an ASGI scope and its messages, or a WSGI environ.

Runs inside a release's own interpreter beside stack_probe.py (Python 3.8 and later, standard library only).
"""
import asyncio


def asgi_scope(path):
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"testserver"), (b"user-agent", b"atlas-stack")],
        "client": ("127.0.0.1", 40000), "server": ("testserver", 80),
    }


async def asgi_request(app, path):
    sent = []
    body = [{"type": "http.request", "body": b"", "more_body": False}]
    never = asyncio.Event()

    async def receive():
        if body:
            return body.pop()
        await never.wait()  # a client that stays connected; Django cancels this when the response is sent

    async def send(message):
        sent.append(message)

    await app(asgi_scope(path), receive, send)
    status = sent[0]["status"] if sent else None
    if status not in (200, 304):
        raise RuntimeError(f"GET {path} answered {status}")


def wsgi_request(app, path):
    import io
    from wsgiref.util import setup_testing_defaults

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "HTTP_HOST": "testserver",
               "HTTP_USER_AGENT": "atlas-stack", "wsgi.input": io.BytesIO(b"")}
    setup_testing_defaults(environ)
    environ["SERVER_NAME"] = "testserver"
    status = []
    result = app(environ, lambda s, headers, exc_info=None: status.append(s))
    for _chunk in result:
        pass
    if hasattr(result, "close"):
        result.close()
    if not status or not status[0].startswith(("200", "304")):
        raise RuntimeError(f"GET {path} answered {status}")


def send_requests(app, interface, path, count):
    if interface == "asgi":
        async def many():
            for _ in range(count):
                await asgi_request(app, path)
        asyncio.run(many())
    else:
        for _ in range(count):
            wsgi_request(app, path)
