"""Runs the page-weight benchmark (tests/browser/bench_weight.py) on a home, an article and a notebook
page, served gzip-compressed, and prints its figures. Weight is measured, not asserted against a budget
here: `python -m tests.browser.bench_weight` weighs every page and prints the verdict."""
import gzip
import urllib.request

import pytest

from tests.browser import bench_weight, site_browser


@pytest.fixture(scope="module")
def gzip_server(built_site):
    with site_browser.serve(built_site.site, gzip=True) as server:
        yield server


def test_the_server_compresses_like_a_static_host(gzip_server):
    request = urllib.request.Request(gzip_server.page_url("use-cases/"), headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        body = response.read()
    assert gzip.decompress(body) == (gzip_server.site / "use-cases" / "index.html").read_bytes()
    plain = urllib.request.Request(gzip_server.page_url("use-cases/"))
    with urllib.request.urlopen(plain, timeout=10) as response:
        assert response.headers["Content-Encoding"] is None


def test_the_weight_benchmark_produces_its_figures(browser, gzip_server):
    pages = ["", "use-cases/real-time-chat/", "lab/fan-out/"]
    visits = bench_weight.weigh(browser, gzip_server, pages)
    print("\n" + bench_weight.format_report(visits))
    assert [v.path for v in visits] == pages
    assert [v.notebook for v in visits] == [False, False, True]
    assert all(v.requests > 1 and v.transferred > 0 for v in visits)
