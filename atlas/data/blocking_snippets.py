"""Calls known to block, made directly inside `async def` in snippets/ (issue 26, item 14).

A blocking call in a coroutine stalls the event loop and every request it serves. `scan(source)` reads a
module with ast and reports, inside each `async def` (not in nested sync functions), a call of:
password hashing (`set_password`, `check_password`, `make_password`), `time.sleep`, `requests.*`, file I/O
(`open`, `os.*`, `shutil.*`, `Path.read_text`/`write_text`/…), and the sync ORM (a queryset chain from
`.objects` evaluated with `get`, `first`, `count`, `save`, … instead of the `a`-prefixed methods).
Passing a function to `sync_to_async(...)` is a reference, not a call, so it is not reported.

A snippet that blocks on purpose (to show the problem) says so on the line, with the reason:
`# blocks on purpose: <why>`. `check()` reports every other one as file:line, and is run by the
validation layer.
"""
from __future__ import annotations

import ast
from pathlib import Path

from atlas.core.paths import ROOT

MARK = "# blocks on purpose:"
HASHING = {"set_password", "check_password", "make_password"}
FILE_MODULES = {"os", "os.path", "shutil"}
PATH_IO = {"read_text", "write_text", "read_bytes", "write_bytes", "unlink", "mkdir", "rmdir", "touch"}
ORM_EVALUATE = {"get", "first", "last", "count", "exists", "create", "get_or_create", "update_or_create",
                "update", "delete", "bulk_create", "earliest", "latest", "aggregate", "in_bulk", "save"}
NOT_FILE_IO = {"os.path.join", "os.path.basename", "os.path.dirname", "os.path.splitext", "os.path.split",
               "os.environ.get", "os.getenv", "os.getpid", "os.fspath"}


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _chain_has_objects(node) -> bool:
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return False


def why_blocking(call: ast.Call) -> str | None:
    func = call.func
    name = _dotted(func)
    attr = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if attr in HASHING:
        return f"password hashing ({attr})"
    if name == "time.sleep":
        return "time.sleep"
    if name and name.split(".")[0] == "requests":
        return f"a blocking HTTP call ({name})"
    if name == "open" or (name and name.rsplit(".", 1)[0] in FILE_MODULES and name not in NOT_FILE_IO):
        return f"file I/O ({name})"
    if isinstance(func, ast.Attribute) and attr in PATH_IO and not (name or "").startswith(("self.", "cls.")):
        return f"file I/O ({attr})"
    if isinstance(func, ast.Attribute) and attr in ORM_EVALUATE and _chain_has_objects(func.value):
        return f"the sync ORM (.{attr}(); use .a{attr}())"
    if isinstance(func, ast.Attribute) and attr == "save" and isinstance(func.value, ast.Name):
        return "the sync ORM (.save(); use .asave())"
    return None


def scan(source: str) -> list[tuple[int, str]]:
    """(line, why) for each blocking call directly inside an async def."""
    found = []

    def visit(node, in_async: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.AsyncFunctionDef):
                visit(child, True)
            elif isinstance(child, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
                visit(child, False)
            else:
                if in_async and isinstance(child, ast.Call):
                    why = why_blocking(child)
                    if why:
                        found.append((child.lineno, why))
                visit(child, in_async)

    visit(ast.parse(source), False)
    return found


def problems(root: Path = ROOT) -> list[str]:
    out = []
    for path in sorted((root / "snippets").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for line, why in scan(source):
            if MARK in lines[line - 1]:
                continue
            out.append(f"{path.relative_to(root)}:{line}: {why} inside async def blocks the event loop — "
                       f"await the async variant or wrap it: await sync_to_async(f)(...); if the snippet "
                       f"shows the mistake on purpose, end the line with '{MARK} <why>'")
    return out


def check(project) -> list[str]:
    return problems(project.root)
