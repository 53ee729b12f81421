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
MARKED = [(where, number, line) for where, number, line, _ in lab_figures.texts() if lab_figures.MARKER.search(line)]
NOTEBOOK_SHOWS = {"threads-vs-tasks": ["threads_vs_tasks", "switches", "request_cost"],
                  "sync-vs-async-under-load": ["load", "load_ceiling"], "fan-out": ["fan_out"],
                  "cpu-bound": ["cpu_bound", "cpu_in_view"]}


def test_stored_runs_match_their_schema_and_are_full_size():
    jsonschema.validate(json.loads(lab_figures.RUNS.read_text()), SCHEMA)
    for name, run in STORED.items():
        prov = run["provenance"]
        assert run["benchmark"] == name and prov["size"] == "full" and prov["n"] >= 1
        assert not prov["git_sha"].endswith("+dirty") or "cpu_pressure" not in prov, name  # stored only when clean
        if "cpu_pressure" in prov:  # the flag follows from the stored samples
            peak = prov["cpu_pressure"]["avg10_max"]
            assert prov["overloaded_because"] == provenance.judge(
                [] if peak is None else [peak], prov["cpu_pressure"]["some_pct"], prov["others_cpu_pct"],
                prov["steal_pct"]), name
            assert prov["overloaded"] == bool(prov["overloaded_because"]), name
        else:  # stored before pressure was recorded: the old rule, 1-minute load or steal
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
        assert any(f"does not match {marker['benchmark']} {marker['path']}: " in problem for problem in problems), marker[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("an idle thread costs 30 KiB of memory", "has no marker right after it"),
        ("tasks switch 1.5–2× as fast", "has no marker right after it"),
        ("about 16 KiB<!-- lab: threads_vs_tasks summary.threads.nope -->", "points at nothing"),
        ("about 16 KiB<!-- lab: nosuch summary.threads.rss_kib_per_unit -->", "points at nothing"),
        ("a thread<!-- lab: threads_vs_tasks summary.threads.rss_kib_per_unit -->", "follows no figure"),
        ("about 1–90 KiB<!-- lab: threads_vs_tasks summary.threads.rss_kib_per_unit -->", "quoted 1 does not match"),
        ("waits 30 ms for it", "has no marker right after it"),
        ("p99 of 12.5 µs", "has no marker right after it"),
        ("a 3 s stall", "has no marker right after it"),
        ("2.5 MiB in all", "has no marker right after it"),
        ("6 % of a core", "has no marker right after it"),
        ("about 1,000 per request<!-- lab: fan_out rows[way=sequential].seconds -->", "quote its range a–b"),
    ],
)
def test_bad_quotes_are_reported_with_file_line_and_fix(line, expected):
    problems = lab_figures.check_line("docs/x.md:3", line, STORED)
    assert problems and all(problem.startswith("docs/x.md:3: ") for problem in problems)
    assert expected in problems[0] and " — " in problems[0]


def test_a_timing_of_a_run_flagged_overloaded_is_refused():
    """The stored figure itself, quoted right: refused only because its run is flagged."""
    import copy

    flagged = copy.deepcopy(STORED)
    flagged["micro"]["provenance"]["overloaded"] = True
    line = f"it took {STORED['micro']['rows'][0]['mean_us']:.1f} µs<!-- lab: micro rows.0.mean_us -->"
    assert lab_figures.check_line("docs/x.md:3", line, STORED) == []
    problems = lab_figures.check_line("docs/x.md:3", line, flagged)
    assert len(problems) == 1 and "quotes a timing of a run flagged overloaded" in problems[0]


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
        assert f"| <span id=\"run-{name}\"></span>`{name}` | full, n = {run['provenance']['n']} |" in table
    assert generate.table_include("lab-runs") in (DOCS / "lab" / "index.md").read_text()


def test_the_ceiling_run_reuses_the_load_test():
    assert set(load_ceiling.ONLY) <= set(load_ceiling.load.servers(8000, [64]))


# The mismatches the lab's review found (issue 30), each as the prose had it, against the stored value it quoted
OLD = {"threads_vs_tasks": {"summary": {"thread_total_over_task": 45.4, "thread_over_task_rss": 17.4}},
       "request_cost": {"summary": {"django": {"total_kib_per_request": {"median": 76.6, "min": 73.2, "max": 77.1},
                                               "kernel_kib_per_request": {"median": 30.46, "min": 27.76, "max": 32.08}}}},
       "cpu_in_view": {"burn_ms": 60.0}}
OLD = {name: {**value, "provenance": {"overloaded": False}} for name, value in OLD.items()}


@pytest.mark.parametrize(("old", "new"), [
    ("about 47 times<!-- lab: threads_vs_tasks summary.thread_total_over_task --> less",
     "about 45 times<!-- lab: threads_vs_tasks summary.thread_total_over_task --> less"),
    ("about 18×<!-- lab: threads_vs_tasks summary.thread_over_task_rss --> less",
     "about 17.4×<!-- lab: threads_vs_tasks summary.thread_over_task_rss --> less"),
    ("about 76 KiB<!-- lab: request_cost summary.django.total_kib_per_request --> in all",
     "about 77 KiB<!-- lab: request_cost summary.django.total_kib_per_request --> in all"),
    ("plus about 32 KiB<!-- lab: request_cost summary.django.kernel_kib_per_request --> of kernel memory",
     "plus about 30 KiB<!-- lab: request_cost summary.django.kernel_kib_per_request --> of kernel memory"),
    ("burns about 0.1 s<!-- lab: cpu_in_view burn_ms /1000 --> of CPU", "burns about 60 ms<!-- lab: cpu_in_view burn_ms --> of CPU"),
], ids=["47x", "18x", "76-KiB", "about-32-KiB", "0.1-s"])
def test_the_old_mismatches_fail_and_the_stored_figure_passes(old, new):
    """Each figure must carry the stored value at the precision it is written with (and within 10 %): the
    old prose is rejected with the stored figure named, the corrected prose passes."""
    problems = lab_figures.check_line("docs/x.md:1", old, OLD)
    assert len(problems) == 1 and "does not match" in problems[0], problems
    assert lab_figures.check_line("docs/x.md:1", new, OLD) == []
    assert lab_figures.rewritten(old, OLD) != old and lab_figures.check_line("docs/x.md:1", lab_figures.rewritten(old, OLD), OLD) == []


@pytest.mark.parametrize(("text", "value", "ok"), [
    ("45", 45.4, True), ("45.4", 45.4, True), ("45.0", 45.4, False), ("348,000", 347_912.0, True),
    ("340,000", 347_912.0, False), ("14,700", 14_689.0, True), ("1.0", 0.98, True), ("1", 0.6, False),
    ("0.1", 0.06, False), ("60", 60.4, True), ("2", 1.71, False), ("0.0", 0.0, True),
])
def test_a_figure_carries_the_stored_value_at_its_own_precision(text, value, ok):
    assert (lab_figures.mismatch(text, False, value) == "") is ok


def test_the_check_covers_use_case_pages_and_paragraphs_quoting_the_lab(tmp_path):
    (tmp_path / "use-cases").mkdir()
    (tmp_path / "use-cases" / "polls.md").write_text(
        "A quick intro: a 30 s timeout.\n\nThe [lab](../lab/index.md) measured 12 ms per poll.\n\n"
        "| A | 9 KiB, see [lab](../lab/x.ipynb) |\n")
    found = {(where, number): coverage for where, number, _, coverage in lab_figures.texts(tmp_path)}
    assert set(found) == {(f"{tmp_path.name}/use-cases/polls.md", 3), (f"{tmp_path.name}/use-cases/polls.md", 5)}
    problems = [p for where, number, line, _ in lab_figures.texts(tmp_path) for p in lab_figures.check_line(where, line, STORED)]
    assert len(problems) == 2 and "'12 ms'" in problems[0] and "'9 KiB'" in problems[1]
    assert lab_figures.check_line("x:1", "a 30 s<!-- not measured --> timeout, linked to the [lab](../lab/)", STORED) == []


def test_the_fixer_rewrites_only_figures_that_changed(tmp_path):
    docs = tmp_path / "docs"
    (docs / "lab").mkdir(parents=True)
    runs_file = tmp_path / "runs.json"
    runs_file.write_text(json.dumps({"runs": OLD}))
    page = docs / "lab" / "index.md"
    page.write_text("about 47 times<!-- lab: threads_vs_tasks summary.thread_total_over_task --> less, and "
                    "76 KiB<!-- lab: request_cost summary.django.total_kib_per_request -->\n")
    assert lab_figures.fix(docs, runs_file) == ["docs/lab/index.md"]
    assert page.read_text() == ("about 45 times<!-- lab: threads_vs_tasks summary.thread_total_over_task --> less, "
                                "and 77 KiB<!-- lab: request_cost summary.django.total_kib_per_request -->\n")
    assert lab_figures.fix(docs, runs_file) == []


def test_the_lab_page_states_the_overload_thresholds_the_code_uses():
    text = (DOCS / "lab" / "index.md").read_text()
    paragraph = text[text.index("**When a run counts as overloaded.**"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    stated = re.findall(r"(\d+(?:\.\d+)?) %<!-- not measured -->", paragraph)
    assert stated == [f"{limit:g}" for limit in (provenance.PRESSURE_LIMIT_PCT, provenance.BURST_LIMIT_PCT,
                                                  provenance.OTHERS_LIMIT_PCT, provenance.STEAL_LIMIT_PCT)]
