"""The README's preview command serves the site with live reload at the root of its address."""
import sys

import httpx
import pytest

from atlas.paths import ROOT
from tests.support.servers import running_server

pytestmark = [pytest.mark.build, pytest.mark.server]


def test_dev_py_serve_previews_the_site_with_live_reload():
    # README: `python3 dev.py serve` on 127.0.0.1:8000; a free port here, so a running preview does not clash
    command = [sys.executable, str(ROOT / "dev.py"), "serve", "--dev-addr", "127.0.0.1:{port}"]
    with running_server(command, timeout=120) as server:
        home = httpx.get(server.url + "/", timeout=30)
        matrix = httpx.get(server.url + "/versions/matrix/", timeout=30)
    assert home.status_code == 200 and "<title>Django Async Atlas</title>" in home.text
    assert "livereload" in home.text  # the script that reloads the page on each edit
    assert matrix.status_code == 200 and "async capability matrix" in matrix.text
