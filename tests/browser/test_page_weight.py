"""The page-weight benchmark (atlas/bench/page_weight.py, printed by `dev.py bench site`) measures; the
suite checks that the test server compresses as a static host does and that the verdict compares figures
with the budgets of issue 14. That it runs in a browser is checked by the site benchmark's smoke test
(tests/browser/test_site_speed.py). Weight is not asserted against a budget here."""
import gzip
import urllib.request

from atlas.bench import page_weight
from atlas.bench.page_weight import ARTICLE_BUDGET, NOTEBOOK_BUDGET, REQUEST_BUDGET, Visit


def test_the_server_compresses_like_a_static_host(gzip_site_server):
    request = urllib.request.Request(gzip_site_server.page_url("use-cases/"), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        body = response.read()
    assert gzip.decompress(body) == (gzip_site_server.site / "use-cases" / "index.html").read_bytes()
    plain = urllib.request.Request(gzip_site_server.page_url("use-cases/"))
    with urllib.request.urlopen(plain, timeout=10) as response:
        assert response.headers["Content-Encoding"] is None


def verdicts(*visits: Visit) -> list[bool]:
    return [line.ok for line in page_weight.verdict(list(visits))]


def test_pages_at_their_budget_are_within_it():
    assert verdicts(Visit("faq/", False, REQUEST_BUDGET, ARTICLE_BUDGET),
                    Visit("lab/fan-out/", True, REQUEST_BUDGET, NOTEBOOK_BUDGET)) == [True, True, True]


def test_a_byte_over_is_over_and_a_notebook_has_the_larger_budget():
    assert verdicts(Visit("faq/", False, 5, ARTICLE_BUDGET + 1)) == [False, True]
    assert verdicts(Visit("lab/fan-out/", True, 5, ARTICLE_BUDGET + 1)) == [True, True]
    assert verdicts(Visit("lab/fan-out/", True, 5, NOTEBOOK_BUDGET + 1)) == [False, True]
    lines = page_weight.verdict([Visit("faq/", False, 5, 10), Visit("concepts/", False, 5, ARTICLE_BUDGET + 1)])
    assert "OVER BUDGET" in str(lines[0]) and "1 of 2 over (heaviest /concepts/)" in str(lines[0])


def test_too_many_requests_are_over_budget():
    assert verdicts(Visit("faq/", False, REQUEST_BUDGET + 1, 1000)) == [True, False]
    assert not Visit("faq/", False, REQUEST_BUDGET + 1, 1000).within_budget


def test_the_report_prints_each_page_and_ends_with_the_verdict():
    visits = [Visit("faq/", False, 5, 1024), Visit("lab/fan-out/", True, 5, NOTEBOOK_BUDGET + 1)]
    report = page_weight.format_report(visits)
    assert "lab/fan-out/" in report and f"OVER ({NOTEBOOK_BUDGET // 1024} KB" in report
    assert report.endswith("Verdict:\n" + "\n".join(str(line) for line in page_weight.verdict(visits)))
