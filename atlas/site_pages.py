"""What the MkDocs hook renders from data: whole generated pages, and placeholders inside written pages.

A written page asks for rendered content with a line of its own: ``<!-- atlas:NAME -->``.
"""
from __future__ import annotations

import re
from typing import Callable

from .errors import DataError


def generated_pages() -> dict[str, str]:
    """Pages made entirely from data: {path under docs/: Markdown with front matter}."""
    from . import changes, versions_data, versions_render

    pages = {
        f"versions/{release.version}.md": versions_render.render_release_page(release.version)
        for release in versions_data.load_releases()
    }
    pages[changes.PAGE_PATH] = changes.render_page(changes.events())
    return pages


def generated_files() -> dict[str, str | bytes]:
    """Files other than pages, published with the site: {path in site/: content} (JSON downloads, llms.txt,
    the Atom feed of changes)."""
    from . import changes, downloads

    return {**downloads.files(), changes.FEED_PATH: changes.render_feed(changes.events())}


def placeholders() -> dict[str, Callable[[], str]]:
    """Name -> function returning the Markdown that replaces ``<!-- atlas:NAME -->``."""
    from . import async_api_render, error_index, lab_figures, linkcheck, resources, versions_render

    return {
        "async-api-index": async_api_render.render_index,
        "resources": resources.render_resources_page,
        "error-index": error_index.render_error_index,
        "link-status": linkcheck.render_link_status,
        "capability-matrix": versions_render.render_capability_matrix,
        "use-case-matrix": versions_render.render_usecase_matrix,
        "upgrade-view": versions_render.render_upgrade_view,
        "roadmap": versions_render.render_roadmap,
        "versions-timeline": lambda: versions_render.render_timeline("versions"),
        "release-strip": release_strip,
        "lab-runs": lab_figures.render_runs_table,
    }


def release_strip() -> str:
    """One line for the home page: every release, linked, then the roadmap."""
    from . import versions_data

    links = [f"[{r.version}{' LTS' if r.lts else ''}](versions/{r.version}.md)" for r in versions_data.load_releases()]
    return " → ".join(links + ["[roadmap](versions/roadmap.md)"])


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


CODE_BLOCK = re.compile(r'<div class="(language-[\w-]+ )?highlight"')


def exclude_code_from_search(html: str) -> str:
    """Mark code blocks so Material's search leaves them out: the index (downloaded by every visitor)
    then holds the prose that answers questions, not every line of every snippet. API names stay
    findable through the prose and headings that mention them."""
    return CODE_BLOCK.sub(lambda m: m.group(0) + " data-search-exclude", html)
