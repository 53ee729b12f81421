"""CI runs `python3 dev.py test` as parallel jobs, one part each (.github/workflows/ci.yml, tests/support/parts.py):
together they must run every test this run collected, and .ci/run without arguments still runs all of it."""
from __future__ import annotations

import re
import shlex

import pytest
import yaml

from atlas.core.paths import ROOT
from atlas.data.versions_data import load_releases
from tests.support import parts

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def job_commands() -> dict[str, list[list[str]]]:
    """job -> the test commands it runs (.ci/run or dev.py test arguments), its matrix expanded."""
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    found: dict[str, list[list[str]]] = {}
    for name, job in jobs.items():
        matrix = (job.get("strategy") or {}).get("matrix") or {}
        values = matrix.get("release") or [None]
        for step in job.get("steps", []):
            run = step.get("run", "")
            match = re.search(r"(?:\.ci/run|dev\.py (?:test|check))(.*)$", run, re.MULTILINE)
            if not match:
                continue
            for value in values:
                env = {k: str(v).replace("${{ matrix.release }}", str(value)) for k, v in (step.get("env") or {}).items()}
                line = match[0].replace("${{ matrix.release }}", str(value))
                line = re.sub(r'"?\$(\w+)"?', lambda m, env=env: env.get(m[1], m[0]), line)
                found.setdefault(name, []).append(shlex.split(line))
    return found


def selections(commands: dict[str, list[list[str]]]) -> set[tuple[str, str | None]]:
    """The (part, release) pairs the test commands select; ("all", None) for a command that runs everything."""
    chosen = set()
    for runs in commands.values():
        for args in runs:
            if "check" in args:
                continue   # the fast check: a subset, run again by the parts
            part = args[args.index("--part") + 1] if "--part" in args else "all"
            release = args[args.index("--release") + 1] if "--release" in args else None
            chosen.add((part, release))
    return chosen


def covered(item, chosen) -> bool:
    part, release = parts.part_of(item), parts.release_of(item)
    return ("all", None) in chosen or (part, None) in chosen or (part, release) in chosen


def test_the_jobs_together_run_every_collected_test():
    assert len(parts.COLLECTED) > 1, "the collection this run made is recorded (tests/support/parts.py)"
    chosen = selections(job_commands())
    assert ("all", None) not in chosen, "CI runs the suite in parts (the whole command stays in .ci/run)"
    left_out = [item.nodeid for item in parts.COLLECTED if not covered(item, chosen)]
    assert not left_out, f"{len(left_out)} tests no CI job runs, e.g. {left_out[:5]}: add their part to {WORKFLOW.name}"


def test_the_release_matrix_lists_every_release_and_nothing_else():
    [matrix] = [job["strategy"]["matrix"]["release"] for job in yaml.safe_load(WORKFLOW.read_text())["jobs"].values()
                if "strategy" in job]
    assert matrix == [r.version for r in load_releases()] + [parts.CROSS], \
        "the matrices job runs one job per release of docs/data/releases.yml, then the cross-release tests"
    assert {(p, r) for p, r in selections(job_commands()) if p == "matrices"} == {("matrices", r) for r in matrix}


def test_each_part_selects_tests_and_every_test_has_one_part():
    pairs = {(parts.part_of(i), parts.release_of(i)) for i in parts.COLLECTED}
    if len(parts.COLLECTED) < 500:
        pytest.skip("this run collected part of the suite; the whole collection has every part")
    for part, release in selections(job_commands()):
        if part == "matrices":
            assert (part, release) in pairs, f"--part matrices --release {release} selects no test"
        else:
            assert any(p == part for p, _ in pairs), f"--part {part} selects no test"


def test_ci_run_without_arguments_is_the_readme_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert script.rstrip().endswith('python3 dev.py test "$@"')
    assert "| `python3 dev.py test` |" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_part_options_select_one_part():
    """part_of and release_of on the tests this run collected: a browser test, a release's matrix test."""
    by_id = {i.nodeid: i for i in parts.COLLECTED}
    browser = next((i for n, i in by_id.items() if n.startswith("tests/browser/")), None)
    if browser is not None:
        assert parts.part_of(browser) == "browser" and parts.release_of(browser) is None
    release = load_releases()[0].version
    one = by_id.get(f"tests/versions/test_matrix.py::test_release_matches_capabilities[django-{release}]")
    if one is not None:
        assert (parts.part_of(one), parts.release_of(one)) == ("matrices", release)
    assert parts.part_of(by_id[next(n for n in by_id if n.startswith(__name__.replace(".", "/")))]) == "suite"
