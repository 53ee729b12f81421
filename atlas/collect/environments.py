"""Make a release's virtualenv with its own interpreter, and run a JSON-in, JSON-out script inside it (cached)."""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from atlas.data.versions_data import Release

if TYPE_CHECKING:
    from atlas.collect import envs

log = logging.getLogger(__name__)


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


def release_spec(release: Release) -> envs.Spec:
    """The version map's environment of a release: its probe_python and django==newest_patch."""
    from atlas.collect import envs

    return envs.Spec(release.probe_python, (f"django=={release.newest_patch}",), label=f"version map {release.version}")


def ensure_venv(release: Release) -> Path:
    """The release's virtualenv with django==newest_patch installed (atlas/collect/envs.py: named by its
    content, built once under its own lock, as parallel test workers share .cache/)."""
    from atlas.collect import envs

    return envs.ensure(release_spec(release))


def cached_run(release: Release, script: Path, imports: tuple[Path, ...], payload: str, cache: Path, *,
               what: str, timeout: float, use_cache: bool = True, venv: Path | None = None, keep_fatal: bool = False,
               extra: Callable[[], dict] | None = None, valid: Callable[[dict], bool] = lambda result: True) -> dict:
    """`script` (with the in-release modules it imports) run on JSON `payload` in an environment holding the
    release's newest patch: `venv` (one with packages beside Django), by default the release's own. The answer
    is cached at `cache`, keyed by the scripts, the payload and what the environment holds, and must come
    from that patch; a `fatal` answer raises, or with keep_fatal is returned (and cached) for the caller to
    report. `extra()` is called just before a run and its fields join the answer (the machine's load as
    the run starts); `valid` rejects a cached answer that lacks a field. use_cache=False (a one-off run on
    a test's data) neither reads nor writes the cache."""
    from atlas.collect import envs

    venv = venv or ensure_venv(release)
    installed = (venv / envs.MARKER).read_text(encoding="utf-8")
    scripts = [path.read_text(encoding="utf-8") for path in (script, *imports)]
    key = hashlib.sha256("\0".join([*scripts, payload, installed]).encode()).hexdigest()
    if not use_cache:
        return _run(release, script, payload, venv, what=what, timeout=timeout, keep_fatal=keep_fatal, extra=extra)
    cache.parent.mkdir(parents=True, exist_ok=True)
    # workers that need the same answer at once (two tests of one fresh collection) wait for one run
    with open(cache.with_name(cache.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if data.get("key") == key and valid(data["result"]):
                return data["result"]
        except (OSError, ValueError):
            pass
        result = _run(release, script, payload, venv, what=what, timeout=timeout, keep_fatal=keep_fatal, extra=extra)
        cache.write_text(json.dumps({"key": key, "result": result}), encoding="utf-8")
        return result


def _run(release: Release, script: Path, payload: str, venv: Path, *, what: str, timeout: float, keep_fatal: bool,
         extra: Callable[[], dict] | None) -> dict:
    log.info(f"  {what}: Django {release.version}")
    added = extra() if extra else {}
    result, _stderr = run_json_script(str(venv_python(venv)), script, payload, cwd=str(venv), timeout=timeout,
                                      what=f"{what} for Django {release.version}")
    if result.get("fatal") and not keep_fatal:
        raise RuntimeError(f"{what} failed on Django {release.version}:\n{result['fatal']}")
    if result.get("django") != release.newest_patch:
        raise RuntimeError(f"venv for {release.version} runs Django {result.get('django')}, "
                           f"expected {release.newest_patch}")
    result.update(added)
    return result
