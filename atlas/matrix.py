"""Verify docs/data/capabilities.yml against real Django releases.

    python -m atlas.matrix 4.1        # one release
    python -m atlas.matrix            # all releases
    python -m atlas.matrix 4.1 --capabilities /tmp/copy.yml

For each release: a virtualenv under .cache/envs/ (atlas/envs.py) made with the release's probe_python (found
under ~/.pyenv/versions/3.N* or as python3.N on PATH), with django==<newest_patch> installed once. Then ONE subprocess per release runs atlas/probe_runner.py, which gets every
shipped capability's probe as JSON on stdin and answers with JSON. A capability is expected present iff
added <= release (< removed); every other outcome is a mismatch.
"""
from __future__ import annotations

import argparse
import fcntl
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from atlas.paths import ROOT, relative
from atlas.versions_data import Capability, Release, load_capabilities, load_releases

RUNNER = Path(__file__).resolve().parent / "probe_runner.py"


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


def release_spec(release: Release) -> "envs.Spec":
    """The version map's environment of a release: its probe_python and django==newest_patch."""
    from atlas import envs

    return envs.Spec(release.probe_python, (f"django=={release.newest_patch}",), label=f"version map {release.version}")


def ensure_venv(release: Release, log=print) -> Path:
    """The release's virtualenv with django==newest_patch installed (atlas/envs.py: named by its content,
    built once under its own lock, as parallel test workers share .cache/)."""
    from atlas import envs

    return envs.ensure(release_spec(release), log=log)


@dataclass
class Outcome:
    capability: str
    expected: bool
    found: bool
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.expected == self.found

    def describe(self, version: str) -> str:
        if self.ok:
            return f"{self.capability}: ok on Django {version}"
        if self.expected:
            return (f"{self.capability}: expected PRESENT in Django {version} (added in capabilities.yml), "
                    f"but the probe failed: {self.error}")
        return (f"{self.capability}: expected ABSENT in Django {version} (not added yet per capabilities.yml), "
                f"but the probe passed")


@dataclass
class ReleaseReport:
    version: str
    django: str | None
    python: str | None
    outcomes: list[Outcome] = field(default_factory=list)
    setup_seconds: float = 0.0
    probe_seconds: float = 0.0

    @property
    def mismatches(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def ok(self) -> bool:
        return not self.mismatches


def probe_release(release: Release, capabilities: list[Capability], log=print) -> ReleaseReport:
    """Install (once) and probe one release; never raises for a mismatch, only for setup failures."""
    started = time.perf_counter()
    venv = ensure_venv(release, log=log)
    setup = time.perf_counter() - started
    shipped = [c for c in capabilities if c.shipped and c.probe]
    payload = json.dumps({"probes": [{"id": c.id, "code": c.probe} for c in shipped]})
    started = time.perf_counter()
    data, _stderr = run_json_script(str(venv_python(venv)), RUNNER, payload, cwd=str(venv), timeout=600,
                           what=f"probe runner for Django {release.version}")
    probing = time.perf_counter() - started
    if data.get("setup_error"):
        raise RuntimeError(f"Django {release.version} could not be configured:\n{data['setup_error']}")
    report = ReleaseReport(version=release.version, django=data.get("django"), python=data.get("python"),
                           setup_seconds=setup, probe_seconds=probing)
    if data.get("django") != release.newest_patch:
        raise RuntimeError(f"venv for {release.version} runs Django {data.get('django')}, "
                           f"expected {release.newest_patch}")
    for cap in shipped:
        result = data["results"].get(cap.id, {"ok": False, "error": "no result", "seconds": 0.0})
        report.outcomes.append(Outcome(capability=cap.id, expected=cap.present_in(release.version),
                                       found=bool(result["ok"]), error=result.get("error"),
                                       seconds=float(result.get("seconds") or 0.0)))
    return report


def format_report(report: ReleaseReport) -> str:
    lines = [f"Django {report.django} on Python {report.python}: "
             f"setup {report.setup_seconds:.1f} s, probes {report.probe_seconds:.1f} s"]
    width = max((len(o.capability) for o in report.outcomes), default=10)
    lines.append(f"  {'capability':<{width}}  expected  found    result")
    for o in report.outcomes:
        mark = "ok" if o.ok else "MISMATCH"
        lines.append(f"  {o.capability:<{width}}  {'yes' if o.expected else 'no':<8}  "
                     f"{'yes' if o.found else 'no':<7}  {mark}")
    for o in report.mismatches:
        lines.append("  ! " + o.describe(report.version))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.matrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", help="feature releases to probe (default: every release in docs/data/releases.yml)")
    parser.add_argument("--capabilities", help="path to a capabilities.yml (default: docs/data/capabilities.yml)")
    parser.add_argument("--releases", help="path to a releases.yml (default: docs/data/releases.yml)")
    args = parser.parse_args(argv)
    releases = {r.version: r for r in load_releases(args.releases)}
    capabilities = load_capabilities(args.capabilities)
    versions = args.versions or list(releases)
    unknown = [v for v in versions if v not in releases]
    if unknown:
        parser.error(f"unknown release(s) {unknown}; known: {', '.join(releases)}")
    failed = 0
    total_started = time.perf_counter()
    timings = []
    for version in versions:
        print(f"== Django {version}", flush=True)
        try:
            cold_started = time.perf_counter()
            report = probe_release(releases[version], capabilities)
            first = time.perf_counter() - cold_started
            warm_started = time.perf_counter()
            probe_release(releases[version], capabilities, log=lambda *a: None)
            warm = time.perf_counter() - warm_started
        except PythonNotFound as exc:
            print(f"  SKIPPED: {exc}")
            if os.environ.get("CI"):
                failed += 1
            continue
        print(format_report(report))
        print(f"  timing: first run {first:.1f} s (includes venv creation if it was missing), warm run {warm:.1f} s")
        timings.append((version, first, warm))
        if not report.ok:
            failed += 1
    total = time.perf_counter() - total_started
    if timings:
        print(f"\ntotal {total:.1f} s; first-run sum {sum(t[1] for t in timings):.1f} s, "
              f"warm sum {sum(t[2] for t in timings):.1f} s")
    print("OK" if not failed else f"FAILED: {failed} release(s) with mismatches or setup problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())


# --------------------------------------------------------------------------------------------------
# Release sdists (for checking that capability sources exist)

def _sdist_dir() -> Path:
    from atlas.installer import machine_cache

    return Path(os.environ.get("ATLAS_SDIST_DIR") or machine_cache() / "django-sdists")


# once per machine (every clone and worktree reads the same files): ~/.cache/django-async-atlas/django-sdists
SDIST_DIR = _sdist_dir()


def sdist_path(release: Release, download: bool = True) -> Path:
    """The sdist of release.newest_patch under SDIST_DIR, downloaded with pip once per machine."""
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
    from atlas.envs import record
    from atlas.sdist_fetch import fetch_sdist

    try:
        fetch_sdist("django", release.newest_patch, SDIST_DIR)
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
