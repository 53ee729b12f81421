"""The Django packages' own distributions: download (once per machine), read their metadata.

A package counts as a Django package when its own metadata (the wheel's METADATA, or the sdist's PKG-INFO)
carries the trove classifier ``Framework :: Django`` (or one of its ``Framework :: Django :: X.Y`` children).
"""
from __future__ import annotations

import email.parser
import logging
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from atlas.collect.package_files import release_file
from atlas.core.paths import CACHE

log = logging.getLogger(__name__)

DIST_CACHE = CACHE / "ecosystem" / "dist"
CLASSIFIER = "Framework :: Django"


def download(name: str, version: str | None = None) -> Path:
    """The package's wheel (or sdist when it has no wheel) of `version`, downloaded once per machine
    (atlas/collect/package_files.py); without a version, its newest, downloaded once into
    .cache/ecosystem/dist/<name>/ (a ranking refresh: delete the folder for a newer one)."""
    if version is not None:
        found = release_file(name, version)
        if found is None:
            raise RuntimeError(f"{name} {version}: the index lists no wheel and no sdist")
        return found
    folder = DIST_CACHE / name.lower()
    existing = sorted(p for p in folder.glob("*") if p.suffix in (".whl", ".gz", ".zip")) if folder.exists() else []
    if existing:
        return existing[-1]
    folder.mkdir(parents=True, exist_ok=True)
    log.info(f"  pip download --no-deps {name}")
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                           "--no-deps", "-d", str(folder), name],
                          capture_output=True, text=True, timeout=600)
    got = sorted(p for p in folder.glob("*") if p.suffix in (".whl", ".gz", ".zip"))
    if done.returncode != 0 or not got:
        raise RuntimeError(f"pip download --no-deps {name} failed: {done.stderr[-2000:]}")
    return got[-1]


def _metadata_text(dist: Path) -> str:
    if dist.suffix == ".whl":
        with zipfile.ZipFile(dist) as archive:
            member = next(n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
            return archive.read(member).decode("utf-8")
    if dist.suffix == ".zip":
        with zipfile.ZipFile(dist) as archive:
            member = min((n for n in archive.namelist() if n.endswith("/PKG-INFO")), key=lambda n: n.count("/"))
            return archive.read(member).decode("utf-8")
    with tarfile.open(dist) as archive:
        member = min((m for m in archive.getmembers() if m.name.endswith("/PKG-INFO")), key=lambda m: m.name.count("/"))
        return archive.extractfile(member).read().decode("utf-8")


def metadata(dist: Path) -> dict:
    """Name, version, classifiers, Requires-Python and Requires-Dist as the distribution declares them."""
    message = email.parser.Parser().parsestr(_metadata_text(dist))
    return {"name": message["Name"], "version": message["Version"], "file": dist.name,
            "classifiers": message.get_all("Classifier") or [],
            "requires_python": message.get("Requires-Python") or "",
            "requires_dist": message.get_all("Requires-Dist") or []}


def is_django_package(meta: dict) -> bool:
    return any(c == CLASSIFIER or c.startswith(CLASSIFIER + " :: ") for c in meta["classifiers"])


def django_releases(meta: dict) -> list[str]:
    """The Django feature releases the package's classifiers name (Framework :: Django :: 5.2), in order."""
    found = []
    for c in meta["classifiers"]:
        if c.startswith(CLASSIFIER + " :: "):
            tail = c[len(CLASSIFIER) + 4:]
            if tail[:1].isdigit():
                found.append(tail)
    return sorted(set(found), key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()))


def source_files(dist: Path) -> dict[str, str]:
    """{path inside the distribution: text} for every .py file (what a rule reads to find what the package
    plugs into); an sdist's top folder is stripped."""
    files = {}
    if dist.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(dist) as archive:
            for n in archive.namelist():
                if n.endswith(".py"):
                    files[n if dist.suffix == ".whl" else n.split("/", 1)[-1]] = archive.read(n).decode("utf-8", "replace")
    else:
        with tarfile.open(dist) as archive:
            for m in archive.getmembers():
                if m.isfile() and m.name.endswith(".py"):
                    files[m.name.split("/", 1)[-1]] = archive.extractfile(m).read().decode("utf-8", "replace")
    return {k: v for k, v in files.items() if not k.startswith(("tests/", "test/", "docs/", "example"))
            and "/tests/" not in k and "/migrations/" not in k}
