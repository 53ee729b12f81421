"""snippets.lab.tables: a column is declared once and lines up in the heading and every row."""
from snippets.lab import tables


def test_a_column_spec_sets_the_heading_width_and_the_cell_format():
    columns = [("server", "server", "8"), ("rate", "rate", ">5g"), ("p99", tables.figure("p99_ms", 1), ">14")]
    rows = [{"server": "sync", "rate": 50, "p99_ms": {"median": 12.34, "low": 10.0, "high": 15.0}},
            {"server": "async", "rate": 100.0, "p99_ms": None, "broken": True}]
    assert tables.lines(columns, rows, flag="broken") == [
        "server    rate            p99",
        "sync        50 12.3 (10.0-15.0)",
        "async      100              -  broken"]


def test_error_bars_reach_from_each_median_to_its_low_and_high():
    medians, errors = tables.error_bars([{"median": 5, "low": 4, "high": 9}, 3, {"median": 2}])
    assert medians == [5, 3, 2]
    assert errors == [[1, 0, 0], [4, 0, 0]]
