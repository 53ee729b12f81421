"""The validation layer (atlas/data/validation.py): one run reports every problem of every file a contributor
edits, as `file:line: entry.field: what is wrong — how to fix`; `dev.py validate` and the build fail on them."""
import json
import shutil
import subprocess
import sys

import pytest

from atlas.core.datafile import Project
from atlas.core.django_range import DjangoRange, RangeError, parse_range
from atlas.core.errors import DataError
from atlas.core.paths import ROOT
from atlas.data import validation
from atlas.data.versions_data import feature_releases
from tests.support.once import once_per_run, shared_scratch

RELEASES = feature_releases()
KNOWN = ", ".join(RELEASES)


def copy_project(root):
    """A copy of what the layer reads: docs/ (pages, notebooks, data, schemas) and requirements.lock."""
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "requirements.lock", root / "requirements.lock")
    return root


@pytest.fixture
def scratch(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def found_after_two_edits(tmp_path_factory):
    """What one build-mode validation reports on a scratch copy with two edits, each checked by its own test
    below: errors.yml names a release 2.9, a resource is of kind 'manual'. Once per run, shared by the
    workers (a validation of a scratch copy takes 2 CPU-s)."""
    def compute():
        root = copy_project(shared_scratch(tmp_path_factory, "validation-two-edits") / "project")
        edit(root / "docs" / "data" / "errors.yml", '"3.0":', '"2.9":')
        edit(root / "docs" / "data" / "resources.yml", "kind: talk", "kind: manual")
        return validation.problems(Project(root), build=True)

    return once_per_run(tmp_path_factory, "validation-two-edits", compute)


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


def line_of(text, needle):
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.validates_repo  # `dev.py check` runs the same validation beside its tests
def test_the_repository_has_no_problem_the_build_would_report():
    # the slow checks (in_build = False) run in test_dev_py_validate_passes_on_the_repository
    assert validation.problems(build=True) == []


def test_one_run_reports_every_problem_of_every_kind_of_file(scratch):
    docs = scratch / "docs"
    roadmap = edit(docs / "data" / "roadmap.yml", "status: accepted", "status: rumoured")
    edit(docs / "data" / "tags.yml", "asgi:", "Odd Tag: a tag with a space\nasgi:")
    edit(docs / "learn" / "index.md", 'django: "4.2+"', 'django: "9.9+"')
    faq = edit(docs / "faq" / "index.md", "Applies to: Django 3.0–6.1 (with Channels)\n", "")
    notebook = docs / "lab" / "fan-out.ipynb"
    nb_text = edit(notebook, '    "performance",\n', '    "speed",\n')
    lock = edit(scratch / "requirements.lock", "Django==", "Django==7.0.0\n# was Django==")
    (docs / "data" / "stray.yml").write_text("a: 1\n")

    found = validation.problems(Project(scratch), checks=validation.CHECKS)
    expected = [
        "docs/data/roadmap.yml:{}: django-6-2-lts.status: 'rumoured' is not allowed — use one of: shipped, merged, "
        "accepted, proposed, discussed".format(line_of(roadmap, "status: accepted")),
        "docs/data/stray.yml:1: the file has no schema — add docs/data/schemas/stray.schema.json (JSON Schema, draft 2020-12)",
        "docs/data/tags.yml:2: Odd Tag: 'Odd Tag' is not a valid name — write it in kebab-case: lowercase letters, digits "
        "and dashes, e.g. async-views",
        "docs/faq/index.md:{}: chat-django-3-0.applies_to: has no 'Applies to:' line — add a line such as "
        "'Applies to: Django 4.1–6.1' after the answer".format(line_of(faq, "## Can I build a real-time chat")),
        "docs/lab/fan-out.ipynb:{}: metadata.atlas.tags[1]: 'speed' is not a known tag — use one of".format(
            line_of(nb_text, '    "performance",\n')),
        f"docs/learn/index.md:4: django: '9.9+' names 9.9, which is not a Django feature release in "
        f"docs/data/releases.yml (known: {KNOWN}) — use one of those, or add the release to docs/data/releases.yml first",
        "requirements.lock:{}: django: Django==7.0.0 is release 7.0, which docs/data/releases.yml does not have — add "
        "its entry to docs/data/releases.yml: pages say their code is tested with it".format(line_of(lock, "Django==")),
    ]
    assert len(found) == len(expected), "\n".join(found)
    for line, wanted in zip(found, expected):
        assert line.startswith(wanted), f"{line}\n!=\n{wanted}"


def test_every_data_file_is_checked_against_the_schema_with_its_stem_json_too(scratch):
    data = scratch / "docs" / "data"
    (data / "schemas" / "runs.schema.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "required": ["runs"],
        "properties": {"runs": {"type": "array", "items": {
            "type": "object", "required": ["name", "seconds"], "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "seconds": {"type": "number", "x-fix": "write seconds as a number"}}}}},
    }))
    (data / "runs.json").write_text('{\n "runs": [\n  {"name": "a", "seconds": 1.5},\n  {"name": "b", "seconds": "slow"}\n ]\n}\n')
    found = validation.data_file_problems(Project(scratch))
    assert found == ["docs/data/runs.json:4: runs[1].seconds: 'slow' is a string, not a number — write seconds as a number"]


@pytest.mark.matrix  # the whole layer reads every release's sdist: the full suite runs it; `dev.py check` runs validate itself
def test_dev_py_validate_prints_every_problem_and_exits_non_zero(scratch):
    edit(scratch / "docs" / "data" / "capabilities.yml", 'added: "3.0"', 'added: "3.5"')
    edit(scratch / "docs" / "learn" / "index.md", "tags: [", "tags: [nonsense, ")
    result = subprocess.run([sys.executable, "-m", "atlas.data.validation", str(scratch)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "2 problems found by the validation layer (python3 dev.py validate)", result.stderr
    assert lines[0].startswith("docs/data/capabilities.yml:") and "'3.5' is not a Django feature release" in lines[0]
    assert lines[1].startswith("docs/learn/index.md:5: tags[0]: 'nonsense' is not a known tag")


@pytest.mark.matrix  # the whole layer reads every release's sdist: the full suite runs it; `dev.py check` runs validate itself
def test_dev_py_validate_passes_on_the_repository():
    result = subprocess.run([sys.executable, str(ROOT / "dev.py"), "validate"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validate: no problems" in result.stdout


def test_every_check_is_registered_and_reads_the_project_it_is_given(found_after_two_edits):
    """No check is found by its name: the registry lists each, and each validates the project it is handed
    (a check that read the repository instead would miss a problem made in the scratch copy)."""
    import ast

    defined = set()
    for path in (ROOT / "atlas").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == "check":
                defined.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    assert defined == {c.__module__ for c in validation.CHECKS if c.__name__ == "check"}
    found = found_after_two_edits  # errors.yml names 2.9 there
    assert any(p.startswith("docs/data/errors.yml") and ".lines: has 2.9" in p for p in found), found
    # (that the repository itself has none: test_the_repository_has_no_problem_the_build_would_report)


def test_a_crashing_check_is_reported_with_the_others():
    def broken(project):
        raise KeyError("version")

    found = validation.problems(Project(), checks=[broken, lambda project: ["docs/x.md:1: a: b — c"]])
    assert found[0] == "docs/x.md:1: a: b — c"
    assert found[1].endswith("broken: the check crashed (KeyError: 'version') — fix the check or the data it could not read")


# -- the one Django-range type -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        ("4.2+", {}, DjangoRange("4.2", None)),
        ("4.1-5.2", {}, DjangoRange("4.1", "5.2")),
        ("5.0", {}, DjangoRange("5.0", "5.0")),
        ("any", {"allow_any": True}, DjangoRange(None, None)),
        ("2.2-4.2", {"allow_older": True}, DjangoRange("2.2", "4.2")),
        ("1.11", {"allow_older": True}, DjangoRange("1.11", "1.11")),
    ],
)
def test_ranges_parse(value, options, expected):
    assert parse_range(value, RELEASES, **options) == expected


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        ("any", {}, "'any' is not a release range — write \"X.Y+\", \"X.Y-X.Y\" or \"X.Y\", e.g. \"4.2+\""),
        ("2.2-4.2", {}, f"'2.2-4.2' names 2.2, which is not a Django feature release in docs/data/releases.yml "
                        f"(known: {KNOWN}) — use one of those, or add the release to docs/data/releases.yml first"),
        ("4.3+", {"allow_older": True}, "'4.3+' names 4.3, which is not a Django feature release"),
        ("0.9", {"allow_older": True}, "'0.9' names 0.9, which is not a Django feature release"),
        ("5.0-4.2", {}, "'5.0-4.2' ends before it starts — write the older release first, e.g. \"4.2-5.0\""),
        (4.2, {}, "4.2 is a float, not a string — write it in quotes, e.g. \"4.2\""),
        ("4.2 up", {"allow_any": True}, "'4.2 up' is not a release range — write \"X.Y+\", \"X.Y-X.Y\" or \"X.Y\" or \"any\""),
    ],
)
def test_bad_ranges_say_what_is_wrong_and_the_fix(value, options, message):
    with pytest.raises(RangeError) as error:
        parse_range(value, RELEASES, **options)
    assert str(error.value).startswith(message)


def test_labels():
    assert [r.label() for r in (DjangoRange("4.2", None), DjangoRange("4.1", "5.2"), DjangoRange("5.0", "5.0"),
                                DjangoRange(None, None))] == [
        "Django 4.2 and later", "Django 4.1 to 5.2", "Django 5.0", "any Django release"]


def test_a_broken_schema_is_a_problem_of_the_schema_file(scratch):
    schema = scratch / "docs" / "data" / "schemas" / "tags.schema.json"
    edit(schema, '"type": "object"', '"type": "dictionary"')
    found = validation.data_file_problems(Project(scratch))
    assert len(found) == 1 and found[0].startswith(
        "docs/data/schemas/tags.schema.json:1: type: is not valid JSON Schema ("), found
    schema.write_text("{\n  nope\n}\n")
    assert validation.data_file_problems(Project(scratch)) == [
        "docs/data/schemas/tags.schema.json:2: not valid JSON (Expecting property name enclosed in double quotes) — "
        "fix the syntax on that line"]


def test_resource_problems_are_part_of_the_run(found_after_two_edits):
    """atlas/data/resources.py's check() is in the registry and joins the run (a resource is of kind 'manual')."""
    found = [p for p in found_after_two_edits if "manual" in p]
    assert found and all(p.startswith("docs/data/resources.yml:") and " — " in p for p in found), found
    assert any(".kind: " in p for p in found), found


def test_a_broken_release_file_is_reported_once_not_on_every_page(scratch):
    edit(scratch / "docs" / "data" / "releases.yml", '- version: "3.0"', "- version: [3.0")
    found = validation.problems(Project(scratch), checks=validation.CHECKS)
    assert len(found) == 1 and found[0].startswith("docs/data/releases.yml:"), "\n".join(found)


def test_the_build_leaves_out_checks_marked_slow():
    def slow(project):
        return ["docs/data/x.yml:1: a: slow — b"]

    slow.in_build = False
    assert validation.problems(Project(), checks=[slow]) == ["docs/data/x.yml:1: a: slow — b"]
    assert validation.problems(Project(), checks=[slow], build=True) == []


def test_a_check_whose_loader_refuses_bad_data_adds_those_problems_once():
    def loads_bad_data(project):
        raise DataError("docs/data/a.yml:3: x.y: bad (and 1 more below)\ndocs/data/a.yml:5: x.z: bad too — fix")

    found = validation.problems(Project(), checks=[loads_bad_data, lambda project: ["docs/data/a.yml:5: x.z: bad too — fix"]])
    assert found == ["docs/data/a.yml:3: x.y: bad", "docs/data/a.yml:5: x.z: bad too — fix"]


def test_a_pages_tests_skip_outside_its_range_naming_page_range_and_release():
    """Under a lock with an older Django than a page needs, its tests skip and say why (tests/conftest.py)."""
    from tests.support.page_ranges import out_of_range

    assert out_of_range(RELEASES[-1]) == {}  # the locked release: every page's tests run
    skips = out_of_range("5.2")
    assert skips[ROOT / "tests" / "background_work"] == (
        "page docs/use-cases/background-work.md needs Django 6.0+, running 5.2")
    assert ROOT / "tests" / "chat" not in skips  # chat: 3.0+
