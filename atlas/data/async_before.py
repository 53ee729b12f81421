"""What each release did before an async change (docs/data/async_before.json, collected by
atlas/collect/async_before.py): loaded once, checked against its schema."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from atlas.core import datafile
from atlas.core.paths import DATA

DATA_FILE = DATA / "async_before.json"


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> dict:
    return datafile.load("async_before", path or DATA_FILE)
