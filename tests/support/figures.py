"""Figures a page quotes, recorded by the page's own tests while `python3 dev.py pagefigures` runs them.

`record("uploads", "uvicorn.upload_done", seconds)` appends one measurement to the file named by the
environment variable ATLAS_PAGE_FIGURES, and does nothing otherwise: a test asserts what it asserts either
way. The command merges the runs into docs/data/page_figures.json (atlas/collect/page_figures.py), and the
page quotes them with `<!-- fact: measured GROUP KEY -->` (atlas/data/lab_figures.py checks the quotes).
"""
from __future__ import annotations

import json
import os

ENV = "ATLAS_PAGE_FIGURES"


def recording() -> bool:
    """Whether this run records figures (a test may then run at the size its page quotes)."""
    return bool(os.environ.get(ENV))


def record(group: str, key: str, value: float) -> None:
    if path := os.environ.get(ENV):
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"group": group, "key": key, "value": round(float(value), 4)}) + "\n")
