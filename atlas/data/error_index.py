"""Load the error index, docs/data/errors.yml, and check its lines against releases.yml.

It is rendered into docs/faq/errors.md (placeholder `error-index`) by atlas/site/error_index_render.py.

Each entry quotes one message exactly (tests/errors triggers it for real on the installed packages) and
says where its text stands in the source: for Django, per feature release, read from that release's sdist
(`lines: {"3.0": 26, ..., "6.1": 34}`, null where the text is not in that release); for asgiref,
Channels and uvicorn, in the installed version (`lines: {"4.3.2": 136}`). The lines are collected, not
typed:

    python3 dev.py errors     # rewrite every entry's lines from the real code
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from atlas.core import datafile
from atlas.core.datafile import Project
from atlas.core.paths import DATA, relative
from atlas.data.versions_data import newer_than_collected

ERRORS_FILE = DATA / "errors.yml"
PACKAGES = {"django": "Django", "asgiref": "asgiref", "channels": "Channels", "uvicorn": "uvicorn"}


@dataclass(frozen=True)
class ErrorEntry:
    id: str
    title: str
    message: str
    raised_as: str
    raised_note: str
    package: str
    source: str                     # path inside the package's distribution: django/utils/asyncio.py
    text_at_source: str             # a literal piece of the message, as written in the source
    occurrence: int                 # which occurrence of text_at_source raises it (1: the first)
    lines: dict[str, int | None]    # Django release (or package version) -> line, None: not in that release
    releases_note: str
    cause: str
    fix: str


def load_errors(path: Path = ERRORS_FILE) -> list[ErrorEntry]:
    found = []
    for raw in datafile.load("errors", path):  # its schema names the packages PACKAGES has a name for
        lines = {str(k): v for k, v in (raw.get("lines") or {}).items()}
        found.append(ErrorEntry(id=raw["id"], title=raw["title"], message=raw["message"], raised_as=raw["raised_as"],
                                raised_note=raw.get("raised_note", ""), package=raw["package"], source=raw["source"],
                                text_at_source=raw["text_at_source"], occurrence=int(raw.get("occurrence", 1)),
                                lines=lines,
                                releases_note=raw.get("releases_note", ""), cause=raw["cause"].strip(),
                                fix=raw["fix"].strip()))
    return found


def to_collect(order: list[str], entries: list[ErrorEntry]) -> list[str]:
    """Releases newer than every collected Django line: added to releases.yml, lines not collected yet."""
    return newer_than_collected(order, {v for e in entries if e.package == "django" for v in e.lines})


def check(project: Project) -> list[str]:
    """Cross-file rules (for atlas/data/validation.py): each Django entry names a line (or null) for every
    release of docs/data/releases.yml up to the newest collected one, and only for those. Newer releases
    are not a problem: the upstream report lists them to collect."""
    releases = project.releases()
    return line_problems(releases, load_errors(project.file("errors"))) if releases else []


def line_problems(order: list[str], entries: list[ErrorEntry]) -> list[str]:
    pending = to_collect(order, entries)
    releases = [v for v in order if v not in pending]
    problems = []
    for entry in entries:
        if entry.package == "django" and list(entry.lines) != releases:
            problems.append(f"{relative(ERRORS_FILE)}: {entry.id}.lines: has {', '.join(entry.lines)}, expected every "
                            f"release of docs/data/releases.yml ({', '.join(releases)}) — run "
                            f"`python3 dev.py errors`")
    return problems
