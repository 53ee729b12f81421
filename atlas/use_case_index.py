"""The use-cases index's table (generated/use-case-index.md): every use case with its level on the reader's
release, the first release that allows it and what it needs. Levels come from atlas/use_case_levels.py.

Without script the table answers for the newest release; with it, "My Django" (my-django.js) rewrites the
level and needs cells for the reader's release from each row's data-uc-levels: {release: [cell colour, level,
how and what it needs]}, one entry where the answer changes (it holds until the next entry).
"""
from __future__ import annotations

import json
import posixpath


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("|", "&#124;")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(page_dir: str = "use-cases") -> str:
    from . import use_case_levels
    from .versions_data import feature_releases, load_capabilities, requirements, use_cases

    releases = feature_releases()
    newest = releases[-1]
    levels = use_case_levels.load()
    needs_text = requirements()
    capabilities = {c.id: c for c in load_capabilities()}
    table = use_case_levels.table()
    out = [
        "| Use case | " + f'<span class="atlas-uc-release" data-newest="{newest}">On Django {newest}</span>'
        + " | First possible | How, and what it needs |",
        "| --- | --- | --- | --- |",
    ]
    for uc, (title, path) in use_cases().items():
        said = {}
        for release in releases:
            level, how = use_case_levels.answer(uc, release, capabilities, levels, needs_text)
            said[release] = [use_case_levels.CELL_CLASS[level], levels.label(level), how or "—"]
        changes = {v: said[v] for i, v in enumerate(releases) if i == 0 or said[v] != said[releases[i - 1]]}
        first = use_case_levels.first_release(table[uc])
        level, label, how = said[newest]
        first_cell = f"[{first}]({posixpath.relpath(f'versions/{first}.md', page_dir)})" if first else "not yet"
        data = _attr(json.dumps(changes, ensure_ascii=False))
        link = posixpath.relpath(path, page_dir)
        out.append(
            f'| [{_cell(title)}]({link}) | <span class="atlas-uc-level atlas-cell atlas-cell--{level}" '
            f'data-uc-levels="{data}">{_cell(label)}</span> | {first_cell} | '
            f'<span class="atlas-uc-how">{_cell(how)}</span> |'
        )
    out += ["", "The levels: " + "; ".join(f"**{lv.label}**: {lv.means}" for lv in levels.levels.values()) + "."]
    return "\n".join(out) + "\n"
