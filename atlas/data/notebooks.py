"""Check notebook pages' metadata (docs/**/*.ipynb): the same rules as a Markdown page's front matter.

A notebook cannot carry YAML front matter, so its page metadata lives in the notebook's own metadata,
under "atlas", with the same rules as a Markdown page's front matter (atlas/data/frontmatter.py):

    "metadata": {"atlas": {"summary": "...", "django": "5.0+", "tags": ["memory"]}}

(no "title": the title comes from mkdocs.yml's nav). Refresh the stored outputs after changing a notebook
(atlas/collect/notebook_outputs.py):

    python3 dev.py notebooks docs/lab/*.ipynb
"""
from __future__ import annotations

from pathlib import Path

from atlas.core.datafile import Document, load_schema, parse, problem
from atlas.data.frontmatter import (
    PAGE_SCHEMA,
    DjangoRange,
    metadata_problems,
    project_problems,
    read_checked,
)

EXAMPLE = '"atlas": {"summary": "...", "django": "5.0+", "tags": ["performance"]}'


def notebook_schema() -> dict:
    """The page schema without "title" (a notebook's title comes from the nav)."""
    schema = load_schema(PAGE_SCHEMA)
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k != "title"}
    schema["required"] = [k for k in schema["required"] if k != "title"]
    return schema


def notebook_problems(doc: Document, releases: list[str], tags: dict[str, str]) -> tuple[dict, DjangoRange | None, list[str]]:
    """(atlas metadata, range or None, every problem) of a parsed notebook."""
    meta = doc.data.get("metadata", {}).get("atlas") if isinstance(doc.data, dict) else None
    if not isinstance(meta, dict):
        return {}, None, [problem(doc.shown, doc.line(("metadata",)), "metadata.atlas", "is missing",
                                  f"add {EXAMPLE} to the notebook's metadata (Jupyter: Edit > Notebook metadata)")]
    applies, problems = metadata_problems(doc, ("metadata", "atlas"), notebook_schema(), releases, tags)
    return meta, applies, problems


def file_problems(text: str, shown: str, releases: list[str], tags: dict[str, str]) -> tuple[dict, DjangoRange | None, list[str]]:
    """(atlas metadata, range or None, every problem) of one notebook's text."""
    doc, problems = parse(text, Path(shown), shown)
    if doc is None:
        return {}, None, problems
    meta, applies, more = notebook_problems(doc, releases, tags)
    return meta, applies, problems + more


def check_notebook(path: Path, releases: list[str] | None = None, tags: dict[str, str] | None = None):
    """(atlas metadata, range) of one notebook on disk; DataError lists every problem."""
    return read_checked(path, file_problems, releases, tags)


def check(project) -> list[str]:
    """Every notebook's metadata under the project's docs/."""
    return project_problems(project, "*.ipynb", file_problems)


# mkdocs-jupyter appends this loader to every page; on a notebook page it fetches MathJax from a CDN.
# The atlas loads nothing from outside hosts and its notebooks have no LaTeX, so the hook removes it.
