"""Corrections: what the site told readers wrongly, and what is true (docs/data/corrections.yml).

A fix in prose leaves no trace in the data files whose history the Changes page reads, so every correction
that changed what a reader was told gets an entry here; `events()` turns them into entries of the What
changed page and its Atom feed (atlas/site/changes.py). `check()` makes sure each names a page that exists.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from atlas.core import datafile
from atlas.core.paths import DATA

FILE = "corrections.yml"


def load(path: Path | None = None) -> list[dict]:
    path = path or DATA / FILE
    if not path.exists():
        return []
    return datafile.safe_load(path.read_text(encoding="utf-8")) or []


def date_of(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def source_text(entry: dict) -> str:
    source = entry.get("source") or {}
    where = source.get("url") or source.get("file") or ""
    return f"{source.get('title', '')} ({where})" if where else str(source.get("title", ""))


def check(project) -> list[str]:
    """Each correction names a page that exists and an id used once."""
    path = project.file(Path(FILE).stem)
    if not path.exists():
        return []
    doc, _ = project.read(Path(FILE).stem)
    if doc is None or not isinstance(doc.data, list):
        return []
    docs = project.root / "docs"
    found, seen = [], set()
    for index, entry in enumerate(doc.data):
        if not isinstance(entry, dict):
            continue
        page = str(entry.get("page", "")).partition("#")[0]
        if page and not (docs / page).exists() and not _generated(page):
            found.append(doc.problem((index, "page"), f"{page} is not a page under docs/",
                                     "name the page that was corrected, as a path under docs/"))
        if entry.get("id") in seen:
            found.append(doc.problem((index, "id"), f"{entry.get('id')} is used twice", "give each correction its own id"))
        seen.add(entry.get("id"))
    return found


def _generated(page: str) -> bool:
    """Pages written by the generation step (release pages, the matrix) exist only after a build."""
    return page.startswith("versions/") or page.startswith("resources/")
