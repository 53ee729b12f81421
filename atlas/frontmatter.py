"""Page metadata: every content page starts with YAML front matter that this module checks.

Required fields (see CONTRIBUTING.md):

    title: Real-time chat over WebSockets
    summary: One line that says what the page answers.
    django: "3.0+"          # releases the page applies to: "X.Y+", "X.Y-X.Y" or "X.Y"
    tested_with: "6.1"      # the feature release its code was tested with
    tags: [websockets, channels]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import DataError
from .paths import DATA, relative

REQUIRED = ("title", "summary", "django", "tested_with", "tags")
OPTIONAL = ("description", "hide", "search", "status", "template", "icon")
RANGE = re.compile(r"^(?P<low>\d+\.\d+)(?:(?P<plus>\+)|-(?P<high>\d+\.\d+))?$")
SUMMARY_MAX = 200


def feature_releases(data_dir: Path = DATA) -> list[str]:
    """The Django feature releases the atlas knows, in order, read from docs/data/releases.yml."""
    entries = yaml.safe_load((data_dir / "releases.yml").read_text(encoding="utf-8"))
    return [str(entry["version"]) for entry in entries]


def known_tags(data_dir: Path = DATA) -> dict[str, str]:
    """Allowed tags and what each one means, from docs/data/tags.yml."""
    return yaml.safe_load((data_dir / "tags.yml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DjangoRange:
    low: str
    high: str | None  # None: every later release too

    def label(self, releases: list[str]) -> str:
        if self.high == self.low:
            return f"Django {self.low}"
        if self.high is None:
            return f"Django {self.low} and later"
        return f"Django {self.low} to {self.high}"

    def covers(self, version: str, releases: list[str]) -> bool:
        index = releases.index
        top = index(self.high) if self.high else len(releases) - 1
        return index(self.low) <= index(version) <= top


def parse_range(value, releases: list[str], where: str) -> DjangoRange:
    """Parse "4.2+", "4.1-5.2" or "5.0"; raise DataError naming `where` otherwise."""
    known = ", ".join(releases)
    if not isinstance(value, str):
        raise DataError(
            f"{where} = {value!r}: expected a quoted string such as \"4.2+\" "
            f"(YAML reads 4.2 unquoted as a number); write it in quotes"
        )
    match = RANGE.match(value.strip())
    if not match:
        raise DataError(f"{where} = {value!r}: write \"X.Y+\", \"X.Y-X.Y\" or \"X.Y\", e.g. \"4.2+\"")
    low = match["low"]
    high = None if match["plus"] else (match["high"] or low)
    for version in (low, high):
        if version is not None and version not in releases:
            raise DataError(f"{where} = {value!r}: {version} is not a Django feature release (known: {known})")
    if high is not None and releases.index(high) < releases.index(low):
        raise DataError(f"{where} = {value!r}: the range ends before it starts; write the older release first")
    return DjangoRange(low, high)


def split(text: str, path: str) -> tuple[dict, str, int]:
    """Split a page into (front matter, body, line where the body starts)."""
    if not text.startswith("---\n"):
        raise DataError(
            f"{path}:1: the page has no front matter; start it with a '---' line, the fields "
            f"{', '.join(REQUIRED)}, and a closing '---' line (see docs/contributing.md)"
        )
    end = text.find("\n---\n", 4)
    if end == -1:
        raise DataError(f"{path}:1: the front matter is not closed; add a line '---' after its last field")
    raw = text[4:end + 1]
    try:
        meta = yaml.safe_load(raw) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise DataError(f"{path}:{line}: the front matter is not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(meta, dict):
        raise DataError(f"{path}:2: the front matter must be 'field: value' lines")
    body_line = raw.count("\n") + 3
    return meta, text[end + 5:], body_line


def field_line(text: str, field: str) -> int:
    """The line a front-matter field is on (1-based), or 1 if it is absent."""
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line == "---":
            break
        if line.startswith(f"{field}:"):
            return number
    return 1


EXAMPLES = {
    "title": "title: Streaming responses",
    "summary": "summary: One line that says what the page answers.",
    "django": 'django: "4.2+"',
    "tested_with": 'tested_with: "6.1"',
    "tags": "tags: [streaming]",
}


def check_fields(meta: dict, required: tuple, allowed: tuple, releases: list[str], tags: dict[str, str],
                 where) -> DjangoRange:
    """The rules every page's metadata follows, wherever it is written (front matter, notebook metadata).

    `where(field)` says where a field lives, e.g. "docs/x.md:5: front matter field 'django'"; each
    problem raises DataError with that place, the problem and the fix.
    """

    def fail(field, message):
        raise DataError(f"{where(field)} {message}")

    for field in required:
        if field not in meta:
            fail(field, f"is missing; add it, for example `{EXAMPLES[field]}`")
    unknown = sorted(set(meta) - set(required) - set(allowed))
    if unknown:
        fail(unknown[0], f"is not a known field (known: {', '.join(required + allowed)}); remove or rename it")
    for field in ("title", "summary"):
        if field in meta and (not isinstance(meta[field], str) or not meta[field].strip()):
            fail(field, f"must be a non-empty string, got {meta[field]!r}")
    summary = meta["summary"].strip()
    if "\n" in summary or len(summary) > SUMMARY_MAX:
        fail("summary", f"must be one line of at most {SUMMARY_MAX} characters; shorten it")
    applies = parse_range(meta["django"], releases, where("django"))
    tested = meta["tested_with"]
    if not isinstance(tested, str):
        fail("tested_with", f"= {tested!r} must be a quoted release such as \"{releases[-1]}\"")
    if tested not in releases:
        fail("tested_with", f"= {tested!r} is not a Django feature release (known: {', '.join(releases)})")
    if not isinstance(meta["tags"], list) or not meta["tags"]:
        fail("tags", f"must be a non-empty list such as [streaming], got {meta['tags']!r}")
    for tag in meta["tags"]:
        if tag not in tags:
            fail("tags", f"has unknown tag {tag!r}; use one of {', '.join(sorted(tags))} or add it to docs/data/tags.yml")
    return applies


def validate(meta: dict, text: str, path: str, releases: list[str], tags: dict[str, str]) -> DjangoRange:
    """Check one Markdown page's front matter; errors name the file and the field's line."""
    return check_fields(meta, REQUIRED, OPTIONAL, releases, tags,
                        lambda field: f"{path}:{field_line(text, field)}: front matter field '{field}'")


def check_page(path: Path, releases: list[str] | None = None, tags: dict[str, str] | None = None) -> tuple[dict, DjangoRange]:
    """Read and validate one Markdown page from disk."""
    releases = releases or feature_releases()
    tags = tags if tags is not None else known_tags()
    text = path.read_text(encoding="utf-8")
    shown = relative(path)
    meta, _body, _line = split(text, shown)
    return meta, validate(meta, text, shown, releases, tags)


def with_banner(markdown: str, banner: str) -> str:
    """Put the banner under the page's `#` title if it has one, else first (Material adds the title)."""
    head, newline, rest = markdown.lstrip("\n").partition("\n")
    if head.startswith("# "):
        return f"{head}\n\n{banner}{rest}"
    return banner + markdown


def version_banner(meta: dict, applies: DjangoRange, releases: list[str]) -> str:
    """The line each page shows under its title: which releases it applies to, what it was tested with.

    Plain HTML, so Markdown pages and notebook pages show the very same line.
    """
    return (
        f'<p class="atlas-versions" data-django-low="{applies.low}" data-django-high="{applies.high or ""}">'
        f'<span class="atlas-versions__applies">Applies to <strong>{applies.label(releases)}</strong></span> · '
        f'<span class="atlas-versions__tested">code tested with <strong>Django {meta["tested_with"]}</strong></span>'
        f"</p>\n\n"
    )
