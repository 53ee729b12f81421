"""Check the figures quoted in prose against the stored lab runs (docs/data/lab-runs.json).

A page or notebook markdown cell quotes a measured figure and says where it comes from with a marker right
after it:

    an idle thread costs about 15 KiB<!-- lab: threads_vs_tasks summary.threads.rss_kib_per_unit -->

The marker names a benchmark and a dotted path into its stored run (`rows[way=threads]` selects the rows
whose way is "threads", and a later part takes that field of each); the value there is a number, a list,
a {median, min, max} spread or a median with its {low, high} interval. The figure (a number, or a range "a–b", optionally with a k suffix for
thousands) must lie within the stored min..max, widened by the rounding of the quoted figure and 5 % for
"about". A trailing `/1024` or `*1000` in the marker converts the stored unit to the quoted one.
`check()` also fails on a measured-looking figure (KiB, MiB, req/s, hand-overs, ×) with no marker in the
files that quote the lab.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from atlas.core.datafile import Project
from atlas.core.paths import DOCS

RUNS = DOCS / "data" / "lab-runs.json"
PAGES = ["lab/index.md", "faq/index.md", "faq/glossary.md", "concepts/threads-tasks-and-the-gil.md",
         "concepts/what-async-is-not.md", "use-cases/long-polling.md"]
NOTEBOOKS = ["lab/threads-vs-tasks.ipynb", "lab/sync-vs-async-under-load.ipynb", "lab/fan-out.ipynb",
             "lab/cpu-bound.ipynb"]
SELECT = re.compile(r"(?P<key>\w+)\[(?P<field>\w+)=(?P<value>[^\]]+)\]")
MARKER = re.compile(r"<!-- lab: (?P<benchmark>\w+) (?P<path>[\w. ()=\[\]-]+?)(?: (?P<op>[*/])(?P<factor>[\d.]+))? -->")
NUMBER = r"\d[\d,]*(?:\.\d+)?"
FIGURE = re.compile(rf"(?P<low>{NUMBER})(?:\s*[–-]\s*(?P<high>{NUMBER}))?\s*(?P<k>k)?[^\d<]{{0,24}}$")
# Looks measured: a number with one of these units. Setup values (8 MB stacks, 100 ms upstreams) use others.
MEASURED = re.compile(rf"{NUMBER}\s*(?:k\b|k/s)?\s*(?:KiB|req(?:uests)?/s|hand-overs|×|times (?:less|more|as))")
SLACK = 0.05


def stored(path: Path = RUNS) -> dict:
    return json.loads(Path(path).read_text())["runs"]


def lookup(runs: dict, benchmark: str, path: str) -> tuple[float, float]:
    """The stored min and max at benchmark + dotted path (KeyError naming what is missing)."""
    value = runs[benchmark]
    for part in re.split(r"\.(?![^\[]*\])", path):  # dots inside [...] belong to the selected value
        if selected := SELECT.fullmatch(part):  # rows[way=thread pool]: the rows whose way is "thread pool"
            value = [row for row in value[selected["key"]] if str(row[selected["field"]]) == selected["value"]]
            if not value:
                raise KeyError(part)
        elif isinstance(value, list) and not part.isdigit():  # a field of every selected row
            value = [row[part] for row in value]
        else:
            value = value[int(part)] if isinstance(value, list) else value[part]
    if isinstance(value, dict):  # a spread (min, max) or a median with its interval (low, high)
        if "min" in value or "low" in value:
            return float(value.get("min", value.get("low"))), float(value.get("max", value.get("high")))
        return float(value["median"]), float(value["median"])
    if isinstance(value, list):
        return float(min(value)), float(max(value))
    return float(value), float(value)


def _number(text: str) -> tuple[float, float]:
    """The value and half its last digit's place (the rounding of the quoted figure)."""
    text = text.replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10 ** -decimals


def texts(docs: Path = DOCS) -> list[tuple[str, int, str]]:
    """(file, line number, line) of every page line and notebook markdown line that may quote the lab."""
    found = []
    for name in PAGES:
        found += [(f"docs/{name}", number, line)
                  for number, line in enumerate((docs / name).read_text().splitlines(), 1)]
    for name in NOTEBOOKS:
        cells = json.loads((docs / name).read_text())["cells"]
        for index, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                found += [(f"docs/{name} cell {index}", number, line)
                          for number, line in enumerate("".join(cell["source"]).splitlines(), 1)]
    return found


def check_line(where: str, line: str, runs: dict) -> list[str]:
    problems = []
    for marker in MARKER.finditer(line):
        name = f"<!-- lab: {marker['benchmark']} {marker['path']} -->"
        figure = FIGURE.search(line[max(0, marker.start() - 60):marker.start()])
        if not figure:
            problems.append(f"{where}: {name} follows no figure — put it right after the number it checks")
            continue
        try:
            low, high = lookup(runs, marker["benchmark"], marker["path"])
        except (KeyError, IndexError, ValueError) as error:
            problems.append(f"{where}: {name} points at nothing in {RUNS.name} ({error!r}) — fix the path "
                            f"or store the run with python3 dev.py lab {marker['benchmark']} --full --store")
            continue
        if marker["op"]:
            factor = float(marker["factor"])
            low, high = (low * factor, high * factor) if marker["op"] == "*" else (low / factor, high / factor)
        scale = 1000 if figure["k"] else 1
        for text in filter(None, (figure["low"], figure["high"])):
            value, rounding = _number(text)
            value, rounding = value * scale, rounding * scale
            if not (low * (1 - SLACK) - rounding <= value <= high * (1 + SLACK) + rounding):
                problems.append(f"{where}: quoted {text}{figure['k'] or ''} is outside the stored "
                                f"{low:g}–{high:g} of {marker['benchmark']} {marker['path']} — quote the stored "
                                f"figure, or rerun and store the benchmark")
    marked_at = [marker.start() for marker in MARKER.finditer(line)]
    for found in MEASURED.finditer(line):
        if not any(0 <= start - found.end() <= 30 for start in marked_at):
            problems.append(f"{where}: measured-looking figure {found[0]!r} has no <!-- lab: ... --> marker "
                            f"right after it — add one pointing at the stored run, or reword")
    return problems


def check(project: Project) -> list[str]:
    """Problems with figures quoted in prose, each as `file:line: what is wrong — how to fix`."""
    runs = stored(project.file("lab-runs"))
    problems = []
    for where, number, line in texts(project.docs):
        problems += check_line(f"{where}:{number}", line, runs)
    return problems
