"""The page matrix: each use-case and learn page's code runs on the releases its range claims.

The fast tests check the recorded results (docs/data/page_matrix.json) against the ranges and how the
claims, the banner and the demo project's composition are derived; the `matrix` test runs every page's
code again on every release it claims (python3 dev.py pagematrix does the same and records the results).
"""
from __future__ import annotations

import dataclasses
import time

import pytest

from atlas.collect import page_matrix
from atlas.core.datafile import Project
from atlas.data import compat, page_code, page_matrix_results
from atlas.data.frontmatter import DjangoRange
from atlas.data.versions_data import load_releases

RELEASES = [r.version for r in load_releases()]
LTS = [r.version for r in load_releases() if r.lts]
PAGES = {p.page: p for p in page_code.pages_with_code()}


def test_every_use_case_and_learn_page_with_code_is_in_the_matrix():
    assert any(p.startswith("use-cases/") for p in PAGES) and any(p.startswith("learn/") for p in PAGES)
    for page in PAGES.values():
        assert page.has_blocks or page.tests, page.page
    # every use case's tests belong to its page
    for folder in {t for p in PAGES.values() for t in p.tests}:
        assert any(folder in p.tests for p in PAGES.values())


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_runs_on_its_oldest_release_each_lts_inside_and_the_newest(page):
    code = PAGES[page]
    inside = [v for v in RELEASES if page_code.covers(code.range, v, RELEASES)]
    required = code.required_releases(RELEASES, LTS)
    assert required[0] == inside[0] and required[-1] == inside[-1] == RELEASES[-1]
    assert set(required) == {inside[0], inside[-1]} | (set(LTS) & set(inside))
    assert set(LTS) - set(RELEASES) == set(), "every LTS is a release"


def test_recorded_results_agree_with_every_range():
    """Range and what ran must agree: every page passed on each release its range asks for, and the
    results file holds nothing else (a narrowed range drops what it no longer claims)."""
    results = page_matrix_results.load_results()
    problems = page_matrix_results.claim_problems(results)
    assert not problems, "\n".join(problems)
    wanted = {(p.page, v) for v, pages in page_matrix_results.plan().items() for p in pages}
    recorded = {(p, v) for p, by_release in results["pages"].items() for v in by_release}
    assert recorded == wanted, f"recorded but not claimed: {sorted(recorded - wanted)}"


def test_a_wrong_range_fails_naming_page_release_and_test():
    results = page_matrix_results.load_results()
    chat = PAGES["use-cases/real-time-chat.md"]
    older = RELEASES[:RELEASES.index(chat.range.low)]
    if older:  # widen the claim by one release: there is no result for it
        wider = dataclasses.replace(chat, range=DjangoRange(older[-1], None))
        problems = page_matrix_results.claim_problems(results, [wider])
        assert problems[0].startswith(f"docs/use-cases/real-time-chat.md: claims Django {older[-1]} and later")
        assert f"has no result on Django {older[-1]}" in problems[0]
    # a recorded failure names the failing test
    failing = {"pages": {chat.page: {chat.range.low: {
        "status": "failed", "date": "2026-01-01", "passed": [], "skipped": {},
        "failed": ["tests/chat/test_consumer.py::test_two_clients_in_one_room"]}}}}
    problems = page_matrix_results.claim_problems(failing, [chat])
    assert any(f"failed on Django {chat.range.low} (tests/chat/test_consumer.py::test_two_clients_in_one_room)" in p
               for p in problems), problems


def test_banner_says_what_ran_from_the_results():
    passed, failed = [RELEASES[0], RELEASES[2], RELEASES[-1]], RELEASES[1]  # from releases.yml, not typed
    results = {"pages": {"learn/x.md": {v: {"status": "passed"} for v in passed} | {failed: {"status": "failed"}}}}
    assert page_matrix_results.tested_label("learn/x.md", results) == f"Django {passed[0]}, {passed[1]} and {passed[2]}"
    assert page_matrix_results.tested_label("faq/index.md", results) is None
    for page in PAGES:
        label = page_matrix_results.tested_label(page)
        assert label and RELEASES[-1] in label, f"{page}: banner {label!r}"


def test_compat_data_agrees_with_releases_and_pages():
    problems = [p for p in page_matrix_results.check(Project()) if "compat.yml" in p]
    assert not problems, "\n".join(problems)


@pytest.fixture
def with_new_release(monkeypatch):
    """releases.yml as it is right after a new release is added: one entry more, nothing collected for it."""
    releases = load_releases()
    with_it = [*releases, dataclasses.replace(releases[-1], version="9.9")]
    for module in (compat, page_matrix_results):  # the release order and the plan both read releases.yml
        monkeypatch.setattr(module, "load_releases", lambda *_: with_it)
    return "9.9"


def test_a_new_release_is_to_collect_not_a_problem(with_new_release):
    assert page_matrix_results.to_collect(list(compat.release_keys()), page_matrix_results.load_results()) == [with_new_release]
    assert with_new_release in page_matrix_results.plan(), "the open-ended pages claim the new release"
    assert page_matrix_results.check(Project()) == []


def test_a_missing_result_on_a_collected_release_still_fails(with_new_release, monkeypatch):
    results = page_matrix_results.load_results()
    chat = PAGES["use-cases/real-time-chat.md"]
    del results["pages"][chat.page][chat.range.low]
    monkeypatch.setattr(page_matrix_results, "load_results", lambda *_: results)
    problems = page_matrix_results.check(Project())
    assert len(problems) == 1 and f"has no result on Django {chat.range.low}" in problems[0], problems


def test_demo_project_composes_only_use_cases_whose_range_holds_the_release():
    ranges = page_code.package_ranges()
    for package, applies in ranges.items():
        assert page_code.runs_here(package, RELEASES[-1]), package
        before = RELEASES[:RELEASES.index(applies.low)]
        if before:
            assert not page_code.runs_here(package, before[-1]), f"{package} mounted before {applies.low}"
    from snippets.demo import urls

    mounted = {str(p.pattern) for p in urls.urlpatterns}
    assert {urls.USE_CASE_URLS[p] for p in ranges if p in urls.USE_CASE_URLS} <= mounted


@pytest.mark.matrix
@pytest.mark.parametrize(("release", "share", "of"), page_matrix.shares(),
                         ids=[f"{v}-{share}of{of}" for v, share, of in page_matrix.shares()])
def test_every_page_runs_on_the_releases_it_claims(release, share, of):
    """Runs one release of the matrix again (python3 dev.py pagematrix all X.Y does the same) and checks the
    claims on fresh results, and that the committed results (which the banners are built from) say the same.
    One test per release, or per share of a release's pages where many pages claim it, so the parallel
    workers and CI's jobs share the releases out."""
    pages = page_matrix.pages_of_share(release, share, of)
    started = time.perf_counter()
    runs = page_matrix.run(pages, only=[release], sessions=page_matrix.SESSIONS_IN_THE_SUITE)
    print(f"\npage matrix on {release} ({len(pages)} pages, share {share} of {of}): "
          f"{time.perf_counter() - started:.1f} s: setup {runs[release]['setup_seconds']} s + tests {runs[release]['test_seconds']} s")
    fresh = page_matrix_results.merge_results(runs, {"releases": {}, "pages": {}})
    problems = page_matrix_results.claim_problems(fresh, pages, only=[release])
    # the failing pytest run's own output, so a failure seen once in CI can be read afterwards
    outputs = {r["output"] for r in runs[release]["pages"].values() if "output" in r}
    assert not problems, "\n".join([*problems, *(f"--- pytest on Django {release} ---\n{o}" for o in outputs)])

    def statuses(results):
        return {page.page: results["pages"].get(page.page, {}).get(release, {}).get("status") for page in pages}

    assert statuses(page_matrix_results.load_results()) == statuses(fresh), \
        f"docs/data/page_matrix.json is out of date on {release}: run `python3 dev.py pagematrix all {release}` and commit it"


def test_the_newest_release_is_read_from_the_suite_s_own_run():
    """The project's .venv runs the newest release, where the suite runs every page's code anyway: the matrix
    leaves it out and the whole run checks it from its own outcomes (tests/support/newest_pages.py)."""
    from tests.support.newest_pages import NewestPages

    newest = page_matrix.project_release()
    assert newest == RELEASES[-1]
    assert newest not in {v for v, _, _ in page_matrix.shares()}
    assert {v for v, _, _ in page_matrix.shares()} == set(page_matrix_results.plan()) - {newest}
    recorded = page_matrix_results.load_results()["pages"]
    passing = NewestPages()
    passing.tests = {node: "passed" for by_release in recorded.values() for node in by_release.get(newest, {}).get("passed", [])}
    assert passing.problems() == (newest, len(page_matrix_results.plan()[newest]), [])

    failing = NewestPages()
    failing.tests = dict(passing.tests, **{"tests/chat/test_consumer.py::test_two_clients_in_one_room": "failed"})
    _, _, problems = failing.problems()
    assert any(p.startswith("docs/use-cases/real-time-chat.md: claims") and f"failed on Django {newest}" in p
               and "test_two_clients_in_one_room" in p for p in problems), problems
    assert any("page_matrix.json is out of date" in p and "use-cases/real-time-chat.md" in p for p in problems)

    _, _, nothing_ran = NewestPages().problems()   # a run that ran no page test proves nothing
    assert all("no test ran" in p for p in nothing_ran[:-1]) and len(nothing_ran) == len(page_matrix_results.plan()[newest]) + 1
