"""Render the async API index (docs/data/async_api.json) as Markdown: its page and the release pages' lists.

The index page is docs/versions/async-api.md. Plain Python; the MkDocs hook only fills the placeholders."""
from __future__ import annotations

import html
import posixpath

from atlas.data import async_api
from atlas.data.versions_data import load_capabilities, load_releases, use_cases
from atlas.site import before_render
from atlas.site.md_text import prose

EXECUTION = {
    "thread": "thread-wrapped",
    "native": "native",
    "depends": "depends on what it awaits",
}
EXECUTION_HELP = {
    "thread": "its code, or an API it awaits, hands the work to a thread with sync_to_async",
    "native": "no thread hand-off in its code or in the APIs it awaits",
    "depends": "no thread hand-off of its own; it awaits an object chosen at run time",
}
PAGE = "versions/async-api.md"


def _rel(target: str, page_dir: str) -> str:
    return posixpath.relpath(target, page_dir)


def _area_titles() -> dict[str, str]:
    return async_api.load_scope()["area_titles"]


def _grouped(apis: list[dict]) -> list[tuple[str, str, list[dict]]]:
    titles = _area_titles()
    order = list(titles)
    groups: dict[str, list[dict]] = {}
    for api in apis:
        groups.setdefault(api["area"], []).append(api)
    return [(area, titles[area], sorted(groups[area], key=lambda a: a["short"].lower()))
            for area in sorted(groups, key=order.index)]


def spellings(api: dict, aliases: dict) -> list[str]:
    """How readers write it: request.session.aget for SessionBase.aget, request.auser for the auser function."""
    owner = api["name"][: -len(api["member"]) - 1]
    found = []
    for alias, target in aliases.items():
        targets = target if isinstance(target, list) else [target]
        if api["kind"] == "function" and api["name"] in targets:
            found.append(alias)
        elif api["kind"] != "function" and owner in targets:
            found.append(f"{alias}.{api['member']}")
    return [f for f in found if f != api["short"]]


def _entry(api: dict, caps: dict, page_dir: str, aliases: dict) -> list[str]:
    since, until = api["since"], api["until"]
    facts = [f"since [{since}]({_rel(f'versions/{since}.md', page_dir)})"]
    if until:
        facts.append(f"until [{until}]({_rel(f'versions/{until}.md', page_dir)})")
    facts.append(f'<span class="atlas-api__run atlas-api__run--{api["execution"]}" '
                 f'title="{html.escape(EXECUTION_HELP[api["execution"]])}">{EXECUTION[api["execution"]]}</span>'
                 f" ({prose(html.escape(api['evidence']))})")
    for change in api["execution_changes"]:
        facts.append(f"{EXECUTION[change['execution']]} from {change['release']}")
    if api.get("blocking"):
        facts.append('<span class="atlas-api__blocks">blocks the event loop</span>: '
                     + ", ".join(prose(html.escape(b)) for b in api["blocking"]))
    facts.append(flavour_text(api))
    if api["sync_twin"]:
        facts.append(f"sync twin `{api['sync_twin']}()`")
    before = before_render.api_fact(api)
    if before:
        facts.append(before)
    cap = caps.get(api["capability"])
    if cap:
        facts.append(f"capability [{html.escape(cap.name)}]({_rel('versions/matrix.md', page_dir)}#{cap.id})")
        titles = use_cases()
        uses = [f"[{titles[uc][0]}]({_rel(titles[uc][1], page_dir)})" for uc in cap.use_cases]
        if uses:
            facts.append("use cases: " + ", ".join(uses))
    elif api["exclusion"]:
        facts.append(f"no capability: {prose(html.escape(api['exclusion']))}")
    ref = api["reference"]
    if ref:
        what = "" if ref["documents"] == api["member"] else f" (documented with `{ref['documents']}()`)"
        facts.append(f"[Django {ref['release']} reference]({ref['url']}){what}")
    also = spellings(api, aliases)
    written = (" (" + ", ".join(f"`{a}()`" for a in also) + ")") if also else ""
    search = " ".join([api["short"], api["name"], api["member"], api["area"], api["execution"], *also])
    return [
        f'<div class="atlas-api" data-search="{html.escape(search.lower())}" data-since="{api["since"]}" markdown>',
        "",
        f"### {prose(api['short'])} {{ #{api['anchor']} }}",
        "",
        f"`{api['name']}`{written}",
        "",
        # Only the names go into the search index (the facts would add ~150 KB to every visitor's download).
        '<div class="atlas-api__facts" data-search-exclude markdown>',
        "",
        " · ".join(facts),
        "",
        "</div>",
        "",
        "</div>",
        "",
    ]


FLAVOUR = {
    "coroutine": "`async def`",
    "async generator": "async generator (`async def` with `yield`)",
    "plain def returning an awaitable": "plain `def` returning an awaitable",
}


def flavour_text(api: dict) -> str:
    """How it is written, per release: 'plain `def` returning an awaitable in 3.1–4.2, `async def` from 5.0'."""
    spans = api.get("flavours") or [{"release": api["since"], "flavour": api["flavour"]}]
    if len(spans) == 1:
        return FLAVOUR[spans[0]["flavour"]]
    releases = api["releases"]
    out = []
    for span, following in zip(spans, spans[1:] + [None]):
        if following is None:
            out.append(f"{FLAVOUR[span['flavour']]} from {span['release']}")
        else:
            last = releases[releases.index(following["release"]) - 1]
            within = span["release"] if last == span["release"] else f"{span['release']}–{last}"
            out.append(f"{FLAVOUR[span['flavour']]} in {within}")
    return ", ".join(out)


def render_index(page_dir: str = "versions") -> str:
    """The whole list: per area, one entry (heading with a stable anchor + one line of facts) per API."""
    index = async_api.load_index()
    caps = {c.id: c for c in load_capabilities()}
    releases = index["releases"]
    counts = " · ".join(f"{r['version']}: {r['count']}" for r in releases)
    out = [
        f"**{len(index['apis'])} public async callables**, collected from Django "
        f"{releases[0]['django']} to {releases[-1]['django']}. Per release: {counts}.",
        "",
        '<form class="atlas-api-filter" hidden role="search">',
        '<label>Filter the list <input type="search" data-filter="text" placeholder="aget, session, QuerySet…" '
        'autocomplete="off"></label>',
        '<label>Available in <select data-filter="release"><option value="">any release</option>'
        + "".join(f'<option value="{r["version"]}">{r["version"]}</option>' for r in releases)
        + "</select></label>",
        '<output class="atlas-api-count" aria-live="polite"></output>',
        "</form>",
        "",
    ]
    groups = _grouped(index["apis"])
    out.append("Areas: " + " · ".join(f"[{title}](#area-{area})" for area, title, _ in groups))
    out.append("")
    aliases = async_api.load_scope()["aliases"]
    for area, title, apis in groups:
        out += [f'## {title} {{ #area-{area} .atlas-api-area }}', ""]
        for api in apis:
            out += _entry(api, caps, page_dir, aliases)
    out += not_async_yet(page_dir)
    out += [
        "## What is left out { #left-out }",
        "",
        "Modules the collector does not import:",
        "",
    ]
    out += [f"- `{s['prefix']}` — {prose(s['reason'])}" for s in index["skipped_modules"]]
    out += ["", "Collected, listed above, and on purpose part of no capability:", ""]
    out += [f"- `{e['name']}` — {prose(e['reason'])}" for e in index["exclusions"]]
    out.append("")
    return "\n".join(out)


def not_async_yet(page_dir: str) -> list[str]:
    """The APIs readers look for that no release makes async: the `missing` capabilities' names."""
    missing = [c for c in load_capabilities() if not c.shipped]
    out = ["## Not async in any release yet { #not-async-yet }", "",
           "Names readers search for that no release from 3.0 to 6.1 makes async; each links to where the work "
           "is tracked.", ""]
    for cap in missing:
        for token in async_api.api_tokens(cap) or []:
            anchor = async_api.anchor_of(token)
            track = f" · tracked in [{html.escape(cap.tracked_by.title)}]({cap.tracked_by.url})" if cap.tracked_by else ""
            out += [f'<div class="atlas-api" data-search="{html.escape(token.lower())} not async" data-since="99.0" markdown>',
                    "", f"### {token} {{ #{anchor} }}", "",
                    f"not async in any release — [{html.escape(cap.name)}]({_rel('versions/matrix.md', page_dir)}"
                    f"#{cap.id}): {prose(html.escape(cap.notes))}{track}", "", "</div>", ""]
    return out


def render_added_in(version: str, page_dir: str = "versions") -> list[str]:
    """Lines for a release page: the async APIs that release added, by area, linked to their index rows."""
    index = async_api.load_index()
    added = [a for a in index["apis"] if a["since"] == version]
    removed = [a for a in index["apis"] if a["until"] and _next(a["until"]) == version]
    page = _rel(PAGE, page_dir)
    out = ["## Async APIs added", ""]
    if not added:
        out.append(f"No public async callable is new in {version} ([all async APIs]({page})).")
    else:
        out.append(f"{len(added)} public async callables first appear in Django {version}, collected from "
                   f"the release itself ([all async APIs]({page})):")
        out.append("")
        for _area, title, apis in _grouped(added):
            links = ", ".join(f"[{prose(a['short'])}]({page}#{a['anchor']})" for a in apis)
            out.append(f"- **{title}**: {links}")
    if removed:
        out += ["", "Removed in this release: " + ", ".join(f"`{a['short']}`" for a in removed)]
    out.append("")
    return out


def _next(version: str) -> str | None:
    versions = [r.version for r in load_releases()]
    i = versions.index(version)
    return versions[i + 1] if i + 1 < len(versions) else None
