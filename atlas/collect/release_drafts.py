"""Drafts for a new release: its releases.yml entry, capability entries, and the probe and API diffs."""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass

from atlas.collect import rst
from atlas.collect.pypi import Version, feature_key
from atlas.collect.release_notes import Item, directive_items, note_items

# --------------------------------------------------------------------------------------------------
# Drafts for a new release


def _api_tokens(apis) -> set[str]:
    tokens = set()
    for api in apis:
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]+", api):
            if len(word) >= 4 and word.lower() not in {"django", "contrib", "setting", "none", "only", "does", "exist",
                                                        "from", "with", "views", "view", "request", "true",
                                                        "async", "kwargs", "sender", "self"}:
                tokens.add(word.lower())
    return tokens


def match_capabilities(item: Item, capabilities, limit: int = 3) -> list[str]:
    """Existing capabilities an item most likely changes, best first: words of the item's code markup that
    the capability's APIs use, each weighted by its length and divided by how many capabilities share it."""
    shipped = [c for c in capabilities if c.shipped]
    tokens = {c.id: _api_tokens(c.apis) for c in shipped}
    df: dict[str, int] = {}
    for ts in tokens.values():
        for t in ts:
            df[t] = df.get(t, 0) + 1
    code = " ".join(x or y for x, y in re.findall(r"``(.+?)``|:[a-z]+:`([^`]+)`", item.text, re.S))
    words = set(re.findall(r"[a-z_][a-z0-9_]+", code.lower()))  # API names are marked up as code in RST
    scores = {cid: sum(len(t) / df[t] for t in ts & words) for cid, ts in tokens.items()}
    best = max(scores.values(), default=0)
    if best <= 0:
        return []
    ranked = sorted((cid for cid, sc in scores.items() if sc >= best / 2), key=lambda cid: -scores[cid])
    return ranked[:limit]


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def draft_release(feature: str, version: Version, pypi: dict[str, dt.date | None], files: dict[str, str],
                  installed_pythons: list[str]) -> dict:
    """A releases.yml entry from the sdist (notes, pyproject/setup.cfg) and the index; TODO where a human
    writes (summary, upgrade notes, pitfalls)."""
    notes = files.get(f"docs/releases/{feature}.txt", "")
    packaging = files.get("pyproject.toml", "") + "\n" + files.get("setup.cfg", "")
    pythons = sorted(set(re.findall(r"Programming Language :: Python :: (3\.\d+)", packaging)),
                     key=lambda p: int(p.split(".")[1]))
    asgiref = re.search(r"asgiref\s*>=\s*([\d.]+)", packaging)
    flat = " ".join(notes.split())
    lts = bool(re.search(rf"Django {re.escape(feature)} is designated as a :term:`long-term support release",
                         flat))
    released = pypi.get(feature) if feature in pypi else None
    end = re.search(r"Extended support is expected to end in (\w+) (\d{4})", flat)
    if end:
        month = list(calendar.month_name).index(end.group(1)) if end.group(1) in calendar.month_name else 0
        end_of_support = _end_of_month(int(end.group(2)), month) if month else "TODO"
    elif lts and released:
        end_of_support = _end_of_month(released.year + 3, released.month)
    else:
        end_of_support = "TODO: from the supported-versions table"
    expected = re.search(r"\*Expected (\w+ \d{4})\*", notes)
    probe = [p for p in reversed(pythons) if p in installed_pythons]
    return {
        "version": feature,
        "newest_patch": version.raw,
        "released": released or f"TODO (not released yet; notes say: {expected.group(1) if expected else '?'})",
        "end_of_support": end_of_support,
        "end_of_support_expected": True,
        "lts": lts,
        "pythons": pythons,
        "asgiref_min": asgiref.group(1) if asgiref else "TODO",
        "probe_python": probe[0] if probe else "TODO: install one of " + ", ".join(pythons),
        "summary": "TODO: one sentence, in our own words, on what it changes for async",
        "upgrade_notes": ["TODO"],
        "pitfalls": ["TODO"],
        "source": f"docs/releases/{feature}.txt",
        "support_source": "https://www.djangoproject.com/download/#supported-versions",
    }


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", rst.plain(text).lower())[:6]
    return "-".join(words) or "new-capability"


def draft_capabilities(items: list[Item], capabilities, feature: str) -> tuple[list[dict], list[dict]]:
    """(changed, new): a `changed` entry for items that match an existing capability, a new entry otherwise."""
    changed, new = [], []
    for item in items:
        targets = match_capabilities(item, capabilities)
        if targets:
            changed.append({"capability": targets[0], "or": targets[1:], "version": feature,
                            "note": "TODO: " + item.short(), "from": f"{item.file} › {item.section}"})
        else:
            new.append({
                "id": _slug(item.short(60)), "name": "TODO: " + item.short(70), "added": feature,
                "support": "full", "apis": ["TODO"], "requires": ["none"], "use_cases": [],
                "source": {"file": item.file, "section": item.section},
                "probe": "TODO: Python that raises unless the capability is there",
            })
    return changed, new


@dataclass
class ReleaseDraft:
    feature: str
    version: Version
    entry: dict
    items: list[Item]
    changed: list[dict]
    new: list[dict]
    probe_lines: list[str]


def installed_pythons() -> list[str]:
    from atlas.collect.envs import PythonNotFound, find_python
    found = []
    for minor in range(8, 20):
        try:
            find_python(f"3.{minor}")
            found.append(f"3.{minor}")
        except PythonNotFound:
            pass
    return found


def build_release_draft(feature: str, version: Version, pypi: dict[str, dt.date | None], known_features: list[str],
                        capabilities, install: bool = True) -> ReleaseDraft:
    from atlas.collect import sdists
    from atlas.data.versions_data import Release

    def release_for(python: str) -> Release:
        return Release(version=feature, newest_patch=version.raw, released=dt.date.today(),
                       end_of_support=dt.date.today() + dt.timedelta(days=1), end_of_support_expected=True,
                       lts=False, pythons=(python,), asgiref_min="0", probe_python=python, summary="",
                       upgrade_notes=(), pitfalls=(), source="")

    files = sdists._sdist_files(str(sdists.sdist_path(release_for("3.12"))))
    entry = draft_release(feature, version, pypi, files, installed_pythons())
    items = note_items(files.get(f"docs/releases/{feature}.txt", ""), f"docs/releases/{feature}.txt")
    items += directive_items(files, feature)
    changed, new = draft_capabilities(items, capabilities, feature)
    probe_lines = []
    if install and re.fullmatch(r"3\.\d+", str(entry["probe_python"])):
        probe_lines = probe_diff(release_for(entry["probe_python"]), capabilities, known_features)
        probe_lines += api_diff(release_for(entry["probe_python"]), capabilities, known_features)
    elif install:
        probe_lines = [f"not probed: {entry['probe_python']}"]
    return ReleaseDraft(feature, version, entry, items, changed, new, probe_lines)


def probe_diff(release, capabilities, known_features: list[str]) -> list[str]:
    """Run every shipped probe in the new release; compare with what the newest known release has."""
    from atlas.collect import environments, matrix

    previous = max(known_features, key=feature_key)
    venv = environments.ensure_venv(release)
    shipped = [c for c in capabilities if c.shipped and c.probe]
    payload = json.dumps({"probes": [{"id": c.id, "code": c.probe} for c in shipped]})
    data, _ = environments.run_json_script(str(environments.venv_python(venv)), matrix.RUNNER, payload, cwd=str(venv),
                                     timeout=600, what=f"probe runner for Django {release.newest_patch}")
    if data.get("setup_error"):
        return [f"Django {release.newest_patch} could not be configured: {data['setup_error'][:300]}"]
    results = data["results"]
    kept = [c.id for c in shipped if c.present_in(previous) and results.get(c.id, {}).get("ok")]
    lost = [c.id for c in shipped if c.present_in(previous) and not results.get(c.id, {}).get("ok")]
    gained = [c.id for c in shipped if not c.present_in(previous) and results.get(c.id, {}).get("ok")]
    lines = [f"probes on Django {data.get('django')} / Python {data.get('python')}: "
             f"{len(kept)} of {len(kept) + len(lost)} capabilities of {previous} still pass"]
    lines += [f"  GONE (probe fails; removed or probe broken): {cid}: "
              f"{(results.get(cid, {}).get('error') or '')[:160]}" for cid in lost]
    lines += [f"  now passes (not in {previous}): {cid}" for cid in gained]
    return lines


def api_diff(release, capabilities, known_features: list[str]) -> list[str]:
    """Run the async API collector (atlas/collect/async_api.py, the API index's) on the new release and compare
    what it finds with the committed index's newest release."""
    try:
        from atlas.collect import async_api
        from atlas.data.async_api import load_index, load_scope
    except ImportError:
        return ["async API collector: not in this checkout (atlas/collect/async_api.py); no API diff"]
    previous = max(known_features, key=feature_key)
    try:
        scope = load_scope()
        tokens = async_api.all_tokens(capabilities, scope)
        found = async_api.collect_release(release, scope, tokens, use_cache=True)
        index = load_index()
    except Exception as error:  # a draft is still useful without the API part; say why it is missing
        return [f"async API collector failed on Django {release.newest_patch}: {type(error).__name__}: {error}"]
    before = {a["name"] for a in index.get("apis", []) if previous in a.get("releases", [])}
    now = {a["name"] for a in found.get("apis", [])}
    lines = [f"async APIs: {len(now)} in Django {release.newest_patch}, {len(before)} in {previous} "
             f"(committed index): {len(now - before)} new, {len(before - now)} gone"]
    lines += [f"  + {name}" for name in sorted(now - before)]
    lines += [f"  - {name}" for name in sorted(before - now)]
    return lines
