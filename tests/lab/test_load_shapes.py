"""snippets.lab.shaped_loadgen and snippets.lab.shaped_upstream: the arrival schedules and upstream profiles
are what they say (load_shapes itself runs in its notebook, docs/lab/load-shapes.ipynb, and is checked in
tests/lab/more_experiments.py)."""
import statistics

import pytest

from snippets.lab import load_shapes, shaped_loadgen, shaped_upstream


def test_constant_arrivals_are_evenly_spaced():
    offsets = shaped_loadgen.schedule("constant", 50, 2)
    assert len(offsets) == 100 and offsets[1] - offsets[0] == pytest.approx(0.02)


def test_poisson_arrivals_have_the_rate_on_average_and_irregular_gaps():
    offsets = shaped_loadgen.schedule("poisson", 100, 60)  # seeded: the same schedule on every run
    gaps = [later - earlier for earlier, later in zip(offsets, offsets[1:])]
    assert 0.9 * 6000 <= len(offsets) <= 1.1 * 6000 and max(offsets) < 60
    # exponential gaps: the standard deviation equals the mean
    assert statistics.stdev(gaps) == pytest.approx(statistics.fmean(gaps), rel=0.1)


def test_bursty_arrivals_send_each_seconds_requests_in_its_first_quarter():
    offsets = shaped_loadgen.schedule("bursty", 40, 3)
    assert len(offsets) == 120
    assert all(offset % 1.0 < shaped_loadgen.BURST["on_s"] for offset in offsets)
    assert [sum(1 for offset in offsets if int(offset) == second) for second in range(3)] == [40, 40, 40]
    with pytest.raises(ValueError, match="use one of constant, poisson, bursty"):
        shaped_loadgen.schedule("square", 1, 1)


def test_upstream_profiles_give_their_delays():
    assert shaped_upstream.Profile("constant:100").delay_s() == 0.1
    tail = shaped_upstream.Profile("lognormal:100:1.0")
    delays = sorted(tail.delay_s() for _ in range(2001))
    assert 0.08 <= delays[1000] <= 0.125  # median 100 ms
    assert delays[1980] >= 0.5 and delays[-1] <= shaped_upstream.CAP_S  # a heavy tail, capped
    assert shaped_upstream.Profile("slowdown:100:1000:2000:60").delay_s() == 0.1  # before the slowdown
    assert all(1 <= shaped_upstream.Profile("slowdown:100:1000:2000:0").delay_s() <= 2 for _ in range(20))
    with pytest.raises(ValueError, match="use constant:MS, lognormal:MEDIAN_MS:SIGMA"):
        shaped_upstream.Profile("lognormal:100")


def test_a_step_breaks_on_unanswered_requests_errors_or_its_p99_limit():
    fine = {"sent": 100, "completed": 100, "errors": 0, "p99_ms": 900}
    assert not load_shapes.broken(fine, 1000)
    assert load_shapes.broken({**fine, "p99_ms": 1100}, 1000)
    assert load_shapes.broken({**fine, "completed": 89}, 1000)
    assert load_shapes.broken({**fine, "errors": 2}, 1000)
