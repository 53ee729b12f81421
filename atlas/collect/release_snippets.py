"""Run a snippet under a given Django feature release, for pages that show one tab per release range.

    from atlas.collect.release_snippets import run_snippet_under
    outcome = run_snippet_under("3.1", "snippets/versions/lookup_sync_to_async.py", CHECK)

The release's virtualenv comes from atlas.collect.environments.ensure_venv (under ~/.cache/django-async-atlas/envs/, made once
with the release's probe_python; PythonNotFound when that interpreter is missing). When the Django of
the current interpreter is exactly the release's newest patch (6.1 in the main venv), the current
interpreter is used and no venv is needed. In both cases a subprocess runs atlas/in_release/snippet_harness.py,
which configures Django (atlas/in_release/probe_runner.configure plus session and auth middleware, a throw-away
sqlite file), imports the snippet by path and executes the check code.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from atlas.collect.environments import ensure_venv, run_json_script, venv_python
from atlas.core.paths import IN_RELEASE, ROOT
from atlas.data.versions_data import releases_by_version

HARNESS = IN_RELEASE / "snippet_harness.py"


@dataclass
class SnippetOutcome:
    release: str
    django: str
    python: str
    result: Any
    seconds: float


class SnippetFailed(AssertionError):
    """The snippet or its check raised under that release; carries the exception's type and text."""

    def __init__(self, release: str, snippet: str, data: dict, stderr: str):
        self.release = release
        self.django = data.get("django")
        self.error_type = data.get("error_type")
        self.error = data.get("error") or ""
        self.stage = data.get("stage")
        self.traceback = data.get("traceback") or ""
        self.stderr = stderr
        super().__init__(
            f"{snippet} failed under Django {self.django} (release {release}, Python {data.get('python')}) "
            f"while {self.stage}: {self.error_type}: {self.error}\n{self.traceback}"
            + (f"\n--- stderr ---\n{stderr[-3000:]}" if stderr.strip() else "")
        )


def interpreter_for(release_version: str) -> str:
    """The Python to run `release_version` with: this one if it has that exact Django, else the matrix venv."""
    release = releases_by_version()[release_version]
    try:
        if metadata.version("django") == release.newest_patch:
            return sys.executable
    except metadata.PackageNotFoundError:
        pass
    return str(venv_python(ensure_venv(release)))


def run_snippet_under(release_version: str, snippet_path: str | os.PathLike, check_code: str,
                      timeout: float = 120.0) -> SnippetOutcome:
    """Import `snippet_path` under Django `release_version` in a subprocess and run `check_code` against it.

    Returns the check's `result`; raises SnippetFailed (with the exception type, text and traceback from
    the subprocess) if importing or checking raised, RuntimeError if the harness did not answer, and
    atlas.collect.envs.PythonNotFound if the release's interpreter is not installed."""
    snippet = Path(snippet_path)
    if not snippet.is_absolute():
        snippet = ROOT / snippet
    if not snippet.is_file():
        raise FileNotFoundError(snippet)
    python = interpreter_for(release_version)
    payload = json.dumps({"snippet": str(snippet), "check": check_code})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="atlas-snippet-cwd-") as cwd:  # nothing importable by accident
        data, stderr = run_json_script(python, HARNESS, payload, cwd=cwd, timeout=timeout,
                               what=f"snippet harness for Django {release_version}")
    seconds = time.perf_counter() - started
    expected = releases_by_version()[release_version].newest_patch
    if data.get("django") != expected:
        raise RuntimeError(f"{python} runs Django {data.get('django')}, expected {expected}")
    if not data.get("ok"):
        raise SnippetFailed(release_version, str(snippet.relative_to(ROOT)), data, stderr)
    return SnippetOutcome(release=release_version, django=data["django"], python=data["python"],
                          result=data.get("result"), seconds=seconds)
