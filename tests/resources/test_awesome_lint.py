"""The rendered resource list passes awesome-lint's rules (the npm package, version pinned in
tests/resources/package-lock.json, installed with `npm ci` into .cache/resources-npm the first time).
Repository-level rules (badge, contributing file, GitHub repo, licence, table of contents) do not apply to
a page of a website; tests/resources/awesome_lint.mjs leaves them out and runs every other rule."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from atlas.core.paths import CACHE
from atlas.data import resources
from atlas.site import resources_render
from tests.support.once import once_per_run
from tests.support.tools import require_tool

HERE = Path(__file__).resolve().parent
# resolved: .cache is a symlink in worktrees, and `npm ci --prefix` refuses a path that differs from its real one
CACHE = (CACHE / "resources-npm").resolve()


@pytest.fixture(scope="module")
def node_modules() -> Path:
    require_tool("node", "nodejs")
    lock = HERE / "package-lock.json"
    stamp = CACHE / "package-lock.json"
    modules = CACHE / "node_modules"
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(CACHE.parent / "resources-npm.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # parallel workers share .cache/: one installs, the others wait
        return _install(lock, stamp, modules)


def _install(lock: Path, stamp: Path, modules: Path) -> Path:
    if not ((modules / "awesome-lint").exists() and stamp.exists() and stamp.read_bytes() == lock.read_bytes()):
        npm = require_tool("npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(HERE / name, CACHE / name)
        env = dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false", npm_config_audit="false")
        result = subprocess.run([npm, "ci", "--ignore-scripts", "--prefix", str(CACHE)], capture_output=True,
                                text=True, timeout=300, env=env)
        assert result.returncode == 0, f"npm ci failed:\n{result.stdout}\n{result.stderr}"
    return modules


def lint_all(modules: Path, pages: dict[str, str], folder: Path) -> dict[str, dict]:
    """{name: {"rules": the rules run, "messages": what they found}} for each Markdown text, linted in one
    Node process (starting Node and loading awesome-lint costs more than linting a page)."""
    # file names as awesome-lint wants them: dashes, no article
    files = {name: folder / f"{name.replace('_', '-')}.md" for name in pages}
    for name, markdown in pages.items():
        files[name].write_text(markdown, encoding="utf-8")
    result = subprocess.run([shutil.which("node"), str(HERE / "awesome_lint.mjs"), str(modules),
                             *map(str, files.values())], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    return {name: {"rules": found["rules"], "messages": found["messages"][str(path)]} for name, path in files.items()}


def resource_page() -> str:
    return resources_render.render_resources_page()


def bare_lines() -> str:
    """awesome-lint checks a description's casing and final punctuation only when the line ends in text;
    on the page each line ends in the badge span, so the same lines are also checked without it."""
    bare = resources_render.render(resources.load_resources(), resources.load_vocabulary(), releases=[], badges=False)
    assert "atlas-resource-meta" not in bare
    return bare


def bad_entry() -> str:
    vocab = resources.load_vocabulary()
    good = resources.load_resources()[0]
    # The same address twice, and a product name spelled the way the spell-check rule rejects.
    bad = [good, dict(good, title="Copy", description="Async views on Github and elsewhere.")]
    return resources_render.render(bad, vocab, releases=[])


def bad_description() -> str:
    good = resources.load_resources()[0]
    bad = [dict(good, description="no capital and no final period")]
    return resources_render.render(bad, resources.load_vocabulary(), releases=[], badges=False)


PAGES = (resource_page, bare_lines, bad_entry, bad_description)


@pytest.fixture(scope="module")
def linted(node_modules, tmp_path_factory) -> dict[str, dict]:
    """Every page above linted once per run, shared by the workers (tests/support/once.py)."""
    def compute():
        pages = {page.__name__: "# Resources\n\n" + page() for page in PAGES}
        return lint_all(node_modules, pages, tmp_path_factory.mktemp("awesome-lint"))

    return once_per_run(tmp_path_factory, "awesome-lint", compute)


def test_the_resource_page_passes_awesome_lint(linted):
    report = linted["resource_page"]
    assert "remark-lint:awesome-list-item" in report["rules"] and "remark-lint:double-link" in report["rules"]
    assert report["messages"] == []


def test_the_bare_list_lines_pass_awesome_lint(linted):
    assert linted["bare_lines"]["messages"] == []


def test_awesome_lint_fails_on_a_bad_entry(linted):
    rules = {message["rule"] for message in linted["bad_entry"]["messages"]}
    assert {"awesome-spell-check", "double-link"} <= rules, linted["bad_entry"]["messages"]


def test_awesome_lint_fails_on_a_bad_description(linted):
    messages = linted["bad_description"]["messages"]
    assert any(m["rule"] == "awesome-list-item" for m in messages), messages
