"""Run the fan-out benchmark small and check only its huge, deterministic structure; print the figures."""
import pytest

from snippets.fan_out import benchmark

pytestmark = pytest.mark.server
DELAY = 0.2


def test_benchmark_structure(capsys):
    lines = []
    results = benchmark.run(requests=3, concurrency=3, delay=DELAY, show=lines.append)
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    sequential, threaded, concurrent = (results[label]["median"] for label in results)
    assert sequential > 2.5 * DELAY      # three calls one after another: ~0.6 s
    assert threaded < 2 * DELAY          # three calls at once on threads: ~0.2 s
    assert concurrent < 2 * DELAY        # three calls at once on the event loop: ~0.2 s
