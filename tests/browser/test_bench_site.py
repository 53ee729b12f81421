"""Runs the site benchmark once (tests/browser/bench_site.py) and prints its figures: page weight and
requests, first contentful paint, search latency, screenshots. Speed is measured, not asserted: the
test checks only that every figure was produced."""
from tests.browser import bench_site


def test_the_benchmark_produces_its_figures(browser, site_server):
    report = bench_site.run(browser, site_server)
    print("\n" + bench_site.format_report(report))
    assert report.pages and all(w.requests > 0 and w.bytes > 0 for w in report.pages)
    assert len(report.fcp_ms) == 3 and all(ms > 0 for ms in report.fcp_ms)
    assert set(report.search_ms) == set(bench_site.SEARCH_QUERIES)
    assert report.screenshots and all(path.stat().st_size > 0 for path in report.screenshots)
