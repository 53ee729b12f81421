"""atlas/core/derived.py: a build step's result is read back only while its input and its code are unchanged."""
from atlas.core import derived


def test_a_result_is_read_back_until_its_input_or_its_code_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    code = tmp_path / "step.py"
    code.write_text("version 1")
    calls = []

    def step(data: bytes):
        return lambda: calls.append(data) or data.upper()

    assert derived.kept("step", [code], [b"plot"], step(b"plot")) == b"PLOT"
    assert derived.kept("step", [code], [b"plot"], step(b"plot")) == b"PLOT"
    assert calls == [b"plot"]                      # the second call read the first one's result
    assert derived.kept("step", [code], [b"other"], step(b"other")) == b"OTHER"
    code.write_text("version 2")
    assert derived.kept("step", [code], [b"plot"], step(b"plot")) == b"PLOT"
    assert calls == [b"plot", b"other", b"plot"]   # a new input, then new code: computed again
    assert not list((tmp_path / "cache" / "derived" / "step").glob("*.tmp"))
