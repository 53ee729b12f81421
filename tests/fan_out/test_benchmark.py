"""The fan-out benchmark (`python3 dev.py bench fan_out`, snippets/fan_out/benchmark.py) runs: a smoke test
at a tiny size that checks every figure is produced. Its speed figures are printed by the benchmark, never
asserted here: a timing on a shared 2-core machine is a measurement, not a test. Run by `python3 dev.py
pagefigures fan_out`, it runs at the size the page quotes and records the figures (docs/data/page_figures.json)."""
import pytest

from snippets.fan_out import benchmark
from tests.support.figures import record, recording

PAGE_SIZE = {"requests": 5, "concurrency": 10, "delay": 0.2}  # the page's table: benchmark.run()'s defaults

pytestmark = pytest.mark.server


def test_the_benchmark_runs_every_view_and_reports_its_figures():
    lines = []
    # the benchmark gives each upstream call 10 x the delay before it counts as timed out: 3 s here, room
    # enough for a loaded machine (a 0.1 s limit timed out once under load)
    results = benchmark.run(**(PAGE_SIZE if recording() else {"requests": 1, "concurrency": 2, "delay": 0.3}),
                            show=lines.append)
    assert list(results) == [label for label in results if "gunicorn" in label or "uvicorn" in label]
    assert len(results) == 3
    for label, figures in results.items():
        assert figures["median"] > 0 and figures["concurrent"] > 0, (label, figures)
        assert any(line.startswith(label) for line in lines), lines
        record("fan_out", f"{label.split()[0]}.one", figures["median"])
        record("fan_out", f"{label.split()[0]}.ten", figures["concurrent"])
