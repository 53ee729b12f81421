import gc

import pytest

from atlas.core import cycles


@pytest.fixture
def thresholds():
    kept = gc.get_threshold()
    yield
    gc.set_threshold(*kept)


def test_a_busy_process_collects_its_young_objects_less_often(thresholds):
    gc.set_threshold(700, 10, 10)
    cycles.collect_less_often()
    assert gc.get_threshold() == (cycles.YOUNG, 20, 100)


def test_a_higher_threshold_or_a_disabled_collector_is_left_as_it_is(thresholds):
    gc.set_threshold(cycles.YOUNG * 2, 30, 200)
    cycles.collect_less_often()
    assert gc.get_threshold() == (cycles.YOUNG * 2, 30, 200)
    gc.set_threshold(0, 10, 10)  # 0: automatic collection off
    cycles.collect_less_often()
    assert gc.get_threshold() == (0, 10, 10)
