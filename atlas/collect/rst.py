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


# Directives whose body is prose a reader reads (an API's description, a note); every other directive's body
# (code-block, console, literalinclude, versionadded ...) is not a paragraph of the text around it.
PROSE_DIRECTIVES = {"note", "warning", "admonition", "seealso", "attention", "caution", "important", "tip",
                    "function", "method", "class", "attribute", "decorator", "data", "exception",
                    "classmethod", "staticmethod", "setting", "django-admin"}
OBJECT = re.compile(r"^(?P<indent>\s*)\.\. (?:py:)?(?P<kind>function|method|class|attribute|decorator|data|exception|"
                    r"classmethod|staticmethod)::\s*(?P<signature>.+?)\s*$")
MIN_WORDS = 4
DIRECTIVE_LINE = re.compile(r"^(?P<indent>\s*)\.\. (?P<name>[\w:-]+)::(?P<rest>.*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def paragraphs(lines: list[str], start: int = 0, stop: int | None = None) -> list[tuple[int, str]]:
    """(0-based line, text on one line) of each paragraph of prose between lines `start` and `stop`: blocks
    separated by blank lines, a bullet list counted as one paragraph; titles, literal blocks (after ``::``),
    comments and the bodies of non-prose directives (code, versionadded ...) left out."""
    stop = len(lines) if stop is None else stop
    heads = headings(lines)
    found: list[tuple[int, str]] = []
    skip_deeper: int | None = None   # inside a literal block or a non-prose directive opened at this indent
    block: list[str] = []
    first = 0
    literal_next = False

    def flush() -> None:
        nonlocal block, literal_next
        if block:
            text = " ".join(" ".join(block).split())
            literal_next = text.endswith("::")
            if len(text.split()) >= MIN_WORDS:   # "For example::" introduces code; it says nothing alone
                found.append((first, text))
        block = []

    for number in range(start, stop):
        line = lines[number]
        if skip_deeper is not None:
            if not line.strip() or _indent(line) > skip_deeper:
                continue
            skip_deeper = None
        if not line.strip():
            flush()
            continue
        if number in heads or ADORNMENT.match(line):
            flush()
            literal_next = False
            continue
        if literal_next and not block:
            previous = next((found_line for found_line in reversed(lines[:number]) if found_line.strip()), "")
            literal_next = False
            if _indent(line) > _indent(previous):   # the literal block after "...::"
                skip_deeper = _indent(previous)
                continue
        directive = DIRECTIVE_LINE.match(line)
        if directive or line.lstrip().startswith(".. "):
            flush()
            literal_next = False
            if not directive or directive["name"] not in PROSE_DIRECTIVES:
                skip_deeper = _indent(line)
            continue
        if line.lstrip().startswith(":") and block == [] and number > 0 and DIRECTIVE_LINE.match(lines[number - 1] or ""):
            continue  # a directive's option line
        is_item = bool(re.match(r"^\s*(?:[*\-+]|\d+\.|#\.)\s", line))
        if is_item and block and not re.match(r"^\s*(?:[*\-+]|\d+\.|#\.)\s", block[0]):
            flush()   # a list right after a paragraph line
        if not block:
            first = number
        block.append(line.strip())
    flush()
    return found
