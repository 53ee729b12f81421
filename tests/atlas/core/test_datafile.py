"""atlas/core/datafile.py: a collected JSON file is read one way, and a bad one names its file, line or field."""
import pytest

from atlas.core.datafile import parse, read_json
from atlas.core.errors import DataError

COMMAND = "python3 dev.py stack"


def test_a_collected_file_is_read_with_its_fields(tmp_path):
    file = tmp_path / "stack.json"
    file.write_text('{"releases": [{"version": "6.1"}]}')
    assert read_json(file, COMMAND, fields=("releases",)) == {"releases": [{"version": "6.1"}]}


def test_a_missing_file_names_the_command_that_writes_it(tmp_path):
    with pytest.raises(DataError, match=r"stack\.json:1: the file does not exist — run `python3 dev.py stack`"):
        read_json(tmp_path / "stack.json", COMMAND)


def test_a_missing_file_with_a_default_gives_a_fresh_copy_of_it(tmp_path):
    default = {"links": {}}
    first = read_json(tmp_path / "status.json", COMMAND, default=default)
    first["links"]["x"] = 1
    assert read_json(tmp_path / "status.json", COMMAND, default=default) == {"links": {}}


def test_broken_json_names_its_line(tmp_path):
    file = tmp_path / "stack.json"
    file.write_text('{\n "releases": [\n  1,\n ]\n}')
    with pytest.raises(DataError, match=r"stack\.json:4: not valid JSON .* — run `python3 dev.py stack` to write"):
        read_json(file, COMMAND)


def test_a_missing_field_is_named(tmp_path):
    file = tmp_path / "stack.json"
    file.write_text('{"cpu_method": "x"}')
    with pytest.raises(DataError, match=r"stack\.json:1: releases: is missing — run `python3 dev.py stack`"):
        read_json(file, COMMAND, fields=("releases",))
    file.write_text("[1, 2]")
    with pytest.raises(DataError, match=r"stack\.json:1: holds a list, not a mapping of fields"):
        read_json(file, COMMAND, fields=("releases",))


def test_a_remembered_schema_pass_never_hides_a_change(tmp_path, monkeypatch):
    """schema_problems keeps passes only, keyed by the data and the schema: any edit validates afresh."""
    import datetime

    from atlas.core.datafile import Document, schema_problems

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    schema = {"type": "object", "properties": {"when": {"type": "string"}, "n": {"type": "integer"}}}
    good = Document(tmp_path / "x.yml", "x.yml", {"when": "2026-12-07", "n": 1})
    assert schema_problems(good, schema) == [] and len(list((tmp_path / "derived" / "schema-passes").iterdir())) == 1
    assert schema_problems(good, schema) == []
    assert schema_problems(Document(good.path, good.shown, {"when": "2026-12-07", "n": "1"}), schema)
    # YAML reads an unquoted date as a date: the same text, another type, another key
    assert schema_problems(Document(good.path, good.shown, {"when": datetime.date(2026, 12, 7), "n": 1}), schema)
    assert schema_problems(good, {**schema, "required": ["other"]})


def test_a_json_files_lines_are_found_when_a_problem_asks_and_a_repeated_key_is_reported_at_once(tmp_path):
    text = '{\n "runs": [\n  {"name": "a"},\n  {"name": "b",\n   "seconds": 2}\n ]\n}\n'
    document, problems = parse(text, tmp_path / "runs.json", "runs.json")
    assert problems == [] and document.data == {"runs": [{"name": "a"}, {"name": "b", "seconds": 2}]}
    assert document.line(("runs", 1, "seconds")) == 5 and document.line(("runs", 0, "nothing")) == 3
    _, problems = parse('{\n "a": 1,\n "b": 2,\n "a": 3\n}\n', tmp_path / "x.json", "x.json")
    assert problems == ["x.json:4: a: is written twice (first on line 2) — keep one of them"]

