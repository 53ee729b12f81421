"""What a Django package plugs into, found from its code by rules (ast, never by importing it).

Each rule returns evidence: the files (and class names) that made it match. A package whose code no rule
matches plugs into nothing the rules know; the page says so rather than guessing.
"""
from __future__ import annotations

import ast

KINDS = ("middleware", "views", "auth_backend", "db_backend", "cache", "storage", "signals", "template_tags",
         "model_fields", "management_commands")


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.append(base.id)
        elif isinstance(base, ast.Attribute):
            names.append(base.attr)
    return names


def _module(path: str) -> str:
    module = path[:-3].replace("/", ".")
    return module[: -len(".__init__")] if module.endswith(".__init__") else module


def _parse(text: str):
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def middleware_paths(files: dict[str, str]) -> list[str]:
    """Classes (or middleware factory functions) named *Middleware defined in a module named middleware (middleware.py or middleware/*.py):
    the rule atlas/in_release/stack_probe.py applies to Django itself."""
    found = []
    for path, text in sorted(files.items()):
        parts = path.split("/")
        if not (parts[-1] == "middleware.py" or (len(parts) > 1 and parts[-2] == "middleware")):
            continue
        tree = _parse(text)
        for node in tree.body if tree else []:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name.endswith("Middleware") and not node.name.startswith("_") \
                    and not node.name.startswith("Base"):
                found.append(f"{_module(path)}.{node.name}")
    return found


def plugs_into(files: dict[str, str]) -> dict[str, list[str]]:
    """{kind: evidence} for the kinds of KINDS whose rule matches the package's code."""
    out: dict[str, set] = {k: set() for k in KINDS}
    for path, text in sorted(files.items()):
        parts = path.split("/")
        name = parts[-1]
        if "management" in parts and "commands" in parts and name != "__init__.py":
            out["management_commands"].add(path)
        if "templatetags" in parts and name != "__init__.py":
            out["template_tags"].add(path)
        if name == "base.py" and "backends" in parts and "class DatabaseWrapper" in text:
            out["db_backend"].add(path)
        tree = _parse(text)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) and \
                    (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "Signal":
                out["signals"].add(path)
            if not isinstance(node, ast.ClassDef):
                continue
            bases = _base_names(node)
            methods = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            where = f"{path}:{node.name}"
            if any(b in ("BaseCache", "BaseMemcachedCache", "BaseDatabaseCache") or b.endswith("Cache") and "cache" in path
                   for b in bases):
                out["cache"].add(where)
            if any(b in ("Storage", "FileSystemStorage", "StaticFilesStorage", "ManifestStaticFilesStorage")
                   or b.endswith("Storage") and "storage" in path for b in bases):
                out["storage"].add(where)
            if any(b in ("BaseBackend", "ModelBackend", "RemoteUserBackend") for b in bases) or \
                    ({"authenticate", "get_user"} <= methods and "backend" in path.lower()) or \
                    any(b in ("BaseAuthentication", "BasicAuthentication", "SessionAuthentication",
                              "TokenAuthentication") for b in bases):
                out["auth_backend"].add(where)
            if any(b in ("Field", "CharField", "TextField", "JSONField", "IntegerField", "ForeignKey", "DateTimeField",
                         "PositiveIntegerField", "ManyToManyField", "FileField", "BooleanField")
                   for b in bases) and ("models" in path or "fields" in path) and "forms" not in path \
                    and "serializer" not in path and "filters" not in path:
                out["model_fields"].add(where)
            if any(b == "View" or b.endswith(("View", "APIView", "ViewSet", "ViewSetMixin")) for b in bases) \
                    or "as_view" in methods:
                out["views"].add(where)
        in_views = name in ("views.py", "viewsets.py", "api.py", "router.py") or "views" in parts[:-1]
        if in_views and "def " in text and "request" in text:
            out["views"].add(path)
    out["middleware"] = set(middleware_paths(files))
    return {k: sorted(v)[:6] + ([f"... {len(v) - 6} more"] if len(v) > 6 else []) for k, v in out.items() if v}


def async_code(files: dict[str, str]) -> dict:
    """The package's own async code: `async def` functions and methods (a-prefixed ones named), by module."""
    modules, a_prefixed, total = [], [], 0
    for path, text in sorted(files.items()):
        tree = _parse(text)
        if tree is None:
            continue
        defs = [n for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef)]
        if defs:
            total += len(defs)
            modules.append(path)
            a_prefixed += [f"{path}:{n.name}" for n in defs if n.name.startswith("a") and n.name[1:2].isalpha()
                           and not n.name.startswith(("async", "add", "app", "auth", "api", "all", "apply", "ack"))]
    return {"async_defs": total, "modules": modules[:8], "a_prefixed": sorted(a_prefixed)[:8]}
