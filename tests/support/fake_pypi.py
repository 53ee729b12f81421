"""A PyPI look-alike on loopback, serving the responses recorded from PyPI's JSON API on 2026-11-27
(tests/support/recorded_pypi/); tests add versions to stage a move and pass a fixed "today"."""
from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from atlas.core.paths import ROOT
from tests.support.servers import HOST

RECORDED = ROOT / "tests" / "support" / "recorded_pypi"
TODAY = dt.date(2026, 11, 27)


def recorded() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in RECORDED.glob("*.json")}


@contextmanager
def fake_index(projects: dict[str, dict]):
    """A PyPI look-alike on a free loopback port: /pypi/NAME/json and a PEP 503 /simple/NAME/ page."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = [p for p in self.path.split("/") if p]
            if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json" and parts[1] in projects:
                body, kind = json.dumps(projects[parts[1]]).encode(), "application/json"
            elif len(parts) == 2 and parts[0] == "simple" and parts[1] in projects:
                links = "".join(f'<a href="/files/{parts[1]}-{v}.tar.gz">{parts[1]}-{v}.tar.gz</a>\n'
                                for v in projects[parts[1]]["releases"])
                body, kind = f"<html><body>{links}</body></html>".encode(), "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    # shutdown() waits for serve_forever's next poll: half a second by default, on every test that uses it
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def with_versions(project: dict, *versions: str, day: str = "2026-12-01T15:00:00") -> dict:
    project = copy.deepcopy(project)
    for v in versions:
        project["releases"][v] = [{"upload_time": day, "yanked": False}]
    return project
