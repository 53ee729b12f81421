"""The site benchmark (`python3 dev.py bench site`, tests/browser/bench_site.py) measures; the suite only
checks that its code runs and that its verdict compares figures with the budgets. No timing is asserted."""
from tests.browser import bench_site
from tests.browser.bench_site import PAGE_BUDGET_BYTES, PAGE_BUDGET_REQUESTS, SEARCH_BUDGET_MS, PageWeight, Report


def test_the_benchmark_runs_at_a_tiny_size(browser, site_server):
    report = bench_site.run(browser, site_server, shots=False, pages=["", "faq/"], fcp_runs=1,
                            queries=["chat"])
    print("\n" + bench_site.format_report(report))
    assert [w.path for w in report.pages] == ["", "faq/"]
    assert all(w.requests > 0 and w.bytes > 0 for w in report.pages)
    assert len(report.fcp_ms) == 1 and report.fcp_ms[0] > 0
    assert set(report.search_ms) == {"chat"}
    assert len(bench_site.verdict(report)) == 3


def report(page_bytes: int, requests: int, index_bytes: int, search_ms: float) -> Report:
    page = PageWeight("faq/", requests, page_bytes, {"document": page_bytes - index_bytes, "fetch": index_bytes})
    return Report([page], [100.0], {"chat": search_ms}, [])


def verdicts(page_bytes, requests, index_bytes, search_ms) -> list[bool]:
    return [line.ok for line in bench_site.verdict(report(page_bytes, requests, index_bytes, search_ms))]


def test_within_every_budget():
    assert verdicts(PAGE_BUDGET_BYTES - 1, PAGE_BUDGET_REQUESTS - 1, 0, SEARCH_BUDGET_MS) == [True, True, True]


def test_a_heavy_page_is_over_budget_with_and_without_its_search_index():
    assert verdicts(PAGE_BUDGET_BYTES, 5, 0, 10) == [False, False, True]
    # the search index alone pushes it over: over cold, within without the index
    assert verdicts(PAGE_BUDGET_BYTES + 1000, 5, 2000, 10) == [False, True, True]


def test_too_many_requests_and_slow_search_are_over_budget():
    assert verdicts(1000, PAGE_BUDGET_REQUESTS, 0, 10) == [False, False, True]
    lines = bench_site.verdict(report(1000, 5, 0, SEARCH_BUDGET_MS + 1))
    assert [line.ok for line in lines] == [True, True, False]
    assert "OVER BUDGET" in str(lines[2]) and "'chat'" in str(lines[2])
