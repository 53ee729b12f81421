"""Figures with a unit on the reader pages: stored and checked, a setting of the page's code, sourced, or an
example (atlas/data/lab_figures.py, atlas/data/page_figures.py, atlas/collect/page_figures.py). Issue 31."""
import json
import shutil

import pytest

from atlas.collect import page_figures as collector
from atlas.core.datafile import Project
from atlas.core.paths import ROOT
from atlas.data import lab_figures, page_figures, prose_facts, validation
from tests.support import figures

MEASURED = "<!-- fact: measured uploads gunicorn.first_wait -->"


@pytest.fixture
def project(tmp_path):
    """A scratch project: the repository's data, one stored group, one snippet, and the pages a test writes."""
    shutil.copytree(ROOT / "docs" / "data", tmp_path / "docs" / "data")
    data = {"about": "test", "figures": {"uploads": {
        "page": "docs/use-cases/up.md", "tests": ["tests/test_up.py::test_it"],
        "provenance": {"machine": {}, "git_sha": "0000000", "n": 3, "date": "2026-01-01 00:00 UTC",
                       "overloaded": False, "overloaded_because": []},
        "gunicorn": {"first_wait": {"median": 2.34, "min": 2.1, "max": 2.6, "n": 3}}}}}
    (tmp_path / "docs" / "data" / "page_figures.json").write_text(json.dumps(data))
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "views.py").write_text("TIMEOUT = 2.0  # seconds\nLIMIT = 1024 * 1024\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_up.py").write_text('record("uploads", "gunicorn.first_wait", 2.3)\n')
    return tmp_path


def page(root, path, *lines):
    target = root / "docs" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('---\ntitle: T\ndjango: "3.0+"\n---\n\n' + "\n".join(lines) + "\n", encoding="utf-8")
    return f"docs/{path}"


def problems(project):
    found = validation.problems(Project(project), [lab_figures.check, prose_facts.check, page_figures.check])
    return [line for line in found if "docs/use-cases/up.md" not in line or "quotes none" not in line]


def test_registered_and_the_repository_passes():
    assert page_figures.check in validation.CHECKS and lab_figures.check in validation.CHECKS
    assert page_figures.check(Project()) == [] and lab_figures.check(Project()) == []
    assert Project().validate_file("page_figures") == []


def test_no_reader_page_has_an_unmarked_figure_with_a_unit():
    """The list the rule started from (99 figures on 16 pages) is empty."""
    assert {page: found for page, found in prose_facts.unmarked_figures().items() if found} == {}


@pytest.mark.parametrize("figure", ["30 s", "200 ms", "12.5 µs", "2.5 MB", "20 kB", "1 MiB", "16 KiB", "6 %",
                                    "3×", "400 req/s"])
def test_a_planted_unmarked_figure_fails_with_file_line_and_the_markers(project, figure):
    where = page(project, "use-cases/up.md", f"The upstream answers in {figure} here.",
                 f"Slow requests waited 2.3 s{MEASURED}.")
    found = problems(project)
    assert len(found) == 1, found
    assert found[0].startswith(f"{where}:6: figure '{figure}' has no marker right after it — ")
    for marker in ("<!-- fact: measured GROUP KEY -->", "<!-- fact: setting FILE NAME -->",
                   "<!-- fact: source URL -->", "<!-- fact: example WHY -->", "<!-- lab: RUN KEY -->"):
        assert marker in found[0]


def test_a_planted_wrong_figure_names_the_place_and_the_data(project):
    where = page(project, "use-cases/up.md", f"The quick request waited 3.1 s{MEASURED} behind the upload.")
    found = problems(project)
    assert len(found) == 1 and found[0].startswith(f"{where}:6: quoted 3.1 does not match uploads gunicorn.first_wait: "
                                                   "the stored 2.34 written to that precision is 2.3")
    assert "docs/data/page_figures.json" in found[0] and "python3 dev.py pagefigures uploads --store" in found[0]


def test_a_correct_figure_and_range_pass_and_two_pages_disagreeing_are_a_contradiction(project):
    page(project, "use-cases/up.md", f"It waited 2.3 s{MEASURED}, 2.1–2.6 s{MEASURED} over the runs.")
    assert problems(project) == []
    other = page(project, "faq/a.md", f"It waited 3.1 s{MEASURED}.")
    found = prose_facts.check_contradictions(Project(project))
    assert len(found) == 1 and found[0].startswith(f"{other}:6: states 3.1 s as the measured figure uploads "
                                                   "gunicorn.first_wait, docs/use-cases/up.md:6 states 2.3 s")
    assert "docs/data/page_figures.json uploads gunicorn.first_wait says 2.1–2.6" in found[0]
    assert any(line.startswith(f"{other}:6: quoted 3.1 does not match") for line in problems(project))


def test_settings_are_checked_against_their_file(project):
    page(project, "use-cases/up.md", f"It waited 2.3 s{MEASURED}.",
         "A 2 s<!-- fact: setting snippets/views.py TIMEOUT --> timeout, 2000 ms<!-- fact: setting snippets/views.py "
         "TIMEOUT --> in all, a 1 MiB<!-- fact: setting snippets/views.py LIMIT --> limit.")
    assert problems(project) == []
    where = page(project, "use-cases/up.md", f"It waited 2.3 s{MEASURED}.",
                 "A 5 s<!-- fact: setting snippets/views.py TIMEOUT --> timeout; 3 s<!-- fact: setting snippets/gone.py X -->.")
    found = problems(project)
    assert len(found) == 2
    assert found[0].startswith(f"{where}:7: <!-- fact: setting snippets/views.py TIMEOUT -->: snippets/views.py has no "
                               "line naming 'TIMEOUT' that sets 5 s")
    assert found[1].startswith(f"{where}:7: <!-- fact: setting snippets/gone.py X -->: no file snippets/gone.py")


def test_sources_are_addresses_and_examples_give_a_reason(project):
    where = page(project, "use-cases/up.md", f"It waited 2.3 s{MEASURED}.",
                 "60 s<!-- fact: source https://nginx.org/en/docs/ --> and 600 ms<!-- fact: example three calls in a row -->.",
                 "60 s<!-- fact: source nginx docs --> and 600 ms<!-- fact: example sum -->.")
    found = problems(project)
    assert len(found) == 2 and all(line.startswith(f"{where}:8: ") for line in found)
    assert "a source is an https:// address" in found[0] and "at least three words" in found[1]


def test_code_comments_and_titles_are_not_read_for_figures(project):
    page(project, "use-cases/up.md", f"It waited 2.3 s{MEASURED}: `timed out after 1 s`.",
         '!!! warning "Closed after 60 s"', "    The proxy closes it.")
    assert problems(project) == []


def test_the_possessive_release_is_a_fact_to_mark(project):
    where = page(project, "faq/a.md", "Django 6.1's ASGI handler parks a thread per request.",
                 "Django 3.0's<!-- fact: release --> notes say so; Django 4.0's<!-- fact: changed asgi-handler "
                 "ThreadSensitiveContext --> handler does it.")
    found = prose_facts.check(Project(project))
    assert len(found) == 1 and found[0].startswith(f"{where}:6: \"Django 6.1's\" states a release with no marker")


def test_a_group_its_tests_do_not_record_or_its_page_does_not_quote_is_reported(project):
    assert page_figures.check(Project(project))[0].startswith("docs/data/page_figures.json: figures.uploads.page: "
                                                              "docs/use-cases/up.md quotes none of its figures")
    page(project, "use-cases/up.md", f"It waited 2.3 s{MEASURED}.")
    (project / "tests" / "test_up.py").write_text("def test_it(): pass\n")
    assert page_figures.check(Project(project)) == [
        "docs/data/page_figures.json: figures.uploads.tests: tests/test_up.py::test_it does not record uploads — "
        'call record("uploads", KEY, value) from tests/support/figures.py where it measures']


def test_the_figure_rules_live_in_lab_figures_only():
    assert not hasattr(prose_facts, "LAB_UNITS") and not hasattr(prose_facts, "QUOTE_SLACK")
    assert lab_figures.agree((2.25, 2.35), (2.3, 2.4), None) and not lab_figures.agree((2.25, 2.35), (2.9, 3.0), None)
    assert lab_figures.agree((2.05, 2.15), (2.55, 2.65), (2.1, 2.6))  # two quotes of one stored spread


def test_recording_writes_only_when_asked_and_runs_merge_into_spreads(tmp_path, monkeypatch):
    out = tmp_path / "figures.jsonl"
    monkeypatch.delenv(figures.ENV, raising=False)
    figures.record("uploads", "gunicorn.first_wait", 2.3)
    assert not figures.recording() and not out.exists()
    monkeypatch.setenv(figures.ENV, str(out))
    for value in (2.5, 2.1, 2.3):
        figures.record("uploads", "gunicorn.first_wait", value)
    figures.record("uploads", "uvicorn.quick_ms.first", 89)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert collector.merged(lines, 3) == {"uploads": {
        "gunicorn": {"first_wait": {"median": 2.3, "min": 2.1, "max": 2.5, "n": 3}},
        "uvicorn": {"quick_ms": {"first": {"median": 89.0, "min": 89.0, "max": 89.0, "n": 1}}}}}


def test_the_fixer_rewrites_a_measured_figure_that_changed(project):
    target = project / "docs" / "use-cases" / "up.md"
    page(project, "use-cases/up.md", f"It waited 3.1 s{MEASURED}, 2.3 s{MEASURED} before.")
    assert lab_figures.fix(project / "docs", ROOT / "docs" / "data" / "lab-runs.json",
                           project / "docs" / "data" / "page_figures.json") == ["docs/use-cases/up.md"]
    assert f"It waited 2.3 s{MEASURED}, 2.3 s{MEASURED} before." in target.read_text()
