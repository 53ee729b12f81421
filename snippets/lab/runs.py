"""The stored full-size lab runs: docs/data/lab-runs.json (schema: docs/data/schemas/lab-runs.schema.json).

One entry per benchmark, the newest full-size run, with its provenance. Notebooks and pages read figures
from here; atlas/data/lab_figures.py checks every figure quoted in prose against it.
"""
from __future__ import annotations

import json

from .procs import ROOT

PATH = ROOT / "docs" / "data" / "lab-runs.json"


def load() -> dict:
    """{benchmark name: stored result}."""
    return json.loads(PATH.read_text())["runs"]


def store(result: dict) -> None:
    if result["provenance"]["size"] != "full":
        raise ValueError("only full-size runs are stored; run with --full")
    data = json.loads(PATH.read_text()) if PATH.exists() else {
        "about": "Full-size lab runs (python3 dev.py lab NAME --full --store), newest per benchmark."}
    data.setdefault("runs", {})[result["benchmark"]] = result
    data["runs"] = dict(sorted(data["runs"].items()))
    PATH.write_text(json.dumps(data, indent=1) + "\n")
