"""dev.py, the one command registry: every command is registered there, README's and CONTRIBUTING's command
tables name exactly those, and a mistyped command is refused at once, before anything is installed."""
import os
import re
import shutil
import subprocess
import sys

import pytest

import dev
from atlas.core.paths import ROOT

TABLE_ROW = re.compile(r"^\|.*`python3 dev\.py (?P<name>[\w-]+)", re.MULTILINE)


@pytest.mark.parametrize("document", ["README.md", "CONTRIBUTING.md"])
def test_the_command_tables_name_exactly_the_registered_commands(document):
    named = set(TABLE_ROW.findall((ROOT / document).read_text(encoding="utf-8")))
    assert named == set(dev.COMMANDS), (f"{document}: missing {sorted(set(dev.COMMANDS) - named)}, "
                                        f"not commands {sorted(named - set(dev.COMMANDS))}")


def test_help_lists_every_command_with_its_line():
    text = subprocess.run([sys.executable, "dev.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    for name in dev.COMMANDS:
        assert re.search(rf"^\s+{name}\b", text, re.MULTILINE), name


def test_a_mistyped_command_is_refused_with_the_nearest_one_before_anything_is_installed(tmp_path):
    shutil.copy2(ROOT / "dev.py", tmp_path / "dev.py")  # a fresh clone: no .venv yet
    done = subprocess.run([sys.executable, "dev.py", "chek"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2
    assert "did you mean `python3 dev.py check`?" in done.stderr
    assert not (tmp_path / ".venv").exists()  # it used to install the environment first (~40 s)


def test_the_environment_imports_the_project_with_pythonpath_unset(tmp_path):
    """`.venv/bin/mkdocs build` imports atlas/ through the hook: .venv knows the project without PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", "import atlas.site.generate, hooks; print(atlas.__file__)"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(ROOT / "atlas" / "__init__.py")


def test_readme_lists_the_debian_packages_ci_installs():
    """One list of system packages: README's apt-get line names what .ci/run installs, and CONTRIBUTING
    points to it instead of keeping a list of its own."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    installed = {name for group in re.findall(r'\[[\w-]+\]="([^"]+)"', ci) for name in group.split()}
    line = re.search(r"apt-get install ([\w -]+)`", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert line and set(line[1].split()) == installed, (line and line[1], installed)
    assert "apt-get install" not in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_a_scratch_copy_sharing_the_venv_leaves_the_checkouts_link_alone(tmp_path, monkeypatch):
    """The live-preview test runs dev.py in a copy whose .venv is a symlink to this one: relinking .venv to
    the copy (deleted afterwards) would make `.venv/bin/mkdocs` import atlas/ from a folder that is gone."""
    real = tmp_path / "checkout"
    site = real / ".venv" / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    pth = site / "django_async_atlas.pth"
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / ".venv").symlink_to(real / ".venv")
    monkeypatch.setattr(dev, "ROOT", copy)
    monkeypatch.setattr(dev, "VENV", copy / ".venv")
    dev.link_project(sys.executable)
    assert not pth.exists()
    monkeypatch.setattr(dev, "ROOT", real)
    monkeypatch.setattr(dev, "VENV", real / ".venv")
    dev.link_project(sys.executable)
    assert pth.read_text() == f"{real}\n"



# A stand-in for .venv's Python in `dev.py check`: ruff passes; the tests print at once, then wait to be
# stopped (or end with status 5); the data check waits until the tests have printed, then passes or fails.
STAND_IN = """import os, pathlib, signal, sys, time
module, mark = sys.argv[2], pathlib.Path(os.environ["STAND_IN_MARK"])
if module == "pytest":
    print("tests started", flush=True)
    mark.touch()
    signal.signal(signal.SIGINT, lambda *_: sys.exit(2))
    time.sleep(0 if os.environ["STAND_IN_DATA"] == "good" else 60)
    print("tests ended", flush=True)
    sys.exit(5)
if module == "atlas.data.validation":
    while not mark.exists():
        time.sleep(0.01)
    print("validate: no problems" if os.environ["STAND_IN_DATA"] == "good" else "docs/data/x.yml:3: bad — fix it")
    sys.exit(0 if os.environ["STAND_IN_DATA"] == "good" else 1)
"""


@pytest.mark.parametrize("data", ["good", "bad"])
def test_check_runs_the_data_check_beside_the_tests_and_bad_data_stops_them_showing_only_its_problems(
        data, tmp_path, monkeypatch, capsys):
    python = tmp_path / "python"
    python.write_text(f"#!{sys.executable}\n{STAND_IN}")
    python.chmod(0o755)
    monkeypatch.setenv("STAND_IN_MARK", str(tmp_path / "tests-started"))
    monkeypatch.setenv("STAND_IN_DATA", data)
    status = dev.check(str(python), [])
    shown = capsys.readouterr().out
    if data == "good":
        assert status == 5  # the tests' status
        assert shown.index("validate: no problems") < shown.index("tests started") < shown.index("tests ended")
    else:
        assert status == 1 and "docs/data/x.yml:3: bad — fix it" in shown
        assert "tests" not in shown.split("\n", 1)[1]  # past the line saying what the check leaves out


@pytest.mark.parametrize(("caches", "uv_kept", "machine_kept"), [("machine", True, True), ("uv", True, False),
                                                               ("none", False, False)])
def test_the_suite_benchmark_s_clone_starts_with_the_caches_it_says(caches, uv_kept, machine_kept, monkeypatch):
    """`dev.py bench suite clone-ci` (a second clone), `--first-clone` (only uv's cache kept), `--cold`."""
    import shutil

    from atlas.bench import suite

    monkeypatch.setenv("UV_CACHE_DIR", "/somewhere/uv")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere")
    where, env = suite.fresh_clone(caches)
    try:
        assert (where / "dev.py").exists() and not (where / ".venv").exists() and not (where / ".cache").exists()
        assert (env["UV_CACHE_DIR"] == "/somewhere/uv") is uv_kept
        assert (env["XDG_CACHE_HOME"] == "/somewhere") is machine_kept
    finally:
        shutil.rmtree(where.parent)
