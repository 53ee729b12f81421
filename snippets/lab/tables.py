"""How the lab's results are shown: text tables whose columns are declared once, and error bars, from
figures that are a number or, over repeats, a {median, low, high}."""
from __future__ import annotations

import re


def value(stat) -> float | None:
    """A number, or the median of a {median, low, high} (runs stored before histograms)."""
    return stat["median"] if isinstance(stat, dict) else stat


def cell(stat, digits: int = 0) -> str:
    """A figure as text: `-` when missing, a number, or `median (low-high)`."""
    if stat is None or stat == {}:
        return "-"
    if not isinstance(stat, dict):
        return f"{stat:.{digits}f}"
    text = f"{stat['median']:.{digits}f}"
    return text + (f" ({stat['low']:.{digits}f}-{stat['high']:.{digits}f})" if "low" in stat else "")


def figure(key: str, digits: int = 0):
    """A column's value: the row's figure `key`, as `cell` writes it."""
    return lambda row: cell(row.get(key), digits)


def lines(columns: list[tuple], rows, flag: str = "") -> list[str]:
    """A heading line, then a line per row. A column is (heading, value, format spec): the value is a key of
    the row or a function of it; the heading takes the spec's alignment and width (`>7` of `>7.0f`). A row
    whose `flag` key is true ends with that word."""
    text = [" ".join(f"{heading:{re.match(r'[<>^]?[0-9]*', spec)[0]}}" for heading, _, spec in columns)]
    for row in rows:
        cells = [format(get(row) if callable(get) else row[get], spec) for _, get, spec in columns]
        text.append(" ".join(cells) + (f"  {flag}" if flag and row.get(flag) else ""))
    return text


def error_bars(stats: list) -> tuple[list, list[list]]:
    """The medians of `stats` and their distance to each low and high, as matplotlib's yerr wants them."""
    medians = [value(stat) for stat in stats]
    spreads = [stat if isinstance(stat, dict) else {} for stat in stats]
    return medians, [[median - spread.get("low", median) for median, spread in zip(medians, spreads)],
                     [spread.get("high", median) - median for median, spread in zip(medians, spreads)]]
