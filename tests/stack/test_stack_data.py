"""docs/data/stack.json (the thread hops of Django's own middleware, per release) against the real releases.

Matrix tests count again inside every release's environment (atlas/in_release/stack_probe.py, counts only: CPU
figures differ from run to run) and compare with the committed file; a plain count through AsyncClient in a
real startproject project, written without the collector, checks its total on each LTS and the newest
release. The other tests check the committed file itself.
"""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from atlas.collect import stack as stack_collect
from atlas.core.datafile import Project
from atlas.core.django_range import release_key
from atlas.core.paths import ROOT
from atlas.data import stack as stack_data
from atlas.data.versions_data import load_releases
from tests.support import snippet_use
from tests.support.releases import interpreter_or_skip
from tests.support.startproject import startproject

HERE = Path(__file__).resolve().parent
MEASURED = stack_data.releases_measured()
# each LTS with async views, and the newest release
CHECKED = [r for r in MEASURED if r.lts] + ([MEASURED[-1]] if not MEASURED[-1].lts else [])


def committed() -> dict:
    return stack_data.load()


def by_version() -> dict[str, dict]:
    return {r["version"]: r for r in committed()["releases"]}


# -- the committed file ------------------------------------------------------------------------------


def test_the_committed_file_passes_its_rules():
    assert stack_data.check(Project()) == []


def test_every_release_from_3_1_is_measured_with_cpu_and_machine():
    data = committed()
    assert [r["version"] for r in data["releases"]] == [r.version for r in MEASURED]
    for release in data["releases"]:
        assert release["measured_on"]["cpu"] and release["measured_on"]["cores"] >= 1, release["version"]
        for kind in stack_data.KINDS:
            assert release["default"][kind]["cpu_us"]["median"] > 0, (release["version"], kind)
            assert release["default"][kind]["steady"], (release["version"], kind)


def test_each_middleware_adds_what_its_own_hooks_and_the_calls_it_changes_account_for():
    """Subtracting the stack a middleware needs gives the same count as the calls attributed to it."""
    for release in committed()["releases"]:
        for mw in release["middleware"]:
            for kind in stack_data.KINDS:
                attributed = sum(h["count"] for h in mw["hooks"][kind] if h["direction"] == "sync_to_async")
                attributed += sum(c["count"] for c in mw["changes"][kind] if c["direction"] == "sync_to_async")
                assert mw["added"][kind]["sync_to_async"] == attributed, (release["version"], mw["path"], kind)


def test_the_default_stack_total_is_its_middleware_hooks_plus_the_empty_stack():
    for release in committed()["releases"]:
        calls = release["default_calls"]["async-asgi"]
        own = sum(c["count"] for c in calls if c["kind"] == "middleware")
        added = sum(m["added"]["async-asgi"]["sync_to_async"] for m in release["middleware"] if m["in_default_stack"])
        assert own == added, release["version"]
        assert release["default"]["async-asgi"]["sync_to_async"] == own + release["empty"]["async-asgi"]["sync_to_async"]


def test_a_wsgi_request_with_a_sync_view_makes_no_hop():
    for release in committed()["releases"]:
        assert release["default"]["sync-wsgi"]["sync_to_async"] == 0, release["version"]
        assert release["default"]["sync-wsgi"]["async_to_sync"] == 0, release["version"]


def test_a_difference_names_release_middleware_and_the_fix():
    changed = copy.deepcopy(committed())
    release = changed["releases"][-1]
    session = next(m for m in release["middleware"] if m["path"].endswith(".SessionMiddleware"))
    session["added"]["async-asgi"]["sync_to_async"] += 1
    release["default"]["async-asgi"]["sync_to_async"] += 1
    problems = stack_collect.differences(changed, committed())
    assert any(f"Django {release['version']}: django.contrib.sessions.middleware.SessionMiddleware differs" in p
               for p in problems), problems
    assert any(f"Django {release['version']}: default is" in p for p in problems), problems
    assert all(p.endswith("run `python3 dev.py stack`") for p in problems), problems


# -- against the real releases ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh():
    for release in MEASURED:
        interpreter_or_skip(release)
    return stack_collect.collect_all(None)


@pytest.mark.matrix
def test_committed_counts_equal_a_fresh_collection(fresh):
    problems = stack_collect.differences(committed(), fresh)
    assert not problems, "\n".join(problems)


@pytest.mark.matrix
@pytest.mark.parametrize("release", CHECKED, ids=[r.version for r in CHECKED])
def test_a_plain_count_through_async_client_agrees_with_the_default_stack_total(release, tmp_path):
    interpreter_or_skip(release)
    project, python = startproject(release, tmp_path / "project")
    done = subprocess.run([str(python), str(HERE / "plain_count.py")], cwd=project, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    counted = json.loads(done.stdout.strip().splitlines()[-1])
    recorded = by_version()[release.version]["default"]["async-asgi"]
    assert counted == {"sync_to_async": recorded["sync_to_async"], "async_to_sync": recorded["async_to_sync"]}


def test_checked_releases_are_the_lts_in_range_and_the_newest():
    versions = [r.version for r in CHECKED]
    assert versions[-1] == load_releases()[-1].version
    assert all(release_key(v) >= release_key(stack_data.FIRST) for v in versions)
    assert "4.2" in versions and "5.2" in versions


@pytest.mark.matrix
@pytest.mark.parametrize("release", CHECKED, ids=[r.version for r in CHECKED])
def test_the_readers_script_counts_a_startproject_project_as_the_data_says(release, tmp_path):
    """snippets/stack/count_hops.py, copied next to manage.py and run with the release's Python, as the
    middleware page tells readers to."""
    interpreter_or_skip(release)
    project, python = startproject(release, tmp_path / "project")
    script = ROOT / "snippets" / "stack" / "count_hops.py"
    shutil.copy(script, project / "count_hops.py")
    done = subprocess.run([str(python), "count_hops.py", "mysite.settings", "/hello/", "--requests", "4"],
                          cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    snippet_use.record_run_elsewhere(script)
    recorded = by_version()[release.version]
    total = recorded["default"]["async-asgi"]["sync_to_async"]
    lines = done.stdout.splitlines()
    assert lines[3] == f"request 4: status 200, {total} sync_to_async, 0 async_to_sync", done.stdout
    per_middleware = {line.split()[1]: int(line.split()[0]) for line in lines
                      if line.startswith("  ") and line.split()[1] in recorded["default_stack"]}
    added = {m["path"]: m["added"]["async-asgi"]["sync_to_async"] for m in recorded["middleware"]}
    assert per_middleware == {p: added[p] for p in recorded["default_stack"]}, done.stdout


def test_figures_quoted_in_pages_match_the_data_and_a_wrong_one_is_named():
    from atlas.site import stack_render

    assert stack_render.check(Project()) == []
    quoted = sum(p.read_text(encoding="utf-8").count("<!-- stack:") for p in (ROOT / "docs").rglob("*.md"))
    assert quoted >= 5, "the FAQ and the pages quote the stack figures with markers"
    total = stack_render.same_everywhere(stack_render.default_totals())
    text = f"intro\nmakes {total + 1}<!-- stack: default --> hops and 2<!-- stack: empty --> without\n"
    [problem] = stack_render.quoted_problems(text, "docs/x.md")
    assert problem.startswith(f"docs/x.md:2: quotes {total + 1} for the default figure") and "holds" in problem


@pytest.mark.matrix
def test_the_probe_leaves_no_temporary_folder_behind(tmp_path):
    """Each probe made a project folder (its SQLite database) in the temporary folder and left it there:
    hundreds piled up in /tmp over a day of collections."""
    from atlas.collect.environments import ensure_venv, venv_python

    release = MEASURED[-1]
    interpreter_or_skip(release)
    venv = ensure_venv(release)
    done = subprocess.run([str(venv_python(venv)), str(stack_collect.PROBE)], input=json.dumps({"cpu": None}),
                          cwd=venv, env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)}, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "fatal" not in json.loads(done.stdout), done.stdout[-3000:]
    assert list(tmp_path.iterdir()) == []
