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


def lint(modules: Path, markdown: str, tmp_path: Path) -> dict:
    page = tmp_path / "readme.md"
    page.write_text(markdown, encoding="utf-8")
    result = subprocess.run([shutil.which("node"), str(HERE / "awesome_lint.mjs"), str(modules), str(page)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_resource_page_passes_awesome_lint(node_modules, tmp_path):
    report = lint(node_modules, "# Resources\n\n" + resources_render.render_resources_page(), tmp_path)
    assert "remark-lint:awesome-list-item" in report["rules"] and "remark-lint:double-link" in report["rules"]
    assert report["messages"] == []


def test_the_bare_list_lines_pass_awesome_lint(node_modules, tmp_path):
    """awesome-lint checks a description's casing and final punctuation only when the line ends in text;
    on the page each line ends in the badge span, so the same lines are also checked without it."""
    bare = resources_render.render(resources.load_resources(), resources.load_vocabulary(), releases=[], badges=False)
    assert "atlas-resource-meta" not in bare
    assert lint(node_modules, "# Resources\n\n" + bare, tmp_path)["messages"] == []


def test_awesome_lint_fails_on_a_bad_entry(node_modules, tmp_path):
    vocab = resources.load_vocabulary()
    good = resources.load_resources()[0]
    # The same address twice, and a product name spelled the way the spell-check rule rejects.
    bad = [good, dict(good, title="Copy", description="Async views on Github and elsewhere.")]
    report = lint(node_modules, "# Resources\n\n" + resources_render.render(bad, vocab, releases=[]), tmp_path)
    rules = {message["rule"] for message in report["messages"]}
    assert {"awesome-spell-check", "double-link"} <= rules, report["messages"]


def test_awesome_lint_fails_on_a_bad_description(node_modules, tmp_path):
    good = resources.load_resources()[0]
    bad = [dict(good, description="no capital and no final period")]
    bare = resources_render.render(bad, resources.load_vocabulary(), releases=[], badges=False)
    report = lint(node_modules, "# Resources\n\n" + bare, tmp_path)
    assert any(m["rule"] == "awesome-list-item" for m in report["messages"]), report["messages"]
