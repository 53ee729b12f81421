"""Load and rewrite docs/data/compat.yml: the Python and package pins of each release's page-matrix environment."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from atlas.core import datafile
from atlas.core.errors import DataError
from atlas.core.paths import DATA, relative
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
    """Rewrite compat.yml (its header comment kept), e.g. after --resolve."""
    header = path.read_text(encoding="utf-8").split("\nneeds:", 1)[0]
    lines = [header, "needs:"]
    for need in compat.needs:
        lines.append(f"  - name: {need.name}")
        if need.since:
            lines.append(f'    from: "{need.since}"')
    lines.append("releases:")
    for env in compat.releases.values():
        lines += [f'  - release: "{env.release}"', f'    python: "{env.python}"']
        if env.project:
            lines.append("    project: true")
        if env.resolved:
            lines.append(f'    resolved: "{env.resolved}"')
        if env.packages:
            lines.append("    packages:")
            lines += [f'      {name}: "{version}"' for name, version in sorted(env.packages.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

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
