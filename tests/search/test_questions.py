"""The public question set of the search (docs/data/search_questions.yml): its rules, and every answer it
names exists in the built site — in the search index the browser downloads, and as an id on the page."""
from __future__ import annotations

import html
import json
import re
import shutil

import pytest
import yaml

from atlas.core.datafile import Project
from atlas.core.paths import DATA
from atlas.data import search_questions

QUESTIONS = search_questions.load()


def test_the_set_is_large_and_draws_on_every_source():
    assert len(QUESTIONS) >= 120
    kinds = {q.kind for q in QUESTIONS}
    assert {"seed-thread", "faq", "error", "version", "how-to", "speed", "package", "server"} <= kinds


def test_the_real_set_has_no_problems():
    assert search_questions.check(Project()) == []


def test_a_page_answer_takes_any_part_of_the_page_and_a_section_answer_only_that_section():
    answers = ("use-cases/uploads/", "faq/#uploads-asgi")
    assert search_questions.answered_by("use-cases/uploads/", answers)
    assert search_questions.answered_by("use-cases/uploads/#pitfalls", answers)
    assert search_questions.answered_by("faq/#uploads-asgi", answers)
    assert not search_questions.answered_by("faq/", answers)
    assert not search_questions.answered_by("faq/#sse", answers)
    assert not search_questions.answered_by("use-cases/", answers)
    assert search_questions.first_right(["faq/", "use-cases/", "use-cases/uploads/#the-code"], answers) == 3
    assert search_questions.first_right(["faq/"], answers) is None


def test_a_question_asked_twice_and_a_redundant_answer_are_reported(tmp_path):
    entries = [{"q": "uvicorn", "answers": ["faq/#which-server"], "kind": "server"},
               {"q": "  Uvicorn ", "answers": ["faq/", "faq/#which-server"], "kind": "server"}]
    problems = search_questions.check(write_set(tmp_path, entries, [{"seed": 1, "questions": 2}]))
    assert len(problems) == 2, problems
    assert "question '  Uvicorn ': is asked again" in problems[0]
    assert "answer faq/#which-server is part of faq/, also listed" in problems[1]


def test_the_held_aside_third_is_the_seeded_shuffle_of_the_committed_split():
    """Recomputed here from the seed alone, without atlas.data.search_questions.held_aside: seed 32 over the
    190 questions of the first batch holds these 63 aside, the same on every machine and Python."""
    import random

    positions = list(range(190))
    random.Random(32).shuffle(positions)
    expected = set(positions[:63])
    marked = {i for i, q in enumerate(QUESTIONS) if q.held_aside}
    batches = yaml.safe_load(search_questions.FILE.read_text(encoding="utf-8"))["split"]["batches"]
    assert len(marked) == sum(b["questions"] // 3 for b in batches) >= len(QUESTIONS) // 3 - len(batches)
    assert {i for i in marked if i < 190} == expected
    assert search_questions.held_aside([{"seed": 32, "questions": 190}], 190) == expected


def test_the_first_four_batches_are_spent():
    """Seeds 32, 3202, 3303 and 3404 over the first four batches (190, 92, 128 and 137 questions), recomputed
    from the seeds alone; their held-aside parts were read (while tuning, or once after it), so they are
    marked spent."""
    import random

    second, third, fourth = list(range(92)), list(range(128)), list(range(137))
    random.Random(3202).shuffle(second)
    random.Random(3303).shuffle(third)
    random.Random(3404).shuffle(fourth)
    first = search_questions.held_aside([{"seed": 32, "questions": 190}], 190)
    assert {i for i, q in enumerate(QUESTIONS) if q.part == "spent"} == (
        first | {190 + p for p in second[:30]} | {190 + 92 + p for p in third[:42]}
        | {190 + 92 + 128 + p for p in fourth[:45]})
    assert all(q.part != "held aside" for q in QUESTIONS[:190 + 92 + 128 + 137])


def test_the_fifth_batch_is_the_held_aside_evidence():
    """Seed 3505 over the fifth batch (133 questions, after the first four's 547), recomputed from the seed
    alone: its held-aside questions are the first 133 // 3 shuffled positions, and they are the only
    held-aside questions that are still evidence."""
    import random

    start, count = 190 + 92 + 128 + 137, 133
    fifth = list(range(count))
    random.Random(3505).shuffle(fifth)
    assert len(QUESTIONS) >= start + count
    assert {i for i, q in enumerate(QUESTIONS) if q.part == "held aside"} == {start + p for p in fifth[:count // 3]}


def test_only_the_held_aside_questions_of_a_spent_batch_are_spent():
    batches = [{"seed": 1, "questions": 6, "spent": "read"}, {"seed": 2, "questions": 6}]
    chosen = search_questions.held_aside(batches, 12)
    assert search_questions.spent_positions(batches, 12) == {i for i in chosen if i < 6}
    assert search_questions.spent_positions([{"seed": 1, "questions": 6}], 6) == set()
    assert search_questions.batch_ranges(batches, 9) == [range(0, 6), range(6, 9)]


def test_a_later_batch_keeps_the_first_batch_split():
    first = search_questions.held_aside([{"seed": 32, "questions": 190}], 190)
    both = search_questions.held_aside([{"seed": 32, "questions": 190}, {"seed": 7, "questions": 30}], 220)
    assert {i for i in both if i < 190} == first
    assert len(both - first) == 10 and min(both - first) >= 190


def write_set(folder, entries, batches):
    shutil.copytree(DATA / "schemas", folder / "schemas")
    (folder / "search_questions.yml").write_text(json.dumps({"split": {"batches": batches}, "questions": entries}))
    return Project(data_dir=folder, fallback=DATA)


def test_a_flag_set_by_hand_and_an_uncovered_question_are_reported(tmp_path):
    entries = [{"q": f"question {i}", "answers": ["faq/"], "kind": "faq"} for i in range(6)]
    chosen = search_questions.held_aside([{"seed": 1, "questions": 6}], 6)
    for i in chosen:
        entries[i]["held_aside"] = True
    assert search_questions.check(write_set(tmp_path / "good", entries, [{"seed": 1, "questions": 6}])) == []
    moved = next(i for i in range(6) if i not in chosen)
    entries[moved]["held_aside"] = True
    problems = search_questions.check(write_set(tmp_path / "by-hand", entries, [{"seed": 1, "questions": 6}]))
    assert len(problems) == 1 and "is marked held_aside but the split does not choose it" in problems[0], problems
    problems = search_questions.check(write_set(tmp_path / "short", entries, [{"seed": 1, "questions": 5}]))
    assert len(problems) == 1 and "cover 5 questions, the file has 6" in problems[0], problems


@pytest.mark.build
def test_every_answer_exists_in_the_built_site(built_site):
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    ids: dict[str, set[str]] = {}
    missing = []
    for question in QUESTIONS:
        for answer in question.answers:
            page, _, anchor = answer.partition("#")
            if answer not in locations:
                missing.append(f"{question.text!r}: {answer} is not in search/search_index.json")
            path = built_site.site / page / "index.html"
            if not path.exists():
                missing.append(f"{question.text!r}: the site has no page {page or '(home)'}")
                continue
            if page not in ids:
                ids[page] = {html.unescape(i) for i in re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8"))}
            if anchor and anchor not in ids[page]:
                missing.append(f"{question.text!r}: {page or '(home)'} has no element with id {anchor!r}")
    assert not missing, "answers of docs/data/search_questions.yml missing from the site:\n" + "\n".join(missing)
