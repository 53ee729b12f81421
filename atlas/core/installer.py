"""Virtual environments made with uv, from one cache per machine; pip where uv cannot be installed.

Standard library only: dev.py imports this before the project's .venv exists.

- `uv_binary()`: the uv pinned in requirements.lock (`uv==X.Y.Z`), from the project's .venv when it has it,
  otherwise installed once per machine with pip under ~/.cache/django-async-atlas/uv-X.Y.Z/; None (and a
  one-line notice) when it cannot be installed, so callers fall back to `python -m venv` and pip.
- `pip_settings()`: uv does not read pip's configuration, so the index, extra indexes, find-links,
  constraints, trusted hosts and certificate that pip is configured with (pip.conf files and PIP_* variables,
  as `pip config list` shows them) are handed to uv as options: the project installs wherever pip does.
- `create(venv, interpreter, requirements)`: a virtualenv made with that interpreter (already on the machine:
  uv never downloads one here) holding the requirements.
"""
from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # standard library only: dev.py imports this before .venv exists
LOCK = ROOT / "requirements.lock"


def machine_cache() -> Path:
    """What is kept once per machine, beside uv's own cache (~/.cache/uv): the bootstrap uv, downloaded files,
    the release environments."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "django-async-atlas"


def machine_envs() -> Path:
    """The release environments (atlas/collect/envs.py): each is named by its content and never changed once
    built, so every clone and worktree of the machine uses the same one, as uv's cache."""
    return machine_cache() / "envs"


def link_env_bytecode(pycache: Path) -> Path:
    """Keep the release environments' bytecode with them, once per machine. Under PYTHONPYCACHEPREFIX Python
    writes a module's bytecode at the module's absolute path inside `pycache` (one per clone): the mirror of
    the environments' folder there becomes a link to that folder, so a clone's first run does not compile
    Django again for every environment, and an environment's bytecode is deleted with it."""
    envs = machine_envs()
    mirror = pycache / envs.relative_to(envs.anchor)
    if mirror.is_symlink() and mirror.resolve() == envs.resolve():
        return mirror
    envs.mkdir(parents=True, exist_ok=True)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    if mirror.is_symlink() or mirror.is_file():
        mirror.unlink()
    elif mirror.is_dir():
        shutil.rmtree(mirror)   # bytecode written before the link: only a cache
    with contextlib.suppress(FileExistsError):   # another command linked it at the same moment
        mirror.symlink_to(envs, target_is_directory=True)
    return mirror


def uv_pin(lock: Path | None = None) -> str | None:
    """The uv version requirements.lock pins (the one place it is written), or None."""
    lock = lock or LOCK
    match = re.search(r"^uv==(\S+)", lock.read_text(encoding="utf-8"), re.MULTILINE) if lock.exists() else None
    return match[1] if match else None


def _version_of(uv: Path) -> str | None:
    try:
        out = subprocess.run([str(uv), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.split()[1] if out.returncode == 0 and len(out.stdout.split()) > 1 else None


_notified: list[str] = []


def notice(text: str) -> None:
    if text not in _notified:   # one line, once per process
        _notified.append(text)
        print(f"dev.py: {text}", file=sys.stderr, flush=True)


@lru_cache(maxsize=1)
def uv_binary(bootstrap_python: str | None = None) -> str | None:
    """The pinned uv: the .venv's (installed from the lock), else a per-machine copy installed with pip."""
    if os.environ.get("ATLAS_NO_UV"):
        return None   # a contributor (or a test) asked for pip
    version = uv_pin()
    if version is None:
        return None
    for candidate in (ROOT / ".venv" / "bin" / "uv", Path(sys.executable).parent / "uv"):
        if candidate.exists() and _version_of(candidate) == version:
            return str(candidate)
    home = machine_cache() / f"uv-{version}"
    binary = home / "bin" / "uv"
    if binary.exists():
        return str(binary)
    home.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"uv-{version}-", dir=home.parent))
    done = subprocess.run([bootstrap_python or sys.executable, "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "--no-deps", "--target", str(scratch), f"uv=={version}"],
                          capture_output=True, text=True)
    if done.returncode != 0 or not (scratch / "bin" / "uv").exists():
        shutil.rmtree(scratch, ignore_errors=True)
        last = (done.stderr.strip().splitlines() or ["no uv binary in the wheel"])[-1]
        notice(f"uv {version} could not be installed ({last}); using pip (slower)")
        return None
    try:
        scratch.rename(home)   # atomic: a parallel bootstrap that got there first wins
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
    return str(binary)


# pip option -> uv option; `None` marks a flag
_OPTIONS = {
    "index-url": "--index-url", "extra-index-url": "--extra-index-url", "find-links": "--find-links",
    "constraint": "--constraint", "trusted-host": "--allow-insecure-host", "no-index": None,
}


def parse_pip_config(listing: str) -> tuple[list[str], dict[str, str]]:
    """uv options and environment from `pip config list` output (lines such as
    `global.find-links='/opt/wheels'` or `:env:.index-url='...'`); later lines win, as in pip."""
    values: dict[str, str] = {}
    for line in listing.splitlines():
        match = re.match(r"^[^=]*?\.([a-z-]+)=(.*)$", line.strip())
        if match:
            try:
                value = shlex.split(match[2])[0] if match[2].strip() else ""
            except (ValueError, IndexError):
                value = match[2].strip("'\"")
            values[match[1]] = value
    # pip takes the best version from all its indexes together; uv's default stops at the first index that
    # has the package (seen here: amqp 5.4.2 on PyPI, an older amqp on a local extra index)
    args: list[str] = ["--index-strategy", "unsafe-best-match"]
    for name, option in _OPTIONS.items():
        value = values.get(name)
        if value is None:
            continue
        if option is None:
            if value.lower() in {"1", "true", "yes", "on"}:
                args.append("--no-index")
            continue
        for item in value.split():
            args += [option, item]
    env = {"SSL_CERT_FILE": values["cert"]} if values.get("cert") else {}
    return args, env


@lru_cache(maxsize=1)
def pip_settings(python: str | None = None) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(uv options, environment) matching this machine's pip configuration."""
    try:
        done = subprocess.run([python or sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                              text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return (), ()
    args, env = parse_pip_config(done.stdout if done.returncode == 0 else "")
    return tuple(args), tuple(env.items())


def uv_env() -> dict[str, str]:
    """uv's environment: never download an interpreter; pip's certificate; our variables kept."""
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", **dict(pip_settings()[1]))
    env.pop("VIRTUAL_ENV", None)
    return env


def create(venv: Path, interpreter: str, requirements: list[str] | None = None, *, requirement_file: Path | None = None,
           no_deps: bool = False, seed: bool = False, log=print) -> str:
    """Make `venv` with `interpreter` and install the requirements; returns "uv" or "pip" (what did it).
    Raises RuntimeError with the installer's output when the install fails."""
    requirements = list(requirements or [])
    wanted = requirements + (["-r", str(requirement_file)] if requirement_file else [])
    uv = uv_binary()
    python = str(venv / "bin" / "python")
    if uv:
        steps = [[uv, "venv", "--quiet", "--python", interpreter, *(["--seed"] if seed else []), str(venv)],
                 [uv, "pip", "install", "--quiet", "--python", python, *pip_settings()[0],
                  *(["--no-deps"] if no_deps else []), *wanted]]
        env = uv_env()
    else:
        steps = [[interpreter, "-m", "venv", str(venv)],
                 [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  *(["--no-deps"] if no_deps else []), *wanted]]
        env = dict(os.environ)
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(step[:3])} … for {venv} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return "uv" if uv else "pip"
