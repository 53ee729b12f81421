"""The resource list: docs/data/resources.yml, read and checked (rendered by atlas/site/resources_render.py).

Each entry of the YAML file looks like this (every field is required):

    - title: "Channels tutorial"
      url: https://channels.readthedocs.io/en/stable/tutorial/index.html
      section: real-time      # from resource_sections.yml; entries are grouped by section on the page
      kind: docs              # shown as a badge; from resource_sections.yml
      author: Django Channels maintainers
      year: 2025              # published or last substantially updated
      django: "4.2+"          # "X.Y+", "X.Y-X.Y", "X.Y" or "any"
      topics: [websockets, channels]   # for the filter; from resource_sections.yml
      status: current         # current, historical or superseded: set by judgement
      description: One line in our own words, ending with a period.

The vocabulary (sections, kinds, statuses, topics) and the link policy live in
docs/data/resource_sections.yml, so adding a topic or a section needs no Python edit.
Entries are sorted by section (vocabulary order), then by title ignoring case (a section marked
`order: reading` goes by each entry's read_order instead);
`python3 dev.py resources --fix` rewrites the file in that order (atlas/data/resources_fix.py),
`python3 dev.py resources` checks it.

Messages follow the project's contract: `file:line: 'entry'.field: what is wrong — how to fix`.
`check()` holds the rules that need more than one file (vocabulary, releases.yml, link policy,
duplicates, order); `field_problems()` holds the shape of each entry (also in the JSON Schema).
Nothing here imports MkDocs: the generation step (atlas/site/generate.py) writes
atlas/site/resources_render.render_resources_page() to
generated/resources.md, which docs/resources/index.md includes.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from atlas.core import datafile
from atlas.core.django_range import RangeError, parse_range, release_key
from atlas.core.errors import DataError
from atlas.core.paths import DATA, relative

RESOURCES = DATA / "resources.yml"
VOCABULARY = DATA / "resource_sections.yml"

FIELDS = ("title", "url", "section", "kind", "author", "year", "django", "topics", "status", "description")
# Entries of a section read in order (`order: reading` in resource_sections.yml) carry these, and only they:
# read_order (1, 2, ...) places the entry; why says in one line why it comes at that point.
READING_FIELDS = ("read_order", "why")
DESCRIPTION_MAX = 200
YEAR_MIN = 1990
FIX_HINT = "run `python3 dev.py resources --fix` to rewrite the file in order"
EXAMPLES = {
    "title": 'title: "Channels tutorial"',
    "url": "url: https://channels.readthedocs.io/en/stable/tutorial/index.html",
    "section": "section: real-time",
    "kind": "kind: docs",
    "author": "author: Andrew Godwin",
    "year": "year: 2023",
    "django": 'django: "4.2+"',
    "topics": "topics: [websockets, channels]",
    "status": "status: current",
    "description": "description: One line in our own words, ending with a period.",
}


# ------------------------------------------------------------------------------------------ reading


@dataclass
class Source:
    """A parsed YAML file with the line of each list item and of each of its keys (1-based)."""

    shown: str
    data: object
    item_lines: list[int] = field(default_factory=list)
    key_lines: list[dict[str, int]] = field(default_factory=list)

    def line(self, index: int, key: str | None = None) -> int:
        if index >= len(self.item_lines):
            return 1
        if key is not None and key in self.key_lines[index]:
            return self.key_lines[index][key]
        return self.item_lines[index]


def _read(path: Path) -> Source:
    shown = relative(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{shown}:1: the file does not exist — create it (see atlas/data/resources.py)") from None
    try:
        data = datafile.safe_load(text)
        node = datafile.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise DataError(f"{shown}:{line}: not valid YAML ({getattr(error, 'problem', error)}) — fix the syntax there") from None
    source = Source(shown, data)
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    for item in items:
        source.item_lines.append(item.start_mark.line + 1)
        keys = {}
        if isinstance(item, yaml.MappingNode):
            keys = {k.value: k.start_mark.line + 1 for k, _ in item.value if isinstance(k, yaml.ScalarNode)}
        source.key_lines.append(keys)
    return source


@dataclass(frozen=True)
class Vocabulary:
    sections: dict[str, dict]   # id -> {title, description}, in page order
    kinds: dict[str, str]       # id -> badge label
    statuses: dict[str, str]    # id -> description
    topics: dict[str, str]      # id -> description
    blocked_hosts: dict[str, dict]  # host -> {reason, fix}
    versioned_docs: dict[str, re.Pattern]  # host -> pattern with a `release` group


def load_vocabulary(path=None) -> Vocabulary:
    path = Path(path) if path is not None else VOCABULARY
    source = _read(path)
    data = source.data
    shown = source.shown
    if not isinstance(data, dict):
        raise DataError(f"{shown}:1: the file must be a mapping with sections, kinds, statuses, topics and link_policy")

    def listed(key: str, value_keys: tuple[str, ...]) -> list[dict]:
        rows = data.get(key)
        if not isinstance(rows, list) or not rows:
            raise DataError(f"{shown}:1: {key}: missing or empty — add a list of entries with {', '.join(value_keys)}")
        for row in rows:
            if not isinstance(row, dict) or any(not isinstance(row.get(k), str) or not row.get(k) for k in value_keys):
                raise DataError(f"{shown}:1: {key}: entry {row!r} needs {', '.join(value_keys)} as text — fill them in")
        ids = [row[value_keys[0]] for row in rows]
        if len(set(ids)) != len(ids):
            raise DataError(f"{shown}:1: {key}: an id is listed twice — keep each id once")
        return rows

    policy = data.get("link_policy") or {}
    hosts = policy.get("blocked_hosts") or []
    docs = policy.get("versioned_docs") or []
    for row in hosts + docs:
        if not isinstance(row, dict) or not isinstance(row.get("host"), str):
            raise DataError(f"{shown}:1: link_policy: entry {row!r} needs a host — add `host: example.org`")
    return Vocabulary(
        sections={row["id"]: row for row in listed("sections", ("id", "title", "description"))},
        kinds={row["id"]: row["label"] for row in listed("kinds", ("id", "label"))},
        statuses={row["id"]: row["description"] for row in listed("statuses", ("id", "description"))},
        topics={row["id"]: row["description"] for row in listed("topics", ("id", "description"))},
        blocked_hosts={row["host"].lower(): row for row in hosts},
        versioned_docs={row["host"].lower(): re.compile(row["pattern"]) for row in docs},
    )


# ---------------------------------------------------------------------------------- release ranges


def parse_django(value) -> tuple[str | None, str | None]:
    """("low", "high") for "X.Y-A.B", ("low", None) for "X.Y+", ("X.Y", "X.Y") for "X.Y", (None, None) for "any".

    The one range grammar (atlas/core/django_range.py), allowing "any" and releases older than the atlas covers.
    Raise ValueError with a human message when the value is malformed.
    """
    from atlas.data.versions_data import feature_releases

    try:
        found = parse_range(value, feature_releases(), allow_any=True, allow_older=True)
    except RangeError as error:
        raise ValueError(str(error)) from None
    return found.low, found.high


def django_label(value: str) -> str:
    low, high = parse_django(value)
    if low is None:
        return "any Django"
    if high is None:
        return f"Django {low}+"
    if high == low:
        return f"Django {low}"
    return f"Django {low}–{high}"


# ------------------------------------------------------------------------------------------- checks


def _label(entry, index: int) -> str:
    title = entry.get("title") if isinstance(entry, dict) else None
    return repr(title.strip()) if isinstance(title, str) and title.strip() else f"entry {index + 1}"


def field_problems(source: Source, vocab: Vocabulary | None = None) -> list[str]:
    """The shape of every entry: required fields, types, formats (the JSON Schema says the same)."""
    problems: list[str] = []
    this_year = datetime.date.today().year
    shown = source.shown
    if source.data is None:
        return problems
    if not isinstance(source.data, list):
        return [f"{shown}:1: the file must be a YAML list of entries — start each with '- title: ...'"]
    for index, entry in enumerate(source.data):
        if not isinstance(entry, dict):
            problems.append(f"{shown}:{source.line(index)}: entry {index + 1}: is not a mapping — write it as '- title: ...' followed by its fields")
            continue
        label = _label(entry, index)

        def bad(key, message, fix, index=index, label=label):
            problems.append(f"{shown}:{source.line(index, key)}: {label}.{key}: {message} — {fix}")

        for key in FIELDS:
            if entry.get(key) in (None, ""):
                bad(key, "is missing", f"add a line such as `{EXAMPLES[key]}`")
        for key in sorted(set(entry) - set(FIELDS) - set(READING_FIELDS)):
            bad(key, "is not a known field", f"remove or rename it (known: {', '.join(FIELDS + READING_FIELDS)})")
        for key in ("title", "author"):
            value = entry.get(key)
            if value not in (None, "") and (not isinstance(value, str) or not value.strip() or "\n" in value):
                bad(key, f"{value!r} is not one line of text", "write it as text on one line")
        url = entry.get("url")
        if url not in (None, ""):
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or "." not in parts.netloc or any(c.isspace() for c in url):
                bad("url", f"{url!r} is not an http(s) URL", "write the full address starting with https://")
        year = entry.get("year")
        if year not in (None, ""):
            if isinstance(year, bool) or not isinstance(year, int):
                bad("year", f"{year!r} is not a whole number", "write the year such as 2023, without quotes")
            elif not YEAR_MIN <= year <= this_year:
                bad("year", f"{year} is out of range", f"use the year it was published or last updated ({YEAR_MIN}-{this_year})")
        django = entry.get("django")
        if django not in (None, ""):
            try:
                parse_django(django)
            except ValueError as error:
                what, _, fix = str(error).partition(" — ")
                bad("django", what, fix or "fix the range")
        topics = entry.get("topics")
        if topics not in (None, ""):
            if not isinstance(topics, list) or not topics or not all(isinstance(t, str) for t in topics):
                bad("topics", f"{topics!r} is not a list of topic ids", "write a list such as [websockets, channels]")
            elif len(set(topics)) != len(topics):
                bad("topics", "lists a topic twice", "keep each topic once")
        description = entry.get("description")
        if description not in (None, ""):
            if not isinstance(description, str) or "\n" in description.strip():
                bad("description", "is not one line of text", "write one line")
            else:
                text = description.strip()
                if not text.endswith("."):
                    bad("description", "does not end with a period", "add one")
                if len(text) > DESCRIPTION_MAX:
                    bad("description", f"is {len(text)} characters", f"shorten it to at most {DESCRIPTION_MAX}")
                if text[:1].islower():
                    bad("description", "starts with a lower-case letter", "start it with a capital, as awesome lists do")
    return problems


def _normal_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"


def _release_support(releases) -> dict[str, datetime.date]:
    """{"X.Y": end_of_support} from releases.yml (or from what a test passes in)."""
    if releases is None:
        from atlas.data import versions_data

        releases = versions_data.load_releases()
    if isinstance(releases, dict):
        return dict(releases)
    return {release.version: release.end_of_support for release in releases}


def pinned_release(url: str, vocab: Vocabulary) -> str | None:
    """The release a documentation URL is pinned to ("5.0" for docs.djangoproject.com/en/5.0/...), else None."""
    parts = urlsplit(url)
    pattern = vocab.versioned_docs.get(parts.netloc.lower())
    match = pattern.match(parts.path) if pattern else None
    return match["release"] if match else None


def _project_file(project, stem: str) -> Path:
    """A data file of a validation-layer Project (its file(stem) or data_dir), else of this repository."""
    if project is None:
        return DATA / f"{stem}.yml"
    if hasattr(project, "file"):
        return Path(project.file(stem))
    return Path(project.data_dir) / f"{stem}.yml"


def check(project=None, *, path=None, vocabulary=None, releases=None, today: datetime.date | None = None) -> list[str]:
    """The cross-file rules: vocabulary ids, link policy (blocked hosts, docs pinned to unsupported or unrelated
    releases), duplicates by URL or title, and the sort order.

    Called with nothing it checks this repository; the validation layer may pass its Project (anything with
    `file(stem)` or `data_dir`). `releases` ({"X.Y": end date} or Release objects) and `today` let tests fix
    the calendar; by default they come from the project's releases.yml and the clock."""
    if path is None:
        path = _project_file(project, "resources")
    if vocabulary is None and project is not None:
        vocabulary = _project_file(project, "resource_sections")
    if releases is None and project is not None:
        from atlas.data import versions_data

        releases = versions_data.load_releases(_project_file(project, "releases"))
    path = Path(path)
    vocab = vocabulary if isinstance(vocabulary, Vocabulary) else load_vocabulary(vocabulary)
    support = _release_support(releases)
    today = today or datetime.date.today()
    oldest = min(support, key=release_key) if support else None
    source = _read(path)
    entries = source.data if isinstance(source.data, list) else []
    # as the project's contributors see the file (relative to its root) when the validation layer asks
    shown = project.shown(path) if hasattr(project, "shown") else source.shown
    problems: list[str] = []
    seen_urls: dict[str, str] = {}
    seen_titles: dict[str, str] = {}

    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        label = _label(entry, index)

        def bad(key, message, fix, index=index, label=label):
            problems.append(f"{shown}:{source.line(index, key)}: {label}.{key}: {message} — {fix}")

        for key, known in (("section", vocab.sections), ("kind", vocab.kinds), ("status", vocab.statuses)):
            value = entry.get(key)
            if value not in (None, "") and value not in known:
                bad(key, f"{value!r} is not a known {key}",
                    f"use one of {', '.join(known)} (or add it to {relative(VOCABULARY)})")
        topics = entry.get("topics")
        if isinstance(topics, list):
            for topic in topics:
                if topic not in vocab.topics:
                    bad("topics", f"{topic!r} is not a known topic",
                        f"use one of {', '.join(vocab.topics)} (or add it to {relative(VOCABULARY)})")

        url = entry.get("url")
        if isinstance(url, str) and url.strip():
            parts = urlsplit(url.strip())
            host = parts.netloc.lower()
            rule = vocab.blocked_hosts.get(host) or vocab.blocked_hosts.get(host.removeprefix("www."))
            if rule:
                bad("url", f"{host} is {rule['reason']}", rule["fix"])
            release = pinned_release(url.strip(), vocab)
            if release is not None:
                ended = support.get(release)
                too_old = oldest is not None and release_key(release) < release_key(oldest)
                unsupported = too_old or (ended is not None and ended < today)
                if unsupported and entry.get("status") != "historical":
                    when = f"ended {ended.isoformat()}" if ended else "ended before the oldest release in releases.yml"
                    bad("url", f"links the {release} docs, whose support {when}",
                        "link /stable/ instead, or set `status: historical` if the entry is about that release")
                else:
                    try:
                        low, _high = parse_django(entry.get("django"))
                    except ValueError:
                        low = None
                    if low != release and entry.get("status") != "historical":
                        bad("url", f"links the {release} docs, but the entry is about Django {entry.get('django')}",
                            f"link /stable/, or set django to \"{release}\" if the entry is about that release")
            key = _normal_url(url)
            if key in seen_urls:
                bad("url", f"duplicates the URL of {seen_urls[key]}", "merge the two entries; keep one per address")
            else:
                seen_urls[key] = label

        title = entry.get("title")
        if isinstance(title, str) and title.strip():
            key = title.strip().casefold()
            if key in seen_titles:
                bad("title", f"duplicates the title of {seen_titles[key]}",
                    "merge the two entries (editions belong in one) or make the titles distinct")
            else:
                seen_titles[key] = label

    for index in range(1, len(entries)):
        before, after = entries[index - 1], entries[index]
        known = all(isinstance(e, dict) and e.get("section") in vocab.sections for e in (before, after))
        if known and sort_key(after, vocab) < sort_key(before, vocab):
            problems.append(
                f"{shown}:{source.line(index)}: {_label(after, index)}.section: is out of order "
                f"(it belongs before {_label(before, index - 1)}; entries go by section in the order of "
                f"{relative(VOCABULARY)}, then by title ignoring case) — {FIX_HINT}"
            )
    return problems


def reading_section(section: str, vocab: Vocabulary) -> bool:
    """Whether the section is read in order (read_order), not alphabetically."""
    return (vocab.sections.get(section) or {}).get("order") == "reading"


def sort_key(entry: dict, vocab: Vocabulary) -> tuple[int, str]:
    order = list(vocab.sections)
    section = entry.get("section")
    rank = order.index(section) if section in order else len(order)
    if reading_section(section, vocab) and isinstance(entry.get("read_order"), int):
        return rank, f"{entry['read_order']:06d}"
    return rank, str(entry.get("title", "")).casefold()


def reading_problems(source: Source, vocab: Vocabulary) -> list[str]:
    """A section read in order: each entry has a read_order (1, 2, ... once each) and a why; elsewhere neither."""
    problems, seen = [], {}
    for index, entry in enumerate(source.data if isinstance(source.data, list) else []):
        if not isinstance(entry, dict):
            continue
        label, reading = _label(entry, index), reading_section(entry.get("section"), vocab)

        def bad(key, message, fix, index=index, label=label):
            problems.append(f"{source.shown}:{source.line(index, key)}: {label}.{key}: {message} — {fix}")

        if not reading:
            for key in READING_FIELDS:
                if key in entry:
                    bad(key, f"is only for a section read in order ({entry.get('section')!r} is alphabetical)",
                        "remove it")
            continue
        number, why = entry.get("read_order"), entry.get("why")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            bad("read_order", "is missing or not a whole number from 1", "add `read_order: N`, N its place in the reading order")
        elif (entry.get("section"), number) in seen:
            bad("read_order", f"{number} is also the place of {seen[(entry.get('section'), number)]}",
                "give each entry of the section its own place")
        else:
            seen[(entry.get("section"), number)] = label
        if not isinstance(why, str) or not why.strip() or "\n" in why.strip():
            bad("why", "is missing or not one line", "say in one line why a reader reads it at that point")
    return problems


def problems(path=None, vocabulary=None, releases=None, today=None) -> list[str]:
    """Every problem in the resource file: shape first, then the cross-file rules."""
    path = Path(path) if path is not None else RESOURCES
    vocab = vocabulary if isinstance(vocabulary, Vocabulary) else load_vocabulary(vocabulary)
    shape = field_problems(_read(path), vocab) + reading_problems(_read(path), vocab)
    return shape + check(path=path, vocabulary=vocab, releases=releases, today=today)


def load_resources(path=None, vocabulary=None, releases=None, today=None) -> list[dict]:
    """Read and check the resource file; return its entries or raise DataError listing every problem."""
    path = Path(path) if path is not None else RESOURCES
    found = problems(path, vocabulary, releases, today)
    if found:
        more = f" (and {len(found) - 1} more below)" if len(found) > 1 else ""
        raise DataError(found[0] + more + "".join("\n" + p for p in found[1:]))
    return _read(path).data or []
