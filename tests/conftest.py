import time

import pytest

from atlas.paths import ROOT
from tests.support.sitebuild import build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real site, built once per test session with --strict; tests read its files."""
    site = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    result = build(ROOT, site)
    result.seconds = time.perf_counter() - started
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.output}"
    print(f"\nsite built in {result.seconds:.1f} s")
    return result
