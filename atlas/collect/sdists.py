"""Read a Django release's sdist (downloaded once into .cache/django-sdists/) and the RST headings of its docs."""
from __future__ import annotations

import fcntl
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from atlas.core.paths import CACHE
from atlas.data.versions_data import Release

# --------------------------------------------------------------------------------------------------
# Release sdists (for checking that capability sources exist)

SDIST_DIR = CACHE / "django-sdists"


def sdist_path(release: Release, download: bool = True) -> Path:
    """The sdist of release.newest_patch under .cache/django-sdists, downloaded with pip once."""
    SDIST_DIR.mkdir(parents=True, exist_ok=True)
    with open(SDIST_DIR / f"{release.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # parallel test workers share .cache/
        return _sdist_path(release, download)


def _sdist_path(release: Release, download: bool) -> Path:
    for name in (f"django-{release.newest_patch}.tar.gz", f"Django-{release.newest_patch}.tar.gz"):
        if (SDIST_DIR / name).exists():
            return SDIST_DIR / name
    if not download:
        raise FileNotFoundError(f"no sdist for Django {release.newest_patch} in {SDIST_DIR}")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-binary", ":all:", "-d", str(SDIST_DIR), f"django=={release.newest_patch}"],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip download django=={release.newest_patch} failed:\n{done.stderr[-3000:]}")
    return _sdist_path(release, download=False)


def sdist_text(release: Release, member: str) -> str | None:
    """The text of a file (docs/..., setup.cfg, pyproject.toml) inside the release's sdist, or None."""
    return _sdist_files(str(sdist_path(release))).get(member)


@lru_cache(maxsize=16)
def _sdist_files(path: str) -> dict[str, str]:
    """Docs and packaging files of one sdist, read in a single pass over the tarball."""
    import tarfile

    wanted = ("setup.cfg", "setup.py", "pyproject.toml")
    files: dict[str, str] = {}
    with tarfile.open(path, mode="r:gz") as tar:
        for info in tar:
            if not info.isfile():
                continue
            name = info.name.split("/", 1)[1] if "/" in info.name else info.name
            if (name.startswith("docs/") and name.endswith(".txt")) or name in wanted:
                handle = tar.extractfile(info)
                if handle is not None:
                    files[name] = handle.read().decode("utf-8", errors="replace")
    return files


def rst_headings(text: str) -> list[str]:
    """Section titles of a reStructuredText document (underlined, optionally overlined)."""
    import re

    lines = text.split("\n")
    underline = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{2,}\s*$")
    found = []
    for i in range(1, len(lines)):
        title = lines[i - 1].strip()
        if underline.match(lines[i]) and title and not underline.match(lines[i - 1]):
            found.append(title)
    return found


def plain_heading(title: str) -> str:
    """A heading without RST roles and literals: ':mod:`django.contrib.auth`' -> 'django.contrib.auth'."""
    import re

    title = re.sub(r":[a-z]+:`~?\.?([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", title)
    return title.replace("``", "")
