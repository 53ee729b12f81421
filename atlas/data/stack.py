"""docs/data/stack.json: what Django's own middleware costs on the async path — loading and the rules a schema cannot say."""
from __future__ import annotations

import json
from pathlib import Path

from atlas.core.datafile import read_json
from atlas.core.django_range import release_key
from atlas.core.paths import DATA, relative
from atlas.data.versions_data import Release, load_releases

DATA_FILE = DATA / "stack.json"
FIRST = "3.1"  # async views and middleware arrived in 3.1; 3.0 has no async path to measure
KINDS = ("async-asgi", "sync-asgi", "sync-wsgi")  # view kind, server interface


def kind_of(measurement: dict) -> str:
    return f"{measurement['view']}-{measurement['interface']}"


def releases_measured(versions: list[str] | None = None) -> list[Release]:
    return [r for r in load_releases() if release_key(r.version) >= release_key(FIRST)
            and (not versions or r.version in versions)]


def load(path: Path | None = None) -> dict:
    return read_json(path or DATA_FILE, "python3 dev.py stack", fields=("releases",))


def dump(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def check(project) -> list[str]:
    """Rules a schema cannot say, on the project's file: its releases are releases of releases.yml, in
    order, and every default stack entry is a middleware found in its release. A release not measured yet
    (just added to releases.yml) is not a build error: `dev.py stack --check` and the matrix tests report it."""
    file = project.file("stack")
    if not file.exists():
        return [f"{relative(file)}: missing — run `python3 dev.py stack`"]
    data = load(file)
    problems = []
    known = [r.version for r in load_releases(project.file("releases"))
             if release_key(r.version) >= release_key(FIRST)]
    have = [r["version"] for r in data["releases"]]
    if [v for v in known if v in have] != have:
        problems.append(f"{relative(file)}: releases {have} are not releases of docs/data/releases.yml "
                        f"from {FIRST} on, in its order ({known}) — run `python3 dev.py stack`")
    for release in data["releases"]:
        found = {m["path"] for m in release["middleware"]}
        for path in release["default_stack"]:
            if path not in found:
                problems.append(f"{relative(file)}: Django {release['version']}: default stack entry {path} "
                                f"is not among the middleware found — check the rule in atlas/in_release/stack_probe.py")
    return problems
