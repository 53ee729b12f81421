"""Build the site (or a modified copy of it) with `mkdocs build --strict`, as contributors and CI do."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas.paths import ROOT
from tests.support.markers import require_marker

# What a build reads: copied into a scratch folder when a test needs to break something.
BUILD_INPUTS = ("mkdocs.yml", "hooks", "atlas", "overrides", "docs", "snippets", "CONTRIBUTING.md",
                "pyproject.toml", "requirements.lock")  # the downloads carry the atlas version; the lock, the tested Django


@dataclass
class Build:
    returncode: int
    output: str
    site: Path


def build(project: Path, site: Path) -> Build:
    require_marker("build", "builds the site", "browser")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project))
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    return Build(result.returncode, result.stdout + result.stderr, site)


def copy_project(destination: Path) -> Path:
    """A scratch copy of everything a build reads, to break on purpose."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    return destination
