"""`python3 dev.py serve` tells the truth: an edit to docs/data/, snippets/ or atlas/ shows on the page after
the rebuild it triggers (no restart, no stale cache). Run on a scratch copy of the project."""
import os
import shutil
import sys
import time

import httpx
import pytest

from atlas import csp
from atlas.paths import ROOT
from tests.support.servers import running_server
from tests.support.sitebuild import copy_project

pytestmark = [pytest.mark.build, pytest.mark.server]

BUILT = "Documentation built in"


def wait_for(condition, what, server, timeout=120.0):
    """Poll until condition() is true; fail with the server's log after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s; server log:\n{server.output()[-4000:]}")
        time.sleep(0.2)


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}: update this test"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def preview(tmp_path):
    """`dev.py serve` running on a scratch copy (sharing this checkout's .venv) on a free port."""
    project = copy_project(tmp_path / "project")
    for name in ("dev.py", "requirements.lock"):
        shutil.copy2(ROOT / name, project / name)
    os.symlink(ROOT / ".venv", project / ".venv")
    command = [sys.executable, str(project / "dev.py"), "serve", "--dev-addr", "127.0.0.1:{port}"]
    with running_server(command, timeout=180) as server:
        wait_for(lambda: BUILT in server.output(), "the first build did not finish", server)
        yield project, server


def page(server, path):
    response = httpx.get(server.url + path, timeout=60)  # the server answers once its current build is done
    assert response.status_code == 200, response.status_code
    return response.text


def shows(server, path, text):
    return lambda: text in page(server, path)


def test_edits_to_snippets_atlas_and_data_show_without_a_restart(preview):
    """The server is idle when each edit is made (the files a build writes under docs/ trigger one more
    rebuild, so the data edit, which changes generated pages, comes last): each edit must cause its own
    rebuild, or the page never shows it."""
    project, server = preview
    matrix = page(server, "/versions/matrix/")
    assert "ASGI entry point (get_asgi_application)" in matrix
    # the preview's live-reload script is allowed by the page's Content-Security-Policy, like the theme's
    assert "livereload" in matrix
    assert all(csp.digest(script) in csp.policy_of(matrix) for script in csp.inline_scripts(matrix))

    marker = "# edited while the preview runs"
    edit(project / "snippets" / "fan_out" / "views.py", "\n", f"\n{marker}\n")
    wait_for(shows(server, "/use-cases/fan-out/", marker), "the page did not show the edited snippet", server)

    edit(project / "atlas" / "versions_render.py", 'YES = "✓ yes"', 'YES = "✓ yes, edited atlas"')
    wait_for(shows(server, "/versions/matrix/", "✓ yes, edited atlas"),
             "the matrix did not show the edit to atlas/", server)

    edit(project / "docs" / "data" / "capabilities.yml", "name: ASGI entry point (get_asgi_application)",
         "name: ASGI entry point, renamed while previewing")
    wait_for(shows(server, "/versions/matrix/", "ASGI entry point, renamed while previewing"),
             "the matrix did not show the renamed capability", server)
    assert "ASGI entry point (get_asgi_application)" not in page(server, "/versions/matrix/")
    assert "ASGI entry point, renamed while previewing" in page(server, "/versions/3.0/")  # a generated page
