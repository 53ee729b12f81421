"""Each use-case page's 'Packages you will meet' list (generated/ecosystem-<use case>.md): the packages
docs/data/use_cases.yml names for it (by name and by what they plug into), each with what it does on the
async path, from docs/data/ecosystem.json. Links point at the package's block on the Ecosystem page."""
from __future__ import annotations

import json
from functools import partial

from atlas.core.datafile import safe_load
from atlas.core.paths import DATA
from atlas.site.ecosystem_render import LABELS

PAGE = "../concepts/ecosystem.md"
PREFIX = "ecosystem-"


def use_cases() -> dict[str, dict]:
    """{use case id: its `ecosystem` entry} for the use cases that have one."""
    # libyaml: called for every page the slow checks read (registry.placeholders()), 0.013 -> 0.002 s a call
    data = safe_load((DATA / "use_cases.yml").read_text(encoding="utf-8"))
    return {key: value["ecosystem"] for key, value in data.items() if value.get("ecosystem")}


def _link(p: dict) -> str:
    return f"[{p['name']}]({PAGE}#{p['name'].lower().replace('.', '-')})"


def _middleware(p: dict, django: str) -> str:
    measured = [m for m in p["middleware"] if m["configured"]]
    if not measured:
        lts = [f"{m['path'].rsplit('.', 1)[-1]} {_hops(m)} on {row['django']}" for row in p.get("lts", [])
               for m in row.get("middleware", []) if m["configured"]][:2]
        return f"its middleware is not measured on Django {django}" + (f" ({'; '.join(lts)})" if lts else "")
    return "; ".join(f"`{m['path'].rsplit('.', 1)[-1]}` {_hops(m)}" for m in measured)


def _hops(m: dict) -> str:
    sync_only = "" if m["async_capable"] else "sync-only, "
    if m["sync_to_async"] < 0:  # it pulls the middleware before it into its own thread
        return f"{sync_only}shares one thread with the middleware before it, then {m['async_to_sync']} async_to_sync"
    if m["sync_to_async"] == 0 and m["async_to_sync"] == 0:
        return "makes no thread hop"
    return f"{sync_only}{m['sync_to_async']} sync_to_async + {m['async_to_sync']} async_to_sync per request"


def _async(p: dict) -> str:
    offers = []
    for o in p.get("async_offers", []):
        what = ("async sibling " + o["package"] if o.get("sibling") else
                "async middleware code" if "middleware module" in o["claim"] else "other async code")
        text = f"{what} since {o['package']} {o['since']}"
        offers += [text] if text not in offers else []
    if not p["async_code"]["async_defs"]:
        offers.insert(0, "no `async def` of its own (an async view calls it through sync_to_async)")
    elif not p.get("async_offers"):
        offers.insert(0, f"{p['async_code']['async_defs']} `async def` in its code")
    return "; ".join(offers)


def line(p: dict, kinds: list[str], django: str, named: bool = False) -> str:
    plugs = ", ".join(LABELS[k] for k in LABELS if k in p["plugs_into"] and k in kinds)
    parts = [_middleware(p, django)] if ("middleware" in kinds or named) and p["middleware"] else []
    parts.append(_async(p))
    return f"- {_link(p)}{f' ({plugs})' if plugs else ''}: " + "; ".join(x for x in parts if x) + "."


def render(use_case: str) -> str:
    entry = use_cases()[use_case]
    data = json.loads((DATA / "ecosystem.json").read_text(encoding="utf-8"))
    kinds = entry.get("kinds", [])
    named = entry.get("packages", [])
    chosen = [p for p in data["packages"] if p["name"] in named] + \
        [p for p in data["packages"] if p["name"] not in named and p["in_top"] and set(kinds) & set(p["plugs_into"])]
    which = " and ".join(filter(None, [", ".join(named) if named else "",
                                      "the most used packages that plug into " + " or ".join(LABELS[k] for k in kinds)
                                      if kinds else ""]))
    out = [f"From the [Ecosystem page]({PAGE}) ({data['ranking']['name']}, {data['ranking']['month']}; middleware "
           f"measured on Django {data['django']}): {which}.", ""]
    out += [line(p, kinds, data["django"], p["name"] in named) for p in chosen]
    return "\n".join(out) + "\n"


def placeholders() -> dict:
    return {PREFIX + key: partial(render, key) for key in use_cases()}
