"""Build the site as contributors and CI do (`mkdocs build --strict`), and the site a benchmark measures."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from atlas.core.paths import CACHE, ROOT


def build(project: Path, site: Path, builder: str = "mkdocs") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` (or `properdocs build`, the maintained fork, on the same mkdocs.yml) of
    `project` into `site`; a scratch copy shares the clone's cache of derived build steps (atlas/core/derived.py)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(project), ATLAS_CACHE_DIR=str(CACHE))
    return subprocess.run(
        [sys.executable, "-m", builder, "build", "--strict", "--config-file", "mkdocs.yml", "--site-dir", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )


@contextmanager
def site_to_measure(given: Path | None) -> Iterator[Path]:
    """The built site a benchmark measures: `given` (a folder built before, e.g. an older one), else a fresh
    strict build of this checkout into a temporary folder, removed afterwards. A failed build stops the
    benchmark with the build's output."""
    if given is not None:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as scratch:
        site = Path(scratch) / "site"
        done = build(ROOT, site)
        if done.returncode != 0:
            raise SystemExit(f"{done.stdout}{done.stderr}\nthe site did not build (mkdocs build --strict)")
        yield site
