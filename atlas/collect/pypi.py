"""Versions as Django and PyPI write them, and the package index that lists them (PyPI's JSON API or pip)."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import packaging.version

PYPI = os.environ.get("ATLAS_PYPI_JSON", "https://pypi.org/pypi")
# --------------------------------------------------------------------------------------------------
# Versions (Django's own scheme, X.Y[.Z][aN|bN|rcN], and the annual YYYY[.N] from Django 2028 on)

@dataclass(frozen=True)
class Version:
    """A Django release as PyPI lists it, ordered by `packaging` (as pip orders it)."""
    raw: str
    feature: str  # "6.1", or "2028" under the annual numbering
    patch: int
    pre: tuple[str, int] | None  # ("a"|"b"|"rc", n), None for a final release

    @property
    def key(self) -> packaging.version.Version:
        return packaging.version.Version(self.raw)

    @property
    def final(self) -> bool:
        return self.pre is None


def parse_version(raw: str) -> Version | None:
    """A release version, or None for anything else (dev/post releases, odd schemes)."""
    try:
        parsed = packaging.version.Version(raw.strip())
    except packaging.version.InvalidVersion:
        return None
    if parsed.dev is not None or parsed.post is not None or parsed.local or parsed.epoch or len(parsed.release) > 3:
        return None
    major, minor, micro = (*parsed.release, 0, 0)[:3]
    if major >= 2000:  # annual numbering: YYYY is the feature release, YYYY.N its patches
        return Version(raw, str(major), minor, parsed.pre) if len(parsed.release) <= 2 else None
    return Version(raw, f"{major}.{minor}", micro, parsed.pre)


def feature_key(feature: str) -> packaging.version.Version:
    return packaging.version.Version(feature)


def generic_key(raw: str) -> packaging.version.Version | None:
    """Order key for a package's final release (1.2.3; 2026.10.19.post1 or 1.0rc1 -> None: not compared)."""
    try:
        parsed = packaging.version.Version(raw)
    except packaging.version.InvalidVersion:
        return None
    return parsed if parsed.release and not (parsed.pre or parsed.post or parsed.dev or parsed.local) else None


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --------------------------------------------------------------------------------------------------
# The package index


class IndexUnreachable(RuntimeError):
    pass


@dataclass
class Index:
    """Released versions of a project and the date each was first uploaded (None when unknown)."""

    base: str = PYPI
    timeout: float = 20.0
    pip_fallback: bool = True
    simple: str | None = None  # --index-url for the pip fallback (default: pip's own configuration)
    log: list[str] = field(default_factory=list)

    def releases(self, name: str) -> dict[str, dt.date | None]:
        url = f"{self.base.rstrip('/')}/{name}/json"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as answer:
                data = json.load(answer)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return {}
            return self._pip(name, f"{url}: HTTP {exc.code}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return self._pip(name, f"{url}: {exc}")
        found: dict[str, dt.date | None] = {}
        for version, files in data.get("releases", {}).items():
            live = [f for f in files if not f.get("yanked")]
            if files and not live:
                continue  # every file yanked
            times = sorted(f["upload_time"][:10] for f in live if f.get("upload_time"))
            found[version] = dt.date.fromisoformat(times[0]) if times else None
        return found

    def _pip(self, name: str, why: str) -> dict[str, dt.date | None]:
        if not self.pip_fallback:
            raise IndexUnreachable(why)
        self.log.append(f"JSON API unreachable ({why}); asked `pip index versions {name}`")
        cmd = [sys.executable, "-m", "pip", "index", "versions", "--pre", "--disable-pip-version-check", name]
        if self.simple:
            cmd += ["--index-url", self.simple]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        m = re.search(r"Available versions:\s*(.+)", done.stdout)
        if done.returncode != 0 or not m:
            raise IndexUnreachable(f"{why}; pip index versions {name} failed: {done.stderr.strip()[-300:]}")
        return {v.strip(): None for v in m.group(1).split(",")}
