"""The stored full-size lab runs (docs/data/lab-runs.json) and the figures the prose quotes from them
(atlas/data/lab_figures.py, snippets/lab/runs.py, snippets/lab/load_ceiling.py)."""
import json
import re

import jsonschema
import pytest

from atlas.core.datafile import Project
from atlas.core.paths import DOCS
from atlas.data import lab_figures
from atlas.site import generate, lab_runs_render
from snippets.lab import load_ceiling, provenance, runs

SCHEMA = json.loads((DOCS / "data" / "schemas" / "lab-runs.schema.json").read_text())
STORED = runs.load()
MARKED = [(where, number, line) for where, number, line in lab_figures.texts() if lab_figures.MARKER.search(line)]
NOTEBOOK_SHOWS = {"threads-vs-tasks": ["threads_vs_tasks", "switches", "request_cost"],
                  "sync-vs-async-under-load": ["load", "load_ceiling"], "fan-out": ["fan_out"],
                  "cpu-bound": ["cpu_bound", "cpu_in_view"]}


def test_stored_runs_match_their_schema_and_are_full_size():
    jsonschema.validate(json.loads(lab_figures.RUNS.read_text()), SCHEMA)
    for name, run in STORED.items():
        prov = run["provenance"]
        assert run["benchmark"] == name and prov["size"] == "full" and prov["n"] >= 1
        assert prov["overloaded"] == (prov["load_1min_during"]["mean"] > prov["load_limit"]
                                      or prov["steal_pct"] > provenance.STEAL_LIMIT_PCT), name


def test_only_full_size_runs_are_stored():
    with pytest.raises(ValueError, match="only full-size runs"):
        runs.store({"benchmark": "x", "provenance": {"size": "ci"}})


def test_every_figure_quoted_in_prose_lies_within_the_stored_runs():
    assert lab_figures.check(Project()) == []


def test_the_prose_quotes_figures_from_every_stored_benchmark_it_shows():
    quoted = {marker["benchmark"] for _, _, line in MARKED for marker in lab_figures.MARKER.finditer(line)}
    assert {"threads_vs_tasks", "request_cost", "switches", "load", "cpu_bound"} <= quoted


@pytest.mark.parametrize("where,number,line", MARKED, ids=[f"{w}:{n}" for w, n, _ in MARKED])
def test_changing_a_quoted_figure_fails_the_check(where, number, line):
    """Each marked figure, doubled (and a zero turned into 5), is reported: no figure escapes the check."""
    def bump(match):
        value = float(match[0].replace(",", ""))
        return f"{value * 2 + (5 if value == 0 else 0):g}"

    changed = line
    for marker in reversed(list(lab_figures.MARKER.finditer(line))):
        figure = lab_figures.FIGURE.search(line[max(0, marker.start() - 60):marker.start()])
        start = max(0, marker.start() - 60) + figure.start()
        changed = changed[:start] + re.sub(lab_figures.NUMBER, bump, changed[start:marker.start()]) + changed[marker.start():]
    assert lab_figures.check_line(f"{where}:{number}", line, STORED) == []
    problems = lab_figures.check_line(f"{where}:{number}", changed, STORED)
    assert all(f"{where}:{number}: quoted" in problem for problem in problems)
    for marker in lab_figures.MARKER.finditer(line):  # every marker on the line reports its changed figure
        assert any(f" of {marker['benchmark']} {marker['path']} — " in problem for problem in problems), marker[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("an idle thread costs 30 KiB of memory", "has no <!-- lab: ... --> marker"),
        ("tasks switch 1.5–2× as fast", "has no <!-- lab: ... --> marker"),
        ("about 16 KiB<!-- lab: threads_vs_tasks summary.threads.nope -->", "points at nothing"),
        ("about 16 KiB<!-- lab: nosuch summary.threads.rss_kib_per_unit -->", "points at nothing"),
        ("a thread<!-- lab: threads_vs_tasks summary.threads.rss_kib_per_unit -->", "follows no figure"),
        ("about 1–90 KiB<!-- lab: threads_vs_tasks summary.threads.rss_kib_per_unit -->", "quoted 1 is outside"),
    ],
)
def test_bad_quotes_are_reported_with_file_line_and_fix(line, expected):
    problems = lab_figures.check_line("docs/x.md:3", line, STORED)
    assert problems and all(problem.startswith("docs/x.md:3: ") for problem in problems)
    assert expected in problems[0] and " — " in problems[0]


def test_units_and_thousands_are_converted():
    assert lab_figures.check_line("x:1", f"{STORED['threads_vs_tasks']['summary']['thread_total_kib'] * 1000 / 1024:.0f} "
                                  "MiB<!-- lab: threads_vs_tasks summary.thread_total_kib *0.9765625 -->", STORED) == []


@pytest.mark.parametrize("name", sorted(NOTEBOOK_SHOWS))
def test_notebooks_show_the_stored_runs_with_their_provenance(name):
    """The stored outputs were executed against the current data: each table's caption line is there."""
    outputs = json.dumps([cell.get("outputs", []) for cell in json.loads((DOCS / "lab" / f"{name}.ipynb").read_text())["cells"]])
    for benchmark in NOTEBOOK_SHOWS[name]:
        if benchmark in STORED:
            caption = json.dumps(provenance.caption(STORED[benchmark]["provenance"]))[1:-1]
            assert caption in outputs, f"docs/lab/{name}.ipynb: rerun python3 dev.py notebooks docs/lab/{name}.ipynb"


def test_the_lab_page_lists_every_stored_run_with_size_n_and_load():
    table = lab_runs_render.render_runs_table()
    for name, run in STORED.items():
        assert f"| `{name}` | full, n = {run['provenance']['n']} |" in table
    assert generate.table_include("lab-runs") in (DOCS / "lab" / "index.md").read_text()


def test_the_ceiling_run_reuses_the_load_test():
    assert set(load_ceiling.ONLY) <= set(load_ceiling.load.servers(8000, [64]))
