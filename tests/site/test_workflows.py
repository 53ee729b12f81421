"""The GitHub Actions workflows are locked down: every action pinned to a full commit SHA with its version
in a comment, checkout never keeps the token, each job has its own least permissions, Dependabot proposes
updates, and zizmor (pinned in requirements.lock, run offline) finds nothing at medium or above."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from atlas.core.paths import ROOT
from tests.support.tools import missing_in_ci_or_skip

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\b")
SERIOUS = {"Medium", "High"}


def zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if not found:
        missing_in_ci_or_skip("zizmor is not installed; it is pinned in requirements.lock (python3 dev.py test installs it)")
    return found


def serious_findings(folder: Path) -> list[str]:
    """zizmor's findings at medium or high severity, as `file:line: audit: what` lines."""
    done = subprocess.run([zizmor(), "--offline", "--format=json", str(folder)], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip().startswith("["), f"zizmor failed ({done.returncode}):\n{done.stderr[-2000:]}"
    found = []
    for finding in json.loads(done.stdout):
        if finding["determinations"]["severity"] not in SERIOUS or finding.get("ignored"):
            continue
        where = finding["locations"][0]
        path = Path(where["symbolic"]["key"]["Local"]["verbatim_path"]).name
        row = where["concrete"]["location"]["start_point"]["row"] + 1
        found.append(f"{path}:{row}: {finding['ident']} ({finding['determinations']['severity']}): "
                     f"{where['symbolic']['annotation']}")
    return found


def test_there_is_a_workflow():
    assert WORKFLOWS, "no workflow under .github/workflows"


def test_zizmor_finds_nothing_at_medium_or_above():
    findings = serious_findings(GITHUB)
    assert not findings, "zizmor --offline .github/ (run it for the details and the fix):\n" + "\n".join(findings)


def broken_copy(tmp_path, pattern, replacement) -> Path:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    for workflow in WORKFLOWS:
        (folder / workflow.name).write_text(re.sub(pattern, replacement, workflow.read_text()))
    return tmp_path / ".github"


@pytest.mark.parametrize(("pattern", "replacement", "audit"), [
    (r"@[0-9a-f]{40}(\s+#\s*)(v[\d.]+)", r"@\2\1\2", "unpinned-uses"),          # a tag instead of the SHA
    (r"persist-credentials: false", "fetch-depth: 1", "artipacked"),               # checkout keeps the token
], ids=["tag-instead-of-sha", "token-kept"])
def test_zizmor_check_fails_on_a_broken_copy(tmp_path, pattern, replacement, audit):
    """The check above can fail: the same workflows, broken once."""
    findings = "\n".join(serious_findings(broken_copy(tmp_path, pattern, replacement)))
    print("\n" + findings)
    assert audit in findings, findings


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(workflow):
    for number, line in enumerate(workflow.read_text().splitlines(), 1):
        if re.match(r"^\s*(-\s*)?uses:", line) and not line.split("uses:")[1].strip().startswith("./"):
            assert PINNED.match(line), (f"{workflow.name}:{number}: pin the action to a full commit SHA with "
                                        f"its version as a comment, e.g. `uses: owner/repo@<40 hex>  # v1.2.3`")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_each_job_declares_its_permissions_and_checkout_keeps_no_token(workflow):
    config = yaml.safe_load(workflow.read_text())
    assert config.get("permissions") == {}, f"{workflow.name}: set `permissions: {{}}` at the top; jobs ask for theirs"
    for name, job in config["jobs"].items():
        assert "permissions" in job, f"{workflow.name}: job {name!r} has no `permissions:`"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert (step.get("with") or {}).get("persist-credentials") is False, (
                    f"{workflow.name}: job {name!r}: checkout needs `with: persist-credentials: false`")


def test_dependabot_updates_actions_and_pip_pins():
    config = yaml.safe_load((GITHUB / "dependabot.yml").read_text())
    assert {update["package-ecosystem"] for update in config["updates"]} >= {"github-actions", "pip"}
