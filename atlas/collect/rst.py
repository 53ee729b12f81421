"""Reading Django's reStructuredText docs: the one parser of section titles, directive blocks and roles that
the collectors share (release notes, versionadded/versionchanged, the headings a capability's source names)."""
from __future__ import annotations

import re

# A line of one punctuation character repeated (at least three): a section title's underline or overline.
ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{2,}\s*$")
ROLE = re.compile(r":[a-z]+:`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`")


def headings(lines: list[str]) -> dict[int, tuple[int, str]]:
    """{line number of a title: (level, title)}; levels follow the order adornment styles first appear."""
    styles: list[tuple[str, bool]] = []
    found = {}
    for i in range(1, len(lines)):
        if not ADORNMENT.match(lines[i]) or not lines[i - 1].strip() or ADORNMENT.match(lines[i - 1]):
            continue
        over = i >= 2 and bool(ADORNMENT.match(lines[i - 2]))
        style = (lines[i].strip()[0], over)
        if style not in styles:
            styles.append(style)
        found[i - 1] = (styles.index(style), lines[i - 1].strip())
    return found


def titles(text: str) -> list[str]:
    """The section titles of a document, in order."""
    return [title for _, (_level, title) in sorted(headings(text.split("\n")).items())]


def plain(title: str) -> str:
    """Text without RST roles and literals: ':mod:`django.contrib.auth`' -> 'django.contrib.auth'."""
    return ROLE.sub(r"\1", title).replace("``", "")


def block(lines: list[str], start: int, indent: int) -> str:
    """The body of a directive opened at `indent`: the lines from `start` until one indented no deeper, on one line."""
    body = []
    for line in lines[start:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line.strip())
    return " ".join(" ".join(body).split())
