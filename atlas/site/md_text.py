"""Data text put into Markdown: Python names keep their underscores, capability ids become links.

Markdown reads ``__call__`` as bold "call"; a renderer that puts a note, an API name or a piece of evidence
from docs/data into a page passes it through `prose()`, which puts every dunder name (``__aiter__``,
``ASGIHandler.__call__()``) in a code span, leaving existing code spans alone.
"""
from __future__ import annotations

import html
import re

CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
DUNDER = re.compile(r"(?<![\w`])((?:[A-Za-z_][\w]*\.)*__[a-z][a-z0-9_]*__(?:\(\))?(?:\.[A-Za-z_]\w*(?:\(\))?)*)")
SEE_ID = re.compile(r"\(see ([a-z0-9]+(?:-[a-z0-9]+)+)\)")


def prose(text: str) -> str:
    """`text` with every dunder name outside code spans put in a code span."""
    out, last = [], 0
    for span in CODE_SPAN.finditer(text):
        out.append(DUNDER.sub(r"`\1`", text[last:span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(DUNDER.sub(r"`\1`", text[last:]))
    return "".join(out)


def link_capabilities(text: str, names: dict[str, str], matrix_link: str) -> str:
    """"(see some-capability-id)" -> "(see [its name](matrix#id))": ids are for the data, names for readers."""
    def replace(match: re.Match) -> str:
        cid = match.group(1)
        if cid not in names:
            return match.group(0)
        return f"(see [{names[cid]}]({matrix_link}#{cid}))"

    return SEE_ID.sub(replace, text)


def attribute(text: str) -> str:
    """Text for an HTML attribute value in a Markdown table cell: html.escape, and `|` as a character
    reference so the table does not split the cell there."""
    return html.escape(text, quote=True).replace("|", "&#124;")
