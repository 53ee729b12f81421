"""The lab's notebooks: valid page metadata, committed with their outputs, and they still run."""
import json
import shutil
import time

import pytest

from atlas import frontmatter, notebooks
from atlas.errors import DataError
from atlas.paths import DOCS, ROOT

NOTEBOOKS = sorted(DOCS.rglob("*.ipynb"))
LAB = sorted((DOCS / "lab").glob("*.ipynb"))
RELEASES = frontmatter.feature_releases()
TAGS = frontmatter.known_tags()
GOOD = {"summary": "What it measures.", "django": "5.0+", "tested_with": "6.1", "tags": ["performance"]}
ids = lambda path: str(path.relative_to(DOCS))  # noqa: E731


def test_the_lab_has_its_four_notebooks():
    assert {path.stem for path in LAB} >= {"threads-vs-tasks", "sync-vs-async-under-load", "fan-out", "cpu-bound"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_notebook_has_valid_atlas_metadata(path):
    meta, applies = notebooks.check_notebook(path, RELEASES, TAGS)
    assert applies.low in RELEASES


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"tags": ["speed"]}, "atlas.tags has unknown tag 'speed'; use one of"),
        ({"django": 5.0}, "atlas.django = 5.0: expected a quoted string"),
        ({"django": "4.3+"}, "4.3 is not a Django feature release"),
        ({"tested_with": "9.9"}, "atlas.tested_with = '9.9' is not a Django feature release"),
        ({"summary": "x" * 201}, "atlas.summary must be one line of at most 200 characters"),
        ({"title": "T"}, "atlas.title is not a known field"),
    ],
    ids=["unknown-tag", "number", "unknown-release", "tested-with", "long-summary", "unknown-field"],
)
def test_bad_notebook_metadata_is_rejected_naming_file_and_field(change, expected):
    with pytest.raises(DataError) as error:
        notebooks.validate({**GOOD, **change}, "docs/lab/x.ipynb", RELEASES, TAGS)
    assert str(error.value).startswith("docs/lab/x.ipynb: ") and expected in str(error.value)


def test_missing_metadata_says_what_to_add(tmp_path):
    path = tmp_path / "bare.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with pytest.raises(DataError, match="notebook metadata has no 'atlas' object; add"):
        notebooks.check_notebook(path, RELEASES, TAGS)


@pytest.mark.parametrize("path", LAB, ids=ids)
def test_committed_notebooks_are_executed_with_plots(path):
    notebook = json.loads(path.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code, f"{ids(path)} has no code cell"
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        where = f"{ids(path)} cell {index}"
        assert cell.get("execution_count"), f"{where} was not executed; run python -m atlas.notebooks {ids(path)}"
        assert not any(out["output_type"] == "error" for out in cell["outputs"]), f"{where} stored an error"
        if ".plot(" in "".join(cell["source"]):
            assert any("image/png" in out.get("data", {}) for out in cell["outputs"]), f"{where} has no PNG plot"
    assert "Machine:" in json.dumps(code[0]["outputs"]), f"{ids(path)}: the first code cell must print the machine"


@pytest.mark.server
@pytest.mark.parametrize("path", LAB, ids=ids)
def test_notebook_executes(path, tmp_path):
    """Runs a temporary copy with this interpreter's ipykernel (the load notebook starts real servers)."""
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    started = time.perf_counter()
    try:
        seconds = notebooks.execute(copy, copy)
    except DataError as error:
        pytest.fail(str(error).replace(str(tmp_path), str(path.parent.relative_to(ROOT))), pytrace=False)
    print(f"\n{ids(path)} executed in {seconds:.1f} s ({time.perf_counter() - started:.1f} s with the kernel)")
    executed = json.loads(copy.read_text())
    assert any("image/png" in out.get("data", {}) for cell in executed["cells"] for out in cell.get("outputs", []))
