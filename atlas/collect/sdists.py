"""Read a Django release's sdist (downloaded once per machine) and the RST headings of its docs."""
from __future__ import annotations

import fcntl
import gzip
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from atlas.collect import rst
from atlas.data.versions_data import Release

# --------------------------------------------------------------------------------------------------
# Release sdists (for checking that capability sources exist)

def _sdist_dir() -> Path:
    from atlas.core.installer import machine_cache

    return Path(os.environ.get("ATLAS_SDIST_DIR") or machine_cache() / "django-sdists")


# once per machine (every clone and worktree reads the same files): ~/.cache/django-async-atlas/django-sdists
SDIST_DIR = _sdist_dir()


def sdist_path(release: Release, download: bool = True) -> Path:
    """The sdist of release.newest_patch under SDIST_DIR, downloaded once per machine."""
    SDIST_DIR.mkdir(parents=True, exist_ok=True)
    with open(SDIST_DIR / f"{release.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # parallel test workers and commands share the folder
        return _sdist_path(release, download)


def sdist_paths(releases: list[Release], jobs: int = 8) -> dict[str, Path]:
    """Every release's sdist, the missing ones downloaded at the same time (each under its own lock)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(zip([r.version for r in releases], pool.map(sdist_path, releases)))


def _sdist_path(release: Release, download: bool) -> Path:
    for name in (f"django-{release.newest_patch}.tar.gz", f"Django-{release.newest_patch}.tar.gz"):
        if (SDIST_DIR / name).exists():
            return SDIST_DIR / name
    if not download:
        raise FileNotFoundError(f"no sdist for Django {release.newest_patch} in {SDIST_DIR}")
    started = time.perf_counter()
    from atlas.collect.envs import record
    from atlas.collect.index_files import fetch_file

    try:
        fetch_file("django", release.newest_patch, SDIST_DIR, "sdist")
        record(f"sdist django {release.newest_patch}", time.perf_counter() - started, how="index")
        return _sdist_path(release, download=False)
    except (OSError, ValueError, KeyError) as error:
        print(f"fetching the Django {release.newest_patch} sdist from the index failed ({error}); trying pip",
              file=sys.stderr)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-binary", ":all:", "-d", str(SDIST_DIR), f"django=={release.newest_patch}"],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pip download django=={release.newest_patch} failed:\n{done.stderr[-3000:]}")
    record(f"sdist django {release.newest_patch}", time.perf_counter() - started, how="pip")
    return _sdist_path(release, download=False)


def sdist_text(release: Release, member: str) -> str | None:
    """The text of a file (docs/..., setup.cfg, pyproject.toml) inside the release's sdist, or None."""
    return _sdist_files(str(sdist_path(release))).get(member)


def sdist_members(path: str | Path, wanted: Callable[[str], bool]) -> Iterator[tuple[str, str]]:
    """(name, text) of each file of a Django sdist whose name inside the release (the tarball's top folder
    left out: 'docs/releases/5.0.txt', 'django/db/models/query.py') `wanted` accepts, in one pass over it:
    the one reader of a release's sdist."""
    import tarfile

    with tarfile.open(path, mode="r:gz") as tar:
        for info in tar:
            name = info.name.split("/", 1)[1] if "/" in info.name else info.name
            if info.isfile() and wanted(name):
                handle = tar.extractfile(info)
                if handle is not None:
                    yield name, handle.read().decode("utf-8", errors="replace")


def release_files(releases: list[Release], wanted: Callable[[str], bool] | Iterable[str]
                  ) -> Iterator[tuple[Release, dict[str, str]]]:
    """Each release with {name: text} of the files of its sdist that `wanted` accepts (a predicate: read on
    each call) or names (a collection of names: read once, then kept beside the sdist); the sdists missing
    here are fetched first, all at the same time."""
    paths = sdist_paths(releases)
    names = None if callable(wanted) else tuple(sorted(set(wanted)))
    for release in releases:
        path = paths[release.version]
        yield release, dict(sdist_members(path, wanted)) if names is None else _kept_members(str(path), names)


@lru_cache(maxsize=16)
def _kept_members(sdist: str, members: tuple[str, ...]) -> dict[str, str]:
    """The texts of the named `members` of a sdist. Unpacking a tarball takes about half a second, so what
    was read is kept next to it (an sdist never changes): `<sdist>.members.json`."""
    tarball = Path(sdist)
    kept = tarball.with_name(tarball.name + ".members.json")
    try:
        known = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    missing = set(members) - set(known)
    if missing:
        known.update(dict.fromkeys(missing))  # null: not in this sdist
        known.update(sdist_members(tarball, missing.__contains__))
        partial = kept.with_name(f"{kept.name}.{os.getpid()}")  # parallel workers: replace, never half-write
        partial.write_text(json.dumps(known), encoding="utf-8")
        os.replace(partial, kept)
    return {name: known[name] for name in members if known[name] is not None}


PACKAGING = ("setup.cfg", "setup.py", "pyproject.toml")


def _is_doc_or_packaging(name: str) -> bool:
    return (name.startswith("docs/") and name.endswith(".txt")) or name in PACKAGING


@lru_cache(maxsize=16)
def _sdist_files(path: str) -> dict[str, str]:
    """Docs and packaging files of one sdist. Read in one pass over the tarball the first time (11 s for one
    release on a busy 2-core machine: every test worker and command that needs a release's docs paid it),
    then from `<sdist>.docs.json.gz` beside it (0.1 s; an sdist never changes)."""
    tarball = Path(path)
    kept = tarball.with_name(tarball.name + ".docs.json.gz")
    try:
        return json.loads(gzip.decompress(kept.read_bytes()))
    except (OSError, ValueError, EOFError):
        pass
    files = dict(sdist_members(tarball, _is_doc_or_packaging))
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")  # parallel workers: replace, never half-write
    partial.write_bytes(gzip.compress(json.dumps(files).encode(), compresslevel=5))
    os.replace(partial, kept)
    return files


def rst_headings(text: str) -> list[str]:
    """Section titles of a reStructuredText document (underlined, optionally overlined)."""
    return rst.titles(text)


def plain_heading(title: str) -> str:
    """A heading without RST roles and literals: ':mod:`django.contrib.auth`' -> 'django.contrib.auth'."""
    return rst.plain(title)
