"""How environments are made (atlas/core/installer.py, atlas/collect/envs.py): uv gets pip's configuration, falls back to
pip with one line, and an environment's path changes with exactly what it holds."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from atlas.collect import envs
from atlas.core import installer
from atlas.core.paths import ROOT

LISTING = """\
:env:.find-links='/opt/wheels /srv/more'
global.constraint='/etc/xdg/pip/constraints.txt'
global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'
global.index-url='https://mirror.example/simple'
global.cert='/etc/ssl/certs/ca.crt'
install.trusted-host='mirror.example'
"""


def test_pip_configuration_becomes_uv_options():
    args, env = installer.parse_pip_config(LISTING)
    pairs = list(zip(args[::2], args[1::2]))
    assert ("--index-strategy", "unsafe-best-match") in pairs   # pip's choice across indexes
    assert ("--index-url", "https://mirror.example/simple") in pairs
    assert [v for k, v in pairs if k == "--extra-index-url"] == ["file:///opt/pypi/simple", "file:///opt/pypi-more/simple"]
    assert [v for k, v in pairs if k == "--find-links"] == ["/opt/wheels", "/srv/more"]
    assert ("--constraint", "/etc/xdg/pip/constraints.txt") in pairs
    assert ("--allow-insecure-host", "mirror.example") in pairs
    assert env == {"SSL_CERT_FILE": "/etc/ssl/certs/ca.crt"}


def test_no_index_and_an_empty_configuration():
    assert installer.parse_pip_config("global.no-index='true'\n")[0][-1] == "--no-index"
    assert installer.parse_pip_config("") == (["--index-strategy", "unsafe-best-match"], {})


def test_this_machines_pip_configuration_reaches_uv():
    """Whatever `pip config list` shows here is what uv is given (on a machine without configuration: nothing)."""
    listing = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    args, env = installer.pip_settings()
    for line in listing.splitlines():
        name, _, value = line.partition("=")
        option = installer._OPTIONS.get(name.rsplit(".", 1)[-1], "")
        for item in value.strip("'\"").split() if option else []:
            assert item in args, f"pip's {name} {item!r} is not passed to uv: {args}"
    assert "--python-downloads" not in args and installer.uv_env()["UV_PYTHON_DOWNLOADS"] == "never"


def test_the_uv_pin_is_read_from_the_lock_alone():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(rf"^uv=={re.escape(installer.uv_pin())}$", lock, re.MULTILINE)
    assert "uv==" not in (ROOT / "dev.py").read_text(encoding="utf-8"), "dev.py reads the pin from the lock"


def test_without_uv_pip_is_used_after_one_line(tmp_path, monkeypatch, capsys):
    """The fallback: a uv that cannot be installed (here: a pin no index has) leaves pip to do the work."""
    lock = tmp_path / "requirements.lock"
    lock.write_text("uv==0.0.0.dev0\n")
    monkeypatch.setattr(installer, "LOCK", lock)
    monkeypatch.setattr(installer, "ROOT", tmp_path)
    monkeypatch.setattr(installer, "machine_cache", lambda: tmp_path / "machine")
    monkeypatch.delenv("ATLAS_NO_UV", raising=False)
    installer.uv_binary.cache_clear()
    monkeypatch.setattr(installer, "_notified", [])
    monkeypatch.setattr(installer.subprocess, "run", fake_pip_without_uv(installer.subprocess.run))
    try:
        assert installer.uv_binary() is None
    finally:
        installer.uv_binary.cache_clear()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "uv 0.0.0.dev0 could not be installed" in lines[0] and "using pip" in lines[0]
    ran = []
    monkeypatch.setattr(installer.subprocess, "run", lambda command, **kw: ran.append(command) or
                        subprocess.CompletedProcess(command, 0, "", ""))
    monkeypatch.setattr(installer, "uv_binary", lambda *a: None)
    assert installer.create(tmp_path / "env", "/py/3.10", ["django==4.2.30"]) == "pip"
    assert ran[0] == ["/py/3.10", "-m", "venv", str(tmp_path / "env")]
    assert ran[1][:3] == [str(tmp_path / "env" / "bin" / "python"), "-m", "pip"] and ran[1][-1] == "django==4.2.30"


def fake_pip_without_uv(real_run):
    """pip refusing the pin as an index without it would (no network needed)."""
    def run(command, *args, **kwargs):
        if "--target" in command:
            return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution found for uv==0.0.0.dev0")
        return real_run(command, *args, **kwargs)
    return run


def test_an_environment_is_named_by_exactly_what_it_holds(monkeypatch):
    monkeypatch.setattr(envs, "interpreter_of", lambda python: (f"/py/{python}", f"{python}.7"))
    base = envs.Spec("3.10", ("django==4.2.30",), label="version map 4.2")
    path = envs.path_for(base)
    assert path.parent == envs.ENVS and path.name.startswith("py3.10-")
    assert envs.path_for(envs.Spec("3.10", ("django==4.2.30",), label="another use")) == path   # the label is no content
    assert envs.path_for(envs.Spec("3.10", ("django==4.2.29",))) != path        # a new patch: a new environment
    assert envs.path_for(envs.Spec("3.11", ("django==4.2.30",))) != path        # another Python
    assert envs.path_for(envs.Spec("3.10", ("django==4.2.30",), no_deps=True)) != path
    pins = ("asgiref==3.8.1", "django==4.2.30")
    assert envs.path_for(envs.Spec("3.10", pins)) == envs.path_for(envs.Spec("3.10", pins[::-1]))  # order is no content
    monkeypatch.setattr(envs, "interpreter_of", lambda python: (f"/py/{python}", f"{python}.8"))
    assert envs.path_for(base) != path, "a new interpreter patch rebuilds"


def test_the_version_map_and_the_page_matrix_share_the_helper():
    from atlas.collect import environments, page_matrix
    from atlas.data.compat import load_compat
    from atlas.data.versions_data import load_releases

    release = load_releases()[-1]
    assert environments.release_spec(release).requirements == (f"django=={release.newest_patch}",)
    compat = load_compat()
    built = [env for env in compat.releases.values() if not env.project]
    assert built, "compat.yml has releases with their own environment"
    spec = page_matrix.env_spec(built[0])
    assert spec.no_deps and f"django=={built[0].packages['django']}" in spec.requirements


@pytest.mark.parametrize("jobs", [1, 3])
def test_several_environments_are_built_at_once_each_under_its_lock(tmp_path, monkeypatch, jobs):
    """ensure_many builds each spec once, in parallel, and returns the paths in the order asked."""
    import threading

    monkeypatch.setattr(envs, "ENVS", tmp_path)
    monkeypatch.setattr(envs, "TIMINGS", tmp_path / "builds.jsonl")
    monkeypatch.setattr(envs, "interpreter_of", lambda python: (sys.executable, f"{python}.0"))
    running, most = [0], [0]
    guard = threading.Lock()

    def create(venv, interpreter, requirements, no_deps=False):
        import time

        with guard:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").write_text("")
        with guard:
            running[0] -= 1
        return "uv"

    monkeypatch.setattr(envs.installer, "create", create)
    specs = [envs.Spec(f"3.{n}", (f"django=={n}.0",)) for n in range(8, 11)]
    paths = envs.ensure_many(specs, jobs=jobs)
    assert paths == [envs.path_for(s) for s in specs]
    assert most[0] == min(jobs, len(specs))
    assert len((tmp_path / "builds.jsonl").read_text().splitlines()) == len(specs)
    assert envs.ensure_many(specs, jobs=jobs) == paths   # reused: nothing built again
    assert len((tmp_path / "builds.jsonl").read_text().splitlines()) == len(specs)


def test_an_environment_s_bytecode_is_kept_with_it_whatever_clone_runs_it(tmp_path, monkeypatch):
    """Two clones' bytecode caches (PYTHONPYCACHEPREFIX) link to the machine's environments: the module an
    environment holds is compiled once, into the environment, and the second clone reads it."""
    monkeypatch.setattr(installer, "machine_cache", lambda: tmp_path / "machine")
    module = installer.machine_envs() / "py3-demo" / "site-packages" / "demo.py"
    module.parent.mkdir(parents=True)
    module.write_text("ANSWER = 42\n")
    compiled = []
    for clone in ("one", "two"):
        pycache = tmp_path / clone / ".cache" / "pycache"
        mirror = installer.link_env_bytecode(pycache)
        assert installer.link_env_bytecode(pycache) == mirror and mirror.resolve() == installer.machine_envs().resolve()
        done = subprocess.run([sys.executable, "-c", "import demo, sys; print(demo.ANSWER)"], capture_output=True,
                              text=True, cwd=tmp_path, env={"PYTHONPATH": str(module.parent), "PYTHONPYCACHEPREFIX": str(pycache)})
        assert done.stdout.strip() == "42", done.stderr
        compiled.append(sorted(p.name for p in module.parent.glob("demo*.pyc")))
    assert compiled[0] == compiled[1] and len(compiled[0]) == 1, compiled   # beside its source, written once
    in_clone = [name for _, _, names in os.walk(tmp_path / "two") for name in names if name.startswith("demo")]
    assert not in_clone, "the clone's own cache holds no copy (os.walk does not follow the link)"


def test_bytecode_written_before_the_link_is_replaced_by_it(tmp_path, monkeypatch):
    monkeypatch.setattr(installer, "machine_cache", lambda: tmp_path / "machine")
    pycache = tmp_path / "clone" / "pycache"
    old = pycache / installer.machine_envs().relative_to(installer.machine_envs().anchor) / "py3-x" / "m.cpython-312.pyc"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"stale")
    assert installer.link_env_bytecode(pycache).is_symlink() and not old.exists()
