"""How often the project's own busy processes look for reference cycles: a site build and the test processes.

Python's cycle collector runs a pass over the young objects every 700 new container objects (lists, dicts,
instances); a build makes millions of them (Markdown's element trees, Jinja's contexts, the search index), a
test worker more, and the passes grow with what a process keeps (a worker keeps every collected test).
Measured on 2 cores: a build spent 0.32-0.37 CPU-s in 950-1,040 passes, 0.10-0.11 in 206 with a pass every
50,000 new objects; the three workers of `dev.py check` spent 7.8 CPU-s in 8,100 passes, 1.6 in about 370.
Nearly everything is freed by reference counting, so little more waits in memory for the next pass, and
cycles are still collected. The servers and kernels the tests start keep Python's default: they are what
readers run.
"""
from __future__ import annotations

import gc

YOUNG = 50_000  # new container objects between two passes over the young generation (Python's default: 700)


def collect_less_often() -> None:
    """Raise this process's collector thresholds (a higher one, or a collector turned off, is kept)."""
    young, middle, old = gc.get_threshold()
    if 0 < young < YOUNG:
        gc.set_threshold(YOUNG, max(middle, 20), max(old, 100))
