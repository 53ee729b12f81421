"""FAQ entries, checked where they are written: docs/faq/index.md.

Each `##` heading (except the page's closing "Sources") is one entry and must have

* a stable anchor: the heading is a question ending in `{ #short-name }` (links and search results
  point at it, so it never changes with the wording);
* the short answer first: the first thing under the heading is a paragraph whose first sentence
  answers the question in at most SHORT_ANSWER_MAX characters;
* an "Applies to: ..." line whose releases (e.g. "Django 4.1–6.1") are feature releases of
  docs/data/releases.yml, or that says "any"/"every" release;
* a "Sources: ..." line with at least one link (outside, or to the atlas page that measured it) or a
  file of the Django sdist in backticks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from atlas.core.datafile import problem
from atlas.core.django_range import RangeError, parse_range

FAQ_PAGE = "faq/index.md"
SHORT_ANSWER_MAX = 300
HEADING = re.compile(r"^## (?P<text>.+?)\s*(?:\{\s*#(?P<anchor>[^\s}]+)[^}]*\})?\s*$")
ANCHOR = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RANGE = re.compile(r"(?<![\d.])(\d+\.\d+)\s*[–-]\s*(\d+\.\d+)(?![\d.])|(?<![\d.])(\d+\.\d+)\+")
NOT_PROSE = ("- ", "* ", "!!!", "???", "```", "|", "<", "#", "===", ">")
LINK = re.compile(r"\]\(https?://|<https?://|\]\(django:|<django:|\]\([^)\s]+\.md[)#]|`[^`]*/[^`]*`")


@dataclass
class Entry:
    line: int
    text: str
    anchor: str | None
    body: list[tuple[int, str]]  # (line number, line) up to the next entry

    @property
    def label(self) -> str:
        return self.anchor or self.text


def entries(markdown: str) -> list[Entry]:
    """The `##` sections of the page, code fences skipped, after the front matter."""
    found: list[Entry] = []
    fenced = False
    for number, line in enumerate(markdown.split("\n"), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            found.append(Entry(number, match["text"], match["anchor"], []))
        elif found:
            found[-1].body.append((number, line))
    return [entry for entry in found if entry.text != "Sources"]


def _plain(text: str) -> str:
    text = re.sub(r"<!--.*?-->", "", text)  # fact and figure markers: the reader does not see them
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def _first_sentence(paragraph: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", _plain(paragraph))
    return match[1] if match else _plain(paragraph)


def entry_problems(entry: Entry, shown: str, releases: list[str], seen: dict[str, int]) -> list[str]:
    problems = []

    def add(line: int, field: str, what: str, fix: str) -> None:
        problems.append(problem(shown, line, f"{entry.label}.{field}", what, fix))

    if not entry.anchor:
        add(entry.line, "anchor", "the heading has no stable anchor",
            "end the heading with { #short-name }, e.g. { #uploads-asgi }")
    elif not ANCHOR.match(entry.anchor):
        add(entry.line, "anchor", f"{entry.anchor!r} is not kebab-case", "use lowercase letters, digits and dashes")
    elif entry.anchor in seen:
        add(entry.line, "anchor", f"{entry.anchor!r} is already used on line {seen[entry.anchor]}",
            "give each entry its own anchor")
    else:
        seen[entry.anchor] = entry.line
    if not entry.text.endswith("?"):
        add(entry.line, "question", f"{entry.text!r} is not a question", "phrase the heading as the reader's question")

    body = [(n, line) for n, line in entry.body]
    first = next(((n, line) for n, line in body if line.strip()), None)
    if first is None:
        add(entry.line, "short_answer", "the entry is empty", "write the short answer right under the heading")
    else:
        number, line = first
        if line.lstrip().startswith(NOT_PROSE) or re.match(r"\s*\d+\. ", line):
            add(number, "short_answer", "the entry does not start with its short answer",
                "put a sentence that answers the question first, then lists, code or notes")
        else:
            paragraph = []
            for _n, text in body[body.index(first):]:
                if not text.strip():
                    break
                paragraph.append(text.strip())
            sentence = _first_sentence(" ".join(paragraph))
            if len(sentence) > SHORT_ANSWER_MAX:
                add(number, "short_answer", f"the first sentence is {len(sentence)} characters long",
                    f"answer in one sentence of at most {SHORT_ANSWER_MAX} characters, then give the details")

    applies = [(n, line) for n, line in body if line.startswith("Applies to:")]
    if not applies:
        add(entry.line, "applies_to", "has no 'Applies to:' line",
            "add a line such as 'Applies to: Django 4.1–6.1' after the answer")
    for number, line in applies:
        text = line[len("Applies to:"):]
        if not re.search(r"\d+\.\d+|\bany\b|\bevery\b", text):
            add(number, "applies_to", f"{line.strip()!r} names no release",
                "name the releases, e.g. 'Django 4.1–6.1', or say 'any Django release'")
        for match in RANGE.finditer(text):
            value = f"{match[1]}-{match[2]}" if match[1] else f"{match[3]}+"
            try:
                parse_range(value, releases)
            except RangeError as error:
                what, _, fix = str(error).partition(" — ")
                add(number, "applies_to", what, fix)

    sources = [(n, line) for n, line in body if re.match(r"Sources?:", line)]
    if not sources:
        add(entry.line, "sources", "has no 'Sources:' line",
            "end the entry with 'Sources: [title](https://...)' naming where the facts come from")
    elif not any(LINK.search(" ".join(line for n, line in body if n >= number)) for number, _l in sources):
        add(sources[0][0], "sources", "names no link or sdist file",
            "link the source ([title](https://...)) or name the file, e.g. `docs/releases/5.0.txt`")
    return problems


def faq_problems(markdown: str, shown: str, releases: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for entry in entries(markdown):
        problems += entry_problems(entry, shown, releases, seen)
    return problems


def check(project) -> list[str]:
    """The FAQ page of the project, entry by entry."""
    path = project.docs / FAQ_PAGE
    if not path.exists():
        return []
    shown = project.shown(path)
    return faq_problems(path.read_text(encoding="utf-8"), shown, project.releases())
