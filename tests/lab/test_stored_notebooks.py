"""The notebooks of the load-shape, causes, PostgreSQL and waiting-connection experiments show each stored
full-size run (snippets/lab/stored.py), or, before one is stored, the command that makes it."""
import json

import pytest

from atlas.core.paths import DOCS
from snippets.lab import causes, provenance, runs, stored

NOTEBOOK_SHOWS = {"load-shapes": ["load_shapes"], "where-the-cpu-goes": ["causes"],
                  "postgresql-connections": ["db_load"], "waiting-connections": ["held_connections", "waiting_memory"]}


@pytest.mark.parametrize("name", sorted(NOTEBOOK_SHOWS))
def test_each_notebook_shows_its_stored_run_or_how_to_store_one(name):
    outputs = json.dumps([cell.get("outputs", []) for cell in json.loads((DOCS / "lab" / f"{name}.ipynb").read_text())["cells"]])
    for benchmark in NOTEBOOK_SHOWS[name]:
        if benchmark in runs.load():
            caption = json.dumps(provenance.caption(runs.load()[benchmark]["provenance"]))[1:-1]
            assert caption in outputs, f"docs/lab/{name}.ipynb: rerun python3 dev.py notebooks docs/lab/{name}.ipynb"
        else:
            assert f"python3 dev.py lab {benchmark} --full --store" in outputs, f"docs/lab/{name}.ipynb"


def test_show_prints_the_stored_run_with_its_plot_or_the_command(monkeypatch, capsys):
    result = {"benchmark": "causes", "provenance": {"size": "full", "n": 1, "machine": {"cpu": "x", "cores": 2},
                                                    "load_1min_during": {"mean": 0.1, "max": 0.2}, "steal_pct": 0,
                                                    "date": "2026-12-07 12:00 UTC", "git_sha": "abc", "overloaded": False},
              "rows": [{"cause": "http client", "case": "httpx.Client.get", "wall_us": {"median": 2, "min": 1, "max": 3},
                        "cpu_us": {"median": 2, "min": 1, "max": 3}}]}
    monkeypatch.setattr(runs, "load", lambda: {"causes": result})
    assert stored.show(causes) is result
    assert "httpx.Client.get" in capsys.readouterr().out
    monkeypatch.setattr(runs, "load", lambda: {})
    assert stored.show(causes) is None
    assert "python3 dev.py lab causes --full --store" in capsys.readouterr().out
