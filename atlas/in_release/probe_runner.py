"""Run capability probes inside one installed Django release.

Runs in the release's own virtualenv (Python 3.8 and later: keep this file free of 3.9+ syntax and of
imports from the atlas package). Reads JSON from stdin::

    {"probes": [{"id": "queryset-async-methods", "code": "..."}, ...]}

and writes JSON to stdout::

    {"django": "4.1.13", "python": "3.11.7", "results": {"<id>": {"ok": true, "error": null, "seconds": 0.01}}}

Each probe is Python code executed with Django configured (auth, contenttypes, sessions; sqlite in memory).
A probe passes if it raises nothing. Helpers available to probes: run, is_coro, asgi_call, ensure_db,
probe_urls, asyncio.
"""
import asyncio
import inspect
import json
import logging
import os
import sys
import time
import traceback
import types
import warnings

URLCONF = "atlas_probe_urls"


def _build_urlconf():
    """A URLconf module, registered in sys.modules, with a few views probes can call."""
    from django.http import HttpResponse, HttpResponseRedirect
    from django.urls import path

    module = types.ModuleType(URLCONF)
    module.EVENTS = []

    def sync_view(request):
        return HttpResponse(b"sync ok")

    async def async_view(request):
        await asyncio.sleep(0)
        return HttpResponse(b"async ok")

    async def slow_view(request):
        module.EVENTS.append("started")
        try:
            await asyncio.sleep(0.5)
        except asyncio.CancelledError:
            module.EVENTS.append("cancelled")
            raise
        module.EVENTS.append("finished")
        return HttpResponse(b"slow ok")

    def redirect_view(request):
        return HttpResponseRedirect("/av/")

    module.urlpatterns = [
        path("sv/", sync_view),
        path("av/", async_view),
        path("slow/", slow_view),
        path("redir/", redirect_view),
    ]
    sys.modules[URLCONF] = module
    return module


def configure(overrides=None):
    """Configure Django minimally; `overrides` (a dict of settings) replaces single entries, e.g.
    DATABASES or MIDDLEWARE (atlas/in_release/snippet_harness.py uses that)."""
    sys.modules.setdefault(URLCONF, types.ModuleType(URLCONF))
    from django.conf import settings

    options = dict(
        DEBUG=False,
        SECRET_KEY="atlas-probe-not-secret",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        MIDDLEWARE=[],
        ROOT_URLCONF=URLCONF,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        USE_TZ=True,
        LOGGING_CONFIG=None,
    )
    options.update(overrides or {})
    settings.configure(**options)
    import django

    django.setup()
    return _build_urlconf()


def is_coro(obj):
    """True for coroutine functions, whichever marker the release uses."""
    if inspect.iscoroutinefunction(obj):
        return True
    if asyncio.iscoroutinefunction(obj):
        return True
    try:
        from asgiref.sync import iscoroutinefunction as asgiref_iscoroutinefunction
    except ImportError:
        return False
    return bool(asgiref_iscoroutinefunction(obj))


def run(coro):
    return asyncio.run(coro)


def asgi_call(app, path, messages=None, timeout=5.0):
    """Drive an ASGI app with an HTTP GET for path; return the messages it sent."""
    if messages is None:
        messages = [{"type": "http.request", "body": b"", "more_body": False}]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    sent = []

    async def main():
        queue = list(messages)
        forever = asyncio.Event()

        async def receive():
            if queue:
                return queue.pop(0)
            await forever.wait()

        async def send(message):
            sent.append(message)

        await asyncio.wait_for(app(scope, receive, send), timeout)

    asyncio.run(main())
    return sent


_DB_READY = []


def ensure_db():
    """Create the tables once, in the thread that sync_to_async(thread_sensitive=True) uses."""
    if _DB_READY:
        return
    from asgiref.sync import sync_to_async
    from django.core.management import call_command

    def migrate():
        call_command("migrate", verbosity=0, interactive=False)

    asyncio.run(sync_to_async(migrate, thread_sensitive=True)())
    _DB_READY.append(True)


def run_probe(code, probe_urls):
    namespace = {
        "__name__": "atlas_probe_namespace",
        "asyncio": asyncio,
        "run": run,
        "is_coro": is_coro,
        "asgi_call": asgi_call,
        "ensure_db": ensure_db,
        "probe_urls": probe_urls,
    }
    # Task functions must be importable from their module: register the namespace as a module.
    module = types.ModuleType("atlas_probe_namespace")
    sys.modules["atlas_probe_namespace"] = module
    module.__dict__.update(namespace)
    started = time.perf_counter()
    try:
        exec(compile(code, "<probe>", "exec"), module.__dict__)
    except BaseException as exc:  # noqa: BLE001 - report everything, including SystemExit from a probe
        if isinstance(exc, KeyboardInterrupt):
            raise
        lines = traceback.format_exception_only(type(exc), exc)
        detail = "".join(lines).strip()
        return {"ok": False, "error": detail or type(exc).__name__, "seconds": time.perf_counter() - started}
    return {"ok": True, "error": None, "seconds": time.perf_counter() - started}


def main():
    request = json.loads(sys.stdin.read() or "{}")
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # probes and Django must not write into the JSON channel
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    output = {"django": None, "python": "{}.{}.{}".format(*sys.version_info[:3]), "results": {}, "setup_error": None}
    try:
        import django

        output["django"] = django.get_version()
        probe_urls = configure()
    except Exception:  # noqa: BLE001
        output["setup_error"] = traceback.format_exc()
        real_stdout.write(json.dumps(output))
        return 2
    for probe in request.get("probes", []):
        output["results"][probe["id"]] = run_probe(probe["code"], probe_urls)
    real_stdout.write(json.dumps(output))
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
