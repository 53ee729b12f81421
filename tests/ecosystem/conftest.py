"""A startproject project beside a package, as the ecosystem collector installs it."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import pytest

from atlas.collect import ecosystem
from atlas.collect.environments import FOREIGN_ENV, venv_python
from atlas.core.paths import ROOT
from tests.support.startproject import new_project


@dataclasses.dataclass
class PackageProject:
    path: Path
    python: Path
    env: dict  # without the suite's own Django settings; the project and this repository importable

    def run(self, *args: str) -> dict:
        """The JSON that the last line of `python *args`, run in the project, prints."""
        done = subprocess.run([str(self.python), *args], cwd=self.path, capture_output=True, text=True, timeout=300,
                              env=self.env)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def package_project(tmp_path):
    """make(name, version, views=..., routes=...): a startproject project of the newest release (mysite, with
    an async view at /hello/) in the environment that holds the package (ecosystem.package_env)."""
    def make(name: str, version: str, **project) -> PackageProject:
        python = venv_python(ecosystem.package_env(ecosystem.newest_release(), name, version))
        path = new_project(python, tmp_path / "project", **project)
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
        env["PYTHONPATH"] = f"{path}{os.pathsep}{ROOT}"
        return PackageProject(path, python, env)

    return make
