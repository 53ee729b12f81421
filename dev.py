#!/usr/bin/env python3
"""One entry point for contributors and CI; needs nothing but Python 3 to start.

Every command the project has is registered in COMMANDS below; `python3 dev.py --help` lists them and
`python3 dev.py COMMAND --help` says what one does. It creates .venv/ with Python 3.12+ (found through pyenv,
PATH or the running interpreter) and installs requirements.lock there; it reinstalls only when the lock file
changes. An unknown command is refused before anything is installed. Extra arguments go to the tool:
`python3 dev.py test -k chat`.
"""
from __future__ import annotations

import argparse
import difflib
import glob
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".atlas-lock-sha256"
MINIMUM = (3, 12)
# `dev.py check` leaves out what starts servers, Chromium or old Django releases, the recipe runs, the
# builds of a second site (markers in pyproject.toml; each scratch build is a full build, 8 of them took about
# half the check's CPU time), the tests that start a process tree of their own and the one that repeats the
# validation check() runs beside them; it keeps the one strict build of the real site and every test that reads it
LEFT_OUT = ("server", "browser", "matrix", "recipe", "scratch_build", "nested", "validates_repo")
FAST = " and ".join(f"not {marker}" for marker in LEFT_OUT)
# pytest-xdist workers: two per core (at most eight), as much of the suite waits on servers, browsers and
# subprocesses; measured on 2 cores: 193 s for the suite without the release matrices, 277 s with one per core
# (a page's code blocks share a namespace, so they stay on one worker: docs/conftest.py)
WORKERS = min(8, 2 * (os.cpu_count() or 1))
PARALLEL = ["-n", str(WORKERS)]
# the check's tests wait on little (no servers or browsers) and each worker pays for collection and start-up:
# one per core and one more for the moments a test waits (the site build, Node); measured warm on a quiet
# 2-core machine: 58 s wall with two workers, 51 s with three, 52-55 s with four (92, 93, 97-101 CPU-s);
# on a busy one: 44 s with two, 43 s with three; measured again with the data check beside the tests and fewer
# cycle passes (three runs each, alternating, on a slow hour): 52-56 s with two, 49-58 s with three (median 55, 51)
CHECK_PARALLEL = ["-n", str((os.cpu_count() or 1) + 1)]


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
    """.venv/ with requirements.lock installed: by uv (pinned in the lock, installed once per machine, from
    one shared cache; atlas/core/installer.py), or by pip with a one-line notice when uv cannot be installed."""
    sys.path.insert(0, str(ROOT))
    from atlas.core import installer  # standard library only

    python = venv_python()
    if python.exists() and (version_of(str(python)) or (0, 0)) < MINIMUM:
        shutil.rmtree(VENV)
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == digest:
        return python
    interpreter = find_python()
    uv = installer.uv_binary(interpreter)
    if uv and (not python.exists() or not (VENV / "bin" / "uv").exists()):
        # uv makes a fresh .venv (with pip seeded) in a second; a .venv pip made is replaced once
        print(f"dev.py: creating {VENV.name}/ with {interpreter} and installing requirements.lock (uv)", flush=True)
        shutil.rmtree(VENV, ignore_errors=True)
        try:
            installer.create(VENV, interpreter, requirement_file=LOCK, seed=True)
        except RuntimeError as error:
            sys.exit(f"dev.py: {error}")
    elif uv:
        print("dev.py: installing requirements.lock into .venv/ (once per lock change, uv)", flush=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), *installer.pip_settings()[0],
                        "-r", str(LOCK)], check=True, env=installer.uv_env())
    else:
        if not python.exists():
            print(f"dev.py: creating {VENV.name}/ with {interpreter}", flush=True)
            subprocess.run([interpreter, "-m", "venv", str(VENV)], check=True)
        print("dev.py: installing requirements.lock into .venv/ (once per lock change)", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run(pip + ["install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run(pip + ["install", "--quiet", "-r", str(LOCK)], check=True)
    STAMP.write_text(digest)
    return python


def link_project(python: Path) -> Path:
    """Make the project importable by .venv's Python from anywhere, as an editable install does: a .pth file
    naming the repository, so `.venv/bin/mkdocs build` (and properdocs) find atlas/ with PYTHONPATH unset."""
    if VENV.is_symlink():  # another checkout's .venv (a scratch copy's): that checkout keeps its own link;
        return python      # dev.py's commands put this one first through PYTHONPATH
    site = next(VENV.glob("lib/python3*/site-packages"), None) or VENV / "Lib" / "site-packages"
    pth = site / "django_async_atlas.pth"
    if not pth.exists() or pth.read_text().strip() != str(ROOT):
        pth.write_text(f"{ROOT}\n")
    return python


def environment(**extra_env: str) -> dict[str, str]:
    # bytecode is cached, but under .cache/, not beside the sources: no __pycache__ in docs/ or snippets/
    # (which the site and the live preview read); measured on 2 cores: collecting the suite 4.1 -> 2.9 s
    # in each worker, and every build, server and kernel the suite starts imports the project compiled
    # (the release environments' bytecode stays with them, once per machine: installer.link_env_bytecode)
    from atlas.core import installer  # standard library only

    pycache = ROOT / ".cache" / "pycache"
    installer.link_env_bytecode(pycache)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(pycache), **extra_env)
    return env


def run(args: list[str], **extra_env: str) -> int:
    return subprocess.call(args, cwd=ROOT, env=environment(**extra_env))


# -- the commands -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    help: str                                  # one line, shown by --help and in README's table
    run: Callable[[str, list[str]], int]       # (the .venv's python, extra arguments) -> exit status


def module(name: str, *fixed: str, **env: str) -> Callable[[str, list[str]], int]:
    """A command that runs `python -m NAME` in .venv with the fixed arguments, then the extra ones."""
    return lambda python, rest: run([python, "-m", name, *fixed, *rest], **env)


def check(python: str, rest: list[str]) -> int:
    """The linter (rules in pyproject.toml), every data problem at once, and the fast tests (release
    collections: the full suite)."""
    failed = run([python, "-m", "ruff", "check", "--quiet", "."])
    if failed:
        return failed
    print(f"check: the data, and the tests but those marked {', '.join(LEFT_OUT)}: they start servers or Chromium, "
          "install old Django releases, carry out a recipe, build a second site, start a process tree of their "
          "own or repeat the data check (`python3 dev.py test` runs them)", flush=True)
    # The data check and the tests start together: each spends its first second or two in one process, on one
    # core (measured on 2 cores: 2-3 s of the check's wall time). The tests' output is held until the data
    # passes; bad data stops them, and only its problems are shown, each with its file and line.
    validation = subprocess.Popen([python, "-m", "atlas.data.validation", "--build"], cwd=ROOT, env=environment(),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    colour = sys.stdout.isatty() and not any(arg.startswith("--color") for arg in rest)  # piped, pytest would not
    size = shutil.get_terminal_size()
    tests = subprocess.Popen([python, "-m", "pytest", *CHECK_PARALLEL, *(["--color=yes"] if colour else []), "-m", FAST,
                              *rest], cwd=ROOT, env=environment(COLUMNS=str(size.columns)),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = HeldOutput(tests.stdout)
    try:
        found = validation.communicate()[0]
        if validation.returncode:
            tests.send_signal(signal.SIGINT)  # pytest-xdist stops its workers and their builds
            tests.wait()
            print(found, end="", flush=True)
            return validation.returncode
        print(found, end="", flush=True)
        output.release()
        failed = tests.wait()
    except KeyboardInterrupt:  # Ctrl-C reached both: let them finish their own way
        output.release()
        validation.wait()
        tests.wait()
        raise
    output.join()
    return failed


class HeldOutput(threading.Thread):
    """Copies a child's output to ours as it comes, once released; until then it is kept."""

    def __init__(self, pipe) -> None:
        super().__init__(daemon=True)
        self.pipe, self.kept, self.released, self.lock = pipe, [], False, threading.Lock()
        self.start()

    def run(self) -> None:
        while chunk := os.read(self.pipe.fileno(), 65536):
            with self.lock:
                if self.released:
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.buffer.flush()
                else:
                    self.kept.append(chunk)

    def release(self) -> None:
        with self.lock:
            self.released = True
            sys.stdout.buffer.write(b"".join(self.kept))
            sys.stdout.buffer.flush()
            self.kept.clear()


def test(python: str, rest: list[str]) -> int:
    chosen = any(arg.startswith(("-n", "--numprocesses", "--pdb", "-p")) for arg in rest)
    # the whole suite also checks that every snippet a page shows ran (tests/support/snippet_use.py)
    return run([python, "-m", "pytest", *([] if chosen else PARALLEL), *(rest or ["--whole-run"])])


COMMANDS: dict[str, Command] = {
    # the published site lives under /atlas/; the preview is served at the root of 127.0.0.1:8000
    "serve": Command("install what is needed, serve the site with live reload on 127.0.0.1:8000",
                     module("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", "--livereload",
                            ATLAS_SITE_URL="http://127.0.0.1:8000/")),
    "check": Command("the fast check before a pull request: lint, data, strict build, page code, unit tests", check),
    "test": Command("the whole test suite (parallel workers); arguments go to pytest", test),
    "build": Command("build the static site into site/ (strict)", module("mkdocs", "build", "--strict")),
    "generate": Command("write the pages and tables made from docs/data (every build does it too)",
                        module("atlas.site.generate")),
    "validate": Command("check every data file, page front matter, notebook metadata and FAQ entry",
                        module("atlas.data.validation")),
    "matrix": Command("verify the capability map against one real Django release (X.Y) or all",
                      module("atlas.collect.matrix")),
    "pagematrix": Command("run pages' code on the releases they claim and record the results",
                          module("atlas.collect.page_matrix")),
    "api": Command("collect the async API index from every release (docs/data/async_api.json)",
                   module("atlas.collect.async_api")),
    "unsafe": Command("collect what async_unsafe guards in every release's sdist (docs/data/async_unsafe.json)",
                      module("atlas.collect.async_unsafe")),
    "before": Command("collect what the previous release did for each async change (docs/data/async_before.json)",
                      module("atlas.collect.async_before")),
    "guide": Command("list the async-guide paragraphs the newest release adds or changes, and the unmapped ones",
                     module("atlas.collect.async_guide_map")),
    "stack": Command("measure every built-in middleware's thread hops per release (docs/data/stack.json)",
                     module("atlas.collect.stack")),
    "ecosystem": Command("collect the most used Django packages and measure their middleware (docs/data/ecosystem.json)",
                         module("atlas.collect.ecosystem")),
    "patch": Command("take a patch release (X.Y.Z): probes, releases.yml, pins or lock, API index, page matrix",
                     module("atlas.collect.take_patch")),
    "errors": Command("collect where each error message stands in the real source (docs/data/errors.yml)",
                      module("atlas.collect.error_lines", "--collect")),
    "notebooks": Command("run notebooks and store their outputs (default: every lab notebook)",
                         lambda python, rest: run([python, "-m", "atlas.collect.notebook_outputs",
                                                   *(rest or sorted(str(p.relative_to(ROOT)) for p in
                                                                    (ROOT / "docs" / "lab").glob("*.ipynb")))])),
    "resources": Command("check docs/data/resources.yml; --fix sorts it", module("atlas.data.resources_fix")),
    "links": Command("check every outside link with lychee, record docs/data/link_status.json",
                     module("atlas.collect.linkcheck")),
    "upstream": Command("report what moved on PyPI and upstream since the data was checked",
                        module("atlas.collect.upstream")),
    "lab": Command("run the lab's benchmarks (see docs/lab)", module("snippets.lab")),
    "labfigures": Command("check the lab figures quoted in prose; --fix rewrites them from docs/data/lab-runs.json",
                          module("atlas.data.lab_figures")),
    "pagefigures": Command("run the page tests that measure what their pages quote; --store writes docs/data/page_figures.json",
                           module("atlas.collect.page_figures")),
    "csp": Command("put the Content-Security-Policy on every page of a built site (SITE_DIR)",
                   module("atlas.site.csp")),
    "bench": Command("benchmarks that print figures: suite and check times, site, fan-out, search, stack and ecosystem collection",
                     module("atlas.bench")),
    "lighthouse": Command("Lighthouse scores of every page (npm's lighthouse, Debian's Chromium)",
                          module("atlas.bench.lighthouse")),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python3 dev.py", description=__doc__.splitlines()[0],
                                  epilog="Extra arguments go to the tool: python3 dev.py test -k chat")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        commands.add_parser(name, help=command.help, description=command.help, allow_abbrev=False)
    return top


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        parser().print_help()
        return 0
    if argv[0] not in COMMANDS:  # refused at once: nothing is installed for a typo
        nearest = difflib.get_close_matches(argv[0], COMMANDS, n=1, cutoff=0.5)
        hint = f"; did you mean `python3 dev.py {nearest[0]}`?" if nearest else ""
        print(f"dev.py: unknown command {argv[0]!r}{hint} (python3 dev.py --help lists them)", file=sys.stderr)
        return 2
    chosen, rest = parser().parse_known_args(argv)  # exits here for `COMMAND --help`
    return COMMANDS[chosen.command].run(str(link_project(ensure_environment())), rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
