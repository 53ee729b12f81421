"""atlas/collect/environments.py: one cached run of an in-release script, in a release's environment or another."""
from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import pytest

from atlas.collect import envs
from atlas.collect.environments import cached_run

SCRIPT = """\
import json, pathlib, sys
runs = pathlib.Path(sys.argv[0]).with_name("runs.txt")
runs.write_text(runs.read_text() + "x" if runs.exists() else "x")
request = json.loads(sys.stdin.read())
print(json.dumps({"django": "9.9.1", "fatal": request.get("fail"), "runs": len(runs.read_text())}))
"""
RELEASE = SimpleNamespace(version="9.9", newest_patch="9.9.1")


@pytest.fixture
def venv(tmp_path):
    """An environment of its own (here: this interpreter), as an ecosystem package's is."""
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").symlink_to(sys.executable)
    (folder / envs.MARKER).write_text('["django==9.9.1", "a-package==1.0"]')
    return folder


def run(tmp_path, venv, payload: dict, **options) -> dict:
    script = tmp_path / "probe.py"
    if not script.exists():
        script.write_text(SCRIPT)
    return cached_run(RELEASE, script, (), json.dumps(payload), tmp_path / "cache" / "answer.json",
                      what="probe", timeout=60, venv=venv, **options)


def test_an_answer_is_cached_until_the_payload_or_the_environment_changes(tmp_path, venv):
    assert run(tmp_path, venv, {})["runs"] == 1
    assert run(tmp_path, venv, {})["runs"] == 1            # read back
    assert run(tmp_path, venv, {"fail": None, "x": 1})["runs"] == 2
    (venv / envs.MARKER).write_text('["django==9.9.1", "a-package==2.0"]')
    assert run(tmp_path, venv, {"fail": None, "x": 1})["runs"] == 3


def test_a_fatal_answer_raises_unless_the_caller_reports_it(tmp_path, venv):
    with pytest.raises(RuntimeError, match="probe failed on Django 9.9:\nboom"):
        run(tmp_path, venv, {"fail": "boom"})
    assert run(tmp_path, venv, {"fail": "boom"}, keep_fatal=True)["fatal"] == "boom"


def test_callers_asking_for_the_same_answer_at_once_share_one_run(tmp_path, venv):
    """Two test workers that need one fresh collection at the same moment: the second waits and reads the answer
    (threads here, each opening the lock file as a worker's process does)."""
    from concurrent.futures import ThreadPoolExecutor

    run(tmp_path, venv, {})   # the script in place before the callers start
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda _: run(tmp_path, venv, {"at_once": True}), range(3)))
    assert [a["runs"] for a in answers] == [2, 2, 2]   # one run after the first call's
