"""Collect the Django ecosystem's async readiness into docs/data/ecosystem.json.

    python -m atlas.collect.ecosystem            # collect every package of docs/data/ecosystem_ranking.json
    python -m atlas.collect.ecosystem --check    # collect again and compare with the committed file
    python -m atlas.collect.ecosystem --bench    # print how long a collection takes (cold and warm)

For each package of the ranking (atlas/collect/ecosystem_ranking.py), from its own distribution: the Django
releases its classifiers name, what it plugs into (rules on its code: atlas/collect/ecosystem_rules.py),
its async code and since which release each async offer exists (atlas/collect/ecosystem_since.py). Each
middleware it ships runs through the stack probe (atlas/in_release/stack_probe.py) in an environment holding
the newest Django and the package, then in one per LTS release its classifiers name (atlas/collect/envs.py,
named by content), configured as atlas/collect/ecosystem_config.py says; counts are of a request after
warm-up, no CPU timing (hops are deterministic, so a busy machine gives the same counts).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import time

from atlas.collect.ecosystem_config import ASYNC_NOTES, CONFIG
from atlas.collect.ecosystem_dists import django_releases, download, metadata, source_files
from atlas.collect.ecosystem_rules import async_code, middleware_paths, plugs_into
from atlas.core.paths import CACHE, DATA, IN_RELEASE, relative

DATA_FILE = DATA / "ecosystem.json"
RANKING_FILE = DATA / "ecosystem_ranking.json"
PROBE = IN_RELEASE / "stack_probe.py"
REFUSED = CACHE / "ecosystem" / "refused"
RESULTS = CACHE / "ecosystem" / "results"
# what the installers say when a package's requirements and the release's Django cannot be installed together
UNRESOLVABLE = ("ResolutionImpossible", "conflicting dependencies", "No solution found")
log = logging.getLogger(__name__)
KIND = "async-asgi"


def newest_release():
    from atlas.data.stack import releases_measured
    return releases_measured()[-1]


def lts_releases(declared: list[str]) -> list:
    """The LTS releases (docs/data/releases.yml) before the newest that the package's classifiers name."""
    from atlas.data.stack import releases_measured
    return [r for r in releases_measured()[:-1] if r.lts and r.version in declared]


def package_env(release, name: str, version: str):
    """An environment with the release's newest Django and the package (atlas/collect/envs.py: named by its
    content). A pair the installer cannot resolve is remembered and not tried again (delete the file to retry)."""
    from atlas.collect import envs

    requirements = (f"django=={release.newest_patch}", f"{name}=={version}")
    key = hashlib.sha256(json.dumps([release.probe_python, requirements]).encode()).hexdigest()[:16]
    refused = REFUSED / f"{key}.txt"
    if refused.exists():
        raise RuntimeError(refused.read_text(encoding="utf-8"))
    try:
        return envs.ensure(envs.Spec(release.probe_python, requirements, label=f"ecosystem {name} {version}"))
    except RuntimeError as error:
        if any(words in str(error) for words in UNRESOLVABLE):
            REFUSED.mkdir(parents=True, exist_ok=True)
            refused.write_text(str(error), encoding="utf-8")
        raise


def probe_package(release, name: str, version: str, paths: list[str], config: dict) -> dict:
    """The stack probe's answer for the package's middleware, run in the package's environment (cached by
    probe code, payload and environment: environments.cached_run); a probe that fails is reported in the rows."""
    from atlas.collect.environments import cached_run

    payload = json.dumps({"cpu": None, "package": {"middleware": paths, "installed_apps": config.get("installed_apps", []),
                                                   "settings": config.get("settings", {}),
                                                   "prerequisites": config.get("prerequisites", {})}}, sort_keys=True)
    return cached_run(release, PROBE, (IN_RELEASE / "requests_in_process.py",), payload,
                      RESULTS / f"{name}@{release.version}.json", what=f"stack probe for {name} {version}",
                      timeout=900, venv=package_env(release, name, version), keep_fatal=True)


def _find(result: dict, stack: list[str]) -> dict:
    return next(m for m in result["measurements"]
                if m["stack"] == stack and f"{m['view']}-{m['interface']}" == KIND)


def _hook(call: dict, path: str) -> str:
    """The hook a call is attributed to: the middleware's own hook, get_response when Django adapts the rest
    of the chain for a sync middleware, __call__ when its own code runs in a thread."""
    if call.get("middleware") == path:
        return call["hook"]
    if call["ran"].endswith("_get_response_async"):
        return "get_response (the rest of the chain, adapted for a sync-only middleware)"
    mine = call["ran"].split(".")[0] == path.split(".")[0]
    if "convert_exception_to_response" in call["ran"]:  # Django wrapped a whole middleware to run it in a thread
        return "__call__ (the sync-only middleware, run in a thread)" if mine else \
            "the middleware before it, now run in that thread"
    if mine:
        return "__call__"
    return "the middleware before it: " + call["ran"].rsplit(".", 1)[-1]


def added_calls(alone: dict, base: dict, path: str) -> list[dict]:
    """The calls of a request with the middleware minus those of the stack it needs, each with its hook."""
    counts: dict[tuple, list] = {}
    for sign, calls in ((1, alone["calls"]), (-1, base["calls"])):
        for c in calls:
            key = (c["direction"], c["ran"])
            counts.setdefault(key, [0, c])[0] += sign * c["count"]
    return [{"hook": _hook(c, path), "direction": d, "ran": ran, "count": n}
            for (d, ran), (n, c) in counts.items() if n]


def middleware_rows(result: dict, paths: list[str]) -> list[dict]:
    """Per middleware: declared flags, and what it adds on an async view under ASGI, by hook."""
    rows = []
    refused = {r["path"]: r["error"] for r in result.get("refused", [])}
    measured = {m["path"]: m for m in result.get("middleware", [])}
    for path in paths:
        if path in measured:
            entry = measured[path]
            alone, base = _find(result, entry["prerequisites"] + [path]), _find(result, entry["prerequisites"])
            facts = result["classes"][path]
            rows.append({
                "path": path, "configured": True, "prerequisites": entry["prerequisites"],
                "async_capable": facts["async_capable"], "sync_capable": facts["sync_capable"],
                "sync_to_async": alone["sync_to_async"] - base["sync_to_async"],
                "async_to_sync": alone["async_to_sync"] - base["async_to_sync"],
                "calls": added_calls(alone, base, path),
                "with_prerequisites": {"sync_to_async": alone["sync_to_async"], "async_to_sync": alone["async_to_sync"]},
                "steady": alone["steady"],
            })
        else:
            why = refused.get(path) or result.get("fatal", "").strip().splitlines()[-1:] or ["not measured"]
            rows.append({"path": path, "configured": False, "why": why if isinstance(why, str) else why[0]})
    return rows


def on_lts(release, name: str, version: str, paths: list[str], config: dict) -> dict:
    """The package's middleware on an LTS release it supports: flags and counts (the hooks as on the newest
    release are shown there; a count that differs is what the page points out)."""
    row = {"django": release.version}
    try:
        result = probe_package(release, name, version, paths, config)
    except RuntimeError as error:
        if not any(words in str(error) for words in UNRESOLVABLE):
            raise
        return {**row, "why": f"{name} {version}'s requirements and Django {release.newest_patch} cannot be installed together"}
    if result.get("fatal"):
        return {**row, "why": result["fatal"].strip().splitlines()[-1]}
    row["measured_on"] = {"django": result["django"], "python": result["python"], "asgiref": result["asgiref"]}
    row["middleware"] = [{k: m[k] for k in ("path", "configured", "async_capable", "sync_capable", "sync_to_async",
                                             "async_to_sync", "why") if k in m}
                         for m in middleware_rows(result, paths)]
    return row


def collect_package(entry: dict, release) -> dict:
    """The package's row: collect_row, then since which release each async offer it has exists."""
    from atlas.collect.ecosystem_since import offers

    row = collect_row(entry, release)
    row["async_offers"] = offers(row, row["async_notes"])
    return row


def collect_row(entry: dict, release) -> dict:
    name, version = entry["name"], entry["version_checked"]
    dist = download(name, version)
    meta = metadata(dist)
    files = source_files(dist)
    row = {"name": name, "version": version, "rank": entry["rank"], "in_top": entry["in_top"],
           "latest_release": entry.get("ranking_release", {}),
           "django_releases": django_releases(meta), "requires_python": meta["requires_python"],
           "plugs_into": plugs_into(files), "async_code": async_code(files),
           "async_notes": ASYNC_NOTES.get(name, []), "middleware": []}
    found = middleware_paths(files)
    if not found:
        return row
    config = CONFIG.get(name)
    if config is None:
        row["middleware"] = [{"path": p, "configured": False,
                              "why": "no setup recorded in atlas/collect/ecosystem_config.py"} for p in found]
        return row
    skip = config.get("not_configured", {})
    paths = [p for p in config.get("middleware", found) if p not in skip]
    row["setup"] = {k: config[k] for k in ("installed_apps", "settings", "note", "docs") if k in config}
    row["lts"] = [on_lts(lts, name, version, paths, config) for lts in lts_releases(row["django_releases"])]
    try:
        result = probe_package(release, name, version, paths, config)
    except RuntimeError as error:
        if not any(words in str(error) for words in UNRESOLVABLE):
            raise
        # the installer refuses the pair: the package's requirements exclude this Django (its own words are
        # in .cache/ecosystem/refused/; they differ between pip and uv, the fact does not)
        row["middleware"] = [{"path": p, "configured": False,
                              "why": f"not installable beside Django {release.newest_patch}: {name} {version}'s "
                                     f"requirements and Django {release.newest_patch} cannot be installed together"}
                             for p in paths]
        return row
    if result.get("fatal"):
        row["middleware"] = [{"path": p, "configured": False,
                              "why": result["fatal"].strip().splitlines()[-1]} for p in paths]
    else:
        row["middleware"] = middleware_rows(result, paths)
        row["measured_on"] = {"django": result["django"], "python": result["python"], "asgiref": result["asgiref"]}
    row["middleware"] += [{"path": p, "configured": False, "why": why} for p, why in skip.items()]
    return row


def ranked() -> list[dict]:
    """The packages to collect, in the ranking's order (docs/data/ecosystem_ranking.json)."""
    return json.loads(RANKING_FILE.read_text(encoding="utf-8"))["packages"]


def heading() -> dict:
    """What the file says around its packages: the ranking's source and the release measured on."""
    ranking = json.loads(RANKING_FILE.read_text(encoding="utf-8"))
    return {"$schema": "schemas/ecosystem.schema.json",
            "ranking": {k: ranking["source"][k] for k in ("name", "month")}, "django": newest_release().version}


def collect() -> dict:
    release = newest_release()
    return {**heading(), "packages": [collect_package(p, release) for p in ranked()]}


def dump(data: dict) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def differences(committed: dict, fresh: dict) -> list[str]:
    fix = "— run `python3 dev.py ecosystem`"
    old = {p["name"]: p for p in committed.get("packages", [])}
    problems = []
    for p in fresh["packages"]:
        if old.get(p["name"]) != p:
            problems.append(f"{relative(DATA_FILE)}: {p['name']} differs from a fresh collection {fix}")
    problems += [f"{relative(DATA_FILE)}: {n} is no longer collected {fix}"
                 for n in set(old) - {p["name"] for p in fresh["packages"]}]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.ecosystem", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--bench", action="store_true")
    args = parser.parse_args(argv)
    if args.bench:
        shutil.rmtree(RESULTS, ignore_errors=True)
        started = time.perf_counter()
        data = collect()
        cold = time.perf_counter() - started
        started = time.perf_counter()
        collect()
        warm = time.perf_counter() - started
        probed = sum(1 for p in data["packages"] if p.get("measured_on"))
        lts = sum(1 for p in data["packages"] for row in p.get("lts", []) if row.get("measured_on"))
        offers = sum(len(p.get("async_offers", [])) for p in data["packages"])
        print(f"ecosystem collection, {len(data['packages'])} packages ({probed} probed on Django {data['django']}, "
              f"{lts} package-release probes on LTS releases, {offers} async offers dated): cold {cold:.1f} s "
              f"(distributions, environments and releases read present, probe results cleared), warm {warm:.2f} s")
        return 0
    data = collect()
    if args.check:
        problems = differences(json.loads(DATA_FILE.read_text(encoding="utf-8")), data)
        for problem in problems:
            print("  ! " + problem)
        print("OK: the committed file matches a fresh collection" if not problems else f"{len(problems)} differences")
        return 1 if problems else 0
    DATA_FILE.write_text(dump(data), encoding="utf-8")
    print(f"wrote {relative(DATA_FILE)}: {len(data['packages'])} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
