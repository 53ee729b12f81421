"""What the MkDocs hook renders from data: whole generated pages, and placeholders inside written pages.

A written page asks for rendered content with a line of its own: ``<!-- atlas:NAME -->``.
"""
from __future__ import annotations

from typing import Callable

from .errors import DataError


def generated_pages() -> dict[str, str]:
    """Pages made entirely from data: {path under docs/: Markdown with front matter}."""
    pages: dict[str, str] = {}
    return pages


def placeholders() -> dict[str, Callable[[], str]]:
    """Name -> function returning the Markdown that replaces ``<!-- atlas:NAME -->``."""
    from . import resources

    return {
        "resources": resources.render_resources_page,
    }


def fill_placeholders(markdown: str, path: str, available: dict[str, Callable[[], str]]) -> str:
    """Replace each placeholder line; an unknown name is an error that names the page and line."""
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("<!-- atlas:") and stripped.endswith("-->"):
            name = stripped[len("<!-- atlas:"):-3].strip()
            if name not in available:
                raise DataError(
                    f"{path}: placeholder <!-- atlas:{name} --> is unknown; "
                    f"use one of: {', '.join(sorted(available)) or '(none yet)'}"
                )
            lines[number] = available[name]()
    return "\n".join(lines)
