"""Run one snippet module inside one installed Django release (started by atlas/collect/release_snippets.py).

Runs in the release's own virtualenv, so like probe_runner.py it must stay valid on Python 3.8 and must
not import the atlas package. Reads JSON from stdin::

    {"snippet": "/abs/path/snippets/versions/lookup_aget.py", "check": "<python code>"}

configures Django with probe_runner.configure() plus session and authentication middleware and a
throw-away sqlite file (so every thread sees the same tables), runs migrate, imports the snippet by path
as module ``snippet`` and executes the check code. The check sets ``result`` (anything JSON can carry,
other values are sent as repr). Answers on stdout with JSON::

    {"django": "4.0.10", "python": "3.10.13", "ok": false, "result": null,
     "error_type": "AttributeError", "error": "'Manager' object has no attribute 'aget'", "traceback": "..."}

Names available to the check code: snippet, probe_urls (append to its urlpatterns), path, run, asyncio,
json, asgi_get.
"""
import asyncio
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import traceback
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import probe_runner  # noqa: E402 - this file's own folder, not the atlas package

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


def asgi_get(path, timeout=10.0):
    """GET `path` through Django's real ASGI handler; return (status, headers, body, errors).

    `headers` is a dict of lower-case str names to str values. An exception the view raised is re-raised
    here (Django would otherwise turn it into a 500), so a check fails with the real error."""
    from django.core.asgi import get_asgi_application
    from django.core.signals import got_request_exception

    errors = []

    def remember(sender, **kwargs):
        errors.append(sys.exc_info()[1])

    got_request_exception.connect(remember, weak=False)
    try:
        sent = probe_runner.asgi_call(get_asgi_application(), path, timeout=timeout)
    finally:
        got_request_exception.disconnect(remember)
    if errors and errors[0] is not None:
        raise errors[0]
    start = [m for m in sent if m["type"] == "http.response.start"][0]
    headers = dict((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in start.get("headers", []))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


def load_snippet(snippet_path):
    spec = importlib.util.spec_from_file_location("atlas_snippet_under_test", snippet_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main():
    request = json.loads(sys.stdin.read() or "{}")
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the snippet, the check and Django must not write into the JSON channel
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    output = {"django": None, "python": "{}.{}.{}".format(*sys.version_info[:3]), "ok": False, "result": None,
              "error_type": None, "error": None, "traceback": None, "stage": "setup"}
    workdir = tempfile.mkdtemp(prefix="atlas-snippet-")
    try:
        import django

        output["django"] = django.get_version()
        probe_urls = probe_runner.configure({
            "MIDDLEWARE": MIDDLEWARE,
            "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3",
                                      "NAME": os.path.join(workdir, "db.sqlite3")}},
        })
        from django.core.management import call_command
        from django.urls import path

        call_command("migrate", verbosity=0, interactive=False)
        output["stage"] = "import"
        snippet = load_snippet(request["snippet"])
        output["stage"] = "check"
        namespace = {"__name__": "atlas_snippet_check", "snippet": snippet, "probe_urls": probe_urls,
                     "path": path, "run": probe_runner.run, "asyncio": asyncio, "json": json,
                     "asgi_get": asgi_get}
        exec(compile(request["check"], "<check>", "exec"), namespace)
        output["result"] = namespace.get("result")
        output["ok"] = True
    except BaseException as exc:  # noqa: BLE001 - report everything, SystemExit included
        if isinstance(exc, KeyboardInterrupt):
            raise
        output["error_type"] = type(exc).__name__
        output["error"] = str(exc)
        output["traceback"] = traceback.format_exc()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    real_stdout.write(json.dumps(output, default=repr))
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
