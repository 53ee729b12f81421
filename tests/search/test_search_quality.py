"""The search benchmark (atlas/bench/search_quality.py): its arithmetic on made-up answers, and Material's
search worker under Node (atlas/bench/material_search.js) on the built site."""
from __future__ import annotations

import json

import pytest

from atlas.bench import material_search, search_quality
from atlas.bench.material_search import Answer, Link, Run
from atlas.data import search_questions
from atlas.data.search_questions import Question
from tests.support.tools import require_tool


def answer(query, *locations):
    return Answer(query, 1.0, tuple(Link(location, location, 1.0) for location in locations))


QUESTIONS = [Question("a", ("faq/#a",), "faq"), Question("b", ("use-cases/b/",), "faq"),
             Question("c", ("faq/#c",), "faq", held_aside=True), Question("d", ("faq/#d",), "faq", held_aside=True)]
ANSWERS = [answer("a", "faq/#a"), answer("b", "faq/", "x/", "use-cases/b/#pitfalls"),
           answer("c", "faq/", "x/", "y/", "faq/#c"), answer("d")]


def test_top_1_top_3_and_mean_reciprocal_rank():
    scored = search_quality.score(QUESTIONS, ANSWERS)
    assert [s.rank for s in scored] == [1, 3, 4, None]
    tuned = search_quality.figures(scored[:2])
    assert (tuned.count, tuned.top1, tuned.top3, tuned.mrr) == (2, 0.5, 1.0, pytest.approx((1 + 1 / 3) / 2))
    held = search_quality.figures(scored[2:])
    assert (held.top1, held.top3, held.mrr) == (0.0, 0.0, 0.25 / 2)


def test_the_report_lists_the_held_aside_failures_only_when_asked(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"docs": [{"location": ""}] * 3}))
    run = Run(5.0, ANSWERS)
    scored = search_quality.score(QUESTIONS, ANSWERS)
    text = search_quality.report(scored, tmp_path, run)
    assert "  tuned                2   50.0%  100.0%  0.667" in text
    assert "  held aside           2    0.0%    0.0%  0.125" in text
    assert "wants faq/#d" not in text and "wants faq/#c" not in text
    assert "3 documents" in text
    shown = search_quality.report(scored, tmp_path, run, show_held_aside=True)
    assert "wants faq/#d (no right answer at all); first: No matching documents" in shown
    assert "wants faq/#c (right answer at 4); first: 1. faq/" in shown
    assert "Chromium" not in text
    timed = search_quality.report(scored, tmp_path, run, chromium_ms=[10.0, 30.0, 20.0, 200.0])
    assert "Query time in Chromium, CPU slowed 4x (last keystroke to results drawn): median 25 ms" in timed


def test_hiding_the_held_aside_part_prints_none_of_its_figures_nor_the_all_row_that_holds_them(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"docs": [{"location": ""}] * 3}))
    run = Run(5.0, ANSWERS)
    scored = search_quality.score(QUESTIONS, ANSWERS)
    hidden = search_quality.report(scored, tmp_path, run, hide_held_aside=True)
    assert "  tuned                2   50.0%  100.0%  0.667" in hidden
    assert "  held aside " not in hidden and "  all " not in hidden
    assert "wants faq/#c" not in hidden and "wants faq/#d" not in hidden
    assert "(the held-aside part, 2 questions, is hidden" in hidden
    assert "  all                  4" in search_quality.report(scored, tmp_path, run)
    with pytest.raises(SystemExit):
        search_quality.main(["--show-held-aside", "--hide-held-aside"])


def test_a_spent_part_is_reported_apart_and_its_failures_listed_with_the_tuning_data(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"docs": [{"location": ""}]}))
    questions = QUESTIONS + [Question("e", ("faq/#e",), "faq", held_aside=True, spent=True)]
    answers = ANSWERS + [answer("e", "faq/", "faq/#e")]
    assert [q.part for q in questions] == ["tuned", "tuned", "held aside", "held aside", "spent"]
    text = search_quality.report(search_quality.score(questions, answers), tmp_path, Run(5.0, answers))
    assert "  spent                1    0.0%  100.0%  0.500" in text
    assert "  held aside           2    0.0%    0.0%  0.125" in text
    assert "(spent: the 1 held-aside questions of batches marked spent" in text
    assert "Failures of the spent part (0:" in text and "wants faq/#d" not in text
    failing = answers[:-1] + [answer("e", "x/")]
    text = search_quality.report(search_quality.score(questions, failing), tmp_path, Run(5.0, failing))
    assert "wants faq/#e (no right answer at all)" in text
    plain = search_quality.report(search_quality.score(QUESTIONS, ANSWERS), tmp_path, Run(5.0, ANSWERS))
    assert "spent" not in plain


@pytest.mark.build
def test_the_worker_answers_every_question_with_places_the_index_has(built_site):
    require_tool("node", "nodejs")
    questions = search_questions.load()
    run = material_search.search(built_site.site, [q.text for q in questions] + ["zzzqqq"])
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    assert [a.query for a in run.answers] == [q.text for q in questions] + ["zzzqqq"]
    assert run.answers[-1].links == ()
    shown = [link for a in run.answers for link in a.links]
    assert shown and all(link.location in locations and link.score > 0 for link in shown)
    for a in run.answers:   # one result item per page: the page's own link first, then its sections
        pages = [search_questions.page_of(location) for location in a.locations]
        for position, location in enumerate(a.locations):
            if "#" not in location:
                assert location not in pages[:position], f"{a.query!r}: {location} after its own sections"
        items = [page for position, page in enumerate(pages) if position == 0 or pages[position - 1] != page]
        assert len(items) == len(set(items)), f"{a.query!r}: a page's links are not together: {a.locations}"
    by_query = {a.query: a.locations for a in run.answers}
    assert "faq/#uvicorn-needed" in by_query["uvicorn"]
