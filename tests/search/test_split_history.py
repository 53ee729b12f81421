"""A held-aside part is evidence only if its questions were fixed before the search was tuned after them.
Read from git: every batch of docs/data/search_questions.yml that is not marked spent was added by a commit
that changed nothing the search's ranking reads (only the question set and the code that splits and
scores it), and its held-aside questions have not changed since that commit."""
from __future__ import annotations

import subprocess

import pytest

from atlas.core.datafile import safe_load
from atlas.core.paths import ROOT
from atlas.data import search_questions
from tests.support.tools import missing_in_ci_or_skip, require_tool

SET = "docs/data/search_questions.yml"
# What a batch's own commit may change: the set, its schema, the split and the benchmark, their tests, the
# contributors' guide. Anything else (the index builder, the worker, the vocabulary, mkdocs.yml, a page's
# title or summary) can move the search's results, so it belongs in a later commit.
MAY_CHANGE = {SET, "docs/data/schemas/search_questions.schema.json", "atlas/data/search_questions.py",
              "atlas/bench/search_quality.py", "CONTRIBUTING.md"}
MAY_CHANGE_UNDER = ("tests/search/",)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def history() -> list[tuple[str, dict]]:
    """(commit, the set's data) for every commit that changed the set, oldest first."""
    require_tool("git")
    inside = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True)
    if inside.returncode:
        missing_in_ci_or_skip("the source is not a git checkout, so when each batch was committed cannot be read")
    if inside.stdout.strip() == "true":
        missing_in_ci_or_skip("the git checkout is shallow: fetch the whole history (git fetch --unshallow)")
    commits = git("log", "--reverse", "--format=%H", "--", SET).split()
    # libyaml: every version of a 100 kB file; the pure-Python parser took 3 s of CPU for them
    return [(commit, safe_load(git("show", f"{commit}:{SET}"))) for commit in commits]


def batches_of(data) -> list[dict]:
    """The split's batches, none in the set's early versions (before the split existed)."""
    return ((data or {}).get("split") or {}).get("batches") or []


def held_aside_questions(data: dict, number: int) -> list[dict]:
    batches, entries = data["split"]["batches"], data["questions"]
    chosen = search_questions.held_aside(batches, len(entries))
    span = search_questions.batch_ranges(batches, len(entries))[number]
    return [{k: entries[i][k] for k in ("q", "answers", "kind")} for i in span if i in chosen]


def test_every_batch_that_is_not_spent_was_committed_before_any_tuning_after_it():
    now = safe_load((ROOT / SET).read_text(encoding="utf-8"))
    live = [(n, b) for n, b in enumerate(now["split"]["batches"]) if not b.get("spent")]
    assert live, "no batch is evidence any more: add a fresh batch (see the comments of the set)"
    past = history()
    for number, batch in live:
        label = f"batch {number + 1} (seed {batch['seed']}, {batch['questions']} questions)"
        added = next((commit for commit, data in past if len(batches_of(data)) > number
                      and {k: batches_of(data)[number].get(k) for k in ("seed", "questions")}
                      == {"seed": batch["seed"], "questions": batch["questions"]}), None)
        if added is None:
            pytest.fail(f"{label} is in no commit: commit the batch alone, before any change to the search", pytrace=False)
        changed = git("diff-tree", "--no-commit-id", "--name-only", "-r", "--root", added).split()
        other = [path for path in changed if path not in MAY_CHANGE and not path.startswith(MAY_CHANGE_UNDER)]
        assert not other, (f"{label} was added by {added[:10]}, which also changed {other}: a batch's commit may "
                           "change only the question set and its split, so that its held-aside part is fixed "
                           "before the search is tuned")
        then = held_aside_questions(dict(past)[added], number)
        assert held_aside_questions(now, number) == then, (
            f"held-aside questions of {label} changed since {added[:10]}: they are evidence only as first "
            "committed; mark the batch spent (and why) and add a fresh batch instead")


def test_the_file_list_a_batch_commit_may_change_names_no_ranking_input():
    ranking = {"atlas/site/search_index.py", "docs/assets/javascripts/search-worker.js",
               "docs/data/search_vocabulary.yml", "mkdocs.yml"}
    assert all((ROOT / path).exists() for path in ranking | MAY_CHANGE)
    assert not ranking & MAY_CHANGE and not any(path.startswith(MAY_CHANGE_UNDER) for path in ranking)
