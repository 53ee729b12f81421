"""The site benchmark (`python3 dev.py bench site`, atlas/bench/site_speed.py) measures; the suite only
checks that its code runs and that its verdict compares search latency with the budget. No timing is
asserted. Its page weight comes from page_weight (tests/browser/test_page_weight.py)."""
from atlas.bench import page_weight, site_speed
from atlas.bench.site_speed import SEARCH_BUDGET_MS, Report


def test_the_benchmark_runs_at_a_tiny_size(browser, gzip_site_server):
    report = site_speed.run(browser, gzip_site_server, shots=False, pages=["", "lab/fan-out/"], fcp_runs=1,
                            queries=["chat"])
    print("\n" + site_speed.format_report(report))
    assert [v.path for v in report.pages] == ["", "lab/fan-out/"]
    assert [v.notebook for v in report.pages] == [False, True]  # weighed against different budgets
    assert all(v.requests > 1 and v.transferred > 0 for v in report.pages)
    assert len(report.fcp_ms) == 1 and report.fcp_ms[0] > 0
    assert set(report.search_ms) == {"chat"}
    assert len(site_speed.verdict(report)) == 1


def search_verdict(search_ms: dict[str, float]):
    [line] = site_speed.verdict(Report([], [100.0], search_ms, []))
    return line


def test_search_at_its_budget_is_within_it():
    assert search_verdict({"chat": SEARCH_BUDGET_MS, "faster": 10}).ok


def test_the_slowest_query_over_the_budget_is_named():
    line = search_verdict({"chat": 10, "deadlock": SEARCH_BUDGET_MS + 1})
    assert not line.ok
    assert "OVER BUDGET" in str(line) and "'deadlock'" in str(line)


def test_the_report_shows_the_weight_figures_and_the_search_verdict():
    text = site_speed.format_report(Report([page_weight.Visit("faq/", False, 5, 1024)], [100.0], {"chat": 10.0}, []))
    assert page_weight.format_report([page_weight.Visit("faq/", False, 5, 1024)]) in text
    assert "Verdict on search:\n  within budget  search answers" in text
