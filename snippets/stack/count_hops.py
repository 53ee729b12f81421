"""Count the thread hops your own project makes per request, middleware by middleware.

Copy this file next to manage.py and run it with the project's Python:

    python count_hops.py mysite.settings /some/url/ --requests 5

It loads the project's ASGI application (mysite/asgi.py), sends GET requests to the URL through it as an
ASGI server would, and prints every sync_to_async / async_to_sync call each request made, grouped by what
it ran: a middleware's hook, a signal, the view, or a step of Django's handler. Nothing is sent over the
network and nothing in the project changes; the database is the one your settings name.
Needs Python 3.8+ and Django 3.1+.
"""
import argparse
import asyncio
import collections
import importlib
import os
import sys


def hops_counter():
    """Wrap asgiref's adapters so that every call records what it runs; returns the list they fill."""
    from asgiref.sync import AsyncToSync, SyncToAsync

    calls = []
    sync_to_async_call, async_to_sync_call = SyncToAsync.__call__, AsyncToSync.__call__

    async def counted_sync_to_async(adapter, *args, **kwargs):
        calls.append(("sync_to_async", adapter.func))
        return await sync_to_async_call(adapter, *args, **kwargs)

    def counted_async_to_sync(adapter, *args, **kwargs):
        calls.append(("async_to_sync", adapter.awaitable))
        return async_to_sync_call(adapter, *args, **kwargs)

    SyncToAsync.__call__ = counted_sync_to_async
    AsyncToSync.__call__ = counted_async_to_sync
    return calls


def what_ran(func, middleware_paths):
    """A readable name for what one adapter ran, and the middleware it belongs to (or None)."""
    owner = getattr(func, "__self__", None)
    if owner is not None:
        cls = type(owner)
        for klass in cls.__mro__:
            path = f"{klass.__module__}.{klass.__qualname__}"
            if path in middleware_paths:
                return f"{path}.{func.__name__}", path
        return f"{cls.__module__}.{cls.__qualname__}.{func.__name__}", None
    name = "{}.{}".format(getattr(func, "__module__", "?"), getattr(func, "__qualname__", repr(func)))
    return name, None


async def get(application, url, host="localhost"):
    """One GET through the ASGI application; returns the response status."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", host.encode())], "client": ("127.0.0.1", 50000),
        "server": (host, 80),
    }
    body = [{"type": "http.request", "body": b"", "more_body": False}]
    connected = asyncio.Event()  # never set: the client stays until Django stops listening
    statuses = []

    async def receive():
        if body:
            return body.pop()
        await connected.wait()

    async def send(message):
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await application(scope, receive, send)
    return statuses[0] if statuses else None


def count(application, url, requests, middleware_paths, host="localhost"):
    """[(status, [(direction, name, middleware or None)])] for each request, in order."""
    calls = hops_counter()
    results = []

    async def run():
        for _ in range(requests):
            del calls[:]
            status = await get(application, url, host)
            results.append((status, [(d,) + what_ran(f, middleware_paths) for d, f in calls]))

    asyncio.run(run())
    return results


def report(results, middleware_paths):
    lines = []
    for number, (status, hops) in enumerate(results, 1):
        by_direction = collections.Counter(d for d, _name, _mw in hops)
        lines.append(f"request {number}: status {status}, {by_direction['sync_to_async']} sync_to_async, "
                     f"{by_direction['async_to_sync']} async_to_sync")
    status, hops = results[-1]
    if status is None or status >= 400:
        lines.append(f"note: the last request answered {status}, so these are the hops of an error response; check "
                     "the URL, and --host against ALLOWED_HOSTS")
    lines.append("")
    lines.append("last request, by middleware (in MIDDLEWARE order):")
    for path in middleware_paths:
        own = [name.rsplit(".", 1)[1] for _d, name, mw in hops if mw == path]
        detail = "  (" + ", ".join(own) + ")" if own else ""
        lines.append(f"  {len(own):2d}  {path}{detail}")
    others = collections.Counter(name for _d, name, mw in hops if mw is None)
    lines.append("outside the middleware:")
    for name, n in others.items():
        lines.append(f"  {n:2d}  {name}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("settings", help="your settings module, e.g. mysite.settings")
    parser.add_argument("url", help="a path of your site that answers a GET, e.g. /health/")
    parser.add_argument("--asgi", help="the module holding `application` (default: asgi next to settings)")
    parser.add_argument("--requests", type=int, default=5, help="requests to send (the first warm caches)")
    parser.add_argument("--host", default="localhost", help="the Host header: a name in your ALLOWED_HOSTS")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    asgi_module = args.asgi or args.settings.rsplit(".", 1)[0] + ".asgi"
    try:
        application = importlib.import_module(asgi_module).application
    except ImportError as error:
        parser.error(f"cannot import {asgi_module} ({error}): pass --asgi with the module that defines `application`")
    from django.conf import settings

    middleware_paths = list(settings.MIDDLEWARE)
    results = count(application, args.url, args.requests, middleware_paths, args.host)
    print(report(results, middleware_paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
