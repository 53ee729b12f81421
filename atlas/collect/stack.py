"""Collect what Django's own middleware costs on the async path, in every release from 3.1 on.

    python -m atlas.collect.stack              # measure every release, write docs/data/stack.json
    python -m atlas.collect.stack --check      # count again (no CPU timing) and compare with the committed file
    python -m atlas.collect.stack --bench      # print how long a counting run takes, cold and warm

For each release: atlas/in_release/stack_probe.py runs in the release's environment (under ~/.cache/django-async-atlas/envs/, made
by atlas.collect.environments.ensure_venv) and sends real requests through Django's ASGI and WSGI handlers, counting the
sync_to_async / async_to_sync calls of each request and what each one ran. This module turns its answers
into the data file: per middleware, what it adds over the stack it needs; per release, the empty and the
startproject stacks. Results are cached per release under .cache/stack/, keyed by the probe's code, the
request and the installed release.
"""
from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

from atlas.core.paths import CACHE, IN_RELEASE, relative
from atlas.data.stack import DATA_FILE, KINDS, dump, kind_of, load, releases_measured
from atlas.data.versions_data import Release

PROBE = IN_RELEASE / "stack_probe.py"
REQUESTS = IN_RELEASE / "requests_in_process.py"  # imported by the probe from its own folder
CACHE_DIR = CACHE / "stack"
log = logging.getLogger(__name__)
# Process CPU per request: after `warmup` requests, `runs` timings of `requests` requests each
CPU = {"warmup": 20, "requests": 100, "runs": 3}
CPU_FIELDS = ("cpu_us", "measured_on", "cpu_method")


def collect_release(release: Release, cpu: dict | None, use_cache: bool = True) -> dict:
    """The probe's answer for one release (from the cache when nothing it depends on changed); with CPU
    timing, the machine and its load as the run started."""
    from atlas.collect.environments import cached_run

    return cached_run(release, PROBE, (REQUESTS,), json.dumps({"cpu": cpu}, sort_keys=True),
                      CACHE_DIR / f"{release.version}{'-cpu' if cpu else ''}.json",
                      what="stack probe" + (" (with CPU timing)" if cpu else ""), timeout=1800, use_cache=use_cache,
                      extra=(lambda: {"measured_on": machine()}) if cpu else None,
                      valid=lambda result: not cpu or "measured_on" in result)


# --------------------------------------------------------------------------------------------------
# From the probe's answers to the data file


def _find(measurements: list[dict], stack: list[str], kind: str) -> dict:
    return next(m for m in measurements if m["stack"] == stack and kind_of(m) == kind)


def _counts(m: dict) -> dict:
    out = {"sync_to_async": m["sync_to_async"], "async_to_sync": m["async_to_sync"], "steady": m["steady"]}
    if "cpu_us" in m:
        out["cpu_us"] = m["cpu_us"]
    return out


def _calls_key(call: dict) -> tuple:
    return call["direction"], call["ran"]


def middleware_entry(result: dict, entry: dict) -> dict:
    """One middleware: what it adds over its prerequisites, per view kind and interface, and the calls
    that are its own (its hooks) or that it changes (a cache hit skips the view)."""
    path, before = entry["path"], entry["prerequisites"]
    out = {"path": path, "prerequisites": before, "needs_them_because": entry["needs_them_because"],
           "in_default_stack": path in result["default_stack"], **result["classes"][path],
           "measured": {}, "added": {}, "hooks": {}, "changes": {}}
    for kind in KINDS:
        alone = _find(result["measurements"], before + [path], kind)
        base = _find(result["measurements"], before, kind)
        out["measured"][kind] = _counts(alone)
        added = {"sync_to_async": alone["sync_to_async"] - base["sync_to_async"],
                 "async_to_sync": alone["async_to_sync"] - base["async_to_sync"]}
        if "cpu_us" in alone:
            added["cpu_us"] = round(alone["cpu_us"]["median"] - base["cpu_us"]["median"], 1)
        out["added"][kind] = added
        out["hooks"][kind] = [{"hook": c["hook"], "direction": c["direction"], "count": c["count"]}
                              for c in alone["calls"] if c.get("middleware") == path]
        # calls other than its hooks that differ from the stack it needs (e.g. the view skipped on a cache hit)
        others = {}
        for sign, calls in ((1, alone["calls"]), (-1, base["calls"])):
            for c in calls:
                if c.get("middleware") == path:
                    continue
                others[_calls_key(c)] = others.get(_calls_key(c), 0) + sign * c["count"]
        out["changes"][kind] = [{"direction": d, "ran": ran, "count": n} for (d, ran), n in others.items() if n]
    return out


def release_entry(result: dict) -> dict:
    measurements = result["measurements"]
    return {
        "version": result["version"], "django": result["django"], "python": result["python"],
        "asgiref": result["asgiref"], **({"measured_on": result["measured_on"]} if "measured_on" in result else {}),
        "installed_apps": result["installed_apps"],
        "default_stack": result["default_stack"],
        "empty": {kind: _counts(_find(measurements, [], kind)) for kind in KINDS},
        "default": {kind: _counts(_find(measurements, result["default_stack"], kind)) for kind in KINDS},
        "empty_calls": {kind: _find(measurements, [], kind)["calls"] for kind in KINDS},
        "default_calls": {kind: _find(measurements, result["default_stack"], kind)["calls"] for kind in KINDS},
        "middleware": [middleware_entry(result, e) for e in result["middleware"]],
        "refused": result["refused"],
    }


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": model, "cores": os.cpu_count() or 1, "system": f"{platform.system()} {platform.machine()}",
            "load_average": round(load, 2) if load is not None else None,
            "date": datetime.date.today().isoformat()}


def build(collected: dict[str, dict], cpu: dict | None) -> dict:
    data = {"$schema": "schemas/stack.schema.json"}
    if cpu:
        data["cpu_method"] = cpu
    data["releases"] = [release_entry({**result, "version": version}) for version, result in collected.items()]
    return data


def without_cpu(value):
    """The data with every CPU figure and the machine left out: what a second collection must repeat."""
    if isinstance(value, dict):
        return {k: without_cpu(v) for k, v in value.items() if k not in CPU_FIELDS}
    if isinstance(value, list):
        return [without_cpu(v) for v in value]
    return value


def collect_all(cpu: dict | None, use_cache: bool = True, versions: list[str] | None = None) -> dict:
    collected = {r.version: collect_release(r, cpu, use_cache=use_cache) for r in releases_measured(versions)}
    return build(collected, cpu)


# --------------------------------------------------------------------------------------------------
# The committed file


def differences(committed: dict, fresh: dict) -> list[str]:
    """Where a fresh count disagrees with the committed file, naming release, stack and view kind."""
    fix = "— run `python3 dev.py stack`"
    old = {r["version"]: without_cpu(r) for r in committed.get("releases", [])}
    new = {r["version"]: without_cpu(r) for r in fresh["releases"]}
    problems = [f"{relative(DATA_FILE)}: Django {v} is collected but missing {fix}" for v in new if v not in old]
    problems += [f"{relative(DATA_FILE)}: Django {v} is no longer collected {fix}" for v in old if v not in new]
    for version in [v for v in new if v in old]:
        a, b = old[version], new[version]
        for field in sorted(set(a) | set(b)):
            if a.get(field) != b.get(field):
                if field == "middleware":
                    olds = {m["path"]: m for m in a[field]}
                    for m in b[field]:
                        if olds.get(m["path"]) != m:
                            problems.append(f"{relative(DATA_FILE)}: Django {version}: {m['path']} differs from "
                                            f"a fresh count {fix}")
                    for path in set(olds) - {m["path"] for m in b[field]}:
                        problems.append(f"{relative(DATA_FILE)}: Django {version}: {path} is no longer found {fix}")
                else:
                    problems.append(f"{relative(DATA_FILE)}: Django {version}: {field} is {a.get(field)!r}, a "
                                    f"fresh count says {b.get(field)!r} {fix}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.stack", description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*",
                        help="only these releases: measured again and written in place of their entries (a patch "
                             "release taken), or compared (--check) or timed (--bench)")
    parser.add_argument("--check", action="store_true", help="count again and compare with the committed file")
    parser.add_argument("--bench", action="store_true", help="print cold and warm collection times")
    args = parser.parse_args(argv)
    if args.bench:
        # the counting run (what --check and the matrix tests do); a writing run prints its own time
        for cached in CACHE_DIR.glob("*.json") if CACHE_DIR.exists() else []:
            if not cached.name.endswith("-cpu.json"):
                cached.unlink()
        started = time.perf_counter()
        data = collect_all(None, versions=args.versions)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        collect_all(None, versions=args.versions)
        warm = time.perf_counter() - started
        print(f"stack collection, counts only, {len(data['releases'])} releases: cold {cold:.1f} s (release "
              f"environments present, cached counts cleared), warm {warm:.2f} s; machine: {machine()}")
        return 0
    if args.check:
        fresh = collect_all(None, versions=args.versions)
        committed = load()
        if args.versions:
            committed = {**committed, "releases": [r for r in committed["releases"] if r["version"] in args.versions]}
        problems = differences(committed, fresh)
        for problem in problems:
            print("  ! " + problem)
        print("OK: the committed counts match a fresh collection" if not problems else f"{len(problems)} differences")
        return 1 if problems else 0
    started = time.perf_counter()
    data = collect_all(CPU, versions=args.versions)
    if args.versions:  # the other releases keep their entries, measured when they were
        fresh = {r["version"]: r for r in data["releases"]}
        data = {**load(), "releases": [fresh.get(r["version"], r) for r in load()["releases"]]}
        known = {r["version"] for r in data["releases"]}
        data["releases"] += [r for v, r in fresh.items() if v not in known]
    DATA_FILE.write_text(dump(data), encoding="utf-8")
    print(f"measured in {time.perf_counter() - started:.0f} s (counts and CPU, cached releases reused)")
    totals = ", ".join(f"{r['version']}: {r['default']['async-asgi']['sync_to_async']}" for r in data["releases"])
    print(f"wrote {relative(DATA_FILE)}; startproject stack, async view, sync_to_async per request: {totals}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
