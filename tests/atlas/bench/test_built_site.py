"""atlas/bench/built_site.py: the site a benchmark measures, given or built for it."""
import subprocess

import pytest

from atlas.bench import built_site


def test_a_given_site_is_measured_as_it_is(tmp_path):
    with built_site.site_to_measure(tmp_path) as site:
        assert site == tmp_path


def test_a_site_built_for_the_benchmark_is_removed_afterwards(monkeypatch):
    def build(project, site):
        site.mkdir()
        return subprocess.CompletedProcess([], 0, "", "")

    monkeypatch.setattr(built_site, "build", build)
    with built_site.site_to_measure(None) as site:
        assert site.is_dir()
    assert not site.exists()


def test_a_failed_build_stops_the_benchmark_with_its_output(monkeypatch):
    monkeypatch.setattr(built_site, "build", lambda project, site: subprocess.CompletedProcess(
        [], 1, "", "ERROR - Config value 'nav': a page is missing\n"))
    with pytest.raises(SystemExit, match="a page is missing\n\nthe site did not build"), \
            built_site.site_to_measure(None):
        pass
