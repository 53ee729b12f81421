"""Load and check the version data: docs/data/releases.yml, capabilities.yml and roadmap.yml.

Pure Python (no MkDocs). Shapes are JSON Schemas in docs/data/schemas/; the rules a schema cannot say
(known releases, order, ids that must exist elsewhere) are the check functions below, which
atlas/data/validation.py runs with every other check. A loader refuses a bad file with one DataError that
lists every problem as ``file:line: entry.field: what is wrong — how to fix``, for example::

    docs/data/capabilities.yml:40: async-views.added: '4.3' is not a Django feature release in
    docs/data/releases.yml (known: 3.0, …) — use one of those, or add the release there first

Every loader takes an optional path so tests can point it at a temporary file.
"""
from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from atlas.core.data_stamp import data_stamp
from atlas.core.datafile import Document, Project, load_vocabulary, raise_problems
from atlas.core.django_range import release_key
from atlas.core.paths import DATA

RELEASES_FILE = DATA / "releases.yml"
CAPABILITIES_FILE = DATA / "capabilities.yml"
ROADMAP_FILE = DATA / "roadmap.yml"


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
    end_of_mainstream_support: dt.date | None = None  # bug fixes end; security fixes until end_of_support
    end_of_mainstream_support_expected: bool = False

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
    added_patch: str | None = None  # the patch release that first shipped it, when not X.Y itself

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
        return self.removed is None or key < release_key(self.removed)

    def level_in(self, version: str) -> str:
        """'full', 'partial' or 'no' for the given release."""
        if not self.present_in(version):
            return "no"
        return self.support or "full"


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
    coming_next: bool = False       # shown on the home page's "Coming next" line
    release: str | None = None      # status merged: the release it is merged for
    section: str | None = None      # status merged: the heading of that release's notes


# --------------------------------------------------------------------------------------------------
# Checks: the rules a schema cannot express. Each takes a Project and returns problem lines.


def _entries(doc: Document | None) -> list[tuple[int, dict]]:
    if doc is None or not isinstance(doc.data, list):
        return []
    return [(index, entry) for index, entry in enumerate(doc.data) if isinstance(entry, dict)]


def _unknown_release(doc: Document, loc: tuple, value, releases: list[str]) -> list[str]:
    if not isinstance(value, str) or not re.fullmatch(r"\d+\.\d+", value) or value in releases or not releases:
        return []  # a wrong shape is the schema's problem; no releases: releases.yml reports its own
    return [doc.problem(loc, f"{value!r} is not a Django feature release in docs/data/releases.yml "
                             f"(known: {', '.join(releases)})",
                        "use one of those, or add the release to docs/data/releases.yml first")]


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _duplicates(doc: Document, key: str, what: str) -> list[str]:
    problems, seen = [], {}
    for index, entry in _entries(doc):
        value = entry.get(key)
        if not isinstance(value, str):
            continue
        if value in seen:
            problems.append(doc.problem((index, key), f"{value!r} is already used on line {seen[value]}",
                                        f"{what} must be unique; rename or merge the two entries"))
        else:
            seen[value] = doc.line((index,))
    return problems


def _unknown_names(doc: Document, loc: tuple, values, known, what: str, fix: str) -> list[str]:
    """A problem for each name in the list `values` (at `loc`) that `known` lacks; a wrong shape is the schema's."""
    return [doc.problem((*loc, number), f"{value!r} is not {what}", fix)
            for number, value in enumerate(values if isinstance(values, list) else [])
            if isinstance(value, str) and value not in known]


def check_releases(project: Project) -> list[str]:
    doc = project.document("releases")
    if doc is None:
        return []
    problems = _duplicates(doc, "version", "releases")
    previous = None
    for index, entry in _entries(doc):
        version = entry.get("version")
        if not isinstance(version, str) or not re.fullmatch(r"\d+\.\d+", version):
            continue
        if previous and release_key(version) < release_key(previous):
            problems.append(doc.problem((index, "version"), f"{version!r} comes after {previous!r}",
                                        "list releases oldest first"))
        previous = version
        patch = entry.get("newest_patch")
        if isinstance(patch, str) and not re.fullmatch(re.escape(version) + r"(\.\d+)?", patch):
            problems.append(doc.problem((index, "newest_patch"), f"{patch!r} is not a patch of {version}",
                                        f'write "{version}" or "{version}.N"'))
        source = entry.get("source")
        if isinstance(source, str) and source != f"docs/releases/{version}.txt":
            problems.append(doc.problem((index, "source"), f"{source!r} is not the notes of {version}",
                                        f"write docs/releases/{version}.txt"))
        pythons, probe = entry.get("pythons"), entry.get("probe_python")
        if isinstance(pythons, list) and isinstance(probe, str) and probe not in pythons:
            problems.append(doc.problem((index, "probe_python"), f"{probe!r} is not a Python {version} supports",
                                        f"use one of {', '.join(map(str, pythons))}"))
        released, end = _date(entry.get("released")), _date(entry.get("end_of_support"))
        if released and end and end <= released:
            problems.append(doc.problem((index, "end_of_support"), f"{end} is not after released ({released})",
                                        "check both dates against the release notes and the support table"))
    return problems


def check_capabilities(project: Project) -> list[str]:
    doc = project.document("capabilities")
    if doc is None:
        return []
    releases = project.releases()
    use_cases = project.vocabulary("use_cases")
    requires = project.vocabulary("requires")
    problems = _duplicates(doc, "id", "ids")
    for index, entry in _entries(doc):
        for key in ("added", "removed"):
            problems += _unknown_release(doc, (index, key), entry.get(key), releases)
        changed = entry.get("changed") if isinstance(entry.get("changed"), list) else []
        for number, item in enumerate(changed):
            if isinstance(item, dict):
                problems += _unknown_release(doc, (index, "changed", number, "version"), item.get("version"), releases)
        added, removed = entry.get("added"), entry.get("removed")
        patch = entry.get("added_patch")
        if isinstance(added, str) and isinstance(patch, str) and not re.fullmatch(re.escape(added) + r"\.[1-9]\d*", patch):
            problems.append(doc.problem((index, "added_patch"), f"{patch!r} is not a patch release of {added}",
                                        f'write the patch of {added} that first shipped it, such as "{added}.1"'))
        if added in releases and removed in releases and release_key(removed) <= release_key(added):
            problems.append(doc.problem((index, "removed"), f"{removed!r} is not later than added ({added!r})",
                                        "a capability is removed in a release after the one that added it"))
        for number, item in enumerate(changed):
            version = item.get("version") if isinstance(item, dict) else None
            if added in releases and version in releases and release_key(version) <= release_key(added):
                problems.append(doc.problem((index, "changed", number, "version"),
                                            f"{version!r} is not later than added ({added!r})",
                                            "a change is recorded in a release after the one that added it"))
        for field, vocabulary, noun in (("use_cases", use_cases, "use case"), ("requires", requires, "requirement")):
            problems += _unknown_names(doc, (index, field), entry.get(field), vocabulary, f"a known {noun}",
                                       f"use one of {', '.join(vocabulary)}, or add it to docs/data/{field}.yml first")
        status = entry.get("status", "shipped")
        notes = entry.get("notes")
        if status == "shipped" and entry.get("support") == "partial" and not (isinstance(notes, str) and notes.strip()):
            problems.append(doc.problem((index, "notes"), "is missing for partial support",
                                        "say in notes what is missing and what Django does instead"))
        probe = entry.get("probe")
        if isinstance(probe, str) and probe.strip():
            try:
                ast.parse(probe)
            except SyntaxError as error:
                problems.append(doc.problem((index, "probe"), f"does not parse: {error.msg} (probe line {error.lineno})",
                                            "fix the Python code"))
    return problems


def check_roadmap(project: Project) -> list[str]:
    doc = project.document("roadmap")
    if doc is None:
        return []
    capabilities = project.document("capabilities")
    ids = {entry.get("id") for _index, entry in _entries(capabilities)}
    problems = _duplicates(doc, "id", "ids")
    for index, entry in _entries(doc):
        problems += _unknown_names(doc, (index, "related"), entry.get("related"), ids, "a capability id",
                                   "use an id from docs/data/capabilities.yml")
    return problems


def check_use_cases(project: Project) -> list[str]:
    """Each use case names a page that exists."""
    doc = project.document("use_cases")
    if doc is None or not isinstance(doc.data, dict):
        return []
    return [
        doc.problem((key, "page"), f"{value['page']!r} does not exist under docs/",
                    "fix the path, or write the page first")
        for key, value in doc.data.items()
        if isinstance(value, dict) and isinstance(value.get("page"), str) and not (project.docs / value["page"]).exists()
    ]


RULES = {"releases": check_releases, "capabilities": check_capabilities, "roadmap": check_roadmap}


# --------------------------------------------------------------------------------------------------
# Loaders


def _checked(path, stem: str) -> Document:
    """The document for `stem`, or DataError listing every problem of its schema and rules."""
    project = Project.for_file(Path(path) if path is not None else None, stem)
    raise_problems(project.validate_file(stem) + RULES[stem](project))
    return project.document(stem)


def _link(raw: dict | None) -> Link | None:
    return Link(url=raw["url"], title=raw["title"]) if raw else None


def _parse_releases(path) -> list[Release]:
    doc = _checked(path, "releases")
    return [
        Release(
            version=e["version"], newest_patch=e["newest_patch"], released=_date(e["released"]),
            end_of_support=_date(e["end_of_support"]), end_of_support_expected=e.get("end_of_support_expected", False),
            lts=e["lts"], pythons=tuple(e["pythons"]), asgiref_min=e["asgiref_min"], probe_python=e["probe_python"],
            summary=e["summary"], upgrade_notes=tuple(e["upgrade_notes"]), pitfalls=tuple(e["pitfalls"]),
            source=e["source"], support_source=e.get("support_source", ""),
            end_of_mainstream_support=_date(e["end_of_mainstream_support"]) if e.get("end_of_mainstream_support") else None,
            end_of_mainstream_support_expected=e.get("end_of_mainstream_support_expected", False),
        )
        for e in doc.data
    ]


def _parse_capabilities(path) -> list[Capability]:
    doc = _checked(path, "capabilities")
    capabilities = []
    for index, e in enumerate(doc.data):
        source = e.get("source")
        capabilities.append(Capability(
            id=e["id"], name=e["name"], status=e.get("status", "shipped"), apis=tuple(e.get("apis", ())),
            added=e.get("added"), changed=tuple(Change(c["version"], c["note"]) for c in e.get("changed", ())),
            removed=e.get("removed"), support=e.get("support"), notes=e.get("notes", ""),
            requires=tuple(e.get("requires", ())), use_cases=tuple(e.get("use_cases", ())),
            source=Source(source["file"], source["section"]) if source else None, probe=e.get("probe", ""),
            tracked_by=_link(e.get("tracked_by")), checked=_date(e.get("checked")), line=doc.line((index,)),
            added_patch=e.get("added_patch"),
        ))
    return capabilities


def _parse_roadmap(path) -> list[RoadmapItem]:
    doc = _checked(path, "roadmap")
    return [
        RoadmapItem(id=e["id"], title=e["title"], status=e["status"], summary=e["summary"],
                    source=_link(e["source"]), checked=_date(e["checked"]), related=tuple(e.get("related", ())),
                    line=doc.line((index,)), coming_next=e.get("coming_next", False), release=e.get("release"),
                    section=e.get("section"))
        for index, e in enumerate(doc.data)
    ]


# --------------------------------------------------------------------------------------------------
# Public API. The default files are cached until one of docs/data's files changes (so a live preview
# shows an edit after one rebuild); a path given explicitly is always re-read.


@lru_cache(maxsize=8)
def _cached(kind: str, stamp: tuple):
    parser = {"releases": _parse_releases, "capabilities": _parse_capabilities, "roadmap": _parse_roadmap}[kind]
    return tuple(parser(None))


def load_releases(path: Path | str | None = None) -> list[Release]:
    return list(_cached("releases", data_stamp())) if path is None else _parse_releases(path)


def load_capabilities(path: Path | str | None = None) -> list[Capability]:
    return list(_cached("capabilities", data_stamp())) if path is None else _parse_capabilities(path)


def load_roadmap(path: Path | str | None = None) -> list[RoadmapItem]:
    return list(_cached("roadmap", data_stamp())) if path is None else _parse_roadmap(path)


def feature_releases(path: Path | str | None = None) -> list[str]:
    """The feature releases the atlas covers, oldest first: the one list, from docs/data/releases.yml."""
    return [r.version for r in load_releases(path)]


def newer_than_collected(order: list[str], collected) -> list[str]:
    """The releases of `order` after the newest one in `collected`: added to releases.yml, their data
    (page-matrix results, error-index lines) not collected yet. The upstream report lists them."""
    newest = max((order.index(v) for v in collected if v in order), default=-1)
    return order[newest + 1:]


def releases_by_version(path: Path | str | None = None) -> dict[str, Release]:
    return {r.version: r for r in load_releases(path)}


def use_cases(path: Path | str | None = None) -> dict[str, tuple[str, str]]:
    """Use case id -> (title, page under docs/), in matrix order, from docs/data/use_cases.yml."""
    vocabulary = load_vocabulary("use_cases", path)
    return {key: (value["title"], value["page"]) for key, value in vocabulary.items()}


def requirements(path: Path | str | None = None) -> dict[str, str]:
    """Requirement id -> how the matrix words it, from docs/data/requires.yml."""
    return load_vocabulary("requires", path)


def load_all() -> tuple[list[Release], list[Capability], list[RoadmapItem]]:
    """All three files, checked (the roadmap's check covers its links to capabilities)."""
    return load_releases(), load_capabilities(), load_roadmap()

