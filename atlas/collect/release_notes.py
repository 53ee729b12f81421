"""The async-relevant items of a release's docs: release-note bullets and versionadded/versionchanged directives."""
from __future__ import annotations

import re
from dataclasses import dataclass

from atlas.collect import rst
from atlas.collect.about_async import concerns_async

# --------------------------------------------------------------------------------------------------
# Async-relevant items of a release: release-note bullets and versionadded/versionchanged directives



@dataclass
class Item:
    file: str
    section: str  # innermost heading above it
    path: str  # headings from the top, joined with " › "
    kind: str  # "notes" or "versionadded" / "versionchanged"
    text: str

    def short(self, width: int = 160) -> str:
        text = " ".join(rst.plain(self.text).split())
        return text if len(text) <= width else text[: width - 1] + "…"


def _walk(text: str):
    """(line index, line, heading path) for every line of an RST document."""
    lines = text.split("\n")
    heads = rst.headings(lines)
    stack: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if i in heads:
            level, title = heads[i]
            stack = [s for s in stack if s[0] < level] + [(level, rst.plain(title))]
        yield i, line, [s[1] for s in stack], lines


def note_items(text: str, file: str) -> list[Item]:
    """Bullets of a release-notes file that are about async (by keyword, or under an async section)."""
    items = []
    current: list[str] | None = None
    path: list[str] = []

    def close():
        if current is None:
            return
        body = "\n".join(current).strip()
        placeholder = body.strip("* .") == ""  # the notes' "* ..." stubs of empty sections
        if not placeholder and concerns_async(body, path[-1] if path else ""):
            items.append(Item(file, path[-1] if path else "", " › ".join(path[1:] or path), "notes", body))

    for _i, line, heads, _lines in _walk(text):
        if line.startswith("* "):  # a bullet at the left margin starts an item
            close()
            current, path = [line], heads
        elif current is not None and (line.startswith("  ") or not line.strip()):
            current.append(line)  # its indented continuation lines and blank lines
        else:
            close()
            current = None
    close()
    return items


DIRECTIVE = re.compile(r"^(\s*)\.\. (versionadded|versionchanged):: (\S+)\s*(.*)$")


def directive_items(files: dict[str, str], feature: str) -> list[Item]:
    """versionadded/versionchanged `feature` directives in docs/topics, ref and howto, about async."""
    items = []
    for name, text in sorted(files.items()):
        if not name.startswith(("docs/topics/", "docs/ref/", "docs/howto/")) or f":: {feature}" not in text:
            continue
        lines = text.split("\n")
        walked = list(_walk(text))
        for i, line, heads, _ in walked:
            m = DIRECTIVE.match(line)
            if not m or m.group(3) != feature:
                continue
            indent = len(m.group(1))
            body = [m.group(4)]
            for follow in lines[i + 1:]:
                if follow.strip() and len(follow) - len(follow.lstrip()) <= indent:
                    break
                body.append(follow)
            before: list[str] = []
            paragraphs = 0
            for back in reversed(lines[:i]):
                if not back.strip():
                    if before and before[0] != "":
                        paragraphs += 1
                        if paragraphs == 2:
                            break
                        before.insert(0, "")
                    continue
                if rst.ADORNMENT.match(back):
                    break
                before.insert(0, back)
            context = "\n".join(before + body)
            if concerns_async(context):
                items.append(Item(name, heads[-1] if heads else "", " › ".join(heads), m.group(2),
                                  "\n".join(before).strip() + "\n" + "\n".join(body).strip()))
    return items
