"""Render what each release did before a change (docs/data/async_before.json): a fact on the API index, a
"Before this release" section on each release page. Both carry data-before (the previous release), so "My
Django" (my-django.js) tells a reader on that release or an older one that this is what they have."""
from __future__ import annotations

import html
import posixpath
import re
from functools import lru_cache

from atlas.collect import rst
from atlas.data.versions_data import load_capabilities
from atlas.site.md_text import prose

DOCS_URL = "https://docs.djangoproject.com/en/{release}/{page}/"


@lru_cache(maxsize=1)
def _directives() -> tuple[dict, ...]:
    from atlas.data import async_before

    return tuple(async_before.load()["directives"])


def _code(text: str) -> str:
    return f"<code>{html.escape(text, quote=False)}</code>"


def raised_text(before: dict) -> str:
    """What the previous release did when the new thing was used, as found by running it there."""
    seen = [e for e in before["raised"] if e["error"]]
    errors = list(dict.fromkeys(e["error"] for e in seen if e["by"] != "probe"))
    if errors:
        return f"Django {before['django']} raised " + " and ".join(_code(e) for e in errors[:2])
    if seen:
        return f"on Django {before['django']} the capability's probe failed with {_code(seen[0]['error'])}"
    if before["raised"]:
        return f"the capability's probe ran without an error on Django {before['django']}"
    return f"nothing was run on Django {before['django']}"


def workaround_text(before: dict) -> str:
    work = before["workaround"]
    if not work:
        return ""
    where = f"{work['source']['file']}:{work['source']['line']} of the {before['release']} docs"
    if work["adapter"] == "sync_to_async":
        calls = ", ".join(_code(f"{c}()") for c in work["calls"][:3])
        return f"readers called {calls} through <code>sync_to_async()</code> ({where})"
    return (f"readers kept this part synchronous and reached async code from it with "
            f"<code>async_to_sync()</code> ({where})")


def _docs_link(before: dict) -> str:
    docs = before["docs"]
    page = docs["file"].removeprefix("docs/").removesuffix(".txt")
    return DOCS_URL.format(release=before["release"], page=page)


def api_fact(api: dict) -> str | None:
    """The index entry's fact for an API a directive names: what the release before it did."""
    for record in _directives():
        if api["short"] in record["apis"]:
            before = record["before"]
            parts = [raised_text(before)]
            work = workaround_text(before)
            if work:
                parts.append(work)
            return (f'<span class="atlas-before" data-before="{before["release"]}">before '
                    f'{record["release"]}: ' + "; ".join(parts) + "</span>")
    return None


def release_section(version: str, page_dir: str = "versions") -> list[str]:
    """Lines for a release page: for each change its directives mark, what the previous release did."""
    records = [r for r in _directives() if r["release"] == version]
    out = ["## Before this release { #before-this-release }", ""]
    if not records:
        out += [f"No async-related versionadded, versionchanged or deprecated directive in the Django {version} "
                "docs, so there is no earlier behaviour to show here.", ""]
        return out
    previous = records[0]["before"]
    out += [f"{len(records)} place{'s' if len(records) > 1 else ''} in the Django {version} docs mark"
            f"{'' if len(records) > 1 else 's'} an async change. For each, what "
            f"Django {previous['release']} did: its own docs for the same API or section, what the new API or "
            f"the capability's probe raised when run on Django {previous['django']}, and the workaround its "
            "docs offered. A reader still on that release (or an older one) has the behaviour below.", ""]
    groups: dict[str, list[dict]] = {}
    for record in records:
        groups.setdefault(record["capability"] or "other", []).append(record)
    matrix = posixpath.relpath("versions/matrix.md", page_dir)
    names = {c.id: c.name for c in load_capabilities()}
    for capability, items in groups.items():
        before = items[0]["before"]
        title = f"[{html.escape(names[capability])}]({matrix}#{capability})" if capability in names else "Other changes"
        works = list(dict.fromkeys(workaround_text(r["before"]) for r in items if r["before"]["workaround"]))
        out += [f'<div class="atlas-before" data-before="{before["release"]}" markdown>', "",
                f"**{title}** — {len(items)} directive{'s' if len(items) > 1 else ''}."
                + (f" Workaround on {before['release']}: {works[0]}." if works else ""), ""]
        for record in items:
            was = record["before"]["docs"]
            said = (f" Its docs of {_code(_plain(was['about']))} "
                    f"([Django {record['before']['release']} docs, {was['file']}:{was['line']}]({_docs_link(record['before'])})): "
                    f"“{prose(_escape(_clip(_plain(was['text']))))}”") if was else \
                f" The {record['before']['release']} docs have no text for it."
            out.append(f"- {prose(_escape(_plain(record['text'])))} ({record['file']}:{record['line']}) "
                       f"Before: {raised_text(record['before'])}.{said}")
        out += ["", "</div>", ""]
    return out


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _clip(text: str, size: int = 200) -> str:
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


def _plain(text: str) -> str:
    return re.sub(r"\\(?=\w)", "", rst.plain(text)).replace("::", ":")
