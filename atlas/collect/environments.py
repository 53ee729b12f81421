"""Make a release's virtualenv with its own interpreter, and run a JSON-in, JSON-out script inside it."""
from __future__ import annotations

import logging
import fcntl
import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

from atlas.core.paths import CACHE, relative
from atlas.data.versions_data import Release

log = logging.getLogger(__name__)

MATRIX_DIR = CACHE / "django-matrix"
MARKER = "atlas-installed.json"


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


# Variables of the suite's own Django that must not leak into a release's interpreter.
FOREIGN_ENV = ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTHONSTARTUP")


def run_json_script(python: str, script: Path, payload: str, cwd: str, timeout: float,
                    what: str) -> tuple[dict, str]:
    """Run `script` with a release's interpreter, JSON in on stdin and out on stdout: (answer, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    done = subprocess.run([python, str(script)], input=payload, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env)
    try:
        return json.loads(done.stdout), done.stderr
    except ValueError:
        raise RuntimeError(f"{what} did not answer JSON (exit {done.returncode}):\n"
                           f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}") from None


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(release: Release) -> Path:
    """The release's virtualenv with django==newest_patch installed; created once, reused afterwards.
    A lock file serialises the creation: parallel test workers (pytest -n) share .cache/."""
    MATRIX_DIR.mkdir(parents=True, exist_ok=True)
    with open(MATRIX_DIR / f"{release.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return make_venv(MATRIX_DIR / release.version, release.probe_python, [f"django=={release.newest_patch}"])


def make_venv(venv: Path, python: str, requirements: list[str], pip_args: tuple = ()) -> Path:
    """A virtualenv at `venv` made with Python `python` ("3.9") holding exactly `requirements`; created
    once, then reused while its marker file records the same Python and requirements."""
    marker = venv / MARKER
    wanted = {"python": python, "requirements": sorted(requirements)}
    if marker.exists():
        try:
            if json.loads(marker.read_text()) == wanted and venv_python(venv).exists():
                return venv
        except (OSError, ValueError):
            pass
    interpreter = find_python(python)
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    log.info(f"  creating {relative(venv)} with {interpreter}")
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    shown = requirements[0] if len(requirements) == 1 else f"{len(requirements)} pinned packages"
    log.info(f"  pip install {shown}")
    cmd = [str(venv_python(venv)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           *pip_args, *requirements]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip install {shown} into {relative(venv)} failed:\n{done.stdout}\n{done.stderr[-4000:]}")
    marker.write_text(json.dumps(wanted))
    return venv
