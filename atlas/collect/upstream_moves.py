"""What moved upstream: new Django releases and patches, newer package versions, stale dated entries."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import packaging.version

from atlas.collect.pypi import (
    Index,
    IndexUnreachable,
    Version,
    feature_key,
    generic_key,
    normalize,
    parse_version,
)
from atlas.core.paths import ROOT

LOCK_FILE = ROOT / "requirements.lock"
NOTHING = packaging.version.Version("0")  # below every release: a version that cannot be compared
# --------------------------------------------------------------------------------------------------
# Django releases


@dataclass
class DjangoMoves:
    new_features: list[tuple[str, Version, dt.date | None]]  # feature, newest version, upload date
    new_patches: list[tuple[str, str, Version, dt.date | None]]  # feature, newest_patch we have, newer one


def django_moves(known: dict[str, str], pypi: dict[str, dt.date | None]) -> DjangoMoves:
    """known: {feature: newest_patch} from releases.yml."""
    versions = [v for v in (parse_version(raw) for raw in pypi) if v]
    newest_known = max((feature_key(f) for f in known), default=(0, 0))
    by_feature: dict[str, list[Version]] = {}
    for v in versions:
        by_feature.setdefault(v.feature, []).append(v)
    new_features = []
    for feature, vs in sorted(by_feature.items(), key=lambda item: feature_key(item[0])):
        if feature in known or feature_key(feature) <= newest_known:
            continue
        finals = [v for v in vs if v.final]
        newest = max(finals or vs, key=lambda v: v.key)
        new_features.append((feature, newest, pypi[newest.raw]))
    new_patches = []
    for feature, have in sorted(known.items(), key=lambda item: feature_key(item[0])):
        have_v = parse_version(have)
        finals = [v for v in by_feature.get(feature, []) if v.final]
        if have_v and finals:
            newest = max(finals, key=lambda v: v.key)
            if newest.key > have_v.key:
                new_patches.append((feature, have, newest, pypi[newest.raw]))
    return DjangoMoves(new_features, new_patches)


# --------------------------------------------------------------------------------------------------
# Packages the pages name


def lock_pins(path: Path = LOCK_FILE) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9][\w.-]*)==([^\s;#]+)", line.strip())
        if m:
            pins[normalize(m.group(1))] = m.group(2)
    return pins


def page_mentions(names: list[str], roots: list[Path]) -> dict[str, tuple[str, str]]:
    """Highest version each package is named with on the pages ("uvicorn 0.54", "channels==4.3.2"):
    {name: (version, file)}."""
    found: dict[str, tuple[str, str]] = {}
    files = [p for root in roots for p in sorted(root.rglob("*")) if p.suffix in {".md", ".yml", ".ipynb"}]
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file()}
    for name in names:
        spelled = "[-_]".join(re.escape(part) for part in normalize(name).split("-"))
        pattern = re.compile(rf"(?<![\w-]){spelled}(?![\w-])\s*(?:==|\s)\s*v?(\d+\.\d+(?:\.\d+)?)(?![\w.]*\d)",
                             re.IGNORECASE)
        for path, text in texts.items():
            for m in pattern.finditer(text):
                version = m.group(1)
                best = found.get(name)
                if best is None or (generic_key(version) or NOTHING) > (generic_key(best[0]) or NOTHING):
                    found[name] = (version, str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
    return found


@dataclass
class PackageMove:
    name: str
    lock: str | None
    pages: tuple[str, str] | None
    newest: str
    released: dt.date | None


def package_moves(names: list[str], pins: dict[str, str], mentions: dict[str, tuple[str, str]],
                  index: Index) -> tuple[list[PackageMove], list[str], list[str]]:
    """(moves, problems, unpinned): a package neither pinned nor named with a version is only listed."""
    moves, problems, unpinned = [], [], []
    for name in names:
        try:
            pypi = index.releases(name)
        except IndexUnreachable as exc:
            problems.append(f"{name}: {exc}")
            continue
        finals = [(generic_key(v), v) for v in pypi if generic_key(v)]
        if not finals:
            problems.append(f"{name}: no final release on the index")
            continue
        newest_key, newest = max(finals)
        used = [v for v in (pins.get(normalize(name)), (mentions.get(name) or (None,))[0]) if v]
        if not used:
            unpinned.append(f"{name} {newest} (uploaded {pypi[newest] or '?'}): not pinned, no version on the pages")
            continue
        used_key = max((generic_key(v) or NOTHING for v in used), default=NOTHING)
        if newest_key > used_key:
            moves.append(PackageMove(name, pins.get(normalize(name)), mentions.get(name), newest, pypi[newest]))
    return moves, problems, unpinned


# --------------------------------------------------------------------------------------------------
# Freshness


@dataclass
class Stale:
    where: str
    id: str
    checked: dt.date
    age: int


def stale_entries(today: dt.date, days: int, roadmap_path: Path | None = None,
                  capabilities_path: Path | None = None) -> list[Stale]:
    from atlas.data.versions_data import load_capabilities, load_roadmap

    found = []
    for item in load_roadmap(roadmap_path):
        age = (today - item.checked).days
        if age > days:
            found.append(Stale("roadmap", item.id, item.checked, age))
    for cap in load_capabilities(capabilities_path):
        if not cap.shipped and cap.checked is not None:
            age = (today - cap.checked).days
            if age > days:
                found.append(Stale("not there yet", cap.id, cap.checked, age))
    return found
