"""atlas/core/yaml_rewrite.py, the one writer of the data files the code rewrites: a round trip of each
committed file gives its bytes back, and each writer changes only the values it is asked to."""
import shutil

import pytest

from atlas.collect import error_lines, upstream
from atlas.core import yaml_rewrite
from atlas.core.paths import DATA
from atlas.data import compat, error_index, search_questions

# Every data file a command rewrites, and the command: keep this list in step with the callers of rewrite().
REWRITTEN = {
    "releases.yml": "upstream --update-patches, patch (newest_patch)",
    "compat.yml": "pagematrix --resolve, patch (pins)",
    "errors.yml": "errors (each entry's lines)",
    "search_questions.yml": "python -m atlas.data.search_questions --mark (held_aside)",
    "resources.yml": "resources --fix (the order; written whole by resources_fix.dump through the same writer)",
}


@pytest.mark.parametrize("name", sorted(REWRITTEN))
def test_a_round_trip_gives_the_committed_bytes_back(name):
    text = (DATA / name).read_text(encoding="utf-8")
    assert yaml_rewrite.dumps(yaml_rewrite.loads(text)) == text, (
        f"docs/data/{name} does not survive a round trip through atlas/core/yaml_rewrite.py: "
        f"{REWRITTEN[name]} would reformat it")


@pytest.fixture
def copy(tmp_path):
    def make(name):
        shutil.copy(DATA / name, tmp_path / name)
        return tmp_path / name
    return make


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "the writer added or removed lines"
    return [(a, b) for a, b in zip(old, new) if a != b]


def test_newest_patch_changes_that_one_line(copy):
    path = copy("releases.yml")
    before = path.read_text(encoding="utf-8")
    assert upstream.set_newest_patch(path, "4.2", "4.2.999")
    lines = changed_lines(before, path.read_text(encoding="utf-8"))
    assert len(lines) == 1 and lines[0][1] == '  newest_patch: "4.2.999"', lines
    assert not upstream.set_newest_patch(path, "9.9", "9.9.1")


def test_compat_written_as_loaded_is_unchanged_and_a_new_pin_moves_one_line(copy):
    path = copy("compat.yml")
    before = path.read_text(encoding="utf-8")
    loaded = compat.load_compat_unresolved(path)
    compat.write_compat(loaded, path)
    assert path.read_text(encoding="utf-8") == before
    env = loaded.releases["4.2"]
    moved = type(env)(**{**env.__dict__, "packages": {**env.packages, "django": "4.2.999"}})
    compat.write_compat(type(loaded)(needs=loaded.needs, releases={**loaded.releases, "4.2": moved}), path)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        (f'      django: "{env.packages["django"]}"', '      django: "4.2.999"')]


def test_error_lines_written_as_loaded_are_unchanged_and_a_new_line_moves_one_line(copy):
    path = copy("errors.yml")
    before = path.read_text(encoding="utf-8")
    entries = error_index.load_errors(path)
    error_lines.write_lines({entry.id: entry.lines for entry in entries}, path)
    assert path.read_text(encoding="utf-8") == before
    first = entries[0]
    release, line = next((r, n) for r, n in first.lines.items() if n is not None)
    error_lines.write_lines({first.id: {**first.lines, release: line + 1}}, path)
    assert changed_lines(before, path.read_text(encoding="utf-8")) == [
        (f'    "{release}": {line}', f'    "{release}": {line + 1}')]


def test_marking_the_held_aside_questions_again_changes_nothing(copy):
    path = copy("search_questions.yml")
    before = path.read_text(encoding="utf-8")
    search_questions.mark(path)
    assert path.read_text(encoding="utf-8") == before


def test_marking_moves_a_hand_set_held_aside_back(copy):
    path = copy("search_questions.yml")
    before = path.read_text(encoding="utf-8")
    data = yaml_rewrite.loads(before)
    wrong = next(i for i, q in enumerate(data["questions"]) if "held_aside" not in q)
    data["questions"][wrong].insert(len(data["questions"][wrong]), "held_aside", True)
    path.write_text(yaml_rewrite.dumps(data), encoding="utf-8")
    search_questions.mark(path)
    assert path.read_text(encoding="utf-8") == before
