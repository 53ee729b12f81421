"""Merge each release's collected APIs into one index: since/until, thread-wrapped or native, area and capability."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from atlas.collect import async_api_docs
from atlas.data.async_api import anchor_of, api_tokens, expand_alias
from atlas.data.versions_data import Capability, Release, release_key

PROTOCOLS = ("__aiter__", "__anext__", "__aenter__", "__aexit__")
# --------------------------------------------------------------------------------------------------
# Merging releases


def owner_of(name: str, member: str) -> str:
    return name[: -len(member) - 1]


def execution_by_name(apis: list[dict]) -> dict[str, tuple[str, str]]:
    """name -> ("thread" | "native", evidence) for one release.

    Thread: the API's source (or a same-class helper it calls) uses sync_to_async / run_in_executor /
    to_thread, or it delegates to / awaits an API that does: awaited names are looked up in the same class,
    then among module-level functions, then among all APIs with that member name (thread only if every
    one of them is); the protocols (__aiter__, ...) only within the same module.
    """
    by_name = {a["name"]: a for a in apis}
    result: dict[str, tuple[str, str]] = {}
    for a in apis:
        if a["thread_markers"]:
            result[a["name"]] = ("thread", f"calls {', '.join(a['thread_markers'])}")
    members: dict[str, list[str]] = {}
    for a in apis:
        members.setdefault(a["member"], []).append(a["name"])
    changed = True
    while changed:
        changed = False
        for a in apis:
            if a["name"] in result:
                continue
            via = None
            target = a.get("delegates_to")
            if target and target in result and result[target][0] == "thread":
                via = f"delegates to {short_name(target)}"
            for awaited in a["awaits"]:
                if via:
                    break
                candidates = _candidates(a, awaited, by_name, members)
                threaded = [c for c in candidates if result.get(c, ("", ""))[0] == "thread"]
                if threaded and _receiver_known(a, awaited, by_name):
                    via = f"awaits {short_name(threaded[0])}"
                elif threaded:
                    # the receiver's class is not known statically (backend.ahas_perm, request.session.aget)
                    via = (f"awaits .{awaited}(); {len(threaded)} of the {len(candidates)} APIs of that name "
                           f"hand work to a thread (e.g. {short_name(threaded[0])})")
            if via:
                result[a["name"]] = ("thread", via)
                changed = True
    for a in apis:
        if a["name"] in result:
            continue
        # Private helpers ("_aget_permissions") were read by the collector: what they await is listed too.
        unknown = [n for n in a["awaits"] if n not in ASGI_CALLABLES and not (n.startswith("_") and not n.endswith("__"))
                   and not _candidates(a, n, by_name, members)]
        if unknown:
            shown = ", ".join("a callable looked up at run time" if n == "<dynamic>" else
                              ("an async iterable" if n == "__aiter__" else f"{n}()") for n in unknown)
            result[a["name"]] = ("depends", f"no thread hand-off of its own; whether one happens depends "
                                            f"on what it awaits: {shown}")
    changed = True
    while changed:  # awaiting an API whose thread use is decided at run time passes that on
        changed = False
        for a in apis:
            if a["name"] in result:
                continue
            for awaited in a["awaits"]:
                pending = [c for c in _candidates(a, awaited, by_name, members)
                           if result.get(c, ("", ""))[0] == "depends"]
                if pending:
                    result[a["name"]] = ("depends", f"no thread hand-off of its own; awaits "
                                                    f"{short_name(pending[0])}, which depends on what it awaits")
                    changed = True
                    break
    for a in apis:
        result.setdefault(a["name"], ("native", "no thread hand-off in its source or in the APIs it awaits"))
    return result


# The server's receive/send: async by the ASGI contract.
ASGI_CALLABLES = ("receive", "send")


def _receiver_known(a: dict, awaited: str, by_name: dict) -> bool:
    """True when the awaited name is this API's own super() call, a method of its class or a function."""
    owner = owner_of(a["name"], a["member"])
    if awaited == a["member"] and a.get("overrides") in by_name:
        return True
    if f"{owner}.{awaited}" in by_name:
        return True
    return any(n.endswith("." + awaited) and v["kind"] == "function" for n, v in by_name.items())


def _candidates(a: dict, awaited: str, by_name: dict, members: dict) -> list[str]:
    owner = owner_of(a["name"], a["member"])
    same_class = f"{owner}.{awaited}"
    if awaited == a["member"] and a.get("overrides") in by_name:
        return [a["overrides"]]  # super().aname(...)
    if same_class in by_name and same_class != a["name"]:
        return [same_class]
    if awaited in PROTOCOLS:
        module = a["name"].rsplit(".", 2)[0] if a["kind"] != "function" else owner
        return [n for n in members.get(awaited, []) if n.startswith(module + ".")]
    functions = [n for n in members.get(awaited, []) if by_name[n]["kind"] == "function"]
    return functions or [n for n in members.get(awaited, []) if n != a["name"]]


def short_name(name: str) -> str:
    """'django.db.models.query.QuerySet.aget' -> 'QuerySet.aget'; module functions keep their module."""
    parts = name.split(".")
    for index, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[index:])
    return name


@dataclass
class Mapping:
    capability: str | None
    also: list[str]
    exclusion: str | None
    how: str


def _matches(token: str, api: dict) -> bool:
    name = api["name"]
    if token == name:
        return True
    if "." in token:
        return name.endswith("." + token)
    return api["kind"] == "function" and api["member"] == token


def map_to_capabilities(apis: dict[str, dict], capabilities: list[Capability], scope: dict,
                        resolved: dict[str, str | None] | None = None) -> dict[str, Mapping]:
    """Each API -> the capability whose `apis` name it (directly, through the API it overrides or delegates
    to), else an exclusion of the scope file. `resolved` (from the newest release) maps a name to what it
    is defined as ('django.db.models.aprefetch_related_objects' -> '...query.aprefetch_related_objects')."""
    resolved = resolved or {}
    order = {c.id: (release_key(c.added) if c.added else release_key("99.0")) for c in capabilities}
    direct: dict[str, list[str]] = {}
    for cap in capabilities:
        if not cap.shipped:
            continue
        for token in api_tokens(cap):
            for expanded in expand_alias(token, scope["aliases"]):
                for name, api in apis.items():
                    if _matches(expanded, api) or resolved.get(expanded) == name:
                        direct.setdefault(name, [])
                        if cap.id not in direct[name]:
                            direct[name].append(cap.id)
    result: dict[str, Mapping] = {}

    def resolve(name: str, depth: int = 0) -> tuple[list[str], str]:
        if name in direct:
            return sorted(direct[name], key=lambda c: order[c]), "named"
        api = apis.get(name)
        if api is None or depth > 5:
            return [], ""
        for link, how in ((api.get("delegates_to"), "delegates to"), (api.get("overrides"), "overrides")):
            if link and link in apis:
                caps, _ = resolve(link, depth + 1)
                if caps:
                    return caps, f"{how} {short_name(link)}"
        return [], ""

    for name in apis:
        caps, how = resolve(name)
        exclusion = None
        if not caps:
            for rule in scope["exclusions"]:
                if fnmatch.fnmatchcase(name, rule["name"]):
                    exclusion = rule["reason"].strip()
                    break
        result[name] = Mapping(capability=caps[0] if caps else None, also=caps[1:], exclusion=exclusion, how=how)
    return result


def area_of(name: str, scope: dict) -> str | None:
    for rule in scope["areas"]:
        if name == rule["prefix"] or name.startswith(rule["prefix"] + "."):
            return rule["area"]
    return None




def build_index(collected: dict[str, dict], releases: list[Release], capabilities: list[Capability],
                scope: dict) -> dict:
    """Merge the per-release collections into the committed shape (see async_api.schema.json)."""
    versions = [r.version for r in releases if r.version in collected]
    merged: dict[str, dict] = {}
    executions: dict[str, dict[str, tuple[str, str]]] = {}
    for version in versions:
        apis = collected[version]["apis"]
        executions[version] = execution_by_name(apis)
        for api in apis:
            entry = merged.setdefault(api["name"], {"releases": [], "by_release": {}})
            entry["releases"].append(version)
            entry["by_release"][version] = api
            entry["latest"] = api
    resolved: dict[str, str | None] = {}
    for version in versions:
        resolved.update({k: v for k, v in collected[version].get("resolved", {}).items() if v})
    mapping = map_to_capabilities({n: e["latest"] for n, e in merged.items()}, capabilities, scope, resolved)
    shorts: dict[str, int] = {}
    for name in merged:
        shorts[short_name(name)] = shorts.get(short_name(name), 0) + 1

    def unique_short(name: str) -> str:
        """Class.method, with the module's last part when two classes share a name (db.SessionStore.aload)."""
        short = short_name(name)
        if shorts[short] > 1 and short != name:
            module = name[: -len(short) - 1]
            return f"{module.rsplit('.', 1)[-1]}.{short}"
        return short

    out = []
    for name in sorted(merged):
        entry = merged[name]
        api = entry["latest"]
        present = entry["releases"]
        runs = [(v, executions[v][name]) for v in present]
        changes = [{"release": v, "execution": e[0]} for i, (v, e) in enumerate(runs)
                   if i and e[0] != runs[i - 1][1][0]]
        # flavour per release, as execution: AsyncClient.get is a plain def returning an awaitable in
        # 3.1-4.2 (inherited from RequestFactory) and an async def from 5.0
        flavours = [(v, entry["by_release"][v]["flavour"]) for v in present]
        flavour_spans = [{"release": v, "flavour": f} for i, (v, f) in enumerate(flavours)
                         if not i or f != flavours[i - 1][1]]
        m = mapping[name]
        out.append({
            "name": name,
            "short": unique_short(name),
            "member": api["member"],
            "anchor": anchor_of(unique_short(name)),
            "area": area_of(name, scope),
            "kind": api["kind"],
            "flavour": api["flavour"],
            "flavours": flavour_spans,
            "since": present[0],
            "until": None if present[-1] == versions[-1] else present[-1],
            "releases": present,
            "sync_twin": api["twin"],
            "execution": runs[-1][1][0],
            "evidence": runs[-1][1][1],
            "execution_changes": changes,
            # blocking calls it makes on the event loop (file and OS calls not handed to a thread)
            "blocking": [] if runs[-1][1][0] == "thread" else api.get("blocking", []),
            "delegates_to": api.get("delegates_to"),
            "overrides": api.get("overrides"),
            "built_by": api.get("built_by"),
            "source": f"{api['file']}:{api['line']}" if api.get("file") else None,
            "capability": m.capability,
            "also_capabilities": m.also,
            "mapped_by": m.how or None,
            "exclusion": m.exclusion,
        })
    by_name = {a["name"]: a for a in out}
    for api in out:
        # Django's own reference (from the release sdists' docs): the newest release that documents it.
        api["reference"] = async_api_docs.reference_for(api, releases, scope["aliases"], by_name)
    return {
        "$schema": "schemas/async_api.schema.json",
        "about": "Every public async callable of each Django feature release, collected from the installed "
                 "release by atlas/in_release/async_api_collect.py; regenerate with `python3 dev.py api`.",
        "releases": [{"version": v, "django": collected[v]["django"], "python": collected[v]["python"],
                      "count": len(collected[v]["apis"])} for v in versions],
        "skipped_modules": [{"prefix": r["prefix"], "reason": r["reason"]} for r in scope["skip_modules"]],
        "exclusions": [{"name": r["name"], "reason": r["reason"].strip()} for r in scope["exclusions"]],
        "apis": out,
    }
