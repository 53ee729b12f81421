"""The Ecosystem page's body (generated/ecosystem.md) from docs/data/ecosystem.json: a filter form and one
block per package (a heading of its own, so the site search finds it by name), with what it plugs into,
its middleware's measured hops, its async code and siblings, the Django releases it declares, and for a
sync-only or costly middleware the alternative or the fix (atlas/collect/ecosystem_config.py FIXES)."""
from __future__ import annotations

import html
import json

from atlas.core.paths import DATA

DATA_FILE = DATA / "ecosystem.json"
LABELS = {"middleware": "middleware", "views": "views / API", "auth_backend": "auth backend",
          "db_backend": "database backend", "cache": "cache", "storage": "storage", "signals": "signals",
          "template_tags": "template tags", "model_fields": "model fields", "management_commands": "management commands"}
FILTERS = [("", "all packages"), ("hop-free", "middleware that makes no hop"), ("sync-only", "sync-only middleware"),
           ("costly", "middleware that hops"), ("async", "has async code or an async sibling")]


def tags(package: dict) -> list[str]:
    measured = [m for m in package["middleware"] if m["configured"]]
    out = []
    if measured and all(m["sync_to_async"] <= 0 and m["async_to_sync"] == 0 for m in measured):
        out.append("hop-free")
    if any(not m["async_capable"] for m in measured):
        out.append("sync-only")
    if any(m["sync_to_async"] > 0 or m["async_to_sync"] > 0 for m in measured):
        out.append("costly")
    if package["async_code"]["async_defs"] or any(n.get("sibling") for n in package["async_notes"]):
        out.append("async")
    return out


def _pypi(name: str) -> str:
    return f"https://pypi.org/project/{name}/"


def _code(hook: str) -> str:
    """A hook's description with its identifiers as code (`__call__`, `get_response`, `process_request`)."""
    words = hook.split(" ")
    return " ".join(f"`{w}`" if "_" in w and w.replace("_", "").isalnum() else w for w in words)


def _middleware_line(m: dict, fixes: dict) -> list[str]:
    short = m["path"].rsplit(".", 1)[-1]
    if not m["configured"]:
        return [f"    - `{short}` (`{m['path']}`): not measured — {m['why']}"] + \
            ([f"        - What to do: {fixes[m['path']]}"] if m["path"] in fixes else [])
    flags = f"async_capable={m['async_capable']}, sync_capable={m['sync_capable']}"
    if m["sync_to_async"] == 0 and m["async_to_sync"] == 0:
        cost = "**no thread hop**"
    else:
        s2a = m["sync_to_async"]
        cost = (f"**{s2a} sync_to_async, {m['async_to_sync']} async_to_sync** per request" if s2a >= 0 else
                f"**{-s2a} sync_to_async fewer and {m['async_to_sync']} async_to_sync more** per request than the "
                f"middleware before it alone")
        hooks = sorted({c["hook"] for c in m["calls"] if c["count"] > 0})
        cost += f" (from {'; '.join(_code(h) for h in hooks)})" if hooks else ""
    after = f", after {', '.join(p.rsplit('.', 1)[-1] for p in m['prerequisites'])}" if m["prerequisites"] else ""
    lines = [f"    - `{short}` (`{m['path']}`): {cost}{after}; declares {flags}"]
    if m["path"] in fixes:
        lines.append(f"        - What to do: {fixes[m['path']]}")
    return lines


def _cost(m: dict) -> str:
    return "no hop" if m["sync_to_async"] == 0 and m["async_to_sync"] == 0 else \
        f"{m['sync_to_async']} sync_to_async, {m['async_to_sync']} async_to_sync"


def lts_lines(p: dict) -> list[str]:
    """The middleware on the LTS releases the package supports, beside the newest release's counts."""
    newest = {m["path"]: m for m in p["middleware"] if m["configured"]}
    out = []
    for lts in p.get("lts", []):
        if "why" in lts:
            out.append(f"    - On Django {lts['django']}: not measured — {lts['why']}.")
            continue
        parts = []
        for m in lts["middleware"]:
            short = m["path"].rsplit(".", 1)[-1]
            if not m["configured"]:
                parts.append(f"`{short}` not measured ({m.get('why', '')})")
                continue
            before = newest.get(m["path"])
            same = before and all(before[k] == m[k] for k in ("sync_to_async", "async_to_sync", "async_capable"))
            parts.append(f"`{short}` {'as on ' + p['measured_on']['django'] if same else _cost(m)}"
                         + ("" if same else f", declares async_capable={m['async_capable']}"))
        out.append(f"    - On Django {lts['measured_on']['django']} (LTS): " + "; ".join(parts) + ".")
    return out


def offer_line(offer: dict) -> str:
    """An async offer, the first release whose code has it, and where (the file and line in that release)."""
    e = offer["evidence"]
    sibling = f"async sibling **{offer['package']}**, " if offer.get("sibling") else ""
    line = (f"- Async since **{offer['package']} {offer['since']}**: {sibling}{offer['claim']} — first in the code "
            f"of [{offer['package']} {offer['since']}]({e['url']}) (`{e['file']}` line {e['line']}: `{e['text']}`)")
    line += f"; not in {offer['before']}" if offer.get("before") else "; in its first release"
    if offer.get("changelog"):
        c = offer["changelog"]
        line += f". Its changelog: “{c['text'].lstrip('*-# ').strip()}” ({c['file']}, line {c['line']})"
    return line + "."


def render() -> str:
    from atlas.collect.ecosystem_config import FIXES

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    counts = {key: sum(key in tags(p) for p in data["packages"]) for key, _ in FILTERS if key}
    out = [f"Collected from {len(data['packages'])} packages: the most downloaded Django packages of the "
           f"{data['ranking']['name']} ({data['ranking']['month']}). Middleware measured on Django {data['django']}, "
           f"alone after what it needs, an anonymous GET to an async view under ASGI: {counts['hop-free']} packages' "
           f"middleware makes no hop, {counts['sync-only']} ship sync-only middleware, {counts['costly']} ship "
           f"middleware that hops.", "",
           '<form class="atlas-eco-filter" hidden role="search">'
           '<label>Show <select data-filter="kind">'
           + "".join(f'<option value="{k}">{html.escape(v)}</option>' for k, v in FILTERS)
           + '</select></label> <output class="atlas-eco-count" aria-live="polite"></output></form>', ""]
    for p in data["packages"]:
        out += [f'<div class="atlas-eco" data-tags="{" ".join(tags(p))}" markdown>', "",
                f"### {p['name']} {{ #{p['name'].lower().replace('.', '-')} }}", ""]
        rank = f"rank {p['rank']} in the ranking" + ("" if p["in_top"] else ", no longer in the top (kept)")
        released = p["latest_release"]
        out.append(f"- [{p['name']} {p['version']}]({_pypi(p['name'])}) — {rank}, which lists release "
                   f"{released.get('version', '?')} of {released.get('month', '?')} as its newest.")
        plugs = ", ".join(LABELS[k] for k in LABELS if k in p["plugs_into"])
        out.append(f"- Plugs into: {plugs} (found in its code)." if plugs else
                   "- Plugs into: nothing the code rules look for (a library, a test or typing tool, or settings helper).")
        releases = ", ".join(p["django_releases"]) or "none named in its classifiers"
        out.append(f"- Django releases it declares: {releases}.")
        if p["middleware"]:
            out.append("- Middleware" + (f" (measured with {p['measured_on']['django']})" if p.get("measured_on") else "")
                       + ":")
            for m in p["middleware"]:
                out += _middleware_line(m, FIXES)
            out += lts_lines(p)
        code = p["async_code"]
        if code["async_defs"]:
            shown = ", ".join(f"`{a.split(':')[1]}`" for a in code["a_prefixed"][:4])
            modules = len(code["modules"])
            out.append(f"- Async code: {code['async_defs']} `async def` in {modules}{'+' if modules == 8 else ''} "
                       f"module{'s' if modules > 1 else ''}" + (f", e.g. {shown}" if shown else "") + ".")
        else:
            out.append("- Async code: no `async def` in its package (called from an async view, its code runs "
                       "through sync_to_async).")
        out += [offer_line(o) for o in p.get("async_offers", [])]
        for note in p["async_notes"]:
            sibling = f"async sibling **{note['sibling']}**: " if note.get("sibling") else ""
            out.append(f"- {sibling}{note['claim']} ([source]({note['source']})).")
        if p["plugs_into"]:  # the evidence: where in its code each rule matched
            out += ["", f'??? info "Where {p["name"]} {p["version"]} plugs in (from its code)"', ""]
            for kind in (k for k in LABELS if k in p["plugs_into"]):
                out.append(f"    - {LABELS[kind]}: " + ", ".join(f"`{e}`" for e in p["plugs_into"][kind]))
            if p.get("setup"):
                out.append(f"    - measured with INSTALLED_APPS + `{p['setup'].get('installed_apps', [])}`"
                           + (f", settings `{json.dumps(p['setup']['settings'])}`" if p["setup"].get("settings") else "")
                           + (f" ({p['setup']['note']})" if p["setup"].get("note") else "")
                           + (f"; [installation docs]({p['setup']['docs']})" if p["setup"].get("docs") else ""))
        out += ["", "</div>", ""]
    return "\n".join(out)
