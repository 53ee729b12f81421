"""Load and rewrite docs/data/compat.yml: the Python and package pins of each release's page-matrix environment."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from atlas.core import datafile, yaml_rewrite
from atlas.core.errors import DataError
from atlas.core.paths import DATA, relative
from atlas.core.yaml_rewrite import CommentedMap, CommentedSeq, quoted
from atlas.data.versions_data import load_releases

COMPAT_FILE = DATA / "compat.yml"
# -- data: docs/data/compat.yml ---------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    name: str
    since: str | None  # the first release the package applies to (django-tasks-db: 6.0), None: all


@dataclass(frozen=True)
class ReleaseEnv:
    release: str
    python: str
    project: bool                    # the project's own .venv (requirements.lock)
    packages: dict[str, str]         # every pin pip's resolver chose, django included
    resolved: str | None


@dataclass(frozen=True)
class Compat:
    needs: tuple[Need, ...]
    releases: dict[str, ReleaseEnv]


def load_compat(path: Path = COMPAT_FILE) -> Compat:
    raw = datafile.load("compat", path)
    where = relative(path)
    needs = tuple(Need(n["name"], n.get("from")) for n in raw["needs"])
    releases = {}
    for entry in raw["releases"]:
        version = entry["release"]
        releases[version] = ReleaseEnv(release=version, python=entry["python"], project=bool(entry.get("project")),
                                       packages=dict(entry.get("packages") or {}),
                                       resolved=str(entry["resolved"]) if entry.get("resolved") else None)
        if not releases[version].project and not releases[version].packages:
            raise DataError(f"{where}: releases[{version}].packages: no pins yet — run "
                            f"`python3 dev.py pagematrix --resolve {version}` to let pip choose them")
    return Compat(needs=needs, releases=releases)


def write_compat(compat: Compat, path: Path = COMPAT_FILE) -> None:
    """Rewrite compat.yml from `compat` (e.g. after --resolve); comments and unchanged entries stay as written."""
    def fields(env: ReleaseEnv) -> dict:
        out = {"release": quoted(env.release), "python": quoted(env.python)}
        if env.project:
            out["project"] = True
        if env.resolved:
            out["resolved"] = quoted(env.resolved)
        if env.packages:
            out["packages"] = CommentedMap((name, quoted(version)) for name, version in sorted(env.packages.items()))
        return out

    def change(data) -> bool:
        needs = [{"name": need.name, **({"from": quoted(need.since)} if need.since else {})} for need in compat.needs]
        if [dict(entry) for entry in data["needs"]] != needs:
            data["needs"] = CommentedSeq(CommentedMap(need) for need in needs)
        written = {str(entry["release"]): entry for entry in data["releases"]}
        releases = CommentedSeq()
        for env in compat.releases.values():
            entry, wanted = written.get(env.release), fields(env)
            if entry is None or list(entry) != list(wanted):
                entry = CommentedMap(wanted)
            else:
                for key, value in wanted.items():
                    if entry[key] != value:
                        entry[key] = value
            releases.append(entry)
        data["releases"] = releases
        return True

    yaml_rewrite.rewrite(path, change)

def release_keys() -> dict[str, object]:
    return {r.version: r for r in load_releases()}


def wanted_packages(compat: Compat, version: str) -> list[str]:
    order = list(release_keys())
    return [n.name for n in compat.needs if n.since is None or order.index(version) >= order.index(n.since)]


def load_compat_unresolved(path: Path = COMPAT_FILE) -> Compat:
    """compat.yml read without insisting that every release is resolved (for --resolve itself)."""
    raw = datafile.load("compat", path)
    needs = tuple(Need(n["name"], n.get("from")) for n in raw["needs"])
    releases = {e["release"]: ReleaseEnv(e["release"], e["python"], bool(e.get("project")),
                                         dict(e.get("packages") or {}),
                                         str(e["resolved"]) if e.get("resolved") else None)
                for e in raw["releases"]}
    return Compat(needs, releases)
