"""Django's own words about async are covered: every versionadded/versionchanged directive and release-note
item about async, in every release's sdist, maps to a capability or a reasoned exclusion; every warning and
note of docs/topics/async.txt is answered by a page of the site (atlas/collect/async_docs_coverage.py)."""
import json

import jsonschema
import pytest
import yaml

from atlas.collect import async_docs_coverage as coverage
from atlas.core.datafile import Project
from atlas.core.paths import DATA
from atlas.data.versions_data import load_releases, releases_by_version
from tests.support.tools import missing_in_ci_or_skip


@pytest.fixture(scope="module")
def sdists():
    """Each release's sdist (downloaded once per machine, all at once, as the matrix's source checks do)."""
    from atlas.collect.sdists import _sdist_files, sdist_paths

    try:
        return {version: _sdist_files(str(path)) for version, path in sdist_paths(load_releases()).items()}
    except RuntimeError as error:  # no network and no cached sdist
        missing_in_ci_or_skip(f"Django sdists not available: {error}")


@pytest.mark.matrix  # reads every release's sdist: the full suite, not `dev.py check`
def test_nothing_django_says_about_async_is_left_uncovered(sdists):
    problems = coverage.check(Project())
    assert not problems, "\n".join(problems)


@pytest.mark.matrix  # reads every release's sdist: the full suite, not `dev.py check`
def test_every_release_has_async_items_and_the_known_ones_are_found(sdists):
    found = {r.version: coverage.items_of(r, sdists[r.version]) for r in load_releases()}
    # 3.2 added no async API (its notes only raise the asgiref minimum); every other release did
    assert all(found[v] for v in found if v != "3.2"), {v: len(i) for v, i in found.items()}
    texts = [i.text for i in found["4.1"]]
    assert any("``aget()`` method was added." in t for t in texts)
    assert any(i.kind == "release-note" and "asynchronous interface" in i.text for i in found["4.1"])


@pytest.mark.matrix  # reads every release's sdist: the full suite, not `dev.py check`
def test_an_uncovered_item_is_listed_with_file_line_and_fix(sdists, tmp_path, monkeypatch):
    rules = yaml.safe_load(coverage.RULES_FILE.read_text())
    rules["items"] = [r for r in rules["items"] if r.get("file") != "docs/ref/csrf.txt"]
    rules["notes"] = [n for n in rules["notes"] if "no synchronous middleware" not in n["contains"]]
    copy = tmp_path / "async_docs_coverage.yml"
    copy.write_text(yaml.safe_dump(rules, sort_keys=False))
    project = Project(data_dir=tmp_path, fallback=DATA)  # the copy of the rules, the repository's other data
    problems = coverage.check(project, [releases_by_version()["5.0"], releases_by_version()["4.1"]])
    csrf = [p for p in problems if p.startswith("docs/ref/csrf.txt:")]
    assert len(csrf) == 4 and all("(Django 5.0 sdist)" in p and "add a rule to" in p for p in csrf), problems
    assert any("no synchronous middleware" in p and "is answered nowhere" in p for p in problems), problems


def test_an_answer_that_points_nowhere_fails(tmp_path, monkeypatch):
    assert coverage.answer_exists("use-cases/async-middleware-auth.md#pitfalls")
    assert coverage.answer_exists("versions/matrix.md#async-views")  # an anchor of the rendered matrix
    assert coverage.answer_exists("versions/3.2.md#upgrade-notes")  # a generated release page
    assert not coverage.answer_exists("use-cases/async-middleware-auth.md#no-such-heading")
    assert not coverage.answer_exists("faq/nope.md")


def test_a_validation_run_renders_a_pages_tables_once_however_often_it_is_asked(monkeypatch):
    from atlas.core.data_stamp import shared_readings
    from atlas.site import generate

    rendered = []
    monkeypatch.setattr(generate, "with_tables", lambda text, real=generate.with_tables: rendered.append(1) or real(text))
    with shared_readings():
        assert coverage.answer_exists("versions/matrix.md#async-views")
        assert not coverage.answer_exists("versions/matrix.md#no-such-row")
    assert len(rendered) == 1
    assert coverage.answer_exists("versions/matrix.md#async-views")  # outside a run: read afresh
    assert len(rendered) == 2


def test_rules_file_matches_its_schema():
    schema = json.loads((DATA / "schemas" / "async_docs_coverage.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load(coverage.RULES_FILE.read_text())
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert not errors, errors
