"""Where Django's own documentation describes an API: read from the release's sdist, never guessed.

Sphinx gives every ``.. method::``, ``.. function::``, ``.. classmethod::`` and ``.. attribute::``
directive an anchor equal to its full name (``django.db.models.query.QuerySet.aget``): the current module
(``.. currentmodule::`` / ``.. module::``), the enclosing ``.. class::`` when the directive is indented
under it, then the name. This module lists those anchors per release and finds, for an API, the newest
release whose docs have one for it (or, failing that, for its sync twin, which Django often documents
with the async variant in the same paragraph).
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from atlas.core.paths import CACHE
from atlas.data.versions_data import Release

CACHE_DIR = CACHE / "async-api"

DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\. (?P<kind>[a-z]+)::\s*(?P<name>[A-Za-z_][\w.]*)")
TARGET_KINDS = {"method", "function", "classmethod", "staticmethod", "attribute", "coroutinemethod",
                "coroutinefunction"}


def targets_in(text: str) -> list[str]:
    """Full anchor names of the API directives in one reST document."""
    found = []
    module = ""
    classes: list[tuple[int, str]] = []  # (indent, full class name)
    for line in text.split("\n"):
        match = DIRECTIVE.match(line)
        if not match:
            continue
        indent, kind, name = len(match["indent"]), match["kind"], match["name"]
        while classes and classes[-1][0] >= indent:
            classes.pop()
        if kind in ("currentmodule", "module"):
            module = name
            classes = []
        elif kind in ("class", "exception"):
            base = classes[-1][1] if classes else module
            classes.append((indent, f"{base}.{name}" if base else name))
        elif kind in TARGET_KINDS:
            base = classes[-1][1] if classes else module
            if classes and name.startswith(classes[-1][1].rsplit(".", 1)[-1] + "."):
                name = name.split(".", 1)[1]  # `.. method:: Task.aenqueue` under `.. class:: Task`, as Sphinx does
            found.append(f"{base}.{name}" if base else name)
    return found


@lru_cache(maxsize=16)
def documented(release: Release) -> dict[str, str]:
    """{anchor: doc page path such as 'ref/models/querysets'} for one release (from its sdist), cached
    under .cache/async-api/ per sdist and version of this parser."""
    from atlas.collect.sdists import _sdist_files, sdist_path
    sdist = sdist_path(release)
    key = hashlib.sha256((Path(__file__).read_text(encoding="utf-8") + sdist.name).encode()).hexdigest()
    cached = CACHE_DIR / f"docs-{release.version}.json"
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
        if data["key"] == key:
            return data["anchors"]
    except (OSError, ValueError, KeyError):
        pass
    out: dict[str, str] = {}
    for path, text in sorted(_sdist_files(str(sdist)).items()):
        if not path.startswith("docs/") or path.startswith("docs/releases/"):
            continue
        page = path[len("docs/"):-len(".txt")]
        page = page[: -len("/index")] if page.endswith("/index") else ("" if page == "index" else page)
        for anchor in targets_in(text):
            out.setdefault(anchor, page)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"key": key, "anchors": out}), encoding="utf-8")
    return out


def _suffixes(name: str, member: str, kind: str, owner: str, aliases: dict) -> list[str]:
    """Anchor endings that would document `member` of this API: Class.member, or the reader's spelling
    from the scope's aliases (cache.get for BaseCache, HttpRequest.auser for the auser function)."""
    spellings = []
    for alias, target in aliases.items():
        targets = target if isinstance(target, list) else [target]
        if kind == "function" and name in targets and member == name.rsplit(".", 1)[-1]:
            spellings.append(alias)
        elif kind != "function" and owner in targets:
            spellings.append(f"{alias}.{member}")
    if kind != "function":
        spellings.append(f"{owner.rsplit('.', 1)[-1]}.{member}")
    return spellings


def _match(api: dict, anchors: dict[str, str], member: str, aliases: dict) -> str | None:
    name = api["name"]
    owner = name[: -len(api["member"]) - 1]
    if f"{owner}.{member}" in anchors:
        return f"{owner}.{member}"
    hits = []
    if api["kind"] == "function":
        package = ".".join(name.split(".")[:3])
        hits = [a for a in anchors if a.rsplit(".", 1)[-1] == member and a.startswith(package)]
    for suffix in _suffixes(name, member, api["kind"], owner, aliases):
        hits += [a for a in anchors if a.endswith("." + suffix) or a == suffix]
    return sorted(hits, key=len)[0] if hits else None


def reference_for(api: dict, releases: list[Release], aliases: dict | None = None,
                  by_name: dict | None = None) -> dict | None:
    """{release, page, anchor, url, documents} from the newest release (of those that have the API) whose
    docs describe it, its sync twin, or the API it delegates to (Manager.aget -> QuerySet.aget); None when
    Django documents none of them."""
    aliases = aliases or {}
    present = [r for r in releases if r.version in api["releases"]]
    tries = [(api, api["member"])] + ([(api, api["sync_twin"])] if api.get("sync_twin") else [])
    for link in ("delegates_to", "overrides"):
        target = (by_name or {}).get(api.get(link) or "")
        if target:
            tries.append((target, target["member"]))
    for subject, member in tries:
        for release in reversed(present):
            anchors = documented(release)
            anchor = _match(subject, anchors, member, aliases)
            if anchor:
                page = anchors[anchor]
                return {"release": release.version, "page": page, "anchor": anchor, "documents": member,
                        "url": f"https://docs.djangoproject.com/en/{release.version}/{page}/#{anchor}"}
    return None
