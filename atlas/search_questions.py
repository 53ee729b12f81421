"""The public question set of the site's search (docs/data/search_questions.yml): what readers type into
the search box, and where the site answers it.

* `load()` reads the set into `Question`s;
* `answered_by(location, answers)` says whether a search result answers a question: a section listed, or
  any part of a page listed (a result "use-cases/uploads/#pitfalls" answers "use-cases/uploads/");
* `first_right(locations, answers)` gives the rank (from 1) of the first result that answers it;
* `check(project)` holds the rules the schema cannot say (found by atlas/validation.py by its name).

The benchmark that runs the set through the site's search is tests/search/bench_search.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .datafile import Project, problem
from .paths import DATA

STEM = "search_questions"
FILE = DATA / f"{STEM}.yml"


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]
    kind: str


def load(project: Project | None = None) -> list[Question]:
    document = (project or Project()).document(STEM)
    entries = document.data.get("questions", []) if document and isinstance(document.data, dict) else []
    return [Question(e["q"], tuple(e["answers"]), e["kind"]) for e in entries]


def page_of(location: str) -> str:
    return location.split("#", 1)[0]


def answered_by(location: str, answers) -> bool:
    return any(location == answer or ("#" not in answer and page_of(location) == answer) for answer in answers)


def first_right(locations: list[str], answers) -> int | None:
    """The rank (1 = first) of the first location that answers, or None if none does."""
    return next((rank for rank, location in enumerate(locations, 1) if answered_by(location, answers)), None)


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def check(project) -> list[str]:
    """No question twice (ignoring case and spacing); no answer that another answer of the same question
    already covers (a section of a page that is listed too)."""
    document, _ = project.read(STEM)
    if document is None or not isinstance(document.data, dict) or not isinstance(document.data.get("questions"), list):
        return []   # the schema check reports it
    problems = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(document.data["questions"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("q"), str):
            continue
        key = normalized(entry["q"])
        label = f"question {entry['q']!r}"
        line = document.line(("questions", index))
        if key in seen:
            problems.append(problem(document.shown, line, label, f"is asked again (first on line {seen[key]})",
                                    "keep one of them, with every answer"))
        else:
            seen[key] = line
        answers = entry.get("answers") if isinstance(entry.get("answers"), list) else []
        pages = {a for a in answers if isinstance(a, str) and "#" not in a}
        for number, answer in enumerate(answers):
            if isinstance(answer, str) and "#" in answer and page_of(answer) in pages:
                problems.append(problem(document.shown, document.line(("questions", index, "answers", number)),
                                        label, f"answer {answer} is part of {page_of(answer)}, also listed",
                                        "list the page or the section, not both"))
    return problems
