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



def test_a_shared_reading_runs_once_per_key_in_a_run_of_checks_and_each_caller_gets_a_copy():
    calls = []

    @stamps.shared_reading(key=lambda where, fresh=False: None if fresh else where)
    def reading(where, fresh=False):
        calls.append(where)
        return {"links": [where]}

    reading("docs"), reading("docs")
    assert calls == ["docs", "docs"]  # outside a run of checks: every time
    with stamps.shared_readings():
        first = reading("docs")
        first["links"].append("changed by a caller")
        assert reading("docs") == {"links": ["docs"]}
        reading("other"), reading("docs", fresh=True)
    assert calls == ["docs", "docs", "docs", "other", "docs"]
    reading("docs")
    assert calls[-1] == "docs" and len(calls) == 6  # the run's readings end with it


def test_a_build_s_steady_block_keeps_no_reading_across_the_pages_it_writes(tmp_path):
    """A build holds docs/data's stamp from start to end, but writes generated pages between its readings:
    a reading of the pages made before the generation must not be handed out after it."""
    page = tmp_path / "page.md"
    page.write_text("before")

    @stamps.shared_reading(key=lambda path: path)
    def reading(path):
        return path.read_text()

    with stamps.steady_data():
        assert reading(page) == "before"
        page.write_text("generated")
        assert reading(page) == "generated"
