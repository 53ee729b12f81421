"""Render the error index (docs/data/errors.yml) as the Markdown of docs/faq/errors.md."""
from __future__ import annotations

from atlas.data.error_index import PACKAGES, ErrorEntry, load_errors

# -- rendering ---------------------------------------------------------------------------------------

def _spans(lines: dict[str, int | None]) -> list[tuple[list[str], int | None]]:
    """Consecutive releases with the same line: [(["3.0", "3.1"], 26), (["3.2", ...], 34)]."""
    spans: list[tuple[list[str], int | None]] = []
    for version, line in lines.items():
        if spans and spans[-1][1] == line:
            spans[-1][0].append(version)
        else:
            spans.append(([version], line))
    return spans


def _versions(versions: list[str]) -> str:
    return versions[0] if len(versions) == 1 else f"{versions[0]}–{versions[-1]}"


def source_line(entry: ErrorEntry) -> str:
    name = PACKAGES[entry.package]
    parts = []
    for versions, line in _spans(entry.lines):
        where = f"{name} {_versions(versions)}"
        parts.append(f"line {line} in {where}" if line is not None else f"not in {where}")
    return f"`{entry.source}`: " + "; ".join(parts)


def releases_line(entry: ErrorEntry) -> str:
    if entry.package == "django":
        present = [v for v, line in entry.lines.items() if line is not None]
        text = f"Django {present[0]} and later ([{present[0]} notes](../versions/{present[0]}.md))" if present else "none"
    else:
        (version,) = entry.lines
        text = f"third-party: {PACKAGES[entry.package]} (checked against {version})"
    return text + (f"; {entry.releases_note}" if entry.releases_note else "")


def render_entry(entry: ErrorEntry) -> str:
    raised = f"`{entry.raised_as}`" + (f" {entry.raised_note}" if entry.raised_note else "")
    return "\n".join([
        f"## {entry.title} {{ #{entry.id} }}", "",
        "```text", entry.message, "```", "",
        f"**Raised as:** {raised}<br>",
        f"**Source:** {source_line(entry)}<br>",
        f"**Releases:** {releases_line(entry)}", "",
        f"**Cause.** {entry.cause}", "",
        f"**Fix.** {entry.fix}", "",
    ])


def render_error_index() -> str:
    return "\n".join(render_entry(entry) for entry in load_errors())
