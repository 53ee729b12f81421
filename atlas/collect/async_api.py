"""Collect the async API index from every real Django release (`python3 dev.py api`), and check it.

    python -m atlas.collect.async_api            # collect from every release (cached) and rewrite docs/data/async_api.json
    python -m atlas.collect.async_api --check    # collect and compare with the committed file; exit 1 on a difference
    python -m atlas.collect.async_api --bench    # cold (cache cleared) and warm collection times for all releases

atlas/in_release/async_api_collect.py runs inside each release's matrix venv (atlas.collect.environments.ensure_venv) and lists what
it finds; atlas/collect/async_api_index.py merges the releases (since / until), decides per release whether an API hands work to
a thread (its own source, or an API it awaits, uses sync_to_async), files each API under an area and a
capability of docs/data/capabilities.yml (or an exclusion of docs/data/async_api_scope.yml), and checks the
capabilities' `apis` against the collection. Each release's answer is cached under .cache/async-api/,
keyed by the collector's source, the scope, the names to resolve and the installed Django.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time

from atlas.collect import async_api_docs
from atlas.collect.async_api_index import build_index
from atlas.core.datafile import Project
from atlas.core.paths import CACHE, DATA, IN_RELEASE, relative
from atlas.core.progress import show_progress
from atlas.data.async_api import (
    INDEX_FILE,
    SCOPE_FILE,
    api_tokens,
    dump,
    expand_alias,
    load_index,
    load_scope,
)
from atlas.data.versions_data import (
    Capability,
    Release,
    load_capabilities,
    load_releases,
    release_key,
)

CACHE_DIR = CACHE / "async-api"
COLLECTOR = IN_RELEASE / "async_api_collect.py"
PROBE_RUNNER = IN_RELEASE / "probe_runner.py"
SOURCE_ANALYSIS = IN_RELEASE / "source_analysis.py"  # imported by the collector from its own folder

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


def collect_release(release: Release, scope: dict, tokens: list[str], use_cache: bool = True) -> dict:
    """What the collector finds in one release (from the cache when nothing it depends on changed)."""
    from atlas.collect.environments import cached_run

    payload = json.dumps(_payload(scope, tokens), sort_keys=True)
    return cached_run(release, COLLECTOR, (PROBE_RUNNER, SOURCE_ANALYSIS), payload, CACHE_DIR / f"{release.version}.json",
                      what="async API collector", timeout=600, use_cache=use_cache)


def collect_all(use_cache: bool = True, versions: list[str] | None = None) -> dict[str, dict]:
    """Every release collected at the same time (each a subprocess in its own environment; the environments
    are built several at once, atlas/collect/envs.py); the result in release order."""
    from concurrent.futures import ThreadPoolExecutor

    from atlas.collect.envs import JOBS

    scope = load_scope()
    tokens = all_tokens(load_capabilities(), scope)
    chosen = [r for r in load_releases() if not versions or r.version in versions]
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        results = pool.map(lambda release: collect_release(release, scope, tokens, use_cache=use_cache),
                           chosen)
        return dict(zip([r.version for r in chosen], results))



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


def check(project: Project, collected: dict[str, dict] | None = None) -> list[str]:
    """Cross-file rules for the validation layer: the committed index against capabilities.yml and the
    scope (collection-free: uses the committed index and each release's cached collection if present)."""
    scope = load_scope(str(project.file("async_api_scope")))
    index = load_index(project.file("async_api"))
    capabilities = load_capabilities(project.file("capabilities"))
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


def regenerate(use_cache: bool = True) -> tuple[dict, dict]:
    collected = collect_all(use_cache=use_cache)
    index = build_index(collected, load_releases(), load_capabilities(), load_scope())
    return collected, index


def main(argv: list[str] | None = None) -> int:
    show_progress()
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.async_api", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh collection with the committed file")
    parser.add_argument("--bench", action="store_true", help="print cold and warm collection times")
    args = parser.parse_args(argv)
    if args.bench:
        def timed() -> tuple[float, dict, dict]:
            for cached in (load_scope, async_api_docs.documented):  # nothing carried over in memory
                cached.cache_clear()
            started = time.perf_counter()
            collected, index = regenerate()
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
