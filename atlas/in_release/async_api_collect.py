"""List every public async callable of the Django release this interpreter runs.

Runs inside a release's own virtualenv (Python 3.8 and later: no 3.9+ syntax, no imports from the atlas
package; probe_runner.py sits next to this file and configures Django). Reads JSON on stdin::

    {"skip_modules": [{"prefix": "django.db.backends", ...}, ...], "install_apps": ["django.contrib.admin", ...]}

and writes ``{"django": ..., "python": ..., "apis": [...], "import_errors": [...], "skipped": [...]}``.

What is collected, from the code of this release:
* module-level coroutine functions and async generator functions;
* async methods (coroutine, async generator) of public classes, looked up in the class's own __dict__ and
  in the run-time built classes of its MRO (Manager's methods come from BaseManager.from_queryset);
* the async protocol methods __aiter__, __anext__, __aenter__, __aexit__ (plain defs returning awaitables
  count too) and any other async dunder (__call__ of ASGIHandler, __acall__ of MiddlewareMixin);
* methods of classes Django builds per model at run time: related managers (reverse foreign key,
  many-to-many, generic relation), reached by defining three small models.
For each, whether its body (or a same-class helper it calls) hands work to a thread (sync_to_async,
run_in_executor, asyncio.to_thread), read from the release's source with ast.
"""
import ast
import inspect
import json
import os
import pkgutil
import sys
import textwrap
import traceback
import warnings

import probe_runner  # noqa: E402  (same directory: sys.path[0])
from source_analysis import analyse, blocking_in  # noqa: E402  (same directory)

PROTOCOLS = ("__aiter__", "__anext__", "__aenter__", "__aexit__")
TWIN_OF_DUNDER = {"__aiter__": "__iter__", "__anext__": "__next__", "__aenter__": "__enter__",
                  "__aexit__": "__exit__", "__acall__": "__call__"}


def is_async_function(func):
    if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
        return True
    if getattr(func, "_is_coroutine", None) is not None and func._is_coroutine is getattr(
            __import__("asyncio").coroutines, "_is_coroutine", object()):
        return True
    try:
        from asgiref.sync import SyncToAsync, iscoroutinefunction
    except ImportError:
        return False
    if isinstance(func, SyncToAsync):
        return True
    return bool(iscoroutinefunction(func))


def plain_function(value):
    """The function behind a class attribute (staticmethod/classmethod unwrapped), or None."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if inspect.isfunction(value) or inspect.ismethod(value):
        return value
    try:
        from asgiref.sync import SyncToAsync
        if isinstance(value, SyncToAsync):
            return value
    except ImportError:
        pass
    return None


def async_target(func):
    """(kind, target): kind is 'coroutine' / 'async generator' / 'delegates' / None; target is the
    function whose source decides how it runs (the wrapped one for run-time copies such as manager_method)."""
    if inspect.isasyncgenfunction(func):
        return "async generator", func
    if is_async_function(func):
        return "coroutine", func
    wrapped = getattr(func, "__wrapped__", None)
    if wrapped is not None and (is_async_function(wrapped) or inspect.isasyncgenfunction(wrapped)):
        # Manager methods copied from QuerySet: a plain def returning the QuerySet method's awaitable.
        return "delegates", wrapped
    return None, None


def source_info(func):
    func = inspect.unwrap(func) if hasattr(func, "__wrapped__") else func
    code = getattr(func, "__code__", None)
    if code is None:
        return None, None, None
    try:
        lines, start = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return None, None, None
    import django
    base = os.path.dirname(os.path.dirname(django.__file__))
    return os.path.relpath(code.co_filename, base), start, textwrap.dedent("".join(lines))


def thread_markers(func, owner, depth=0, seen=None):
    """Thread markers in func's source or in helpers of the same class it calls through self."""
    seen = seen if seen is not None else set()
    _file, _line, source = source_info(func)
    if source is None:
        return [], []
    markers, self_calls, awaited = analyse(source)
    if depth < 3:
        for name in self_calls:
            if owner is None and not name.startswith("module:"):
                continue
            if name in seen:
                continue
            seen.add(name)
            helper = None
            if name.startswith("module:"):
                module = sys.modules.get(getattr(func, "__module__", ""), None)
                helper = plain_function(getattr(module, name[len("module:"):], None))
                name = name[len("module:"):]
            else:
                for klass in inspect.getmro(owner):
                    if name in klass.__dict__:
                        helper = plain_function(klass.__dict__[name])
                        break
            if helper is not None and not name.startswith("a"):
                found, more_awaited = thread_markers(helper, owner, depth + 1, seen)
                markers = sorted(set(markers) | set(found))
                if name.startswith("_"):
                    awaited = sorted(set(awaited) | set(more_awaited))
    return markers, awaited


def blocking_calls(func, owner, depth=0, seen=None):
    """Blocking calls in func's source or in the sync helpers of the same class it calls directly (not
    through sync_to_async): each as 'os.path.exists() in SessionStore.exists'."""
    seen = seen if seen is not None else set()
    _file, _line, source = source_info(func)
    if source is None:
        return []
    where = getattr(func, "__qualname__", getattr(func, "__name__", "?"))
    found = [f"{call} in {where}" for call in blocking_in(source)]
    markers, self_calls, _awaited = analyse(source)
    if depth < 3 and owner is not None:
        for name in self_calls:
            if name.startswith("module:") or name.startswith("a") or name in seen:
                continue
            seen.add(name)
            for klass in inspect.getmro(owner):
                if name in klass.__dict__:
                    helper = plain_function(klass.__dict__[name])
                    if helper is not None and not is_async_function(helper):
                        found += blocking_calls(helper, owner, depth + 1, seen)
                    break
    return sorted(set(found))


def module_is_built_at_runtime(cls):
    module = sys.modules.get(cls.__module__)
    return module is None or getattr(module, cls.__name__, None) is not cls


def twin_of(name, namespace_has, sibling=None):
    """The sync counterpart: aget -> get in the same class or module; for AsyncX classes, also X.get in
    the sync sibling class of the same module (AsyncPaginator.apage -> Paginator.page)."""
    if name in TWIN_OF_DUNDER:
        twin = TWIN_OF_DUNDER[name]
    elif name.startswith("a") and len(name) > 1:
        twin = name[1:]
    else:
        return None
    if namespace_has(twin):
        return twin
    if sibling is not None and any(twin in k.__dict__ for k in inspect.getmro(sibling)):
        return f"{sibling.__name__}.{twin}"
    return None


def sync_sibling(owner, module):
    """Paginator for AsyncPaginator, Page for AsyncPage: the class of the same module without 'Async'."""
    if owner is None or not owner.__name__.startswith("Async"):
        return None
    sibling = getattr(module, owner.__name__[len("Async"):], None) if module is not None else None
    return sibling if inspect.isclass(sibling) else None


def record(apis, qualname, member, func, kind, owner, module, runtime_from=None, returns_from=None):
    target_kind, target = async_target(func) if returns_from is None else ("returns", returns_from)
    code = getattr(func, "__code__", None)
    if target_kind is None and code is not None and code.co_name == "manager_method" and \
            getattr(owner, "_queryset_class", None) is not None:
        # Before Django 5.0 the methods copied from QuerySet carry no __wrapped__: look the original up.
        original = plain_function(inspect.getattr_static(owner._queryset_class, member, None))
        if original is not None and async_target(original)[0] is not None:
            target_kind, target = "delegates", original
    if target_kind is None:
        if member not in PROTOCOLS:
            return
        target_kind, target = "protocol", func
    if kind == "method" and member in PROTOCOLS:
        kind = "protocol"
    file, line, _source = source_info(target)
    markers, awaited = thread_markers(target, owner)
    if owner is not None:
        has = lambda twin: any(twin in k.__dict__ for k in inspect.getmro(owner))  # noqa: E731
    else:
        has = lambda twin: callable(getattr(module, twin, None))  # noqa: E731
    entry = {
        "name": qualname,
        "member": member,
        "kind": kind,
        "flavour": "async generator" if inspect.isasyncgenfunction(target) else
                   ("plain def returning an awaitable" if target_kind == "returns" or
                    (target_kind == "protocol" and not is_async_function(target)) else "coroutine"),
        "twin": twin_of(member, has, sync_sibling(owner, module)),
        "thread_markers": markers,
        "blocking": [] if markers else blocking_calls(target, owner),
        "awaits": awaited,
        "delegates_to": None,
        "file": file,
        "line": line,
    }
    if target_kind in ("delegates", "returns"):
        entry["delegates_to"] = f"{target.__module__}.{target.__qualname__}"
    if runtime_from:
        entry["built_by"] = runtime_from
    if owner is not None:
        for base in inspect.getmro(owner)[1:]:
            if member in base.__dict__ and not module_is_built_at_runtime(base) and not base.__name__.startswith("_"):
                entry["overrides"] = f"{base.__module__}.{base.__name__}.{member}"
                break
    apis[qualname] = entry


def scan_class(apis, module_name, cls, public_name, module, runtime_from=None, stop_at=None):
    classes = [cls]
    for base in inspect.getmro(cls)[1:]:
        if base is object or (stop_at is not None and base in stop_at):
            break
        # A direct base built at run time (BaseManagerFromQuerySet): its methods belong to this class
        # (Manager); subclasses of Manager (UserManager, ...) inherit them and are not listed again.
        if base in cls.__bases__ and base.__module__.startswith("django.") and module_is_built_at_runtime(base):
            classes.append(base)
    for klass in classes:
        for member, value in sorted(klass.__dict__.items()):
            if member.startswith("_") and not (member.startswith("__") and member.endswith("__")):
                continue
            func = plain_function(value)
            if func is None:
                continue
            qualname = f"{module_name}.{public_name}.{member}"
            if qualname in apis:
                continue
            if member.startswith("__") and member not in PROTOCOLS and async_target(func)[0] is None:
                continue
            record(apis, qualname, member, func, "method", cls, module, runtime_from)


DEFINED = {}  # public name -> objects of that name defined in Django (for resolving capability names)


def resolve(token):
    """The module-qualified name of what a capability's name for an API ('QuerySet.aget', 'django.test.AsyncClient', 'alogin')
    resolves to in this release, or None."""
    parts = token.split(".")
    candidates = []
    if parts[0] == "django":
        for cut in range(len(parts), 0, -1):
            try:
                candidates = [__import__(".".join(parts[:cut]), fromlist=["__name__"])]
            except ImportError:
                continue
            parts = parts[cut:]
            break
    else:
        candidates, parts = DEFINED.get(parts[0], []), parts[1:]
    for obj in candidates:
        for attr in parts:
            try:
                obj = inspect.getattr_static(obj, attr)
            except AttributeError:
                obj = None
                break
        if obj is not None:
            obj = plain_function(obj) or obj
            return "{}.{}".format(getattr(obj, "__module__", "?"), getattr(obj, "__qualname__", token))
    return None


def returned_self_call(func):
    """'request' for a method whose body ends in `return self.request(...)`, else None."""
    _file, _line, source = source_info(func)
    if source is None:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            call = node.value.func
            if isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name) and call.value.id == "self":
                return call.attr
    return None


def scan_inherited_returns(apis, module_name, cls, public_name, module):
    """Inherited plain methods that return one of this class's coroutines (AsyncClient.get in 3.1: the
    inherited RequestFactory.get returns self.generic(...), which returns self.request(...), async here)."""
    own_async = {m for m, v in cls.__dict__.items() if plain_function(v) is not None and
                 async_target(plain_function(v))[0] is not None}
    if not own_async:
        return
    for member in sorted(dir(cls)):
        qualname = f"{module_name}.{public_name}.{member}"
        if member.startswith("_") or qualname in apis or member in cls.__dict__:
            continue
        func = plain_function(inspect.getattr_static(cls, member, None))
        if func is None or async_target(func)[0] is not None:
            continue
        step, seen = func, set()
        while step is not None and len(seen) < 4:
            name = returned_self_call(step)
            if name is None or name in seen:
                break
            seen.add(name)
            if name in own_async:
                record(apis, qualname, member, func, "method", cls, module,
                       returns_from=plain_function(cls.__dict__[name]))
                break
            step = plain_function(inspect.getattr_static(cls, name, None))


def scan_module(apis, module_name, module):
    from django.utils.functional import LazyObject, Promise

    for name, value in sorted(vars(module).items()):
        if not name.startswith("_") and not any(value is known for known in DEFINED.get(name, [])):
            DEFINED.setdefault(name, []).append(value)  # every public name, re-exports included
        # type() rather than isinstance(): touching a lazy object (default_storage, ...) evaluates it.
        if name.startswith("_") or issubclass(type(value), (LazyObject, Promise)):
            continue
        if getattr(value, "__module__", None) != module_name:
            continue
        if inspect.isclass(value):
            if value.__name__ == name:
                scan_class(apis, module_name, value, name, module)
                scan_inherited_returns(apis, module_name, value, name, module)
            continue
        func = plain_function(value)
        if func is not None and async_target(func)[0] is not None:
            record(apis, f"{module_name}.{name}", name, func, "function", None, module)


def walk(prefix_skips):
    """Every django.* module name, without importing skipped packages."""
    import django

    def skipped(name):
        parts = name.split(".")
        if any(p.startswith("_") for p in parts[1:]):
            return "private module"
        for rule in prefix_skips:
            prefix = rule["prefix"]
            if name == prefix or name.startswith(prefix + ".") or ("*" in prefix and _glob(prefix, name)):
                return prefix
        return None

    found, skips = [], {}
    stack = [("django", django.__path__)]
    while stack:
        package, path = stack.pop()
        for info in pkgutil.iter_modules(path, package + "."):
            why = skipped(info.name)
            if why:
                skips.setdefault(why, []).append(info.name)
                continue
            found.append(info.name)
            if info.ispkg:
                try:
                    mod = __import__(info.name, fromlist=["__name__"])
                except Exception:  # noqa: BLE001 - reported when imported for real below
                    continue
                stack.append((info.name, mod.__path__))
    return sorted(found), skips


def _glob(pattern, name):
    import fnmatch
    return fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(name, pattern + ".*")


def related_managers(apis):
    """Define models whose descriptors build the run-time manager classes, and scan those classes."""
    from django.db import models
    from django.db.models import Manager

    class ApiParent(models.Model):
        class Meta:
            app_label = "atlas_api"

    class ApiChild(models.Model):
        parent = models.ForeignKey(ApiParent, on_delete=models.CASCADE, related_name="children")
        peers = models.ManyToManyField(ApiParent, related_name="peer_of")

        class Meta:
            app_label = "atlas_api"

    descriptors = [ApiParent.children, ApiChild.peers]
    try:
        from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
        from django.contrib.contenttypes.models import ContentType

        class ApiTagged(models.Model):
            content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
            object_id = models.PositiveIntegerField()
            target = GenericForeignKey("content_type", "object_id")

            class Meta:
                app_label = "atlas_api"

        class ApiHolder(models.Model):
            tags = GenericRelation(ApiTagged)

            class Meta:
                app_label = "atlas_api"

        descriptors.append(ApiHolder.tags)
    except ImportError:
        pass
    for descriptor in descriptors:
        cls = descriptor.related_manager_cls
        factory = cls.__qualname__.split(".<locals>.")[0]
        public = cls.__qualname__.split(".")[-1]
        module = sys.modules[cls.__module__]
        DEFINED.setdefault(public, []).append(cls)
        scan_class(apis, cls.__module__, cls, public, module, runtime_from=factory, stop_at=(Manager,))


def main():
    request = json.loads(sys.stdin.read() or "{}")
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    warnings.simplefilter("ignore")
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    import django

    output = {"django": django.get_version(), "python": "{}.{}.{}".format(*sys.version_info[:3]),
              "apis": [], "import_errors": [], "skipped": {}}
    apps = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"]
    apps += [a for a in request.get("install_apps", []) if a not in apps]
    probe_runner.configure({"INSTALLED_APPS": apps,
                            "TEMPLATES": [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                                           "APP_DIRS": True, "OPTIONS": {}}],
                            "STATIC_URL": "/static/", "SITE_ID": 1})
    names, skips = walk(request.get("skip_modules", []))
    output["skipped"] = skips
    apis = {}
    for name in names:
        try:
            module = __import__(name, fromlist=["__name__"])
        except Exception as exc:  # noqa: BLE001 - listed; the orchestrator decides if that is allowed
            output["import_errors"].append({"module": name, "error": f"{type(exc).__name__}: {exc}"})
            continue
        scan_module(apis, name, module)
    related_managers(apis)
    output["apis"] = [apis[k] for k in sorted(apis)]
    # Run-time classes are reachable by their full name too ('...related_descriptors.RelatedManager').
    for public, objects in list(DEFINED.items()):
        for obj in objects:
            if inspect.isclass(obj) and module_is_built_at_runtime(obj):
                setattr(sys.modules[obj.__module__], public, obj)
    output["resolved"] = {token: resolve(token) for token in request.get("resolve", [])}
    real_stdout.write(json.dumps(output))
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001
        sys.stdout = sys.__stdout__
        print(json.dumps({"fatal": traceback.format_exc()}))
        sys.exit(2)
