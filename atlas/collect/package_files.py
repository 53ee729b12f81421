"""A package release's wheel or sdist, downloaded once per machine.

A release's files never change on the index, so every clone and worktree reads one copy, under
~/.cache/django-async-atlas/package-files/<name>/<version>/<wheel or sdist>/ (as Django's sdists:
atlas/collect/sdists.py). A `none` file there records that the index lists no file of that kind for the
release; delete the folder to look again. Files come from the index's listing (atlas/collect/index_files.py),
from `pip download` when that cannot be read.
"""
from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from packaging.utils import canonicalize_name

from atlas.collect import index_files
from atlas.core.installer import machine_cache

FOLDER = machine_cache() / "package-files"
SUFFIXES = (".whl", ".gz", ".zip", ".bz2")
PIP_KIND = {"wheel": "--only-binary", "sdist": "--no-binary"}


def release_file(name: str, version: str, kinds: tuple[str, ...] = ("wheel", "sdist")) -> Path | None:
    """The release's file of the first kind it has (a wheel before an sdist, as pip prefers), or None."""
    for kind in kinds:
        path = _file(name, version, kind)
        if path is not None:
            return path
    return None


def _present(folder: Path) -> Path | None:
    return next((p for p in sorted(folder.iterdir()) if p.suffix in SUFFIXES), None)


def _file(name: str, version: str, kind: str) -> Path | None:
    folder = FOLDER / canonicalize_name(name) / version / kind
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # parallel workers and other clones share the folder
        if (found := _present(folder)) or (folder / "none").exists():
            return found
        try:
            return index_files.fetch_file(name, version, folder, kind)
        except index_files.NoSuchFile:
            (folder / "none").touch()
            return None
        except (OSError, ValueError, KeyError) as error:
            print(f"reading {name} {version}'s {kind} from the index failed ({error}); trying pip", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                        PIP_KIND[kind], ":all:", "-d", str(folder), f"{name}=={version}"],
                       capture_output=True, text=True, timeout=600)
        return _present(folder)   # nothing: not recorded as `none`, since pip cannot say why
