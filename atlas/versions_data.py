"""Load and validate the version data: docs/data/releases.yml, capabilities.yml and roadmap.yml.

Pure Python (PyYAML only, no MkDocs). Every loader takes an optional path so tests can point it at a
temporary file. Bad data raises :class:`atlas.errors.DataError` with a message that names the file,
the entry, the field and what to do about it, for example::

    docs/data/capabilities.yml:12: 'queryset-async-methods'.added = '4.3': not a Django feature release
    (known: 3.0, 3.1, 3.2, 4.0, 4.1, 4.2, 5.0, 5.1, 5.2, 6.0, 6.1)
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from atlas.errors import DataError
from atlas.paths import DATA, relative

RELEASES_FILE = DATA / "releases.yml"
CAPABILITIES_FILE = DATA / "capabilities.yml"
ROADMAP_FILE = DATA / "roadmap.yml"

#: The Django feature releases the atlas covers, oldest first: read from releases.yml (written only there).
KNOWN_RELEASES: tuple[str, ...] = tuple(sorted(
    (str(entry["version"]) for entry in yaml.safe_load(RELEASES_FILE.read_text(encoding="utf-8"))),
    key=lambda version: tuple(map(int, version.split(".")))))

#: The release the site's own examples are written and tested against.
TESTED_WITH = "6.1"

#: Use cases: id -> (title, page path relative to docs/).
USE_CASES: dict[str, tuple[str, str]] = {
    "real-time-chat": ("Real-time chat", "use-cases/real-time-chat.md"),
    "server-sent-events": ("Server-sent events", "use-cases/server-sent-events.md"),
    "long-polling": ("Long polling", "use-cases/long-polling.md"),
    "fan-out": ("Fan-out to several services", "use-cases/fan-out.md"),
    "dashboard": ("Live dashboards", "use-cases/dashboard.md"),
    "uploads": ("Uploads", "use-cases/uploads.md"),
    "streaming-upstream": ("Streaming from an upstream service", "use-cases/streaming-upstream.md"),
    "background-work": ("Background work", "use-cases/background-work.md"),
    "self-call-deadlock": ("Self-call deadlocks", "use-cases/self-call-deadlock.md"),
    "async-middleware-auth": ("Async middleware and auth", "use-cases/async-middleware-auth.md"),
    "deploying": ("Deploying async Django", "use-cases/deploying.md"),
}

#: What a capability may need besides Django itself.
REQUIRES: dict[str, str] = {
    "none": "nothing beyond Django",
    "asgi-server": "an ASGI server (uvicorn, daphne, hypercorn, granian)",
    "channels": "Django Channels (WebSockets, channel layers)",
    "redis": "a Redis server",
    "database-driver": "a database driver; Django still calls it synchronously",
    "task-worker": "a task backend with a worker process (Django ships none)",
    "auth-middleware": "django.contrib.auth's AuthenticationMiddleware",
    "session-middleware": "django.contrib.sessions' SessionMiddleware",
}

SUPPORT_LEVELS = ("full", "partial")
CAPABILITY_STATUSES = ("shipped", "missing")
ROADMAP_STATUSES = ("shipped", "accepted", "proposed", "discussed")

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://\S+$")


def release_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def known_list() -> str:
    return ", ".join(KNOWN_RELEASES)


# --------------------------------------------------------------------------------------------------
# Data classes


@dataclass(frozen=True)
class Release:
    version: str
    newest_patch: str
    released: dt.date
    end_of_support: dt.date
    end_of_support_expected: bool
    lts: bool
    pythons: tuple[str, ...]
    asgiref_min: str
    probe_python: str
    summary: str
    upgrade_notes: tuple[str, ...]
    pitfalls: tuple[str, ...]
    source: str
    support_source: str = ""

    @property
    def key(self) -> tuple[int, int]:
        return release_key(self.version)

    @property
    def docs_url(self) -> str:
        return f"https://docs.djangoproject.com/en/{self.version}/releases/{self.version}/"


@dataclass(frozen=True)
class Change:
    version: str
    note: str


@dataclass(frozen=True)
class Source:
    file: str
    section: str


@dataclass(frozen=True)
class Link:
    url: str
    title: str


@dataclass(frozen=True)
class Capability:
    id: str
    name: str
    status: str
    apis: tuple[str, ...]
    added: str | None
    changed: tuple[Change, ...]
    removed: str | None
    support: str | None
    notes: str
    requires: tuple[str, ...]
    use_cases: tuple[str, ...]
    source: Source | None
    probe: str
    tracked_by: Link | None = None
    checked: dt.date | None = None
    line: int | None = None

    @property
    def shipped(self) -> bool:
        return self.status == "shipped"

    def present_in(self, version: str) -> bool:
        """Whether this capability is expected in the given feature release."""
        if not self.shipped or self.added is None:
            return False
        key = release_key(version)
        if key < release_key(self.added):
            return False
        if self.removed is not None and key >= release_key(self.removed):
            return False
        return True

    def level_in(self, version: str) -> str:
        """'full', 'partial' or 'no' for the given release."""
        if not self.present_in(version):
            return "no"
        return self.support or "full"

    def changed_in(self, version: str) -> list[Change]:
        return [c for c in self.changed if c.version == version]


@dataclass(frozen=True)
class RoadmapItem:
    id: str
    title: str
    status: str
    summary: str
    source: Link
    checked: dt.date
    related: tuple[str, ...] = ()
    line: int | None = None


# --------------------------------------------------------------------------------------------------
# YAML loading with line numbers


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every mapping under the key '__line__'."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_list(path: Path) -> list[dict]:
    name = relative(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise DataError(f"{name}: expected a list of entries at the top level, got {type(data).__name__}")
    for index, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise DataError(f"{name}: entry #{index + 1} must be a mapping, got {type(entry).__name__}")
    return data


class _Checker:
    """Field access with error messages naming file, line, entry id and field."""

    def __init__(self, path: Path, entry: dict, index: int, id_field: str = "id"):
        self.name = relative(path)
        self.entry = entry
        self.line = entry.get("__line__")
        raw_id = entry.get(id_field)
        self.label = repr(raw_id) if isinstance(raw_id, str) else f"entry #{index + 1}"

    def fail(self, field_name: str, problem: str) -> DataError:
        where = f"{self.name}:{self.line}" if self.line else self.name
        return DataError(f"{where}: {self.label}.{field_name} {problem}")

    def has(self, key: str) -> bool:
        return key in self.entry and self.entry[key] is not None

    def required(self, key: str, kind, hint: str = ""):
        if key not in self.entry or self.entry[key] is None:
            raise self.fail(key, f"is missing: add it{hint}")
        return self.typed(key, kind)

    def optional(self, key: str, kind, default=None):
        if key not in self.entry or self.entry[key] is None:
            return default
        return self.typed(key, kind)

    def typed(self, key: str, kind):
        value = self.entry[key]
        if kind is str:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise self.fail(key, f"= {value!r}: must be a string (got {type(value).__name__})")
            if not isinstance(value, str):
                raise self.fail(key, f"= {value!r}: must be a quoted string such as \"{value}\" (YAML read a number)")
            if not value.strip():
                raise self.fail(key, "is empty: write a value")
            return value
        if kind is bool:
            if not isinstance(value, bool):
                raise self.fail(key, f"= {value!r}: must be true or false")
            return value
        if kind is dt.date:
            if isinstance(value, dt.datetime):
                return value.date()
            if isinstance(value, dt.date):
                return value
            if isinstance(value, str):
                try:
                    return dt.date.fromisoformat(value)
                except ValueError:
                    pass
            raise self.fail(key, f"= {value!r}: must be a date written YYYY-MM-DD")
        if kind is list:
            if not isinstance(value, list):
                raise self.fail(key, f"= {value!r}: must be a list (write [] for none)")
            return value
        if kind is dict:
            if not isinstance(value, dict):
                raise self.fail(key, f"= {value!r}: must be a mapping")
            return value
        raise TypeError(kind)

    def str_list(self, key: str, required: bool = True) -> tuple[str, ...]:
        if required:
            items = self.required(key, list)
        else:
            items = self.optional(key, list, [])
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"contains {item!r}: every item must be a non-empty string")
        return tuple(items)

    def release(self, key: str, value) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"= {value!r}: must be a quoted release such as \"4.1\"")
        if value not in KNOWN_RELEASES:
            raise self.fail(key, f"= {value!r}: not a Django feature release (known: {known_list()})")
        return value

    def unknown_fields(self, allowed: set[str]) -> None:
        for key in self.entry:
            if key != "__line__" and key not in allowed:
                raise self.fail(key, f"is not a known field (allowed: {', '.join(sorted(allowed))})")


def _check_id(c: _Checker, seen: dict[str, int | None], key: str = "id") -> str:
    value = c.required(key, str)
    if not ID_RE.match(value):
        raise c.fail(key, f"= {value!r}: must be kebab-case (lowercase letters, digits and dashes)")
    if value in seen:
        raise c.fail(key, f"= {value!r}: duplicate id (first used at line {seen[value]}); ids must be unique")
    seen[value] = c.line
    return value


def _check_link(c: _Checker, key: str) -> Link:
    raw = c.required(key, dict, " as a mapping with url and title")
    url = raw.get("url")
    title = raw.get("title")
    if not isinstance(url, str) or not URL_RE.match(url):
        raise c.fail(f"{key}.url", f"= {url!r}: must be an http(s) URL")
    if not isinstance(title, str) or not title.strip():
        raise c.fail(f"{key}.title", f"= {title!r}: must be a non-empty string")
    extra = set(raw) - {"url", "title", "__line__"}
    if extra:
        raise c.fail(key, f"has unknown keys {sorted(extra)} (allowed: url, title)")
    return Link(url=url, title=title)


# --------------------------------------------------------------------------------------------------
# Releases

RELEASE_FIELDS = {
    "version", "newest_patch", "released", "end_of_support", "end_of_support_expected", "lts", "pythons",
    "asgiref_min", "probe_python", "summary", "upgrade_notes", "pitfalls", "source", "support_source",
}


def _parse_releases(path: Path) -> list[Release]:
    entries = _read_list(path)
    seen: dict[str, int | None] = {}
    releases = []
    for index, entry in enumerate(entries):
        c = _Checker(path, entry, index, id_field="version")
        c.unknown_fields(RELEASE_FIELDS)
        version = c.required("version", str)
        c.release("version", version)
        if version in seen:
            raise c.fail("version", f"= {version!r}: duplicate release (first at line {seen[version]})")
        seen[version] = c.line
        newest_patch = c.required("newest_patch", str)
        if not re.fullmatch(re.escape(version) + r"(\.\d+)?", newest_patch):
            raise c.fail("newest_patch", f"= {newest_patch!r}: must be {version} or {version}.N")
        pythons = c.str_list("pythons")
        for py in pythons:
            if not re.fullmatch(r"3\.\d+", py):
                raise c.fail("pythons", f"contains {py!r}: write Python versions as \"3.N\"")
        probe_python = c.required("probe_python", str)
        if probe_python not in pythons:
            raise c.fail("probe_python", f"= {probe_python!r}: must be one of the supported pythons {list(pythons)}")
        asgiref_min = c.required("asgiref_min", str)
        if not re.fullmatch(r"\d+\.\d+(\.\d+)?", asgiref_min):
            raise c.fail("asgiref_min", f"= {asgiref_min!r}: must look like 3.5.2")
        released = c.required("released", dt.date)
        end = c.required("end_of_support", dt.date)
        if end <= released:
            raise c.fail("end_of_support", f"= {end}: must be after released ({released})")
        source = c.required("source", str, " (the release notes file, e.g. docs/releases/4.1.txt)")
        releases.append(
            Release(
                version=version,
                newest_patch=newest_patch,
                released=released,
                end_of_support=end,
                end_of_support_expected=c.optional("end_of_support_expected", bool, False),
                lts=c.required("lts", bool),
                pythons=pythons,
                asgiref_min=asgiref_min,
                probe_python=probe_python,
                summary=c.required("summary", str),
                upgrade_notes=c.str_list("upgrade_notes"),
                pitfalls=c.str_list("pitfalls"),
                source=source,
                support_source=c.optional("support_source", str, ""),
            )
        )
    missing = [v for v in KNOWN_RELEASES if v not in seen]
    if missing:
        raise DataError(f"{relative(path)}: missing releases {missing}: add one entry per feature release")
    releases.sort(key=lambda r: r.key)
    return releases


# --------------------------------------------------------------------------------------------------
# Capabilities

CAPABILITY_FIELDS = {
    "id", "name", "status", "apis", "added", "changed", "removed", "support", "notes", "requires", "use_cases",
    "source", "probe", "tracked_by", "checked",
}


def _parse_capability(path: Path, entry: dict, index: int, seen: dict) -> Capability:
    c = _Checker(path, entry, index)
    cid = _check_id(c, seen)
    c.unknown_fields(CAPABILITY_FIELDS)
    name = c.required("name", str)
    status = c.optional("status", str, "shipped")
    if status not in CAPABILITY_STATUSES:
        raise c.fail("status", f"= {status!r}: must be one of {', '.join(CAPABILITY_STATUSES)}")
    apis = c.str_list("apis", required=False)
    requires = c.str_list("requires", required=False)
    for req in requires:
        if req not in REQUIRES:
            raise c.fail("requires", f"contains {req!r}: unknown requirement (known: {', '.join(REQUIRES)})")
    use_cases = c.str_list("use_cases", required=False)
    for uc in use_cases:
        if uc not in USE_CASES:
            raise c.fail("use_cases", f"contains {uc!r}: unknown use case (known: {', '.join(USE_CASES)})")
    notes = c.optional("notes", str, "")
    changed: list[Change] = []
    for item in c.optional("changed", list, []):
        if not isinstance(item, dict) or "version" not in item or "note" not in item:
            raise c.fail("changed", f"contains {item!r}: each item needs version and note")
        version = c.release("changed.version", item["version"])
        note = item["note"]
        if not isinstance(note, str) or not note.strip():
            raise c.fail("changed.note", f"= {note!r}: must be a non-empty string")
        changed.append(Change(version=version, note=note))

    probe = c.optional("probe", str, "")
    if probe:
        try:
            ast.parse(probe, filename=f"{cid}.probe")
        except SyntaxError as exc:
            raise c.fail("probe", f"does not parse: {exc.msg} (probe line {exc.lineno}): fix the Python code") from None

    if status == "shipped":
        added = c.required("added", str, " (the feature release that first shipped it)")
        c.release("added", added)
        removed = c.optional("removed", str)
        if removed is not None:
            c.release("removed", removed)
            if release_key(removed) <= release_key(added):
                raise c.fail("removed", f"= {removed!r}: must be a later release than added ({added})")
        support = c.required("support", str, " (full or partial)")
        if support not in SUPPORT_LEVELS:
            raise c.fail("support", f"= {support!r}: must be one of {', '.join(SUPPORT_LEVELS)}")
        if support == "partial" and not notes:
            raise c.fail("notes", "is missing: partial support needs notes saying what is missing")
        raw_source = c.required("source", dict, " as {file: docs/releases/X.Y.txt, section: <heading>}")
        sfile, ssection = raw_source.get("file"), raw_source.get("section")
        if not isinstance(sfile, str) or not sfile.strip():
            raise c.fail("source.file", f"= {sfile!r}: must name a file in the Django sdist, e.g. docs/releases/4.1.txt")
        if not isinstance(ssection, str) or not ssection.strip():
            raise c.fail("source.section", f"= {ssection!r}: must be a heading of {sfile}")
        if not probe:
            raise c.fail("probe", "is missing: shipped capabilities need a probe (Python that raises if absent)")
        for ch in changed:
            if release_key(ch.version) <= release_key(added):
                raise c.fail("changed.version", f"= {ch.version!r}: must be later than added ({added})")
        return Capability(
            id=cid, name=name, status=status, apis=apis, added=added, changed=tuple(changed), removed=removed,
            support=support, notes=notes, requires=requires, use_cases=use_cases,
            source=Source(file=sfile, section=ssection), probe=probe,
            tracked_by=_check_link(c, "tracked_by") if c.has("tracked_by") else None,
            checked=c.optional("checked", dt.date), line=c.line,
        )

    # status: missing
    if c.has("added"):
        raise c.fail("added", "must not be set on a missing capability: remove it, or set status: shipped")
    if not c.has("tracked_by"):
        raise c.fail("tracked_by", "is missing: a missing capability needs {url, title} of the ticket/PR/thread tracking it")
    tracked_by = _check_link(c, "tracked_by")
    checked = c.required("checked", dt.date, " (the date the tracker was last looked at, YYYY-MM-DD)")
    if not notes:
        raise c.fail("notes", "is missing: say what is missing and the usual workaround")
    return Capability(
        id=cid, name=name, status=status, apis=apis, added=None, changed=tuple(changed), removed=None,
        support=None, notes=notes, requires=requires, use_cases=use_cases, source=None, probe=probe,
        tracked_by=tracked_by, checked=checked, line=c.line,
    )


def _parse_capabilities(path: Path) -> list[Capability]:
    entries = _read_list(path)
    seen: dict[str, int | None] = {}
    return [_parse_capability(path, e, i, seen) for i, e in enumerate(entries)]


# --------------------------------------------------------------------------------------------------
# Roadmap

ROADMAP_FIELDS = {"id", "title", "status", "summary", "source", "checked", "related"}


def _parse_roadmap(path: Path) -> list[RoadmapItem]:
    entries = _read_list(path)
    seen: dict[str, int | None] = {}
    items = []
    for index, entry in enumerate(entries):
        c = _Checker(path, entry, index)
        rid = _check_id(c, seen)
        c.unknown_fields(ROADMAP_FIELDS)
        status = c.required("status", str)
        if status not in ROADMAP_STATUSES:
            raise c.fail("status", f"= {status!r}: must be one of {', '.join(ROADMAP_STATUSES)}")
        items.append(
            RoadmapItem(
                id=rid, title=c.required("title", str), status=status, summary=c.required("summary", str),
                source=_check_link(c, "source"), checked=c.required("checked", dt.date),
                related=c.str_list("related", required=False), line=c.line,
            )
        )
    return items


# --------------------------------------------------------------------------------------------------
# Public API (cached for the default files; a path given explicitly is always re-read)


@lru_cache(maxsize=None)
def _cached(kind: str, path: str):
    parser = {"releases": _parse_releases, "capabilities": _parse_capabilities, "roadmap": _parse_roadmap}[kind]
    return tuple(parser(Path(path)))


def load_releases(path: Path | str | None = None) -> list[Release]:
    if path is None:
        return list(_cached("releases", str(RELEASES_FILE)))
    return _parse_releases(Path(path))


def load_capabilities(path: Path | str | None = None) -> list[Capability]:
    if path is None:
        return list(_cached("capabilities", str(CAPABILITIES_FILE)))
    return _parse_capabilities(Path(path))


def load_roadmap(path: Path | str | None = None) -> list[RoadmapItem]:
    if path is None:
        return list(_cached("roadmap", str(ROADMAP_FILE)))
    return _parse_roadmap(Path(path))


def clear_cache() -> None:
    _cached.cache_clear()


def releases_by_version(path: Path | str | None = None) -> dict[str, Release]:
    return {r.version: r for r in load_releases(path)}


def load_all() -> tuple[list[Release], list[Capability], list[RoadmapItem]]:
    """All three files, validated, plus cross-file checks."""
    releases = load_releases()
    capabilities = load_capabilities()
    roadmap = load_roadmap()
    ids = {c.id for c in capabilities}
    for item in roadmap:
        for rel in item.related:
            if rel not in ids:
                raise DataError(
                    f"{relative(ROADMAP_FILE)}:{item.line}: {item.id!r}.related contains {rel!r}: "
                    f"not a capability id in {relative(CAPABILITIES_FILE)}"
                )
    return releases, capabilities, roadmap


def as_plain(obj: Any) -> Any:
    """Dataclasses to plain dicts (for JSON dumps and templates)."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(obj):
        return {k: as_plain(v) for k, v in asdict(obj).items()}
    if isinstance(obj, (list, tuple)):
        return [as_plain(v) for v in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj
