"""The resource list: docs/data/resources.yml, checked and rendered as the body of docs/resources/index.md.

Each entry of the YAML file looks like this (every field is required):

    - title: "Channels tutorial: build a chat app"
      url: https://channels.readthedocs.io/en/latest/tutorial/index.html
      kind: official-docs     # one of KINDS, in that order in the file
      author: Django Channels maintainers
      year: 2023              # published or last substantially updated
      django: "3.0+"          # "X.Y+", "X.Y-X.Y", "X.Y" or "any"
      topics: [websockets, channels]   # from TOPICS
      description: One line in our own words, ending with a period.

Entries are sorted by kind (in KINDS order), then by title ignoring case.
`python -m atlas.resources --fix` rewrites the file in that order; `python -m atlas.resources` checks it.

Nothing here imports MkDocs: the generation step (atlas/generate.py) writes render_resources_page() to
generated/resources.md, which docs/resources/index.md includes.
"""
from __future__ import annotations

import argparse
import datetime
import html
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .django_range import RangeError, parse_range
from .errors import DataError
from .paths import DATA, relative

RESOURCES = DATA / "resources.yml"

# Kinds, in the order the file and the page list them, with the page heading for each.
KINDS: dict[str, str] = {
    "official-docs": "Official documentation",
    "talk": "Talks",
    "article": "Articles and guides",
    "book": "Books",
    "course": "Courses",
    "package": "Packages",
    "server": "Servers",
    "tool": "Tools",
    "podcast": "Podcasts",
    "list": "Lists and newsletters",
}

# The fixed topic list; an entry's topics must come from here.
TOPICS: dict[str, str] = {
    "apis": "API frameworks (Django REST framework, Django Ninja) and their async support.",
    "asgi": "ASGI, the async server interface.",
    "async-views": "Async views, class-based and function-based.",
    "asyncio": "Python's asyncio: event loop, coroutines, tasks.",
    "background-jobs": "Work that outlives the request: queues and workers.",
    "celery": "The Celery task queue.",
    "channels": "Django Channels, consumers and channel layers.",
    "concepts": "Explanations of how async works and why.",
    "deadlock": "Code that waits forever, and why.",
    "deployment": "Running Django under a production server.",
    "free-threading": "Free-threaded (no-GIL) Python.",
    "http-clients": "Calling other services over HTTP from async code.",
    "middleware": "Middleware and its sync/async adaptation.",
    "news": "Newsletters, podcasts and other ways to keep up.",
    "orm": "The database layer and its async methods.",
    "performance": "Speed, latency and throughput.",
    "proxies": "Reverse proxies in front of Django (nginx and friends).",
    "redis": "The Redis server.",
    "signals": "Django signals.",
    "sse": "Server-sent events.",
    "streaming": "Streaming responses.",
    "sync-async": "Bridging sync and async code (sync_to_async, async_to_sync).",
    "tasks": "Django's tasks framework (django.tasks) and its backport.",
    "testing": "Testing async code.",
    "threads": "Threads, thread pools and the GIL.",
    "versions": "What changed in which release.",
    "websockets": "WebSocket connections.",
}

FIELDS = ("title", "url", "kind", "author", "year", "django", "topics", "description")
DESCRIPTION_MAX = 200
YEAR_MIN = 1990
# Entries written for a release older than this (or before DATED_YEAR, when about Django) are marked dated.
DATED_BEFORE = (3, 2)
DATED_YEAR = 2021
FIX_HINT = "run `python -m atlas.resources --fix` to rewrite the file in order"
EXAMPLES = {
    "title": 'title: "Channels tutorial: build a chat app"',
    "url": "url: https://channels.readthedocs.io/en/latest/tutorial/index.html",
    "kind": "kind: article",
    "author": "author: Andrew Godwin",
    "year": "year: 2023",
    "django": 'django: "4.2+"',
    "topics": "topics: [websockets, channels]",
    "description": "description: One line in our own words, ending with a period.",
}


def _version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def parse_django(value) -> tuple[str | None, str | None]:
    """("low", "high") for "X.Y-A.B", ("low", None) for "X.Y+", ("X.Y", "X.Y") for "X.Y", (None, None) for "any".

    The one range grammar (atlas/django_range.py), allowing "any" and releases older than the atlas covers.
    Raise ValueError with a human message when the value is malformed.
    """
    from .versions_data import feature_releases

    try:
        found = parse_range(value, feature_releases(), allow_any=True, allow_older=True)
    except RangeError as error:
        raise ValueError(str(error)) from None
    return found.low, found.high


def sort_key(entry: dict) -> tuple[int, str]:
    kinds = list(KINDS)
    kind = entry.get("kind")
    rank = kinds.index(kind) if kind in kinds else len(kinds)
    return rank, str(entry.get("title", "")).casefold()


def _normal_url(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}#{parts.fragment}"


def _read(path: Path, shown: str) -> list:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{shown}: the file does not exist; create it with a list of entries (see atlas/resources.py)") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise DataError(f"{where}: not valid YAML ({getattr(error, 'problem', error)}); fix the syntax there") from None
    if data is None:
        data = []
    if not isinstance(data, list):
        raise DataError(f"{shown}: the file must be a YAML list of entries, each starting with '- title: ...'")
    return data


def validate(entries: list, shown: str) -> list[str]:
    """Every problem in the entries, as messages naming file, entry (index and title), field and fix."""
    problems: list[str] = []
    this_year = datetime.date.today().year
    seen_urls: dict[str, int] = {}
    seen_titles: dict[str, int] = {}

    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(f"{shown}: entry {index} is not a mapping; write it as '- title: ...' followed by its fields")
            continue
        title = entry.get("title")
        label = f"{shown}: entry {index} ({str(title)!r})" if title else f"{shown}: entry {index}"

        def bad(field, message):
            problems.append(f"{label}.{field} = {entry.get(field)!r}: {message}")

        for field in FIELDS:
            if field not in entry or entry[field] is None or entry[field] == "":
                problems.append(f"{label}: field '{field}' is missing; add a line such as `{EXAMPLES[field]}`")
        for field in sorted(set(entry) - set(FIELDS)):
            problems.append(f"{label}: field '{field}' is not a known field (known: {', '.join(FIELDS)}); remove or rename it")

        for field in ("title", "author"):
            value = entry.get(field)
            if value not in (None, "") and (not isinstance(value, str) or not value.strip() or "\n" in value):
                bad(field, "must be a one-line string; write it as text")
        if isinstance(title, str) and title.strip():
            key = title.strip().casefold()
            if key in seen_titles:
                bad("title", f"duplicates the title of entry {seen_titles[key]}; merge the two entries or make the titles distinct")
            else:
                seen_titles[key] = index

        url = entry.get("url")
        if url not in (None, ""):
            parts = urlsplit(url) if isinstance(url, str) else None
            if (
                parts is None
                or parts.scheme not in ("http", "https")
                or "." not in parts.netloc
                or any(ch.isspace() for ch in url)
            ):
                bad("url", "not an http(s) URL; write the full address starting with https://")
            else:
                key = _normal_url(url)
                if key in seen_urls:
                    bad("url", f"duplicates the URL of entry {seen_urls[key]}; keep one entry per address")
                else:
                    seen_urls[key] = index

        kind = entry.get("kind")
        if kind not in (None, "") and kind not in KINDS:
            bad("kind", f"is not a known kind; use one of: {', '.join(KINDS)}")

        year = entry.get("year")
        if year not in (None, ""):
            if isinstance(year, bool) or not isinstance(year, int):
                bad("year", "must be a whole number such as 2023, without quotes")
            elif not YEAR_MIN <= year <= this_year:
                bad("year", f"is out of range; use the year it was published or last updated ({YEAR_MIN}-{this_year})")

        django = entry.get("django")
        if django not in (None, ""):
            try:
                parse_django(django)
            except ValueError as error:
                bad("django", str(error))

        topics = entry.get("topics")
        if topics not in (None, ""):
            if not isinstance(topics, list) or not topics:
                bad("topics", "must be a non-empty list such as [websockets, channels]")
            else:
                for topic in topics:
                    if topic not in TOPICS:
                        bad("topics", f"{topic!r} is not a known topic; use one of: {', '.join(TOPICS)} "
                                      "(or add it to TOPICS in atlas/resources.py)")
                if len(set(map(str, topics))) != len(topics):
                    bad("topics", "lists a topic twice; keep each topic once")

        description = entry.get("description")
        if description not in (None, ""):
            if not isinstance(description, str) or "\n" in description.strip():
                bad("description", "must be one line of text")
            else:
                text = description.strip()
                if not text.endswith("."):
                    bad("description", "must end with a period; add one")
                if len(text) > DESCRIPTION_MAX:
                    bad("description", f"is {len(text)} characters; shorten it to at most {DESCRIPTION_MAX}")

    # Order: only meaningful between well-formed neighbours.
    for index in range(1, len(entries)):
        before, after = entries[index - 1], entries[index]
        if isinstance(before, dict) and isinstance(after, dict) and sort_key(after) < sort_key(before):
            problems.append(
                f"{shown}: entry {index + 1} ({after.get('title')!r}) should come before entry {index} "
                f"({before.get('title')!r}): entries are sorted by kind ({', '.join(KINDS)}), then by title "
                f"ignoring case; {FIX_HINT}"
            )
    return problems


def load_resources(path=None) -> list[dict]:
    """Read and check the resource file; return its entries or raise DataError listing every problem."""
    path = Path(path) if path is not None else RESOURCES
    shown = relative(path)
    entries = _read(path, shown)
    problems = validate(entries, shown)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s) below)" if len(problems) > 1 else ""
        raise DataError(problems[0] + more + ("\n" + "\n".join(problems[1:]) if len(problems) > 1 else ""))
    return entries


# ---------------------------------------------------------------------------------------------- fixer


def _scalar(value) -> str:
    """One YAML scalar, quoted only when YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return text.removesuffix("...").strip()


def dump(entries: list) -> str:
    """The file text for `entries`, one readable block per entry, fields in the documented order."""
    lines = [
        "# Resources listed on docs/resources/. Every entry was found, not guessed; see atlas/resources.py for the fields.",
        "# Keep entries sorted by kind, then title (ignoring case): `python -m atlas.resources --fix` does it for you.",
        "",
    ]
    for entry in entries:
        if not isinstance(entry, dict):
            lines.append(f"- {_scalar(entry)}")
            lines.append("")
            continue
        fields = [f for f in FIELDS if f in entry] + [f for f in entry if f not in FIELDS]
        for number, field in enumerate(fields):
            value = entry[field]
            if field == "django" and isinstance(value, str):
                rendered = '"' + value.replace('"', '\\"') + '"'
            elif field == "topics" and isinstance(value, list) and all(isinstance(t, str) and re.fullmatch(r"[a-z0-9-]+", t) for t in value):
                rendered = "[" + ", ".join(value) + "]"
            else:
                rendered = _scalar(value)
            lines.append(f"{'- ' if number == 0 else '  '}{field}: {rendered}")
        lines.append("")
    return "\n".join(lines)


def fix(path=None) -> list[str]:
    """Rewrite the file sorted (kind, then title); return the problems that remain after sorting."""
    path = Path(path) if path is not None else RESOURCES
    shown = relative(path)
    entries = _read(path, shown)
    ordered = sorted(entries, key=lambda e: sort_key(e) if isinstance(e, dict) else (len(KINDS) + 1, ""))
    path.write_text(dump(ordered), encoding="utf-8")
    return validate(_read(path, shown), shown)


# --------------------------------------------------------------------------------------------- render


def is_dated(entry: dict) -> bool:
    """Written for a release older than 3.2, or before 2021 about Django: worth a second look today."""
    low, high = parse_django(entry["django"])
    if low is None:  # "any": not tied to Django releases
        return False
    if high is not None and _version(high) < DATED_BEFORE:
        return True
    return entry["year"] < DATED_YEAR


def django_label(value: str) -> str:
    low, high = parse_django(value)
    if low is None:
        return "any Django"
    if high is None:
        return f"Django {low}+"
    if high == low:
        return f"Django {low}"
    return f"Django {low}–{high}"


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def _entry_html(entry: dict) -> str:
    low, high = parse_django(entry["django"])
    dated = is_dated(entry)
    attrs = {
        "class": "atlas-resource" + (" atlas-resource--dated" if dated else ""),
        "data-topics": " ".join(entry["topics"]),
        "data-django": entry["django"].strip(),
        "data-django-min": low or "",
        "data-django-max": "" if high is None else high,
    }
    attr_text = " ".join(f'{name}="{_esc(value)}"' for name, value in attrs.items())
    labels = [f'<span class="atlas-badge atlas-resource-release">{_esc(django_label(entry["django"]))}</span>']
    if dated:
        labels.append('<span class="atlas-badge atlas-resource-dated" title="Written for an older Django; see the note at the top">dated</span>')
    labels += [f'<span class="atlas-badge atlas-resource-topic">{_esc(topic)}</span>' for topic in entry["topics"]]
    return (
        f"<li {attr_text}>"
        f'<a href="{_esc(entry["url"].strip())}">{_esc(entry["title"].strip())}</a>'
        f" — {_esc(entry['description'].strip())} <em>({_esc(entry['author'].strip())}, {entry['year']})</em>"
        f"<br><small>{' '.join(labels)}</small>"
        "</li>"
    )


def _filter_html(entries: list[dict]) -> str:
    used = sorted({topic for entry in entries for topic in entry["topics"]})
    topic_options = "".join(f'<option value="{_esc(t)}">{_esc(t)}</option>' for t in used)
    from .versions_data import feature_releases  # the page's release filter offers every covered release

    release_options = "".join(f'<option value="{r}">Django {r}</option>' for r in feature_releases())
    return (
        '<form class="atlas-resource-filter" hidden>\n'
        '<label>Topic <select data-filter="topic"><option value="">all topics</option>'
        f"{topic_options}</select></label>\n"
        '<label>Release <select data-filter="release"><option value="">any release</option>'
        f"{release_options}</select></label>\n"
        '<output class="atlas-resource-count" aria-live="polite"></output>\n'
        "</form>"
    )


def render(entries: list[dict]) -> str:
    """Markdown (with raw HTML lists) for the resource page body, grouped by kind in KINDS order."""
    out = [
        f"{len(entries)} resources, grouped by kind. Each one was found and checked before it was listed; "
        "the descriptions are ours.",
        "",
        '!!! note "What *dated* means"',
        "    An entry labelled **dated** was written for a Django release older than 3.2, or before 2021 "
        "when it is about Django. It is listed because the ideas still help, but details (settings, APIs, "
        "what is still synchronous) may have changed since: check them against the current Django docs.",
        "",
        "Pick a topic or a release to narrow the list (this needs JavaScript; without it the full list shows). "
        "A release shows the entries whose range covers it, plus those that apply to any release.",
        "",
        _filter_html(entries),
        "",
    ]
    for kind, heading in KINDS.items():
        group = [entry for entry in entries if entry["kind"] == kind]
        if not group:
            continue
        out.append(f"## {heading} {{#resources-{kind} .atlas-resource-heading data-kind=\"{kind}\"}}")
        out.append("")
        out.append('<ul class="atlas-resource-list">')
        out.extend(_entry_html(entry) for entry in sorted(group, key=sort_key))
        out.append("</ul>")
        out.append("")
    return "\n".join(out)


def render_resources_page(path=None) -> str:
    """The body of docs/resources/index.md (no front matter), from the checked resource file."""
    return render(load_resources(path))


# ------------------------------------------------------------------------------------------------ CLI


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.resources", description=__doc__.splitlines()[0])
    parser.add_argument("--fix", action="store_true", help="rewrite the file sorted by kind, then title")
    parser.add_argument("--path", default=None, help="the resource file (default: docs/data/resources.yml)")
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else RESOURCES
    try:
        if args.fix:
            problems = fix(path)
            print(f"{relative(path)}: rewritten in order")
            if problems:
                print("\n".join(problems), file=sys.stderr)
                return 1
            return 0
        entries = load_resources(path)
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    counts = {kind: sum(entry["kind"] == kind for entry in entries) for kind in KINDS}
    print(f"{relative(path)}: {len(entries)} entries OK ("
          + ", ".join(f"{kind} {count}" for kind, count in counts.items() if count) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
