"""Release environments: one virtualenv per content, once per machine, shared by every clone, command and test.

An environment is named by what it holds: the interpreter's exact version and the exact requirements
(django==<newest patch> from docs/data/releases.yml for the version map; the pins of docs/data/compat.yml
for the page matrix). A changed input makes a new path and rebuilds only what it changes; an unchanged one is
reused by every clone, worktree, command and parallel test worker, with its bytecode
(installer.link_env_bytecode). Each path has its own lock file, so workers
wait only for the environment they need and build different ones at the same time; the marker file is
written last, so a half-built environment is never used. uv builds them (atlas/core/installer.py).

Every build appends its time to .cache/timings/builds.jsonl, which `python3 dev.py bench suite` reports.
"""
from __future__ import annotations

import fcntl
import glob
import hashlib
import json
import logging
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from atlas.core import installer
from atlas.core.paths import CACHE, relative

ENVS = installer.machine_envs()   # once per machine: ~/.cache/django-async-atlas/envs/
MARKER = "atlas-installed.json"
log = logging.getLogger(__name__)
TIMINGS = CACHE / "timings" / "builds.jsonl"
# environments built at once: mostly waiting on downloads and disk, not the CPU
JOBS = int(os.environ.get("ATLAS_ENV_JOBS", "4"))


class PythonNotFound(RuntimeError):
    """The interpreter a release is probed with is not installed here."""


def find_python(version: str) -> str:
    """An interpreter for Python `version` ("3.8"): pyenv first, then PATH."""
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    # 3.1* must not match 3.10-3.13 for "3.1": require a dot (or end) after the minor version.
    for pattern in (f"{pyenv_root}/versions/{version}.*/bin/python{version}", f"{pyenv_root}/versions/{version}/bin/python{version}"):
        for candidate in sorted(glob.glob(pattern), reverse=True):
            install_dir = Path(candidate).parent.parent.name
            if not install_dir.endswith("t") and os.access(candidate, os.X_OK):  # skip free-threaded builds
                return candidate
    on_path = shutil.which(f"python{version}")
    if on_path:
        try:
            out = subprocess.run([on_path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
            if out.returncode == 0 and out.stdout.strip() == version:
                return on_path
        except (OSError, subprocess.TimeoutExpired):
            pass
    raise PythonNotFound(f"Python {version} not found (looked in {pyenv_root}/versions/{version}.* and PATH)")


@dataclass(frozen=True)
class Spec:
    python: str                    # "3.9": found under pyenv or on PATH (find_python, below)
    requirements: tuple[str, ...]  # exact pins
    no_deps: bool = False          # the pins are the whole set (compat.yml lists every dependency)
    label: str = ""                # what it is for, in logs and timings


@cache
def interpreter_of(python: str) -> tuple[str, str]:
    """(path, exact version "3.9.18") of the interpreter for `python`."""

    path = find_python(python)
    out = subprocess.run([path, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                         capture_output=True, text=True, timeout=60, check=True)
    return path, out.stdout.strip()


def content(spec: Spec) -> dict:
    """What the environment holds: the marker's content and, hashed, its name."""
    return {"python": interpreter_of(spec.python)[1], "requirements": sorted(spec.requirements),
            "no_deps": spec.no_deps}


def path_for(spec: Spec) -> Path:
    digest = hashlib.sha256(json.dumps(content(spec), sort_keys=True).encode()).hexdigest()[:16]
    return ENVS / f"py{spec.python}-{digest}"


def python_in(venv: Path) -> Path:
    return venv / "bin" / "python"


def record(what: str, seconds: float, **extra) -> None:
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"what": what, "seconds": round(seconds, 2), "at": time.time(), **extra})
    with open(TIMINGS, "a", encoding="utf-8") as out:   # one short write: whole lines from parallel writers
        out.write(line + "\n")


def ensure(spec: Spec) -> Path:
    """The environment for `spec`, built once (under its own lock) and reused while its marker matches."""
    venv = path_for(spec)
    wanted = content(spec)
    ENVS.mkdir(parents=True, exist_ok=True)
    with open(venv.with_name(venv.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = venv / MARKER
        try:
            if json.loads(marker.read_text()) == wanted and python_in(venv).exists():
                return venv
        except (OSError, ValueError):
            pass
        started = time.perf_counter()
        shutil.rmtree(venv, ignore_errors=True)
        interpreter = interpreter_of(spec.python)[0]
        shown = spec.requirements[0] if len(spec.requirements) == 1 else f"{len(spec.requirements)} pinned packages"
        log.info(f"  creating {relative(venv)} ({spec.label or shown}) with {interpreter}")
        try:
            how = installer.create(venv, interpreter, list(spec.requirements), no_deps=spec.no_deps)
        except RuntimeError as error:
            raise RuntimeError(f"installing {shown} into {relative(venv)} failed: {error}") from None
        marker.write_text(json.dumps(wanted))
        record(f"environment {spec.label or shown}", time.perf_counter() - started, installer=how,
               python=wanted["python"])
        return venv


def ensure_many(specs: list[Spec], jobs: int = JOBS) -> list[Path]:
    """Several environments built at once (each under its own lock); paths in the order of `specs`."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(ensure, specs))
