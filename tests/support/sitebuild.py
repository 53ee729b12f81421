"""Build the site (or a modified copy of it) with `mkdocs build --strict`, as contributors and CI do."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from atlas.bench import built_site
from atlas.core.paths import ROOT
from atlas.site.generate import MANIFEST, TABLES
from tests.support.markers import require_marker

# What a build reads: copied into a scratch folder when a test needs to break something.
BUILD_INPUTS = ("mkdocs.yml", "hooks", "atlas", "overrides", "docs", "snippets", "CONTRIBUTING.md",
                "pyproject.toml", "requirements.lock")  # the downloads carry the atlas version; the lock, the tested Django


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    def saved(self) -> dict:
        """As JSON, for work shared by the parallel workers (tests/support/once.py)."""
        return {"returncode": self.returncode, "output": self.output, "site": str(self.site)}

    @classmethod
    def from_saved(cls, saved: dict) -> Build:
        return cls(saved["returncode"], saved["output"], Path(saved["site"]))


def build(project: Path, site: Path, builder: str = "mkdocs", shared: bool = False) -> Build:
    """`mkdocs build --strict` (or `properdocs build`, the maintained fork, on the same mkdocs.yml). Every
    build but the run's one shared site (tests/conftest.py's built_site) is a second full build: its test
    says so with `scratch_build`, which `dev.py check` leaves out."""
    require_marker("build", "builds the site", "browser")
    if not shared:
        require_marker("scratch_build", "builds a second site (a scratch copy or another builder)", "browser", "recipe")
    result = built_site.build(project, site, builder)
    return Build(result.returncode, result.stdout + result.stderr, site)


def copy_project(destination: Path) -> Path:
    """A scratch copy of everything a build reads, to break on purpose: as a fresh clone has it, without
    the files the generation step writes (each build writes them again)."""
    destination.mkdir(parents=True, exist_ok=True)
    generated = {str(ROOT / line) for line in _manifest_lines()}
    patterns = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")

    def ignore(folder, names):
        return set(patterns(folder, names)) | {n for n in names if os.path.join(folder, n) in generated}

    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    return destination


def _manifest_lines() -> list[str]:
    manifest = ROOT / TABLES / MANIFEST
    return manifest.read_text().split() if manifest.exists() else []
