"""The lab's notebooks: valid page metadata, committed with their outputs, and they still run: every
experiment they rerun is checked on that run (tests/lab/experiments.py), the only one the suite makes."""
import json
import time
from pathlib import Path

import pytest

from atlas.collect import notebook_outputs
from atlas.core.errors import DataError
from atlas.core.paths import DOCS, ROOT, SNIPPETS
from atlas.data import frontmatter, notebooks
from snippets.lab import db_load, pg
from tests.lab import experiments, smoke
from tests.support import snippet_use
from tests.support.tools import INSTALL_HINT, missing_in_ci_or_skip

NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))
LAB = sorted((DOCS / "lab").glob("*.ipynb"))
RELEASES = frontmatter.feature_releases()
TAGS = frontmatter.known_tags()
GOOD = {"summary": "What it measures.", "django": "5.0+", "tags": ["performance"]}
ids = lambda path: str(path.relative_to(DOCS))  # noqa: E731


def test_the_lab_has_its_four_notebooks():
    assert {path.stem for path in LAB} >= {"threads-vs-tasks", "sync-vs-async-under-load", "fan-out", "cpu-bound"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_notebook_has_valid_atlas_metadata(path):
    meta, applies = notebooks.check_notebook(path, RELEASES, TAGS)
    assert applies.low in RELEASES


def notebook_problems(meta: dict) -> list[str]:
    """Problems of a small notebook whose metadata.atlas is `meta` (lines as nbformat writes them)."""
    text = json.dumps({"cells": [], "metadata": {"atlas": meta}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    return notebooks.file_problems(text, "docs/lab/x.ipynb", RELEASES, TAGS)[2]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"tags": ["speed"]}, f"docs/lab/x.ipynb:8: metadata.atlas.tags[0]: 'speed' is not a known tag — use one of "
                              f"{', '.join(sorted(TAGS))}, or add it to docs/data/tags.yml first"),
        ({"django": 5.0}, 'docs/lab/x.ipynb:6: metadata.atlas.django: 5.0 is a number, not a string — write the releases '
                          'its code must run on, in quotes: "X.Y+", "X.Y-X.Y" or "X.Y"'),
        ({"django": "4.3+"}, f"docs/lab/x.ipynb:6: metadata.atlas.django: '4.3+' names 4.3, which is not a Django feature "
                             f"release in docs/data/releases.yml (known: {', '.join(RELEASES)}) — use one of those, or add "
                             "the release to docs/data/releases.yml first"),
        ({"tested_with": "6.1"}, 'docs/lab/x.ipynb:10: metadata.atlas.tested_with: is no longer a page field — remove it: '
                                 '"code tested with" comes from the Django pinned in requirements.lock'),
        ({"summary": "x" * 201}, "docs/lab/x.ipynb:5: metadata.atlas.summary: is 201 characters long — write one line "
                                 "of at most 200 characters; it becomes the search snippet and the page description"),
        ({"title": "T"}, "docs/lab/x.ipynb:10: metadata.atlas.title: is not a known field — remove or rename it (known: "
                         "summary, django, about, tags, description, hide, search, status, template, icon)"),
    ],
    ids=["unknown-tag", "number", "unknown-release", "tested-with-is-gone", "long-summary", "unknown-field"],
)
def test_bad_notebook_metadata_is_rejected_naming_file_line_and_field(change, expected):
    assert notebook_problems(GOOD) == []
    assert notebook_problems({**GOOD, **change}) == [expected]


def test_missing_metadata_says_what_to_add(tmp_path):
    path = tmp_path / "bare.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    with pytest.raises(DataError) as error:
        notebooks.check_notebook(path, RELEASES, TAGS)
    assert str(error.value) == (
        f"{path}:3: metadata.atlas: is missing — add \"atlas\": {{\"summary\": \"...\", \"django\": \"5.0+\", "
        "\"tags\": [\"performance\"]} to the notebook's metadata (Jupyter: Edit > Notebook metadata)")


def test_a_notebook_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [],\n "metadata": {"atlas": }\n}')
    with pytest.raises(DataError) as error:
        notebooks.check_notebook(path, RELEASES, TAGS)
    assert str(error.value).startswith(f"{path}:2: not valid JSON (")


@pytest.mark.parametrize("path", LAB, ids=ids)
def test_committed_notebooks_are_executed_with_plots(path):
    notebook = json.loads(path.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code, f"{ids(path)} has no code cell"
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        where = f"{ids(path)} cell {index}"
        assert cell.get("execution_count"), f"{where} was not executed; run python3 dev.py notebooks {ids(path)}"
        assert not any(out["output_type"] == "error" for out in cell["outputs"]), f"{where} stored an error"
        if ".plot(" in "".join(cell["source"]):
            assert any("image/png" in out.get("data", {}) for out in cell["outputs"]), f"{where} has no PNG plot"
    assert "Machine:" in json.dumps(code[0]["outputs"]), f"{ids(path)}: the first code cell must print the machine"


def experiments_shown(path) -> list:
    """The experiment modules with a check (tests/lab/experiments.py) that the notebook imports."""
    imported = snippet_use.notebook_imports(path)
    return [module for module in experiments.CHECKS if Path(module.__file__).relative_to(SNIPPETS).as_posix() in imported]


def test_every_checked_experiment_is_shown_by_a_lab_notebook():
    shown = {module for path in LAB for module in experiments_shown(path)}
    assert shown == set(experiments.CHECKS), f"no lab notebook runs {set(experiments.CHECKS) - shown}"


@pytest.mark.server
@pytest.mark.parametrize("path", LAB, ids=ids)
def test_notebook_executes_and_its_experiments_show_what_they_measure(path, tmp_path):
    """Runs a temporary copy with this interpreter's ipykernel (the load notebook starts real servers), every
    cell of it, at the lab's smoke sizes (tests/lab/smoke.py); then checks each experiment it reran."""
    copy = tmp_path / path.name
    runs = tmp_path / "runs"
    runs.mkdir()
    shown = experiments_shown(path)
    if db_load in shown and pg.bin_dir() is None:  # its experiment starts a PostgreSQL cluster
        missing_in_ci_or_skip("PostgreSQL is not installed; " + INSTALL_HINT.format(package="postgresql"))
    notebook = json.loads(path.read_text())
    notebook["cells"].insert(0, smoke.notebook_cell(shown, runs))
    copy.write_text(json.dumps(notebook))
    started = time.perf_counter()
    try:
        seconds = notebook_outputs.execute(copy, copy)
    except DataError as error:
        pytest.fail(str(error).replace(str(tmp_path), str(path.parent.relative_to(ROOT))), pytrace=False)
    print(f"\n{ids(path)} executed in {seconds:.1f} s ({time.perf_counter() - started:.1f} s with the kernel)")
    executed = json.loads(copy.read_text())
    assert any("image/png" in out.get("data", {}) for cell in executed["cells"] for out in cell.get("outputs", []))
    recorded = sorted(file.name for file in runs.iterdir())
    assert recorded == sorted(smoke.recorded_as(module) for module in shown), f"{ids(path)} ran {recorded}"
    for module in shown:
        result = json.loads((runs / smoke.recorded_as(module)).read_text())
        print(module.table(result))
        experiments.CHECKS[module](result)
