"""The async API index: every public async callable of each real Django release, collected, not typed.

    python -m atlas.async_api            # collect from every release (cached) and rewrite docs/data/async_api.json
    python -m atlas.async_api --check    # collect and compare with the committed file; exit 1 on a difference
    python -m atlas.async_api --bench    # cold (cache cleared) and warm collection times for all releases

atlas/async_api_collect.py runs inside each release's matrix venv (atlas.matrix.ensure_venv) and lists what
it finds; this module merges the releases (since / until), decides per release whether an API hands work to
a thread (its own source, or an API it awaits, uses sync_to_async), files each API under an area and a
capability of docs/data/capabilities.yml (or an exclusion of docs/data/async_api_scope.yml), and checks the
capabilities' `apis` against the collection. Each release's answer is cached under .cache/async-api/,
keyed by the collector's source, the scope, the names to resolve and the installed Django.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from atlas import async_api_docs
from atlas.errors import DataError
from atlas.paths import DATA, ROOT, relative
from atlas.versions_data import Capability, Release, load_capabilities, load_releases, release_key
from atlas import datafile

SCOPE_FILE = DATA / "async_api_scope.yml"
INDEX_FILE = DATA / "async_api.json"
CACHE_DIR = ROOT / ".cache" / "async-api"
COLLECTOR = Path(__file__).resolve().parent / "async_api_collect.py"
PROBE_RUNNER = Path(__file__).resolve().parent / "probe_runner.py"
PROTOCOLS = ("__aiter__", "__anext__", "__aenter__", "__aexit__")

# A capability `apis` entry that names a callable: optional "await "/"@", a dotted name, optional "()".
API_TOKEN = re.compile(r"^(?:await\s+|@)?(?P<name>[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)(?:\(\))?$")
CHECK_ID = re.compile(r"^[a-z_]+\.[A-Z]\d{3}$")  # a system check id such as async.E001 names no callable


# --------------------------------------------------------------------------------------------------
# Scope


@lru_cache(maxsize=4)
def load_scope(path: str | None = None) -> dict:
    file = Path(path) if path else SCOPE_FILE
    try:
        scope = datafile.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DataError(f"{relative(file)}: cannot be read: {error}") from None
    for key in ("skip_modules", "allowed_import_errors", "install_apps", "areas", "area_titles", "aliases",
                "exclusions"):
        if key not in scope:
            raise DataError(f"{relative(file)}: {key}: missing — add the key (see the comment at the top)")
    for number, rule in enumerate(scope["exclusions"] or []):
        if not str(rule.get("reason", "")).strip():
            raise DataError(f"{relative(file)}: exclusions[{number}] ({rule.get('name')}): reason is empty — "
                            f"say why this API belongs to no capability")
    for area in {a["area"] for a in scope["areas"]}:
        if area not in scope["area_titles"]:
            raise DataError(f"{relative(file)}: areas: area {area!r} has no entry in area_titles — add its title")
    scope["exclusions"] = scope["exclusions"] or []
    return scope


def api_tokens(capability: Capability) -> list[str]:
    """The `apis` entries of a capability that name a callable (prose such as 'async def view' is left out)."""
    found = []
    for text in capability.apis:
        match = API_TOKEN.match(text.strip())
        if match and not CHECK_ID.match(text.strip()):
            found.append(match.group("name"))
    return found


def expand_alias(token: str, aliases: dict) -> list[str]:
    """'cache.aget' -> ['django.core.cache.backends.base.BaseCache.aget'] (the token itself if no alias)."""
    for alias in sorted(aliases, key=len, reverse=True):
        if token == alias or token.startswith(alias + "."):
            targets = aliases[alias] if isinstance(aliases[alias], list) else [aliases[alias]]
            return [target + token[len(alias):] for target in targets]
    return [token]


# --------------------------------------------------------------------------------------------------
# Collecting one release


def _payload(scope: dict, tokens: list[str]) -> dict:
    return {"skip_modules": scope["skip_modules"], "install_apps": scope["install_apps"],
            "resolve": sorted(set(tokens))}


def all_tokens(capabilities: list[Capability], scope: dict) -> list[str]:
    tokens = []
    for cap in capabilities:
        for token in api_tokens(cap):
            tokens += expand_alias(token, scope["aliases"])
    return sorted(set(tokens))


def collect_release(release: Release, scope: dict, tokens: list[str], use_cache: bool = True,
                    log=print) -> dict:
    """What the collector finds in one release (from the cache when nothing it depends on changed)."""
    from atlas.matrix import ensure_venv, run_json_script, venv_python

    venv = ensure_venv(release, log=log)
    payload = json.dumps(_payload(scope, tokens), sort_keys=True)
    marker = (venv / "atlas-installed.json").read_text(encoding="utf-8")
    key = hashlib.sha256("\0".join([COLLECTOR.read_text(encoding="utf-8"), PROBE_RUNNER.read_text(encoding="utf-8"),
                                    payload, marker]).encode()).hexdigest()
    cached = CACHE_DIR / f"{release.version}.json"
    if use_cache and cached.exists():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            if data.get("key") == key:
                return data["result"]
        except (OSError, ValueError):
            pass
    result, stderr = run_json_script(str(venv_python(venv)), COLLECTOR, payload, cwd=str(venv), timeout=600,
                                     what=f"async API collector for Django {release.version}")
    if result.get("fatal"):
        raise RuntimeError(f"async API collector failed on Django {release.version}:\n{result['fatal']}")
    if result.get("django") != release.newest_patch:
        raise RuntimeError(f"venv for {release.version} runs Django {result.get('django')}, "
                           f"expected {release.newest_patch}")
    if use_cache:  # a one-off collection (a test's modified capabilities) leaves the cache alone
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"key": key, "result": result}), encoding="utf-8")
    return result


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
    order = {c.id: (release_key(c.added) if c.added else (99, 0)) for c in capabilities}
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


def anchor_of(short: str) -> str:
    """'QuerySet.aget' -> 'api-queryset-aget': stable as long as the API keeps its name."""
    return "api-" + re.sub(r"[^a-z0-9]+", "-", short.lower()).strip("-")


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
                 "release by atlas/async_api_collect.py; regenerate with `python3 dev.py api`.",
        "releases": [{"version": v, "django": collected[v]["django"], "python": collected[v]["python"],
                      "count": len(collected[v]["apis"])} for v in versions],
        "skipped_modules": [{"prefix": r["prefix"], "reason": r["reason"]} for r in scope["skip_modules"]],
        "exclusions": [{"name": r["name"], "reason": r["reason"].strip()} for r in scope["exclusions"]],
        "apis": out,
    }


# --------------------------------------------------------------------------------------------------
# Whole runs, checks


def collect_all(use_cache: bool = True, log=print, versions: list[str] | None = None) -> dict[str, dict]:
    scope = load_scope()
    tokens = all_tokens(load_capabilities(), scope)
    collected = {}
    for release in load_releases():
        if versions and release.version not in versions:
            continue
        collected[release.version] = collect_release(release, scope, tokens, use_cache=use_cache, log=log)
    return collected


def load_index(path: Path | None = None) -> dict:
    file = path or INDEX_FILE
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError(f"{relative(file)}: cannot be read ({error}) — run `python3 dev.py api`") from None


def dump(index: dict) -> str:
    return json.dumps(index, indent=1, ensure_ascii=False) + "\n"


def differences(committed: dict, fresh: dict) -> list[str]:
    """What a fresh collection finds that the committed index does not say, naming API and release."""
    problems = []
    old = {a["name"]: a for a in committed.get("apis", [])}
    new = {a["name"]: a for a in fresh["apis"]}
    for name in sorted(set(old) | set(new)):
        if name not in old:
            problems.append(f"{name}: collected in Django {', '.join(new[name]['releases'])} but missing from "
                            f"{relative(INDEX_FILE)} — run `python3 dev.py api`")
            continue
        if name not in new:
            problems.append(f"{name}: in {relative(INDEX_FILE)} (Django {', '.join(old[name]['releases'])}) but "
                            f"no release has it any more — run `python3 dev.py api`")
            continue
        for field in sorted(set(old[name]) | set(new[name])):
            if old[name].get(field) != new[name].get(field):
                releases = sorted(set(old[name]["releases"]) ^ set(new[name]["releases"]), key=release_key) \
                    if field == "releases" else new[name]["releases"][-1:]
                problems.append(f"{name}: {field} is {old[name].get(field)!r} in {relative(INDEX_FILE)}, "
                                f"collected {new[name].get(field)!r} (Django {', '.join(releases)}) — "
                                f"run `python3 dev.py api`")
    for key in ("releases", "skipped_modules", "exclusions"):
        if committed.get(key) != fresh.get(key):
            problems.append(f"{relative(INDEX_FILE)}: {key} differ from a fresh collection — run `python3 dev.py api`")
    return problems


def problems_in(collected: dict[str, dict], index: dict, capabilities: list[Capability], scope: dict) -> list[str]:
    """Cross-checks both ways, in the DataError format (file:line: entry.field: what — fix)."""
    problems = []
    for version, result in collected.items():
        allowed = {e["module"] for e in scope["allowed_import_errors"]}
        for failure in result["import_errors"]:
            if failure["module"] not in allowed:
                problems.append(f"{relative(SCOPE_FILE)}: allowed_import_errors: {failure['module']} cannot be "
                                f"imported in Django {version} ({failure['error']}) — skip it with a reason or "
                                f"allow the error with a reason")
    for api in index["apis"]:
        if api["area"] is None:
            problems.append(f"{relative(SCOPE_FILE)}: areas: {api['name']} matches no area prefix — add one")
        if not api["capability"] and not api["exclusion"]:
            problems.append(f"{relative(DATA / 'capabilities.yml')}: {api['name']} (Django {api['since']}+) belongs "
                            f"to no capability — name it in a capability's apis (e.g. '{api['short']}()') or add "
                            f"an exclusion with a reason to {relative(SCOPE_FILE)}")
    by_cap = {c.id: c for c in capabilities}
    for api in index["apis"]:
        cap = by_cap.get(api["capability"]) if api["capability"] else None
        if cap and cap.added and api["mapped_by"] == "named" and release_key(api["since"]) < release_key(cap.added):
            problems.append(f"{relative(DATA / 'capabilities.yml')}:{cap.line}: {cap.id}.apis names {api['short']}, "
                            f"which exists since Django {api['since']}, before added {cap.added} — move it to the "
                            f"capability that introduced it")
    for cap in capabilities:
        if not cap.shipped or not cap.added:
            continue
        for token in api_tokens(cap):
            expanded = expand_alias(token, scope["aliases"])
            missing = [version for version, result in collected.items()
                       if release_key(version) >= release_key(cap.added)
                       and not (cap.removed and release_key(version) >= release_key(cap.removed))
                       and not any(result.get("resolved", {}).get(e) for e in expanded)]
            if missing:
                problems.append(f"{relative(DATA / 'capabilities.yml')}:{cap.line}: {cap.id}.apis: {token!r} "
                                f"does not exist in Django {', '.join(missing)} (added {cap.added}) — correct "
                                f"the name (Class.method, module.function or an alias of "
                                f"{relative(SCOPE_FILE)}) or the added release")
    return problems


def check(collected: dict[str, dict] | None = None) -> list[str]:
    """Cross-file rules for the validation layer: the committed index against capabilities.yml and the
    scope (collection-free: uses the committed index and each release's cached collection if present)."""
    scope = load_scope()
    index = load_index()
    capabilities = load_capabilities()
    problems = []
    for api in index["apis"]:
        if not api["capability"] and not api["exclusion"]:
            problems.append(f"{relative(INDEX_FILE)}: {api['name']}: belongs to no capability and no exclusion — "
                            f"name it in capabilities.yml or exclude it in {relative(SCOPE_FILE)}, then "
                            f"`python3 dev.py api`")
    known = {c.id for c in capabilities}
    for api in index["apis"]:
        for cap in [api["capability"], *api["also_capabilities"]]:
            if cap and cap not in known:
                problems.append(f"{relative(INDEX_FILE)}: {api['name']}.capability {cap!r} is not in capabilities.yml "
                                f"— run `python3 dev.py api`")
    if collected is not None:
        problems += problems_in(collected, index, capabilities, scope)
    return problems


def regenerate(use_cache: bool = True, log=print) -> tuple[dict, dict]:
    collected = collect_all(use_cache=use_cache, log=log)
    index = build_index(collected, load_releases(), load_capabilities(), load_scope())
    return collected, index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.async_api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh collection with the committed file")
    parser.add_argument("--bench", action="store_true", help="print cold and warm collection times")
    args = parser.parse_args(argv)
    if args.bench:
        def timed() -> tuple[float, dict, dict]:
            for cached in (load_scope, async_api_docs.documented):  # nothing carried over in memory
                cached.cache_clear()
            started = time.perf_counter()
            collected, index = regenerate(log=lambda *a: None)
            return time.perf_counter() - started, collected, index

        shutil.rmtree(CACHE_DIR, ignore_errors=True)
        cold, _, _ = timed()
        warm, collected, index = timed()
        print(f"async API collection + index, {len(collected)} releases: cold {cold:.1f} s (release venvs and "
              f"sdists present, .cache/async-api cleared), warm {warm:.2f} s")
        for release in index["releases"]:
            print(f"  Django {release['django']}: {release['count']} public async callables")
        return 0
    collected, index = regenerate()
    problems = problems_in(collected, index, load_capabilities(), load_scope())
    if args.check:
        problems = differences(load_index(), index) + problems
    else:
        INDEX_FILE.write_text(dump(index), encoding="utf-8")
        print(f"wrote {relative(INDEX_FILE)}: {len(index['apis'])} APIs from {len(index['releases'])} releases")
    for problem in problems:
        print("  ! " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
