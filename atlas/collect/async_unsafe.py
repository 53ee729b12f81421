"""What `django.utils.asyncio.async_unsafe` guards in each release, collected from the release sdists
(docs/data/async_unsafe.json), and the sentence the FAQ shows (generated/async-unsafe.md).

    python3 dev.py unsafe          # read every release's sdist, rewrite the data file
    python3 dev.py unsafe --check  # compare only

Each sdist's django/ package (tests excluded) is parsed with ast; a function or method whose decorators
include `async_unsafe` (bare or called) is listed as path:Class.method.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

from atlas.core.datafile import read_json
from atlas.core.paths import DATA

FILE = DATA / "async_unsafe.json"
BACKENDS = {"mysql": "MySQL", "oracle": "Oracle", "postgresql": "PostgreSQL", "sqlite3": "SQLite"}


def _decorated(tree: ast.AST) -> list[str]:
    found = []

    def visit(node, owner=None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for deco in child.decorator_list:
                    target = deco.func if isinstance(deco, ast.Call) else deco
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
                    if name == "async_unsafe":
                        found.append(f"{owner}.{child.name}" if owner else child.name)
                visit(child, owner)

    visit(tree)
    return found


def _is_source(name: str) -> bool:
    return name.startswith("django/") and name.endswith(".py")


def decorated_in(files: dict[str, str]) -> list[str]:
    """Every callable `files` (name: source) decorate with async_unsafe, as 'django/x.py:Class.method', sorted."""
    return sorted(f"{name}:{qualname}" for name, source in files.items() if "async_unsafe" in source
                  for qualname in _decorated(ast.parse(source)))


def collect() -> dict:
    from atlas.collect.sdists import release_files
    from atlas.data.versions_data import load_releases

    return {
        "$schema": "schemas/async_unsafe.schema.json",
        "about": "The callables django.utils.asyncio.async_unsafe decorates in each release, collected from "
                 "the release sdists by atlas/collect/async_unsafe.py; regenerate with `python -m atlas.collect.async_unsafe`.",
        "releases": [{"version": r.version, "django": r.newest_patch, "decorated": decorated_in(files)}
                     for r, files in release_files(load_releases(), _is_source)],
    }


def load(path: Path = FILE) -> dict:
    return read_json(path, "python -m atlas.collect.async_unsafe", fields=("releases",))


def _method(item: str) -> str:
    return item.rsplit(":", 1)[1]


def render() -> str:
    """One paragraph: what it guards, grouped, and in which releases (generated/async-unsafe.md)."""
    releases = load()["releases"]
    sets = {tuple(r["decorated"]) for r in releases}
    newest = releases[-1]["decorated"]
    base = [_method(i).split(".")[-1] for i in newest if "/backends/base/" in i]
    per_backend: dict[str, list[str]] = {}
    for item in newest:
        path, qualname = item.split(":")
        parts = path.split("/")
        if "backends" in parts and parts[parts.index("backends") + 1] in BACKENDS:
            per_backend.setdefault(qualname.split(".")[-1], []).append(BACKENDS[parts[parts.index("backends") + 1]])
    others = [i for i in newest if "/db/backends/" not in i]
    span = f"{releases[0]['version']}–{releases[-1]['version']}"
    same = (f"the same {len(newest)} callables in every release {span}" if len(sets) == 1 else
            f"{len(newest)} callables in {releases[-1]['version']}; the list differs between releases")
    only = " only" if not others else ""
    text = (f"It guards database-backend methods{only} ({same}, read from each release's sdist): "
            f"`BaseDatabaseWrapper`'s " + ", ".join(f"`{m}()`" for m in base)
            + "; and in each backend's `DatabaseWrapper`, "
            + "; ".join(f"`{m}()` ({', '.join(b)})" for m, b in per_backend.items()) + ".")
    if others:
        text += " Outside the backends: " + ", ".join(f"`{_method(i)}`" for i in others) + "."
    return text + "\n"


def check(project) -> list[str]:
    """A release collected from another patch than releases.yml's newest is stale. (A release not collected
    yet is accepted, as by the other per-release collections, until someone runs the collector.)"""
    from atlas.data.versions_data import load_releases

    file = project.file("async_unsafe")
    if not file.exists():
        return []
    have = {r["version"]: r["django"] for r in load(file)["releases"]}
    return [f"docs/data/async_unsafe.json:1: releases: {r.version} was collected from Django {have[r.version]}, "
            f"releases.yml says {r.newest_patch} — run `python3 dev.py unsafe`"
            for r in load_releases(project.file("releases")) if r.version in have and have[r.version] != r.newest_patch]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.async_unsafe", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh collection with the data file")
    args = parser.parse_args(argv)
    fresh = collect()
    if args.check:
        same = FILE.exists() and load() == fresh
        print("async_unsafe.json: " + ("matches the sdists" if same else "DIFFERS from the sdists: rerun without --check"))
        return 0 if same else 1
    FILE.write_text(json.dumps(fresh, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {FILE.name}: {len(fresh['releases'])} releases")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
