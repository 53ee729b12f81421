"""`python3 dev.py serve`, the README's preview command, serves the site with live reload at the root of its
address, and tells the truth: an edit to docs/data/, snippets/, atlas/ or hooks/ shows on the page after
exactly one rebuild (no restart, no stale cache, no second build). Run on a scratch copy of the project."""
import inspect
import os
import shutil
import sys
import time

import httpx
import pytest
from mkdocs.livereload import LiveReloadServer

from atlas.core.paths import CACHE, ROOT
from atlas.site import csp
from tests.support.servers import running_server
from tests.support.sitebuild import copy_project

pytestmark = [pytest.mark.build, pytest.mark.server]

BUILDING = "Building documentation..."  # logged by `mkdocs serve` as each build starts
# MkDocs' watcher polls the watched folders every `polling_interval` seconds (`dev.py serve` keeps the
# default); a write seen by a poll starts the next build at once after the running one. So a build that
# caused another has announced it within one interval after it finished: four intervals of quiet mean
# none is coming, with room for a slow poll on a busy machine (a late poll can only hide a second build,
# never invent one).
POLLING_INTERVAL = inspect.signature(LiveReloadServer.__init__).parameters["polling_interval"].default
QUIET = 4 * POLLING_INTERVAL


def wait_for(condition, what, server, timeout=120.0):
    """Poll until condition() is true; fail with the server's log after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s; server log:\n{server.output()[-4000:]}")
        time.sleep(0.2)


def edit(project, relative, old, new):
    """Replace the file in one step, as editors that save atomically do: written in place, the watcher
    could see it half-written (empty) in one poll and complete in the next, two changes."""
    path = project / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}: update this test"
    draft = project.parent / "edited.tmp"  # outside the watched folders, on the same file system
    draft.write_text(text.replace(old, new, 1))
    os.replace(draft, path)


def builds(server):
    return server.output().count(BUILDING)


def finished_builds(server):
    """The first build ends before "Serving on", each rebuild with "Reloading browsers". Not "Documentation
    built in N seconds": MkDocs drops a build message it has logged before, so a rebuild exactly as long
    as an earlier one would never be seen to finish."""
    output = server.output()
    return ("Serving on" in output) + output.count("Reloading browsers")


def no_more_builds(server, expected):
    """`expected` builds in the log, and no other starting within QUIET seconds after the last finished."""
    wait_for(lambda: finished_builds(server) >= expected, "the build did not finish", server)
    quiet_until = time.monotonic() + QUIET
    while time.monotonic() < quiet_until:
        assert builds(server) == expected, (
            f"{builds(server)} builds, expected {expected}: one edit caused more than one rebuild; "
            f"server log:\n{server.output()[-4000:]}")
        time.sleep(0.05)


@pytest.fixture
def preview(tmp_path):
    """`dev.py serve` running on a scratch copy (sharing this checkout's .venv and .cache) on a free port."""
    project = copy_project(tmp_path / "project")
    for name in ("dev.py", "requirements.lock"):
        shutil.copy2(ROOT / name, project / name)
    os.symlink(ROOT / ".venv", project / ".venv")
    os.symlink(CACHE, project / ".cache")   # as a contributor's clone keeps it
    command = [sys.executable, str(project / "dev.py"), "serve", "--dev-addr", "127.0.0.1:{port}"]
    with running_server(command, timeout=180) as server:
        wait_for(lambda: finished_builds(server) == 1, "the first build did not finish", server)
        yield project, server


def page(server, path):
    response = httpx.get(server.url + path, timeout=60)  # the server answers once its current build is done
    assert response.status_code == 200, response.status_code
    return response.text


def shows(server, path, text):
    return lambda: text in page(server, path)


def test_each_edit_shows_after_exactly_one_rebuild(preview):
    """The server is idle when each edit is made: each edit must cause its own rebuild, or the page never
    shows it, and only one (the files a build regenerates under docs/ must not cause another)."""
    project, server = preview
    no_more_builds(server, 1)
    assert "<title>Django Async Atlas</title>" in page(server, "/")  # the site at the root of the address
    matrix = page(server, "/versions/matrix/")
    assert "ASGI entry point (get_asgi_application)" in matrix
    # the preview's live-reload script is allowed by the page's Content-Security-Policy, like the theme's
    assert "livereload" in matrix
    assert all(csp.digest(script) in csp.policy_of(matrix) for script in csp.inline_scripts(matrix))

    marker = "# edited while the preview runs"
    edit(project, "snippets/fan_out/views.py", "\n", f"\n{marker}\n")
    wait_for(shows(server, "/use-cases/fan-out/", marker), "the page did not show the edited snippet", server)
    no_more_builds(server, 2)

    edit(project, "atlas/site/versions_render.py", 'YES = "✓ yes"', 'YES = "✓ yes, edited atlas"')
    wait_for(shows(server, "/versions/matrix/", "✓ yes, edited atlas"),
             "the matrix did not show the edit to atlas/", server)
    no_more_builds(server, 3)

    edit(project, "docs/data/capabilities.yml", "name: ASGI entry point (get_asgi_application)",
         "name: ASGI entry point, renamed while previewing")
    wait_for(shows(server, "/versions/matrix/", "ASGI entry point, renamed while previewing"),
             "the matrix did not show the renamed capability", server)
    assert "ASGI entry point (get_asgi_application)" not in page(server, "/versions/matrix/")
    assert "ASGI entry point, renamed while previewing" in page(server, "/versions/3.0/")  # a generated page
    no_more_builds(server, 4)

    edit(project, "hooks/atlas_hooks.py", "return version_banner.with_banner(markdown, banner)",
         'return version_banner.with_banner(markdown, banner) + "\\n\\nShown by the edited hook.\\n"')
    wait_for(shows(server, "/use-cases/fan-out/", "Shown by the edited hook."),
             "the page did not show the edit to hooks/", server)
    no_more_builds(server, 5)
