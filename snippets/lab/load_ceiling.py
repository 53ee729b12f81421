"""The load test past 400 requests/s, for the servers the main run did not saturate there (gthread with 64
threads, uvicorn, granian), behind startproject's stack: where does one core run out? Same method as
snippets.lab.load."""
from __future__ import annotations

from . import load

ONLY = ["gunicorn gthread 64", "uvicorn (async view)", "granian (async view)"]
SIZES = {False: {**load.SIZES[False], "rates": [60], "threads": [64], "variants": {}},
         True: {**load.SIZES[True], "rates": [400, 800, 1200], "threads": [64], "variants": {}}}
table, plot = load.table, load.plot


def run(full: bool = False, sizes: dict | None = None) -> dict:
    result = load.run(full, sizes or SIZES[full], only=ONLY, log=print)
    return {**result, "benchmark": "load_ceiling"}
