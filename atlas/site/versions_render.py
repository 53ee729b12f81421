"""Render the version data as Markdown (Material for MkDocs flavour). Pure functions, no MkDocs import.

Where the output is meant to live (links are relative to it):

* render_release_page(v)   -> docs/versions/<v>.md (complete page, front matter included)
* render_capability_matrix -> docs/versions/matrix.md (body; anchors: one per capability id)
* render_usecase_matrix    -> a page in docs/versions/ (body)
* render_upgrade_view      -> a page in docs/versions/ (body)
* render_roadmap           -> a page in docs/versions/ (body)
* render_timeline          -> the home page, docs/index.md (body snippet)

Pass ``page_dir`` (relative to docs/) to the body renderers if you place them elsewhere.
"""
from __future__ import annotations

import json
import posixpath

from atlas.data import support
from atlas.data.versions_data import (
    Capability,
    Release,
    feature_releases,
    load_capabilities,
    load_releases,
    load_roadmap,
    release_key,
    requirements,
    use_cases,
)
from atlas.site.md_text import attribute, link_capabilities, prose

YES = "✓ yes"  # a text glyph: emoji fonts are not on every machine
PARTIAL = "◐ partial"
NO = "— no"

STATUS_BADGES = {
    "shipped": "✓ shipped",
    "merged": "🔀 merged for the next release",
    "accepted": "☑️ accepted",
    "proposed": "📝 proposed",
    "discussed": "💬 discussed",
}


def _link(target: str, page_dir: str) -> str:
    """A link from a page in docs/<page_dir>/ to docs/<target>."""
    return posixpath.relpath(target, page_dir or ".")


def _esc(text: str) -> str:
    """Escape text for a Markdown table cell (dunder names kept as code: md_text.prose)."""
    return prose(text).replace("|", "\\|").replace("\n", " ")


def _note(text: str, page_dir: str) -> str:
    """A capability note or change note for a page: names as code, "(see <capability id>)" as a link."""
    names = {c.id: c.name for c in load_capabilities()}
    return link_capabilities(prose(text), {k: prose(v) for k, v in names.items()}, _link("versions/matrix.md", page_dir))


def _date(d) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _month(d) -> str:
    return f"{d:%B %Y}"


def _releases() -> dict[str, Release]:
    return {r.version: r for r in load_releases()}


def _capability_link(cap: Capability, page_dir: str) -> str:
    return f"[{_esc(cap.name)}]({_link('versions/matrix.md', page_dir)}#{cap.id})"


def _release_link(version: str, page_dir: str) -> str:
    return f"[{version}]({_link(f'versions/{version}.md', page_dir)})"


def _use_case_link(uc: str, page_dir: str) -> str:
    title, path = use_cases()[uc]
    return f"[{title}]({_link(path, page_dir)})"


def _support_text(release: Release) -> str:
    when = _month(release.end_of_support) if release.end_of_support_expected else _date(release.end_of_support)
    return f"{when} (announced)" if release.end_of_support_expected else when


def _support_cell(release: Release) -> str:
    """The state on the build day first (support.today()), then the date it ends or ended."""
    current = support.state(release)
    if current == support.ENDED:
        return f"ended {_date(release.end_of_support)}"
    if current == support.SECURITY:
        return f"security fixes only, until {_support_text(release)}"
    return f"supported; security fixes until {_support_text(release)}"


# --------------------------------------------------------------------------------------------------
# Release pages


def render_release_page(version: str) -> str:
    from atlas.site import async_api_render, before_render

    releases = _releases()
    if version not in releases:
        raise KeyError(f"unknown release {version!r}; known: {', '.join(releases)}")
    r = releases[version]
    caps = load_capabilities()
    here = "versions"
    added = [c for c in caps if c.shipped and c.added == version]
    changed = [(c, ch) for c in caps for ch in c.changed if ch.version == version]
    removed = [c for c in caps if c.removed == version]
    unlocked = sorted({uc for c in added for uc in c.use_cases}, key=list(use_cases()).index)

    out = [
        "---",
        f"title: Django {version}",
        f"summary: {json.dumps(r.summary, ensure_ascii=False)}",
        f'django: "{version}"',
        "tags: [versions]",
        "---",
        "",
        f"# Django {version}",
        "",
        r.summary,
        "",
        "| Fact | Value |",
        "| --- | --- |",
        f"| Released | {_date(r.released)} |",
        f"| Newest patch | {r.newest_patch} |",
        f"| Long-term support | {'yes (LTS)' if r.lts else 'no'} |",
        f"| Supported Pythons | {', '.join(r.pythons)} |",
        f"| Minimum asgiref | {r.asgiref_min} |",
        f"| Support on {_date(support.today())} | {support.describe(r)} |",
        f"| Verified with | Django {r.newest_patch} on Python {r.probe_python} |",
        "",
        "## What it adds for async",
        "",
    ]
    if added:
        for c in added:
            level = (" — *partial*: " + _note(c.notes, here)) if c.support != "full" else \
                (" — " + _note(c.notes, here) if c.notes else "")
            patch = f" (from the {c.added_patch} patch release)" if c.added_patch else ""
            out.append(f"- {_capability_link(c, here)}{patch}{level}")
    else:
        out.append("Nothing new for async in this release; see the upgrade notes below.")
    if changed:
        out += ["", "### Changed in this release", ""]
        for c, ch in changed:
            out.append(f"- {_capability_link(c, here)}: {_note(ch.note, here)}")
    if removed:
        out += ["", "### Removed in this release", ""]
        for c in removed:
            out.append(f"- {_capability_link(c, here)}")
    out += [""] + async_api_render.render_added_in(version, here)
    out += before_render.release_section(version, here)
    out += ["## Use cases it unlocks", ""]
    # unlocked: the use case's level rises here (atlas/data/use_case_levels.py); helped: it gains a building block
    from atlas.data import use_case_levels

    levels, table = use_case_levels.load(), use_case_levels.table()
    before = feature_releases()[feature_releases().index(version) - 1] if version != feature_releases()[0] else None
    added_ids = {c.id for c in added}
    if before is None:  # the first release covered: what its own capabilities make possible
        risen = [uc for uc, row in table.items() if row[version].way and added_ids & set(row[version].way.capabilities)]
    else:
        risen = [uc for uc, row in table.items() if levels.rank(row[version].level) > levels.rank(row[before].level)]
    for uc in risen:
        was = f"{levels.label(table[uc][before].level)} → " if before else ""
        out.append(f"- {_use_case_link(uc, here)} ({was}{levels.label(table[uc][version].level)})")
    if not risen:
        out.append("No use case changes level here; everything from earlier releases still applies.")
    helped = [uc for uc in unlocked if uc not in risen]
    if helped:
        out += ["", "It also adds building blocks to:", ""]
        for uc in helped:
            names = ", ".join(prose(c.name) for c in added if uc in c.use_cases)
            out.append(f"- {_use_case_link(uc, here)} — {names}")
    out += ["", "## Upgrade notes", ""]
    out += [f"- {prose(note)}" for note in r.upgrade_notes] or ["- None."]
    out += ["", '!!! warning "Pitfalls"', ""]
    out += [f"    - {prose(p)}" for p in r.pitfalls] or ["    - None known."]
    out += [
        "",
        "## Sources",
        "",
        f"- [Django {version} release notes]({r.docs_url}) (`{r.source}` in the Django {r.newest_patch} sdist)",
    ]
    if r.support_source:
        out.append(f"- [Supported versions and end-of-support dates]({r.support_source})")
    out.append(f"- Every capability above is probed against Django {r.newest_patch}: see the [capability matrix](matrix.md).")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Capability matrix


def render_capability_matrix(page_dir: str = "versions") -> str:
    caps = load_capabilities()
    shipped = [c for c in caps if c.shipped]
    missing = [c for c in caps if not c.shipped]
    notes: list[str] = []

    def note(text: str) -> int:
        notes.append(text)
        return len(notes)

    releases = feature_releases()
    header = "| Capability | " + " | ".join(_release_link(v, page_dir) for v in releases) + " |"
    sep = "| --- | " + " | ".join(":---:" for _ in releases) + " |"
    out = [
        f"Each row is a capability, each column a Django feature release. {YES}: available; "
        f"{PARTIAL} [n]: available with limits explained in note n; {NO}: not available; "
        f"{YES} X.Y.N+: arrived in that patch release, not in the feature release itself; "
        "Δ [n]: changed in that release (note n). Every cell is checked by running a probe against the "
        "release's newest patch.",
        "",
        '<div class="atlas-matrix" markdown>',  # compact cells so all 11 releases fit (atlas.css)
        "",
        header,
        sep,
    ]
    for c in shipped:
        partial_note = note(f"**{c.name}**: {_note(c.notes, page_dir)}") if c.support == "partial" else None
        change_notes = {ch.version: note(f"**{c.name}**, {ch.version}: {_note(ch.note, page_dir)}") for ch in c.changed}
        cells = []
        for v in releases:
            level = c.level_in(v) or "no"
            if level == "full":
                text = YES + (f" {c.added_patch}+" if c.added_patch and v == c.added else "")
            elif level == "partial":
                text = f"{PARTIAL} [[{partial_note}]](#note-{partial_note})"
                if c.added_patch and v == c.added:
                    text += f" {c.added_patch}+"
            else:
                text = NO
            if v in change_notes:
                n = change_notes[v]
                text += f" Δ [[{n}]](#note-{n})"
            cells.append(_matrix_cell(level, v in change_notes, text))
        out.append(f"| {_matrix_row_label(c)} | " + " | ".join(cells) + " |")
    out += ["", "</div>"]
    if notes:
        out += ["", "## Notes", ""]
        for i, text in enumerate(notes, 1):
            out.append(f'{i}. <a id="note-{i}"></a>{_esc(text)}')
    if missing:
        out += [
            "",
            "## Not there yet",
            "",
            "Not available in any release covered here. The tracker is where the work is discussed; "
            "the date says when we last looked.",
            "",
            "| Capability | Workaround today | Tracked by | Checked |",
            "| --- | --- | --- | --- |",
        ]
        for c in missing:
            t = c.tracked_by
            out.append(
                f'| <a id="{c.id}"></a>{_esc(c.name)} | {_esc(c.notes)} | [{_esc(t.title)}]({t.url}) | {c.checked} |'
            )
    out += ["", "## Details", ""]
    needs = requirements()
    for c in shipped:
        apis = ", ".join(f"`{a}`" for a in c.apis)
        reqs = ", ".join(needs[r] for r in c.requires) or needs["none"]
        ucs = ", ".join(_use_case_link(u, page_dir) for u in c.use_cases) or "—"
        # the notes of full-support rows are shown here (partial ones are numbered notes of the table)
        told = f" Note: {_note(c.notes, page_dir)}" if c.notes and c.support == "full" else ""
        out.append(
            f"- **{prose(c.name)}** (since {_release_link(c.added, page_dir)}): {apis}. Needs: {reqs}. "
            f"Use cases: {ucs}. Source: `{c.source.file}`, section “{c.source.section}”.{told}"
        )
    out.append("")
    return "\n".join(out)


def _matrix_cell(level: str, changed: bool, text: str) -> str:
    """A cell that keeps its symbol and word, with a class for colour (atlas.css) and for the reader's
    release picker (my-django.js): data-level is full, partial or no; data-changed marks a Δ."""
    changed_attr = ' data-changed="true"' if changed else ""
    return f'<span class="atlas-cell atlas-cell--{level}" data-level="{level}"{changed_attr}>{text}</span>'



def _matrix_row_label(cap: Capability) -> str:
    """The first cell: the capability's anchor, carrying what the filter box matches besides the name
    (its APIs and use cases)."""
    titles = use_cases()
    names = " ".join(titles[u][0] for u in cap.use_cases)
    return (f'<a id="{cap.id}" class="atlas-row" data-apis="{attribute(" ".join(cap.apis))}" '
            f'data-use-cases="{attribute(names)}"></a>{_esc(cap.name)}')


# --------------------------------------------------------------------------------------------------
# Use case x release matrix


def render_usecase_matrix(page_dir: str = "versions") -> str:
    """Each use case's level on each release, from atlas/data/use_case_levels.py (the one computation the
    use-cases index and the use-case pages' "applies to" read too)."""
    from atlas.data import use_case_levels

    caps = [c for c in load_capabilities() if c.shipped]
    releases = feature_releases()
    levels = use_case_levels.load()
    table = use_case_levels.table()
    needs = requirements()
    header = "| Use case | " + " | ".join(_release_link(v, page_dir) for v in releases) + " |"
    sep = "| --- | " + " | ".join(":---:" for _ in releases) + " |"
    out = [
        "How far each release lets you build each use case: "
        + "; ".join(f"**{level.label}**: {level.means}" for level in levels.levels.values())
        + ". A use case counts the packages it needs, not only Django's own capabilities.",
        "",
        '<div class="atlas-matrix atlas-matrix--use-cases" markdown>',
        "",
        header,
        sep,
    ]
    for uc, row in table.items():
        cells = [_matrix_cell(use_case_levels.CELL_CLASS[row[v].level], False, _esc(levels.label(row[v].level))) for v in releases]
        out.append(f"| {_use_case_link(uc, page_dir)} | " + " | ".join(cells) + " |")
    out += ["", "</div>", "", "### How each use case is built, and what it relies on", ""]
    for uc in table:
        ways = []
        for way in levels.ways[uc]:
            wanted = [r for r in needs if r != "none" and (r in way.needs or any(
                r in c.requires for c in caps if c.id in way.capabilities))]
            first = next((v for v in releases if use_case_levels.way_cell(
                way, v, {c.id: c for c in caps}, levels, list(needs)).level != "none"), None)
            since = f"from {_release_link(first, page_dir)}" if first else "not in any release yet"
            ways.append(f"{way.name} ({since}; needs {', '.join(needs[r] for r in wanted) or needs['none']})")
        relevant = [c for c in caps if uc in c.use_cases]
        line = f"- {_use_case_link(uc, page_dir)}: " + "; or ".join(ways) + "."
        if relevant:
            line += " Relies on: " + ", ".join(f"{_capability_link(c, page_dir)} ({c.added})" for c in relevant) + "."
        out.append(line)
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Upgrade view


def render_upgrade_view(page_dir: str = "versions") -> str:
    from atlas.data import use_case_levels

    caps = [c for c in load_capabilities() if c.shipped]
    levels = use_case_levels.load()
    table = use_case_levels.table()
    out = [
        "Each section starts from a release you may run today; each row is a later release. Going from your "
        "release to a row's release you gain everything in that row **and the rows above it** (the count "
        "is cumulative). Each row says first what it lets you build, then the capabilities it adds. "
        "Read the linked release pages for upgrade notes and pitfalls.",
        "",
    ]
    releases = feature_releases()
    for i, start in enumerate(releases[:-1]):
        out += [f"## From Django {start}", "",
                "| Upgrade to | So now you can | You gain (total) | New in that release |",
                "| --- | --- | ---: | --- |"]
        total = 0
        for target in releases[i + 1:]:
            before = releases[releases.index(target) - 1]
            gained = [c for c in caps if c.present_in(target) and not c.present_in(before)]
            total += len(gained)
            items = ", ".join(_capability_link(c, page_dir) for c in gained) or "no new async APIs"
            unlocked = [
                f"{_use_case_link(uc, page_dir)} ({levels.label(row[before].level)} → "
                f"{levels.label(row[target].level)})"
                for uc, row in table.items() if levels.rank(row[target].level) > levels.rank(row[before].level)
            ]
            out.append(f"| {_release_link(target, page_dir)} | {', '.join(unlocked) or 'no new use case'} | {total} | {items} |")
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Roadmap


def render_roadmap(page_dir: str = "versions") -> str:
    items = load_roadmap()
    merged = [i for i in items if i.status == "merged"]
    planned = [i for i in items if i.status != "merged"]
    caps = {c.id: c for c in load_capabilities()}
    out = [
        "What is planned or discussed for async Django. Status: "
        + ", ".join(f"{badge}" for badge in STATUS_BADGES.values())
        + ". Each item links to its source and says when we last checked it.",
        "",
    ]
    for release in sorted({i.release for i in merged}):
        here = [i for i in merged if i.release == release]
        newest = max(i.checked for i in here)
        out += [
            f"## Merged for Django {release} {{ #merged-{release.replace('.', '-')} }}",
            "",
            f"Already on Django's main branch, from the in-development release notes (`docs/releases/{release}.txt`, "
            f"read {newest}). They can still change before the release.",
            "",
            "| Change | Where in the notes | Source | Checked |",
            "| --- | --- | --- | --- |",
        ]
        for item in here:
            out.append(
                f"| [{_esc(item.title)}](#{item.id}) | {_esc(item.section)} | "
                f"[{_esc(item.source.title)}]({item.source.url}) | {item.checked} |"
            )
        out.append("")
    out += [
        "## Planned and discussed",
        "",
        "| Item | Status | Source | Checked |",
        "| --- | --- | --- | --- |",
    ]
    for item in planned:
        out.append(
            f"| [{_esc(item.title)}](#{item.id}) | {STATUS_BADGES[item.status]} | "
            f"[{_esc(item.source.title)}]({item.source.url}) | {item.checked} |"
        )
    out.append("")
    for item in merged + planned:
        where = f" · **In:** Django {item.release} notes, {item.section}" if item.status == "merged" else ""
        out += [
            f'### {item.title} {{ #{item.id} }}',
            "",
            f"**Status:** {STATUS_BADGES[item.status]}{where} · **Checked:** {item.checked}",
            "",
            item.summary,
            "",
            f"Source: [{item.source.title}]({item.source.url})",
        ]
        related = [caps[r] for r in item.related if r in caps]
        if related:
            out += ["", "Related capabilities: " + ", ".join(_capability_link(c, page_dir) for c in related)]
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# Timeline (home page)


def render_timeline(page_dir: str = ".") -> str:
    releases = load_releases()
    roadmap = {i.id: i for i in load_roadmap()}
    out = [
        f"| Release | Released | Async headline | Support on {_date(support.today())} |",
        "| --- | --- | --- | --- |",
    ]
    for r in sorted(releases, key=lambda r: release_key(r.version), reverse=True):
        lts = " LTS" if r.lts else ""
        out.append(
            f"| [Django {r.version}{lts}]({_link(f'versions/{r.version}.md', page_dir)}) | {_month(r.released)} | "
            f"{_esc(r.summary)} | {_support_cell(r)} |"
        )
    upcoming = [i for i in roadmap.values() if i.coming_next]
    if upcoming:
        out += ["", "**Coming next:** " + " · ".join(
            f"[{_esc(i.title)}]({_link('versions/roadmap.md', page_dir)}#{i.id}) ({STATUS_BADGES[i.status]})"
            for i in upcoming
        )]
    out.append("")
    return "\n".join(out)
