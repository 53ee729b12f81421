"""Facts in sentences checked against docs/data, and two places stating one fact differently
(atlas/data/prose_facts.py). Issue 31, items 1 and 2."""
import shutil

import pytest

from atlas.core.datafile import Project
from atlas.core.paths import ROOT
from atlas.data import lab_figures, prose_facts, validation

THREAD = "changed asgi-handler ThreadSensitiveContext"


@pytest.fixture
def project(tmp_path):
    """A scratch project with the repository's data and only the pages a test writes."""
    shutil.copytree(ROOT / "docs" / "data", tmp_path / "docs" / "data")
    return tmp_path


def page(root, path, *lines, django="3.0+"):
    target = root / "docs" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'---\ntitle: T\ndjango: "{django}"\n---\n\n' + "\n".join(lines) + "\n", encoding="utf-8")
    return f"docs/{path}"


def test_both_checks_run_in_the_registry_and_pass_on_the_repository():
    assert prose_facts.check in validation.CHECKS and prose_facts.check_contradictions in validation.CHECKS
    assert prose_facts.check(Project()) == []
    assert prose_facts.check_contradictions(Project()) == []


def test_reader_pages_state_their_releases_from_data():
    counts = prose_facts.counts()
    assert counts["docs/faq/index.md"]["marker"] >= 40
    assert counts["docs/use-cases/server-sent-events.md"]["marker"] >= 5
    assert all(row["unmarked"] == 0 for row in counts.values())


def test_a_planted_release_contradiction_names_both_places_and_the_data(project):
    a = page(project, "faq/a.md", "Async queries work since Django 4.1<!-- fact: since queryset-async-methods -->.")
    b = page(project, "learn/b.md", "", "Async queries work since Django 4.2<!-- fact: since queryset-async-methods -->.")
    found = prose_facts.check_contradictions(Project(project))
    assert found == [f"{a}:6: states 4.1 as the first release of queryset-async-methods, {b}:7 states 4.2 — "
                     "docs/data/capabilities.yml queryset-async-methods: added says 4.1: make both say what it says"]
    # and the check against the data names the wrong one with the fix
    assert prose_facts.check(Project(project)) == [
        f"{b}:7: states 4.2 as the first release of queryset-async-methods; docs/data/capabilities.yml "
        "queryset-async-methods: added says 4.1 — write 4.1, or correct the data from the release's sdist"]


def test_a_planted_range_contradiction_the_thread_per_request(project):
    # the case: a range starting at 3.0 on one page, 4.0 in the text of another
    a = page(project, "concepts/a.md", f"Each request has its own sync thread in 3.0–6.1<!-- fact: {THREAD} -->.")
    b = page(project, "faq/b.md", f"From Django 4.0<!-- fact: {THREAD} --> each request has its own thread.")
    found = prose_facts.check_contradictions(Project(project))
    assert len(found) == 1 and found[0].startswith(f"{a}:6: states 3.0 as the release of the change of asgi-handler")
    assert f"{b}:6 states 4.0" in found[0] and "capabilities.yml asgi-handler: changed 4.0" in found[0]


def test_a_before_range_must_end_the_release_before_the_change(project):
    good = page(project, "faq/a.md", f"In 3.1 and 3.2<!-- fact: before {THREAD} --> they share one thread.")
    assert prose_facts.check(Project(project)) == []
    bad = page(project, "faq/b.md", f"In 3.1 to 4.0<!-- fact: before {THREAD} --> they share one thread.")
    found = prose_facts.check(Project(project))
    assert len(found) == 1 and found[0].startswith(f"{bad}:6: states 4.0 as the release of the change")
    assert "says 3.2" in found[0]
    assert any(good in line and bad in line for line in prose_facts.check_contradictions(Project(project)))


def test_a_planted_figure_contradiction(project):
    marker = "<!-- lab: request_cost summary.django.total_kib_per_request -->"
    a = page(project, "concepts/a.md", f"A waiting request costs about 76 KiB{marker}.")
    same = page(project, "faq/same.md", f"Each one costs 76 KiB{marker} in all.")
    b = page(project, "use-cases/b.md", f"A waiting request costs about 150 KiB{marker}.")
    found = prose_facts.check_contradictions(Project(project))
    assert len(found) == 1 and f"{a}:6: states 76 KiB" in found[0] and f"{b}:6 states 150 KiB" in found[0]
    assert same not in found[0] and "lab-runs.json request_cost" in found[0]
    # the quoted figure is checked against the stored run on every reader page, not only the lab's list
    assert any(line.startswith(f"{b}:6: quoted 150 does not match")
               for line in lab_figures.check(Project(project)) + prose_facts.check(Project(project)))


def test_unmarked_facts_on_reader_pages_fail_with_the_place_and_the_fix(project):
    faq = page(project, "faq/a.md", "Async queries work since 4.1, see `aget()`.", "", "## Django 5.0+ headings hold no marker",
               "Django 6.1 runs on Python 3.12–3.15; asgiref 3.2 from 3.2 on.",
               "A waiting request costs 76 KiB here.")
    page(project, "lab/b.md", "Outside the reader folders: since 4.1, 76 KiB.")
    found = prose_facts.check(Project(project))
    assert found[0].startswith(f"{faq}:6: 'since 4.1' states a release with no marker — put <!-- fact: since")
    assert "<!-- fact: since queryset-async-methods -->?" in found[0]
    assert found[1].startswith(f"{faq}:10: figure '76 KiB' has no marker right after it — quote a stored figure")
    assert len(found) == 2


def test_unmarked_facts_next_to_an_api_name_join_the_contradiction_check(project):
    a = page(project, "faq/a.md", "`alogin()` works since 5.0 in every view.")
    b = page(project, "faq/b.md", "`alogin()` works since 5.1 in every view.")
    found = prose_facts.check_contradictions(Project(project))
    assert len(found) == 1 and f"{a}:6: states 5.0 as the first release of alogin()" in found[0]
    assert f"{b}:6 states 5.1" in found[0] and "async_api.json" in found[0]


def test_levels_markers_and_markers_naming_nothing(project):
    page(project, "use-cases/a.md", "A chat is *with a package*<!-- fact: level real-time-chat 3.0 --> on 3.0.",
         "The async ORM is partial<!-- fact: support queryset-async-methods -->.")
    assert prose_facts.check(Project(project)) == []
    full = page(project, "use-cases/c.md", "The async ORM is full<!-- fact: support queryset-async-methods -->.")
    found = prose_facts.check_contradictions(Project(project))
    assert len(found) == 1 and found[0].startswith("docs/use-cases/a.md:7: states partial as the support of")
    assert f"{full}:6 states full" in found[0]
    (project / full).unlink()
    bad = page(project, "use-cases/b.md", "A chat is *Django alone*<!-- fact: level real-time-chat 6.1 --> on 6.1.",
               "Since 9.9<!-- fact: since no-such-capability --> it works.",
               "It works<!-- fact: since async-views --> well.")
    found = sorted(prose_facts.check(Project(project)))
    assert found[0].startswith(f"{bad}:6: states alone as the level of real-time-chat on 6.1")
    assert "says package" in found[0]
    assert found[1].startswith(f"{bad}:7: <!-- fact: since no-such-capability --> names nothing in the data")
    assert found[2].startswith(f"{bad}:8: <!-- fact: since async-views --> follows no release")
    assert any("level of real-time-chat" in line for line in prose_facts.check_contradictions(Project(project))) is False


def test_ranges_of_the_atlas_and_of_a_page_code(project):
    ok = page(project, "faq/a.md", "No WebSocket in any release from 3.0 to 6.1<!-- fact: releases -->.",
              "The code runs from [Django 4.2](../versions/4.2.md)<!-- fact: code -->.", django="4.2+")
    assert prose_facts.check(Project(project)) == []
    (project / "docs" / "faq" / "a.md").write_text((project / "docs" / "faq" / "a.md").read_text().replace(
        'django: "4.2+"', 'django: "4.1+"').replace("3.0 to 6.1", "3.0 to 5.2"))
    found = prose_facts.check(Project(project))
    assert [line.split(" states ")[0] for line in found] == [f"{ok}:6:", f"{ok}:7:"]


def test_notebook_cells_join_and_one_spread_quoted_by_median_and_min_agrees(project):
    import json

    marker = "<!-- lab: cpu_bound speed_up.process pool (2 workers) -->"
    notebook = project / "docs" / "lab" / "x.ipynb"
    notebook.parent.mkdir(parents=True)
    spread = lab_figures.lookup(lab_figures.stored(project / "docs" / "data" / "lab-runs.json"), "cpu_bound",
                                "speed_up.process pool (2 workers)")
    median, least = f"{spread['median']:.2f}", f"{spread['min']:.2f}"
    cells = [{"cell_type": "markdown", "metadata": {}, "source": [f"A median of {median}×{marker}, as little as {least}×{marker}."]}]
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert prose_facts.check_contradictions(Project(project)) == []
    page(project, "faq/a.md", f"Processes gave 3.5×{marker} here.")
    found = prose_facts.check_contradictions(Project(project))
    assert len(found) == 1 and found[0].startswith("docs/faq/a.md:6: states 3.5×")
    assert f"docs/lab/x.ipynb cell 0:1 states {median}×" in found[0]


def test_a_planted_range_an_faq_entry_applying_before_its_answer_says(project):
    entry = ["## Can I stop work when the client disconnects? { #client-disconnect }", "",
             "Yes, under ASGI since Django 5.0<!-- fact: since client-disconnect -->: the view is cancelled.", "",
             "Applies to: Django 5.0–6.1 (ASGI)", "", "Sources: [notes](django:5.0/releases/5.0/)."]
    faq = page(project, "faq/index.md", *entry)
    assert prose_facts.check_contradictions(Project(project)) == []
    page(project, "faq/index.md", *[line.replace("5.0–6.1", "4.2–6.1") for line in entry])
    assert prose_facts.check_contradictions(Project(project)) == [
        f"{faq}:8: states 5.0 as the first release of client-disconnect, {faq}:10 states 4.2 — "
        "docs/data/capabilities.yml client-disconnect: added says 5.0: make both say what it says"]


def test_a_release_after_a_line_break_or_after_in_is_still_found(project):
    faq = page(project, "faq/a.md", "Django has served ASGI since", "[Django 3.0](../versions/3.0.md), and views",
               "followed in 3.1, in the release notes.", "",
               "Served since", "[Django 3.0](../versions/3.0.md)<!-- fact: since asgi-handler --> here.")
    found = prose_facts.check(Project(project))
    assert [line.split(" states a release")[0] for line in found] == [
        f"{faq}:7: 'since [Django 3.0'", f"{faq}:8: 'in 3.1'"]


def test_a_middleware_class_first_release_comes_from_the_stack_collection(project):
    marker = "<!-- fact: middleware django.contrib.auth.middleware.LoginRequiredMiddleware -->"
    page(project, "concepts/a.md", f"`LoginRequiredMiddleware` exists from 5.1{marker}.")
    assert prose_facts.check(Project(project)) == []
    wrong = page(project, "concepts/b.md", f"`LoginRequiredMiddleware` exists from 5.0{marker}.")
    assert prose_facts.check(Project(project)) == [
        f"{wrong}:6: states 5.0 as the first release of django.contrib.auth.middleware.LoginRequiredMiddleware; "
        "docs/data/stack.json (the first release whose middleware holds "
        "django.contrib.auth.middleware.LoginRequiredMiddleware) says 5.1 — write 5.1, or correct the data from the "
        "release's sdist"]


def test_a_release_named_for_what_was_read_in_it_must_be_a_covered_release(project):
    """`<!-- fact: release -->` stays true when newer releases arrive (what 6.1's code does is still what it
    does), and catches a release that does not exist."""
    good = page(project, "use-cases/a.md", "The handler, read in 6.1<!-- fact: release -->, buffers it.")
    assert prose_facts.check(Project(project)) == []
    page(project, "use-cases/b.md", "The handler, read in 6.3<!-- fact: release -->, buffers it.")
    found = prose_facts.check(Project(project))
    assert len(found) == 1 and found[0].startswith("docs/use-cases/b.md:6:") and good not in found[0]
