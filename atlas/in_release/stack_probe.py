"""Count the thread hops of Django's own middleware, inside one installed Django release.

Runs in the release's own virtualenv (Python 3.8 and later: keep this file free of 3.9+ syntax and of
imports from the atlas package). Reads JSON on stdin::

    {"cpu": {"warmup": 20, "requests": 100, "runs": 3}}      (or "cpu": null: counts only)

or, for a third-party package installed beside the release (atlas/collect/ecosystem.py), also
``"package": {"middleware": [dotted paths], "installed_apps": [...], "settings": {...}}``: then the
middleware measured are that package's, with its apps and the settings it needs added to startproject's.

and writes JSON on stdout: the release, the middleware classes found, the startproject stack, and one
measurement per (stack, view kind, server interface) with the sync_to_async / async_to_sync calls a
request makes, each attributed to what it ran, and the process CPU per request.

How it measures: asgiref's SyncToAsync.__call__ and AsyncToSync.__call__ are wrapped to record the callable
each one runs; requests go through Django's real ASGIHandler (or WSGIHandler) as a server would send them
(GET, no cookies). The counts are those of a request after warm-up (the first requests fill caches).
"""
import ast
import atexit
import functools
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
import warnings

from requests_in_process import send_requests  # beside this file (sys.path[0] when run as a script)

URLCONF = "atlas_stack_urls"
PATHS = {"async": "/async/", "sync": "/sync/"}
REQUESTS_PER_COUNT = 4  # requests counted after warm-up; every one must make the same calls

# Stacks tried, in order, for a middleware that fails alone: startproject's own prerequisites first.
PREREQUISITE_LADDER = [
    [],
    ["django.contrib.sessions.middleware.SessionMiddleware"],
    ["django.contrib.sessions.middleware.SessionMiddleware",
     "django.contrib.auth.middleware.AuthenticationMiddleware"],
]


# --------------------------------------------------------------------------------------------------
# What the release ships (read from its code)


def django_root():
    import django
    return os.path.dirname(django.__file__)


def middleware_candidates():
    """Classes named *Middleware defined in a module named middleware (middleware.py or middleware/*.py)
    anywhere under django/: [(module, class name)], read with ast, before Django is configured."""
    root = django_root()
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        in_package = os.path.basename(folder) == "middleware"
        for name in sorted(files):
            if not name.endswith(".py") or not (name == "middleware.py" or in_package):
                continue
            path = os.path.join(folder, name)
            module = os.path.relpath(path, os.path.dirname(root))[:-3].replace(os.sep, ".")
            if module.endswith(".__init__"):
                module = module[: -len(".__init__")]
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and node.name.endswith("Middleware") \
                        and not node.name.startswith("_"):
                    found.append((module, node.name))
    return found


def project_template():
    """The startproject settings template: (MIDDLEWARE list, INSTALLED_APPS list), read with ast."""
    path = os.path.join(django_root(), "conf", "project_template", "project_name", "settings.py-tpl")
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    values = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id in ("MIDDLEWARE", "INSTALLED_APPS")):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values["MIDDLEWARE"], values["INSTALLED_APPS"]


def apps_for(candidates, template_apps):
    """startproject's apps, plus the contrib app of every contrib middleware (its models and templates)."""
    apps = list(template_apps)
    for module, _name in candidates:
        parts = module.split(".")
        if parts[:2] == ["django", "contrib"]:
            app = ".".join(parts[:3])
            if app not in apps:
                apps.append(app)
    if any(a in apps for a in ("django.contrib.flatpages", "django.contrib.redirects")) and \
            "django.contrib.sites" not in apps:
        apps.append("django.contrib.sites")  # flatpages and redirects store their rows per site
    return apps


# --------------------------------------------------------------------------------------------------
# Django configured like a startproject project


def configure(apps, db_path, extra_settings=None):
    import types

    from django.conf import settings

    sys.modules.setdefault(URLCONF, types.ModuleType(URLCONF))
    values = dict(
        DEBUG=False,
        SECRET_KEY="atlas-stack-not-secret",
        ALLOWED_HOSTS=["*"],
        INSTALLED_APPS=apps,
        MIDDLEWARE=[],
        ROOT_URLCONF=URLCONF,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
                    "APP_DIRS": True, "OPTIONS": {"context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages"]}}],
        LANGUAGE_CODE="en-us", TIME_ZONE="UTC", USE_I18N=True, USE_TZ=True,
        STATIC_URL="static/", SITE_ID=1, LOGGING_CONFIG=None,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    values.update(extra_settings or {})  # a package's settings (an app's ready() may read MIDDLEWARE)
    settings.configure(**values)
    import django

    django.setup()
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.urls import path

    call_command("migrate", verbosity=0, interactive=False)

    def public(view):
        # LoginRequiredMiddleware (5.1+) would redirect an anonymous visitor: these views are public pages
        try:
            from django.contrib.auth.decorators import login_not_required
        except ImportError:
            return view
        return login_not_required(view)

    @public
    def sync_view(request):
        return HttpResponse(b"sync view")

    @public
    async def async_view(request):
        return HttpResponse(b"async view")

    module = sys.modules[URLCONF]
    module.urlpatterns = [path("sync/", sync_view), path("async/", async_view)]
    return {"sync": sync_view, "async": async_view}


HOOKS = ("process_request", "process_view", "process_template_response", "process_exception", "process_response")


def class_facts(cls):
    """How the class declares itself: MiddlewareMixin or not, its capability flags, the hooks it defines."""
    from django.utils.deprecation import MiddlewareMixin

    return {"mixin": isinstance(cls, type) and issubclass(cls, MiddlewareMixin),  # a function is middleware too
            "async_capable": bool(getattr(cls, "async_capable", False)),
            "sync_capable": bool(getattr(cls, "sync_capable", True)),
            "defines": [h for h in HOOKS if callable(getattr(cls, h, None))]}


def load_middleware_classes(candidates):
    """The candidates a MIDDLEWARE entry can load: import_string finds a class taking get_response."""
    from django.utils.module_loading import import_string

    loadable, refused = [], []
    for module, name in candidates:
        dotted = module + "." + name
        try:
            cls = import_string(dotted)
            cls(lambda request: None)
        except Exception as error:  # noqa: BLE001 - MiddlewareNotUsed counts as loadable
            if type(error).__name__ == "MiddlewareNotUsed":
                loadable.append(dotted)
                continue
            refused.append({"path": dotted, "error": f"{type(error).__name__}: {error}"})
            continue
        loadable.append(dotted)
    return loadable, refused


# --------------------------------------------------------------------------------------------------
# Counting hops


class Recorder:
    """Wraps SyncToAsync.__call__ and AsyncToSync.__call__ to note what each call runs."""

    def __init__(self):
        from asgiref.sync import AsyncToSync, SyncToAsync

        self.classes = (SyncToAsync, AsyncToSync)
        self.original = (SyncToAsync.__call__, AsyncToSync.__call__)
        self.calls = []

    def __enter__(self):
        sync_to_async_call, async_to_sync_call = self.original
        calls = self.calls

        @functools.wraps(sync_to_async_call)
        async def counted_sync_to_async(adapter, *args, **kwargs):
            calls.append(("sync_to_async", adapter.func))
            return await sync_to_async_call(adapter, *args, **kwargs)

        @functools.wraps(async_to_sync_call)
        def counted_async_to_sync(adapter, *args, **kwargs):
            calls.append(("async_to_sync", adapter.awaitable))
            return async_to_sync_call(adapter, *args, **kwargs)

        self.classes[0].__call__ = counted_sync_to_async
        self.classes[1].__call__ = counted_async_to_sync
        return self

    def __exit__(self, *exc):
        self.classes[0].__call__, self.classes[1].__call__ = self.original

    def take(self):
        taken = list(self.calls)
        del self.calls[:]
        return taken


def signal_names():
    """{id(signal): 'django.core.signals.request_started'} for the signals a request sends."""
    from django.core import signals
    from django.dispatch import Signal

    return {id(value): "django.core.signals." + name for name, value in vars(signals).items()
            if isinstance(value, Signal)}


def dotted(obj):
    return "{}.{}".format(getattr(obj, "__module__", "?"), getattr(obj, "__qualname__", type(obj).__qualname__))


def receivers_of(signal):
    """Qualified names of the sync receivers connected to a signal (any sender)."""
    import weakref

    found = []
    for entry in signal.receivers:
        target = entry[1]
        if isinstance(target, weakref.ReferenceType):
            target = target()
        if target is None or (len(entry) > 2 and entry[2] is True):  # 5.0+: (key, receiver, is_async, ...)
            continue
        found.append(dotted(getattr(target, "__func__", target)))
    return sorted(set(found))


def describe(direction, func, views, middleware_classes, signals):
    """What one adaptation ran: kind (middleware, signal, view, handler), qualified name, details."""
    from django.dispatch import Signal

    inner = func
    while isinstance(inner, functools.partial):
        inner = inner.func
    owner = getattr(inner, "__self__", None)
    out = {"direction": direction}
    if owner is not None and hasattr(inner, "__func__"):
        cls = type(owner)
        out["ran"] = f"{cls.__module__}.{cls.__qualname__}.{inner.__name__}"
        mw = next((path for path, klass in middleware_classes if isinstance(owner, klass)), None)
        if mw is not None:
            out.update(kind="middleware", middleware=mw, hook=inner.__name__)
            return out
        if isinstance(owner, Signal):
            out.update(kind="signal", signal=signals.get(id(owner), "?"), receivers=receivers_of(owner))
            return out
        out["kind"] = "handler"
        if inner.__name__ == "close" and "response" in cls.__module__:
            # closing the response sends request_finished to its receivers, in that thread
            from django.core.signals import request_finished
            out.update(signal="django.core.signals.request_finished", receivers=receivers_of(request_finished))
        return out
    out["ran"] = dotted(inner)
    if any(inner is v or getattr(inner, "__wrapped__", None) is v for v in views.values()):
        out.update(ran="the view", kind="view")
        return out
    closure = dict(zip(inner.__code__.co_freevars, inner.__closure__ or ())) \
        if hasattr(inner, "__code__") else {}
    signal = closure.get("self")
    if signal is not None and isinstance(signal.cell_contents, Signal):
        signal = signal.cell_contents
        out.update(kind="signal", signal=signals.get(id(signal), "?"), receivers=receivers_of(signal))
        return out
    out["kind"] = "handler"
    return out


def summarise(calls, views, middleware_classes, signals):
    """Calls grouped by what they ran, in first-seen order, with a count each."""
    grouped = []
    for direction, func in calls:
        entry = describe(direction, func, views, middleware_classes, signals)
        same = next((g for g in grouped if {k: v for k, v in g.items() if k != "count"} == entry), None)
        if same is None:
            entry["count"] = 1
            grouped.append(entry)
        else:
            same["count"] += 1
    return grouped


# --------------------------------------------------------------------------------------------------
# Requests as a server sends them


def make_app(stack, interface):
    from django.conf import settings

    settings.MIDDLEWARE = list(stack)
    if interface == "asgi":
        from django.core.handlers.asgi import ASGIHandler
        return ASGIHandler()
    from django.core.handlers.wsgi import WSGIHandler
    return WSGIHandler()


def measure(stack, view, interface, cpu, views, classes, signals):
    """One (stack, view kind, interface): the calls of a request after warm-up, and CPU per request."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:  # the cache middleware starts from an empty cache on every measurement
        caches[alias].clear()
    app = make_app(stack, interface)
    path = PATHS[view]
    in_stack = [(p, c) for p, c in classes if p in stack and isinstance(c, type)]
    send_requests(app, interface, path, 3)  # warm-up: URL resolver, site cache, ...
    seen = []
    with Recorder() as recorder:
        for _ in range(REQUESTS_PER_COUNT):
            send_requests(app, interface, path, 1)
            seen.append(recorder.take())
    summaries = [summarise(calls, views, in_stack, signals) for calls in seen]
    last = summaries[-1]
    result = {
        "stack": list(stack), "view": view, "interface": interface,
        "sync_to_async": sum(g["count"] for g in last if g["direction"] == "sync_to_async"),
        "async_to_sync": sum(g["count"] for g in last if g["direction"] == "async_to_sync"),
        "calls": last,
        "steady": all(s == last for s in summaries),
    }
    if cpu:
        send_requests(app, interface, path, cpu["warmup"])
        runs = []
        for _ in range(cpu["runs"]):
            started = time.process_time()
            send_requests(app, interface, path, cpu["requests"])
            runs.append((time.process_time() - started) / cpu["requests"] * 1e6)
        result["cpu_us"] = {"median": round(statistics.median(runs), 1), "min": round(min(runs), 1),
                            "max": round(max(runs), 1), "runs": len(runs), "requests": cpu["requests"]}
    return result


def prerequisites(path):
    """The smallest stack of the ladder after which `path` serves a request, and why it needed it."""
    from django.conf import settings

    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # the error itself, not a 500 page, says what is missing
    try:
        return _prerequisites(path)
    finally:
        settings.DEBUG_PROPAGATE_EXCEPTIONS = False


GIVEN_PREREQUISITES = {}  # a package's own: {middleware path: the stack its docs put before it}


def _prerequisites(path):
    why = None
    given = GIVEN_PREREQUISITES.get(path)
    for before in ([given] if given else []) + PREREQUISITE_LADDER:
        if path in before:
            continue
        try:
            send_requests(make_app(before + [path], "asgi"), "asgi", PATHS["async"], 1)
        except Exception as error:  # noqa: BLE001 - the error is the reason, recorded
            why = why or "{}: {}".format(type(error).__name__, str(error).split("\n")[0])
            continue
        return before, why
    raise RuntimeError(f"{path} serves no request after any of {PREREQUISITE_LADDER}: {why}")


def main():
    request = json.loads(sys.stdin.read() or "{}")
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # Django and the middleware must not write into the JSON channel
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    output = {"python": "{}.{}.{}".format(*sys.version_info[:3])}
    try:
        import asgiref
        import django

        output["django"] = django.get_version()
        output["asgiref"] = asgiref.__version__
        package = request.get("package")
        default_stack, template_apps = project_template()
        if package:
            GIVEN_PREREQUISITES.update(package.get("prerequisites", {}))
            candidates = [tuple(p.rsplit(".", 1)) for p in package["middleware"]]
            apps = list(template_apps) + [a for a in package.get("installed_apps", []) if a not in template_apps]
        else:
            candidates = middleware_candidates()
            apps = apps_for(candidates, template_apps)
        workdir = tempfile.mkdtemp(prefix="atlas-stack-")
        atexit.register(shutil.rmtree, workdir, True)  # one probe per process: its database goes with it
        views = configure(apps, os.path.join(workdir, "db.sqlite3"), (package or {}).get("settings"))
        from django.utils.module_loading import import_string

        loadable, refused = load_middleware_classes(candidates)
        classes = [(p, import_string(p)) for p in loadable]
        signals = signal_names()
        cpu = request.get("cpu")
        started = time.perf_counter()
        output.update(installed_apps=apps, default_stack=default_stack, refused=refused,
                      classes={p: class_facts(c) for p, c in classes})
        middleware = []
        measurements = []

        def add(stack, kinds):
            for view, interface in kinds:
                key = (tuple(stack), view, interface)
                if not any((tuple(m["stack"]), m["view"], m["interface"]) == key for m in measurements):
                    measurements.append(measure(stack, view, interface, cpu, views, classes, signals))

        every_kind = [("async", "asgi"), ("sync", "asgi"), ("sync", "wsgi")]
        add([], every_kind)
        add(default_stack, every_kind)
        for path in loadable:
            try:
                before, why = prerequisites(path)
            except RuntimeError as error:
                if not package:
                    raise
                refused.append({"path": path, "error": str(error)})  # a package's middleware: its row says why
                continue
            middleware.append({"path": path, "prerequisites": before, "needs_them_because": why})
            add(before, every_kind)
            add(before + [path], every_kind)
        output.update(middleware=middleware, measurements=measurements,
                      seconds=round(time.perf_counter() - started, 1))
    except Exception:  # noqa: BLE001 - the driver reports it with the release named
        output["fatal"] = traceback.format_exc()
    real_stdout.write(json.dumps(output))
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
