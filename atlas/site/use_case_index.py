"""The use-cases index's table (generated/use-case-index.md): every use case with its level on the reader's
release, the first release that allows it and what it needs. Levels come from atlas/data/use_case_levels.py.

Without script the table answers for the newest release; with it, "My Django" (my-django.js) rewrites the
level and needs cells for the reader's release from each row's data-uc-levels: {release: [cell colour, level,
how and what it needs]}, one entry where the answer changes (it holds until the next entry).
"""
from __future__ import annotations

import json
import posixpath

from atlas.site.md_text import attribute


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def answers(use_case: str) -> tuple[dict, str | None]:
    """({release where the answer changes: [cell colour, level, how and what it needs]}, first release)."""
    from atlas.data import use_case_levels
    from atlas.data.versions_data import feature_releases, load_capabilities, requirements

    releases, levels, needs_text = feature_releases(), use_case_levels.load(), requirements()
    capabilities = {c.id: c for c in load_capabilities()}
    said = {}
    for release in releases:
        level, how = use_case_levels.answer(use_case, release, capabilities, levels, needs_text)
        said[release] = [use_case_levels.CELL_CLASS[level], levels.label(level), how or "—"]
    changes = {v: said[v] for i, v in enumerate(releases) if i == 0 or said[v] != said[releases[i - 1]]}
    return changes, use_case_levels.first_release(use_case_levels.table()[use_case])


def level_span(use_case: str) -> str:
    """The use case's level on the newest release, which "My Django" rewrites for the reader's release."""
    changes, _first = answers(use_case)
    newest = list(changes.values())[-1]
    return (f'<span class="atlas-uc-level atlas-cell atlas-cell--{newest[0]}" '
            f'data-uc-levels="{attribute(json.dumps(changes, ensure_ascii=False))}">{_cell(newest[1])}</span>')


def how_span(use_case: str) -> str:
    changes, _first = answers(use_case)
    return f'<span class="atlas-uc-how">{_cell(list(changes.values())[-1][2])}</span>'


def render(page_dir: str = "use-cases") -> str:
    from atlas.data import use_case_levels
    from atlas.data.versions_data import feature_releases, use_cases

    newest = feature_releases()[-1]
    levels = use_case_levels.load()
    # the table repeats every use case's title and needs: searching them should find the use-case pages
    # themselves, not this index (Material's search leaves out what carries data-search-exclude)
    out = [
        '<div class="atlas-uc-index" data-search-exclude markdown>',
        "",
        "| Use case | " + f'<span class="atlas-uc-release" data-newest="{newest}">On Django {newest}</span>'
        + " | First possible | How, and what it needs |",
        "| --- | --- | --- | --- |",
    ]
    for uc, (title, path) in use_cases().items():
        _changes, first = answers(uc)
        first_cell = f"[{first}]({posixpath.relpath(f'versions/{first}.md', page_dir)})" if first else "not yet"
        out.append(f"| [{_cell(title)}]({posixpath.relpath(path, page_dir)}) | {level_span(uc)} | {first_cell} | "
                   f"{how_span(uc)} |")
    out += ["", "</div>", "", "The levels: " + "; ".join(f"**{lv.label}**: {lv.means}" for lv in levels.levels.values()) + "."]
    return "\n".join(out) + "\n"
