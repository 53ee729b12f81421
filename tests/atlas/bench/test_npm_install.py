"""atlas.bench.npm_install: `npm ci` runs when the lock changed or the package is missing, and only then."""
import json
import stat

import pytest

from atlas.bench import npm_install


@pytest.fixture
def fake_npm(tmp_path):
    """An `npm` that records its arguments and, for `ci --prefix DIR`, writes DIR/node_modules/pkg/index.js."""
    calls = tmp_path / "calls.jsonl"
    npm = tmp_path / "npm"
    npm.write_text('#!/bin/sh\nprintf \'%s\\n\' "$*" >> ' + str(calls) + '\n'
                   'mkdir -p "$3/node_modules/pkg" && echo ok > "$3/node_modules/pkg/index.js"\n')
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    return str(npm), calls


def test_npm_ci_runs_once_per_lock(tmp_path, fake_npm):
    npm, calls = fake_npm
    source, target = tmp_path / "source", tmp_path / "cache"
    source.mkdir()
    (source / "package.json").write_text(json.dumps({"name": "x"}))
    (source / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3}))
    installed = npm_install.installed(source, target, "node_modules/pkg/index.js", lambda: npm)
    assert installed.read_text() == "ok\n"
    assert calls.read_text().splitlines() == [f"ci --prefix {target}"]
    assert npm_install.installed(source, target, "node_modules/pkg/index.js", lambda: pytest.fail("npm asked for")) == installed
    (source / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "changed": True}))
    npm_install.installed(source, target, "node_modules/pkg/index.js", lambda: npm)
    assert len(calls.read_text().splitlines()) == 2


def test_an_install_that_does_not_bring_the_package_says_so(tmp_path, fake_npm):
    npm, _ = fake_npm
    source = tmp_path / "source"
    source.mkdir()
    for name in ("package.json", "package-lock.json"):
        (source / name).write_text("{}")
    with pytest.raises(RuntimeError, match="did not install node_modules/other/cli.js"):
        npm_install.installed(source, tmp_path / "cache", "node_modules/other/cli.js", lambda: npm)
