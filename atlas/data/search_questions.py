"""The public question set of the site's search (docs/data/search_questions.yml): what readers type into
the search box, and where the site answers it.

* `load()` reads the set into `Question`s;
* `answered_by(location, answers)` says whether a search result answers a question: a section listed, or
  any part of a page listed (a result "use-cases/uploads/#pitfalls" answers "use-cases/uploads/");
* `first_right(locations, answers)` gives the rank (from 1) of the first result that answers it;
* `held_aside(batches, count)` chooses the held-aside third: never used to tune the search, reported
  apart (the tuned part's figures are no evidence, as tuning fits them);
* `spent_positions(batches, count)`: the held-aside questions of batches marked `spent` (read while tuning,
  so no longer evidence: reported as spent, and part of the tuning data);
* `check(project)` holds the rules the schema cannot say (found by atlas/data/validation.py by its name).

The held-aside rule. The file's `split.batches` cover the questions in file order, each batch the next
`questions` of them. Within a batch of n questions, their positions 0..n-1 are shuffled with Python's
`random.Random(seed).shuffle` and the first n // 3 of the shuffled positions are held aside; each of those
questions carries `held_aside: true`, which `check` compares with a fresh shuffle. The first batch's seed
(32, the issue's number) was fixed before any question of the set had been run through the search.
Questions added later go at the end, as a new batch with a new seed, so the questions already held
aside stay so and none moves from the tuned part into the held-aside one. A batch whose held-aside part
has been read while tuning says `spent:` (and why): its questions keep their marks, so the split stays
reproducible, but they count as tuning data from then on. The first four batches are spent; a batch that
is not spent must have been committed alone, before any tuning after it (tests/search/test_split_history.py
checks that in git).

The benchmark that runs the set through the site's search is atlas/bench/search_quality.py.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from atlas.core import yaml_rewrite
from atlas.core.datafile import Project, problem
from atlas.core.paths import DATA

STEM = "search_questions"
FILE = DATA / f"{STEM}.yml"


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]
    kind: str
    held_aside: bool = False
    spent: bool = False         # held aside by a batch marked spent: read while tuning, now tuning data

    @property
    def part(self) -> str:
        """'held aside' (evidence), 'spent' (held aside once, read since) or 'tuned'."""
        return ("spent" if self.spent else "held aside") if self.held_aside else "tuned"


def load(project: Project | None = None) -> list[Question]:
    document = (project or Project()).document(STEM)
    data = document.data if document and isinstance(document.data, dict) else {}
    entries = data.get("questions", [])
    spent = spent_positions((data.get("split") or {}).get("batches", []), len(entries))
    return [Question(e["q"], tuple(e["answers"]), e["kind"], e.get("held_aside", False), i in spent)
            for i, e in enumerate(entries)]


def held_aside(batches: list[dict], count: int) -> set[int]:
    """The positions (from 0, in file order) of the held-aside questions: see the rule above."""
    chosen: set[int] = set()
    start = 0
    for batch in batches:
        size = min(batch["questions"], count - start)
        positions = list(range(size))
        random.Random(batch["seed"]).shuffle(positions)
        chosen |= {start + p for p in positions[:size // 3]}
        start += size
    return chosen


def batch_ranges(batches: list[dict], count: int) -> list[range]:
    """The positions (from 0, in file order) each batch covers."""
    ranges, start = [], 0
    for batch in batches:
        size = max(0, min(batch["questions"], count - start))
        ranges.append(range(start, start + size))
        start += size
    return ranges


def spent_positions(batches: list[dict], count: int) -> set[int]:
    """The held-aside positions of the batches marked spent."""
    chosen = held_aside(batches, count)
    return {i for batch, span in zip(batches, batch_ranges(batches, count)) if batch.get("spent") for i in span
            if i in chosen}


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
    already covers (a section of a page that is listed too); the split's batches cover every question,
    and the questions marked held_aside are the ones its seeded shuffle chooses."""
    document, _ = project.read(STEM)
    if document is None or not isinstance(document.data, dict) or not isinstance(document.data.get("questions"), list):
        return []   # the schema check reports it
    problems = split_problems(document)
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


def split_problems(document) -> list[str]:
    entries = document.data["questions"]
    batches = (document.data.get("split") or {}).get("batches")
    if not isinstance(batches, list) or not all(isinstance(b, dict) and isinstance(b.get("seed"), int)
                                                and isinstance(b.get("questions"), int) for b in batches):
        return []   # the schema check reports it
    covered = sum(b["questions"] for b in batches)
    if covered != len(entries):
        return [problem(document.shown, document.line(("split", "batches")), "split.batches",
                        f"cover {covered} questions, the file has {len(entries)}",
                        "add the questions added since the last batch as a new batch (a new seed, their number) "
                        "and run `python -m atlas.data.search_questions --mark` to mark its held-aside third")]
    chosen = held_aside(batches, len(entries))
    problems = []
    for index, entry in enumerate(entries):
        marked = isinstance(entry, dict) and entry.get("held_aside") is True
        if marked != (index in chosen):
            text = entry.get("q") if isinstance(entry, dict) else index
            what = "is marked held_aside but the split does not choose it" if marked else \
                "is chosen by the split but not marked held_aside"
            problems.append(problem(document.shown, document.line(("questions", index)), f"question {text!r}", what,
                                    "never set held_aside by hand: `python -m atlas.data.search_questions --mark` "
                                    "writes what the seeded shuffle chooses"))
    return problems


def mark(path=FILE) -> int:
    """Set `held_aside: true` (after `kind`) on the questions the split chooses and on no other."""
    chosen: set[int] = set()

    def change(data) -> bool:
        chosen.update(held_aside(data["split"]["batches"], len(data["questions"])))
        for index, entry in enumerate(data["questions"]):
            if index in chosen and entry.get("held_aside") is not True:
                entry.pop("held_aside", None)
                entry.insert(list(entry).index("kind") + 1 if "kind" in entry else len(entry), "held_aside", True)
            elif index not in chosen and "held_aside" in entry:
                del entry["held_aside"]
        return True

    yaml_rewrite.rewrite(path, change)
    return len(chosen)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--mark"]:
        sys.exit("usage: python -m atlas.data.search_questions --mark   (marks the held-aside questions of "
                 "docs/data/search_questions.yml as its split chooses)")
    print(f"{mark()} questions held aside in {FILE.name}")
