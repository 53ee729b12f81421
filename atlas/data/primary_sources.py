"""Every capability (capabilities.yml) and roadmap item (roadmap.yml) names its primary source, and the
resource list shows each one (issue 26, item 4).

A shipped capability's `source` is a file of the release's sdist (`docs/releases/4.1.txt`, section …): its
online copy is Django's docs for the release it arrived in. A missing capability's `tracked_by` and a
roadmap item's `source` are links (the DEP, the ticket, the pull request). `sources()` gathers them, one
per address, with what cites each; `render()` is the resource page's "Primary sources" section, generated
from the data, so a new capability cannot arrive without its source listed; `check(project)` (registered
in atlas/data/validation.py) fails on an entry that names none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from atlas.data.versions_data import Capability, RoadmapItem, load_capabilities, load_roadmap

DOCS = "https://docs.djangoproject.com/en/"
NOTES = re.compile(r"^docs/releases/(?P<feature>\d+\.\d+)(?P<patch>\.\d+)?\.txt$")
DOC_FILE = re.compile(r"^docs/(?P<path>[a-z0-9_/-]+)\.txt$")


@dataclass
class Cited:
    url: str
    title: str
    cited_by: list[str] = field(default_factory=list)


def file_url(file: str, release: str) -> str:
    """The online copy of an sdist documentation file: a release's notes at that release, any other page at
    the release the capability arrived in."""
    notes = NOTES.match(file)
    if notes:
        return f"{DOCS}{notes['feature']}/releases/{notes['feature']}{notes['patch'] or ''}/"
    page = DOC_FILE.match(file)
    if not page:
        raise ValueError(f"{file!r} is not a file under docs/ of Django's sdist")
    return f"{DOCS}{release}/{page['path']}/"


def file_title(file: str, section: str, release: str) -> str:
    notes = NOTES.match(file)
    name = (f"Django {notes['feature']}{notes['patch'] or ''} release notes" if notes
            else f"Django {release} documentation, {file.removeprefix('docs/')}")
    return f"{name}: “{section}”"


def capability_source(capability: Capability) -> tuple[str, str] | None:
    """(url, title) of the capability's primary source, or None when it names none."""
    if capability.source is not None and capability.added:
        return (file_url(capability.source.file, capability.added),
                file_title(capability.source.file, capability.source.section, capability.added))
    if capability.tracked_by is not None:
        return capability.tracked_by.url, capability.tracked_by.title
    return None


def sources(capabilities: list[Capability] | None = None, roadmap: list[RoadmapItem] | None = None) -> list[Cited]:
    """Each primary source once (by address, in data order), with the capabilities and roadmap items citing it."""
    capabilities = load_capabilities() if capabilities is None else capabilities
    roadmap = load_roadmap() if roadmap is None else roadmap
    found: dict[str, Cited] = {}
    cited = [(capability_source(c), f"capability “{c.name}”") for c in capabilities]
    cited += [((item.source.url, item.source.title), f"roadmap “{item.title}”") for item in roadmap if item.source]
    for source, by in cited:
        if source is None:
            continue
        url, title = source
        found.setdefault(url, Cited(url, title)).cited_by.append(by)
    return list(found.values())


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", str(text).strip())


def render(cited: list[Cited] | None = None, listed: set[str] = frozenset()) -> str:
    """The resource page's section listing every primary source of the capability and roadmap data that the
    curated sections (`listed`: their addresses) do not already list; a link appears once on the page."""
    cited = [c for c in (sources() if cited is None else cited) if c.url not in listed]
    if not cited:
        return ""
    out = ["## Primary sources of the release data", "",
           "Where each capability and roadmap entry of this site comes from: the release notes or documentation "
           "page, the DEP, the ticket or the pull request, when the sections above do not list it already. "
           "Generated from the data, so every entry's source is on this page.",
           ""]
    for item in sorted(cited, key=lambda c: c.title.lower()):
        out.append(f"- [{_md(item.title)}]({item.url}) - Source of {_md('; '.join(item.cited_by))}.")
    return "\n".join(out) + "\n"


def check(project) -> list[str]:
    """Every capability names its source (shipped: `source`, a docs file of the sdist; missing: `tracked_by`)
    and every roadmap item its `source`."""
    problems = []
    for name, keys in (("capabilities", ("source", "tracked_by")), ("roadmap", ("source",))):
        doc = project.document(name)
        if doc is None or not isinstance(doc.data, list):
            continue
        for index, entry in enumerate(doc.data):
            if not isinstance(entry, dict) or any(entry.get(key) for key in keys):
                continue
            problems.append(doc.problem((index,), f"{entry.get('id', '?')} names no primary source",
                                        f"add {' or '.join(keys)}: the docs page (a file of the release's sdist, "
                                        f"with its section), the DEP, the ticket or the pull request"))
            continue
        if name == "capabilities":
            for index, entry in enumerate(doc.data):
                src = entry.get("source") if isinstance(entry, dict) else None
                if isinstance(src, dict) and isinstance(src.get("file"), str) and not (
                        NOTES.match(src["file"]) or DOC_FILE.match(src["file"])):
                    problems.append(doc.problem((index, "source", "file"), f"{src['file']!r} is not a docs file",
                                                "name a file of the sdist's docs/, e.g. docs/releases/5.0.txt"))
    return problems
