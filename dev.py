#!/usr/bin/env python3
"""One entry point for contributors and CI; needs nothing but Python 3 to start.

    python3 dev.py serve     # install what is needed, serve the site with live reload on 127.0.0.1:8000
    python3 dev.py check     # the fast check before a pull request: strict build, data, page code, unit tests (< 60 s)
    python3 dev.py test      # install what is needed, run the whole test suite (parallel workers)
    python3 dev.py bench [suite|site|fan_out]  # benchmarks that print figures: suite and check times, site, fan-out
    python3 dev.py build     # build the static site into site/ (strict)
    python3 dev.py generate  # write the pages and tables made from docs/data (every build does it too)
    python3 dev.py validate  # check every data file, page front matter, notebook metadata and FAQ entry
    python3 dev.py matrix 4.1  # verify the version map against one real Django release (or all)
    python3 dev.py pagematrix [page] [X.Y]  # run pages' code on the releases they claim; record results
    python3 dev.py resources --fix  # sort docs/data/resources.yml
    python3 dev.py api [--check|--bench]  # collect the async API index from every release (docs/data/async_api.json)
    python3 dev.py lab ...   # run the lab's benchmarks (see docs/lab)
    python3 dev.py links     # check every outside link with lychee, record docs/data/link_status.json
    python3 dev.py upstream  # report what moved on PyPI / upstream since the data was checked (drafts for new releases)
    python3 dev.py patch 5.2.20  # take a patch release: probes, releases.yml, pins or lock, API index, page matrix

It creates .venv/ with Python 3.12+ (found through pyenv, PATH or the running interpreter) and installs
requirements.lock there; it reinstalls only when the lock file changes. Extra arguments go to the tool:
`python3 dev.py test -k chat`.
"""
from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".atlas-lock-sha256"
MINIMUM = (3, 12)
# `dev.py check` leaves out what starts servers, Chromium or old Django releases, and the recipe runs
# (markers in pyproject.toml)
FAST = "not server and not browser and not matrix and not recipe"
# pytest-xdist workers: two per core (at most eight), as much of the suite waits on servers, browsers and
# subprocesses; measured on 2 cores: 193 s for the suite without the release matrices, 277 s with one per core
# (a page's code blocks share a namespace, so they stay on one worker: docs/conftest.py)
WORKERS = min(8, 2 * (os.cpu_count() or 1))
PARALLEL = ["-n", str(WORKERS)]


def version_of(python: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            # A free-threaded build (3.13t) is refused: not every pinned package ships wheels for it.
            [python, "-c", "import sys, sysconfig; print('%d.%d' % sys.version_info[:2]"
             " if not sysconfig.get_config_var('Py_GIL_DISABLED') else '0.0')"],
            capture_output=True, text=True, timeout=30, cwd=ROOT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, minor = out.stdout.strip().split(".")
    return int(major), int(minor)


def find_python() -> str:
    """A Python >= 3.12: this one, one on PATH, or one installed by pyenv."""
    candidates = [sys.executable]
    candidates += [shutil.which(name) for name in ("python3.13", "python3.12", "python3")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    for pattern in ("3.13*", "3.12*", "3.1[4-9]*"):
        candidates += sorted(glob.glob(f"{pyenv_root}/versions/{pattern}/bin/python3"), reverse=True)
    for candidate in filter(None, candidates):
        found = version_of(candidate)
        if found and found >= MINIMUM:
            return candidate
    sys.exit(
        "dev.py: no Python 3.12 or newer found. Install one (for example `pyenv install 3.12`) "
        "and run this command again."
    )


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_environment() -> Path:
    python = venv_python()
    if python.exists() and (version_of(str(python)) or (0, 0)) < MINIMUM:
        shutil.rmtree(VENV)
    if not python.exists():
        print(f"dev.py: creating {VENV.name}/ with {find_python()}", flush=True)
        subprocess.run([find_python(), "-m", "venv", str(VENV)], check=True)
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print("dev.py: installing requirements.lock into .venv/ (once per lock change)", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run(pip + ["install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run(pip + ["install", "--quiet", "-r", str(LOCK)], check=True)
        STAMP.write_text(digest)
    return python


def run(args: list[str], **extra_env: str) -> int:
    # bytecode is cached, but under .cache/, not beside the sources: no __pycache__ in docs/ or snippets/
    # (which the site and the live preview read); measured on 2 cores: collecting the suite 4.1 -> 2.9 s
    # in each worker, and every build, server and kernel the suite starts imports the project compiled
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(ROOT / ".cache" / "pycache"), **extra_env)
    return subprocess.call(args, cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    python = str(ensure_environment())
    if command == "serve":
        # the published site lives under /atlas/; the preview is served at the root of 127.0.0.1:8000
        return run([python, "-m", "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", "--livereload", *rest],
                   ATLAS_SITE_URL="http://127.0.0.1:8000/")
    if command == "build":
        return run([python, "-m", "mkdocs", "build", "--strict", *rest])
    if command == "check":
        if (ROOT / "atlas" / "validation.py").exists():   # every data problem at once, before the tests
            failed = run([python, "-m", "atlas.validation", "--build"])  # release collections: full suite
            if failed:
                return failed
        return run([python, "-m", "pytest", *PARALLEL, "-m", FAST, *rest])
    if command == "test":
        chosen = any(arg.startswith(("-n", "--numprocesses", "--pdb", "-p")) for arg in rest)
        # the whole suite also checks that every snippet a page shows ran (tests/support/snippet_use.py)
        return run([python, "-m", "pytest", *([] if chosen else PARALLEL), *(rest or ["--snippet-use"])])
    if command == "bench":
        return run([python, "-m", "tests.benchmarks", *rest])
    if command == "generate":
        return run([python, "-m", "atlas.generate", *rest])
    if command == "matrix":
        return run([python, "-m", "atlas.matrix", *rest])
    if command == "pagematrix":
        return run([python, "-m", "atlas.page_matrix", *rest])
    if command == "api":
        return run([python, "-m", "atlas.async_api", *rest])
    if command == "resources":
        return run([python, "-m", "atlas.resources", *rest])
    if command == "lab":
        return run([python, "-m", "snippets.lab", *rest])
    if command == "validate":
        return run([python, "-m", "atlas.validation", *rest])
    if command == "links":
        return run([python, "-m", "atlas.linkcheck", *rest])
    if command == "upstream":
        return run([python, "-m", "atlas.upstream", *rest])
    if command == "patch":
        return run([python, "-m", "atlas.take_patch", *rest])
    print(f"dev.py: unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
