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


def refusal(sha: str) -> str:
    """Why a run from this commit may not be stored ("" when it may)."""
    if sha == "unknown":
        return "the run's commit is unknown (no git here): stored runs name the code that measured them"
    if sha.endswith("+dirty"):
        return (f"the measuring code (snippets/, requirements.lock) differs from commit {sha[:-6]}: commit it, "
                "then rerun with --store, so the stored figures name the code that produced them")
    return ""


def store(result: dict) -> None:
    if result["provenance"]["size"] != "full":
        raise ValueError("only full-size runs are stored; run with --full")
    if why := refusal(result["provenance"]["git_sha"]):
        raise ValueError(f"not stored: {why}")
    data = json.loads(PATH.read_text()) if PATH.exists() else {
        "about": "Full-size lab runs (python3 dev.py lab NAME --full --store), newest per benchmark."}
    data.setdefault("runs", {})[result["benchmark"]] = result
    data["runs"] = dict(sorted(data["runs"].items()))
    PATH.write_text(json.dumps(data, indent=1) + "\n")
