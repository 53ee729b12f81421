"""Run the fan-out benchmark small and check only its huge, deterministic structure; print the figures."""
import pytest

from snippets.fan_out import benchmark

pytestmark = pytest.mark.server
# 0.4 s rather than the default 0.2 s: the assertions compare against multiples of the delay, and the
# views' own CPU time (tens of ms, more on a loaded 2-core CI machine) must not eat the margin.
DELAY = 0.4


def test_benchmark_structure(capsys):
    lines = []
    results = benchmark.run(requests=3, concurrency=2, delay=DELAY, show=lines.append)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    sequential, threaded, concurrent = (results[label]["median"] for label in results)
    assert sequential > 2.5 * DELAY      # three calls one after another: ~3 x delay
    assert threaded < 2 * DELAY          # three calls at once on threads: ~1 x delay
    assert concurrent < 2 * DELAY        # three calls at once on the event loop: ~1 x delay
