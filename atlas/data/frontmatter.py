"""Check page metadata: every content page starts with YAML front matter that this module checks.

Required fields (see CONTRIBUTING.md; shape in docs/data/schemas/page.schema.json):

    title: Real-time chat over WebSockets
    summary: One line that says what the page answers.
    django: "3.0+"          # releases the page's code must pass on: "X.Y+", "X.Y-X.Y" or "X.Y"
    tags: [websockets, channels]
    about: [async-views]    # optional: the capabilities the page describes (atlas/data/applies.py)

The banner under each title says which releases the page applies to (derived from what it describes,
atlas/data/applies.py) and which Django its code was tested with (the page matrix, or requirements.lock:
`tested_with_label`), not from the page.
"""
from __future__ import annotations

import re
from pathlib import Path

from atlas.core import django_range
from atlas.core.datafile import (
    load_schema,
    load_vocabulary,
    parse,
    problem,
    raise_problems,
    schema_problems,
)
from atlas.core.django_range import DjangoRange, RangeError
from atlas.core.errors import DataError
from atlas.core.paths import DATA, ROOT, relative

__all__ = ["DjangoRange", "feature_releases", "known_tags", "parse_range", "split", "metadata_problems", "validate",
           "check_page", "locked_django"]

PAGE_SCHEMA = DATA / "schemas" / "page.schema.json"
LOCK = ROOT / "requirements.lock"


def feature_releases(data_dir: Path = DATA) -> list[str]:
    """The Django feature releases the atlas knows, oldest first, read from docs/data/releases.yml."""
    from atlas.data.versions_data import feature_releases as from_data

    return from_data(None if Path(data_dir) == DATA else Path(data_dir) / "releases.yml")


def known_tags(data_dir: Path = DATA) -> dict[str, str]:
    """Allowed tags and what each one means, from docs/data/tags.yml."""
    return load_vocabulary("tags", None if Path(data_dir) == DATA else Path(data_dir) / "tags.yml")


def locked_django(lock: Path = LOCK) -> str:
    """The Django version pinned in requirements.lock, e.g. "6.1.3"."""
    match = re.search(r"^django==(\S+)", Path(lock).read_text(encoding="utf-8"), re.IGNORECASE | re.MULTILINE)
    if not match:
        raise DataError(f"{relative(lock)}:1: django==: no Django pin found — pin it, e.g. django==6.1.3")
    return match[1]



def parse_range(value, releases: list[str], where: str, **options) -> DjangoRange:
    """A range read somewhere other than page metadata (a version tab's label, ...): DataError naming `where`.

    The grammar and options are atlas.core.django_range.parse_range's.
    """
    try:
        return django_range.parse_range(value, releases, **options)
    except RangeError as error:
        raise DataError(f"{where}: {error}") from None


def split(text: str, path: str) -> tuple[dict, str, int]:
    """Split a page into (front matter, body, line where the body starts); DataError if it has none."""
    meta, body, body_line, problems, _doc = _split(text, path)
    raise_problems(problems)
    return meta, body, body_line


def _split(text: str, shown: str):
    """(front matter, body, body line, problems, parsed document or None if the page has no usable one)."""
    fix = "start the page with a '---' line, the fields title, summary, django and tags, and a '---' line"
    if not text.startswith("---\n"):
        return {}, text, 1, [problem(shown, 1, "", "the page has no front matter", f"{fix} (see templates/page.md)")], None
    end = text.find("\n---\n", 4)
    if end == -1:
        return {}, text, 1, [problem(shown, 1, "", "the front matter is not closed",
                                     "add a line '---' after its last field")], None
    raw = text[4:end + 1]
    body_line = raw.count("\n") + 3
    doc, problems = parse(raw, Path(shown), shown, line_offset=1)
    if doc is None:
        return {}, text[end + 5:], body_line, problems, None
    if not isinstance(doc.data, dict):
        return {}, text[end + 5:], body_line, problems + [
            problem(shown, 2, "", "the front matter is not 'field: value' lines", fix)], None
    return doc.data, text[end + 5:], body_line, problems, doc


def metadata_problems(doc, loc: tuple, schema: dict, releases: list[str], tags: dict) -> tuple[DjangoRange | None, list[str]]:
    """The rules every page's metadata follows, wherever it is written (front matter, notebook metadata).

    `doc` is the parsed document, `loc` where the metadata sits in it (() for front matter).
    Returns the page's Django range (None if it is wrong) and every problem.
    """
    meta = doc.data
    for key in loc:
        meta = meta[key]
    sub = type(doc)(doc.path, doc.shown, meta, {k[len(loc):]: v for k, v in doc.lines.items() if k[:len(loc)] == loc})
    problems = schema_problems(sub, schema)
    if loc:
        prefix = ".".join(map(str, loc)) + "."
        problems = [_prefixed(p, sub, prefix) for p in problems]
    applies = None
    if "django" in meta:
        try:
            applies = django_range.parse_range(meta["django"], releases)
        except RangeError as error:
            what, _, fix = str(error).partition(" — ")
            if isinstance(meta["django"], str):  # a wrong type is already the schema's problem
                problems.append(doc.problem(loc + ("django",), what, fix))
    for number, tag in enumerate(meta.get("tags") if isinstance(meta.get("tags"), list) else []):
        if isinstance(tag, str) and tag not in tags:
            problems.append(doc.problem(loc + ("tags", number), f"{tag!r} is not a known tag",
                                        f"use one of {', '.join(sorted(tags))}, or add it to docs/data/tags.yml first"))
    return applies, problems


def _prefixed(text: str, sub, prefix: str) -> str:
    """Put `prefix` before the field in a problem line of a sub-document (notebook metadata)."""
    place, sep, rest = text.partition(": ")
    place2, sep2, rest2 = rest.partition(": ")
    return f"{place}{sep}{prefix}{place2}{sep2}{rest2}"


def page_problems(text: str, shown: str, releases: list[str], tags: dict) -> tuple[dict, DjangoRange | None, list[str]]:
    """(front matter, range or None, every problem) of one Markdown page's text."""
    meta, _body, _line, problems, doc = _split(text, shown)
    if doc is None:
        return meta, None, problems
    applies, more = metadata_problems(doc, (), load_schema(PAGE_SCHEMA), releases, tags)
    return meta, applies, problems + more


def validate(meta: dict, text: str, path: str, releases: list[str], tags: dict[str, str]) -> DjangoRange:
    """Check one Markdown page's front matter; DataError lists every problem with its line.

    `meta` is what `split` returned; the rules read `text` again, since they need each field's line.
    """
    _meta, applies, problems = page_problems(text, path, releases, tags)
    raise_problems(problems)
    return applies


def read_checked(path: Path, problems_of, releases: list[str] | None, tags: dict[str, str] | None) -> tuple[dict, DjangoRange]:
    """(metadata, range) of one page or notebook on disk, as `problems_of(text, shown, releases, tags)` finds
    them (page_problems, notebooks.file_problems); DataError lists every problem."""
    releases = releases or feature_releases()
    tags = tags if tags is not None else known_tags()
    meta, applies, problems = problems_of(Path(path).read_text(encoding="utf-8"), relative(path), releases, tags)
    raise_problems(problems)
    return meta, applies


def project_problems(project, pattern: str, problems_of) -> list[str]:
    """Every problem of the project's pages matching `pattern` under docs/ (docs/data/ left out)."""
    releases, tags = project.releases(), project.vocabulary("tags")
    return [found for path in sorted(project.docs.rglob(pattern)) if project.data_dir not in path.parents
            for found in problems_of(path.read_text(encoding="utf-8"), project.shown(path), releases, tags)[2]]


def check_page(path: Path, releases: list[str] | None = None, tags: dict[str, str] | None = None) -> tuple[dict, DjangoRange]:
    """Read and validate one Markdown page from disk."""
    return read_checked(path, page_problems, releases, tags)


def check(project) -> list[str]:
    """Every Markdown page's front matter under the project's docs/."""
    return project_problems(project, "*.md", page_problems)
