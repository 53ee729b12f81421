"""atlas/core/data_stamp.py: a block that only reads the project stamps docs/data once and shares its readings."""
from atlas.core import data_stamp as stamps


def test_inside_a_steady_block_docs_data_is_stamped_once_and_an_edit_shows_after_it(tmp_path, monkeypatch):
    """A build reads the data files about 2,300 times: one stamp per build, yet the next build sees an edit."""
    monkeypatch.setattr(stamps, "DATA", tmp_path)
    data = tmp_path / "tags.yml"
    data.write_text("a: 1\n")
    before = stamps.data_stamp()
    with stamps.steady_data():
        data.write_text("a: 1\nb: 2\n")
        assert stamps.data_stamp() == before
        with stamps.steady_data():  # a generation inside a build
            assert stamps.data_stamp() == before
    assert stamps.data_stamp() != before


def test_a_kept_reading_runs_once_per_key_in_a_steady_block_and_each_caller_gets_a_copy():
    calls = []

    @stamps.kept_while_steady(key=lambda where, fresh=False: None if fresh else where)
    def reading(where, fresh=False):
        calls.append(where)
        return {"links": [where]}

    reading("docs"), reading("docs")
    assert calls == ["docs", "docs"]  # outside a block: every time
    with stamps.steady_data():
        first = reading("docs")
        first["links"].append("changed by a caller")
        assert reading("docs") == {"links": ["docs"]}
        reading("other"), reading("docs", fresh=True)
    assert calls == ["docs", "docs", "docs", "other", "docs"]
    reading("docs")
    assert calls[-1] == "docs" and len(calls) == 6  # the block's answers end with it
