"""Check the figures quoted in prose against the stored lab runs (docs/data/lab-runs.json).

A page or notebook markdown cell quotes a measured figure and says where it comes from with a marker right
after it:

    an idle thread costs about 16 KiB<!-- lab: threads_vs_tasks summary.threads.rss_kib_per_unit -->

The marker names a benchmark and a dotted path into its stored run (`rows[way=threads]` selects the rows
whose way is "threads", and a later part takes that field of each). A trailing `/1024` or `*1000` converts
the stored unit to the quoted one. The rules:

- **Precision**: the stored value, rounded half up to the places the quoted figure is written with, must be
  the quoted figure (45.4 may be quoted 45 or 45.4, not 47); trailing zeros of a whole number are not
  places (348,000 is rounded to thousands). And the quoted figure must be within 10 % of the stored value,
  so a figure too coarse to carry it fails: 0.06 s is not "0.1 s" (write 60 ms). "About" adds no slack.
- **Which value**: a single figure is checked against a single stored value, or the median of a spread
  ({median, min, max}) or of an interval ({median, low, high}); a range "a–b" against the lowest and highest
  (min/max, low/high, or of a list).
- **Flagged runs**: a timing (ms, µs, s, ×, %, per second) from a run flagged overloaded is not quoted.
- **Coverage**: every figure with a unit (ms, µs, s, kB, MB, GB, KiB, MiB, GiB, %, ×, req/s, hand-overs,
  "times less/more/as") needs a marker right after it, on every line of the lab's own pages (docs/lab/), of
  the reader pages (FOLDERS: faq, concepts, use-cases, learn; atlas/data/prose_facts.py reads those) and, on
  every other page and notebook, of each paragraph or table row that quotes the lab (carries a marker or links
  into docs/lab/). A figure that is not a stored measurement says what it is instead:
  `<!-- fact: setting FILE NAME -->` (a value of the page's own code: FILE's line naming NAME holds it, in
  the quoted unit, or converted between s/ms/µs or to bytes), `<!-- fact: source URL -->` (an outside
  default or figure, with the https:// address or the django:X.Y/path where it is documented), `<!-- fact: example WHY -->` (an illustration or a sum of
  other figures, with a reason of at least three words); `<!-- not measured -->` is the lab's older word for
  a setting of its own runs.

Figures a page's own tests measure are quoted the same way from docs/data/page_figures.json, written by
`python3 dev.py pagefigures --store` (atlas/collect/page_figures.py): `0.24 s<!-- fact: measured fan_out
async.one -->` follows every rule above, with GROUP in place of the benchmark.
"""
from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from atlas.core.datafile import Project
from atlas.core.paths import DOCS, ROOT

RUNS = DOCS / "data" / "lab-runs.json"
PAGE_FIGURES = DOCS / "data" / "page_figures.json"
SELECT = re.compile(r"(?P<key>\w+)\[(?P<field>\w+)=(?P<value>[^\]]+)\]")
MARKER = re.compile(r"<!-- lab: (?P<benchmark>\w+) (?P<path>[\w. (),=\[\]-]+?)(?: (?P<op>[*/])(?P<factor>[\d.]+))? -->")
# a stored figure: the lab's runs, or what a page's own tests measured (docs/data/page_figures.json)
QUOTE = re.compile(r"<!-- (?P<source>lab:|fact: measured) (?P<benchmark>\w+) (?P<path>[\w. (),=\[\]-]+?)"
                   r"(?: (?P<op>[*/])(?P<factor>[\d.]+))? -->")
SETTING = re.compile(r"<!-- fact: setting (?P<file>\S+) (?P<name>[^<>]+?) -->")
SOURCE = re.compile(r"<!-- fact: source (?P<url>(?:https://|django:)\S+) -->")  # django:X.Y/path: Django's docs
EXAMPLE = re.compile(r"<!-- fact: example (?P<why>[^<>]+?) -->")
NOT_MEASURED = "<!-- not measured -->"
COVERS = re.compile(rf"<!-- (?:lab:|fact: (?:measured|setting|source|example)|stack:)|{re.escape(NOT_MEASURED)}")
NUMBER = r"\d[\d,]*(?:\.\d+)?"
FIGURE = re.compile(rf"(?P<low>{NUMBER})(?:\s*[–-]\s*(?P<high>{NUMBER}))?\s*(?P<k>k)?[^\d<]{{0,24}}$")
UNIT = r"(?:ms|µs|s|[kMG]B|[KMG]iB|%|×|req(?:uests)?/s|hand-overs|times (?:less|more|as))"
MEASURED = re.compile(rf"(?<![\w.]){NUMBER}\s*(?:k\b|k/s)?\s*{UNIT}(?![\w])")
# a timing: its unit right after the figure, or right after the marker ("348,000<!-- ... --> times a second")
TIMING = re.compile(r"^\s*(?:k\s*)?(?:ms|µs|s|×|%|req(?:uests)?/s|(?:times|requests) a second)(?![\w])")
LAB_LINK = re.compile(r"\]\((?:\.\./)*lab/")
CLOSE = 30  # a marker this close after a figure belongs to it
# Headings, content-tab labels and admonition titles hold no marker (it would show in the title); the text under
# them states the figure, marked.
TITLE = re.compile(r"^\s*(?:#{1,6} |=== |[!?]{3}\+? )")
RELATIVE = 0.10
QUOTE_SLACK = 0.05  # two quotes of one stored figure, each written to its own precision, agree within this share
FIXES = ("quote a stored figure with <!-- lab: RUN KEY --> or <!-- fact: measured GROUP KEY --> "
         "(docs/data/page_figures.json), check a value of the page's code with <!-- fact: setting FILE NAME -->, "
         "cite an outside default with <!-- fact: source URL -->, or mark an illustration with "
         "<!-- fact: example WHY -->")


def stored(path: Path = RUNS) -> dict:
    """The stored runs (lab-runs.json) or figure groups (page_figures.json) by name."""
    data = json.loads(Path(path).read_text())
    return data["runs"] if "runs" in data else data["figures"]


def stores(project: Project) -> dict[str, dict]:
    """The data a figure marker names, by the marker's source."""
    measured = project.file("page_figures")
    return {"lab:": stored(project.file("lab-runs")),
            "fact: measured": stored(measured) if measured.exists() else {}}


def lookup(runs: dict, benchmark: str, path: str):
    """The stored value at benchmark + dotted path (KeyError naming what is missing): a number, a list of
    numbers, or a dict with a median and min/max or low/high."""
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
    return value


def bounds(value, is_range: bool) -> tuple[float, float] | str:
    """(value for a single figure or the range's low end, its high end), or why the figure cannot be checked."""
    if isinstance(value, dict):
        if is_range:
            if "min" in value or "low" in value:
                return float(value.get("min", value.get("low"))), float(value.get("max", value.get("high")))
            return "the stored value is one median, not a spread — quote one figure"
        return float(value["median"]), float(value["median"])
    if isinstance(value, list):
        numbers = [float(v["median"] if isinstance(v, dict) else v) for v in value]
        if is_range or len(set(numbers)) == 1:
            return min(numbers), max(numbers)
        return "the stored value is a list — quote its range a–b, or point the marker at one of them"
    if is_range:
        return "the stored value is one number, not a spread — quote one figure"
    return float(value), float(value)


def _places(text: str) -> Decimal:
    """The place the quoted figure is written to: 45.4 -> 0.1, 45 -> 1, 348,000 -> 1000."""
    number = Decimal(text.replace(",", ""))
    if "." in text or number == 0:
        return Decimal(1).scaleb(number.as_tuple().exponent)
    digits = str(int(number))
    return Decimal(1).scaleb(len(digits) - len(digits.rstrip("0")))


def mismatch(text: str, thousands: bool, value: float) -> str:
    """Why the quoted figure does not carry the stored value ("" when it does)."""
    quoted = Decimal(text.replace(",", ""))
    place = _places(text)
    if thousands:
        quoted, place = quoted * 1000, place * 1000
    rounded = Decimal(repr(value)).quantize(place, rounding=ROUND_HALF_UP) if place < 1 else \
        (Decimal(repr(value)) / place).quantize(Decimal(1), rounding=ROUND_HALF_UP) * place
    if rounded != quoted:
        return f"the stored {value:g} written to that precision is {rounded:,f}"
    if value and abs(float(quoted) - value) > RELATIVE * abs(value):
        return (f"{text} is too coarse for the stored {value:g} (more than {RELATIVE:.0%} off): write it with more "
                "digits or in a smaller unit")
    return ""


def pages(docs: Path = DOCS) -> list[tuple[str, str]]:
    """(name, markdown) of every page and of every notebook markdown cell ("docs/lab/x.ipynb cell 3")."""
    found = [(path.relative_to(docs.parent).as_posix(), path.read_text(encoding="utf-8"))
             for path in sorted(docs.rglob("*.md")) if "generated" not in path.relative_to(docs).parts]
    for path in sorted(docs.rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found += [(f"{path.relative_to(docs.parent).as_posix()} cell {index}", "".join(cell["source"]))
                  for index, cell in enumerate(cells) if cell["cell_type"] == "markdown"]
    return found


def blocks(text: str):
    """Paragraphs and table rows of a page as lists of (line number, line)."""
    block: list = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("|"):
            if block:
                yield block
            block = [(number, line)] if line.strip() else []
            if block:
                yield block
                block = []
        else:
            block.append((number, line))
    if block:
        yield block


def texts(docs: Path = DOCS) -> list[tuple[str, int, str, bool]]:
    """(file, line number, line, coverage) of every line that quotes the lab: coverage says whether every
    measured-looking figure on the line must carry a marker (the lab's pages, and paragraphs quoting it)."""
    found = []
    for name, text in pages(docs):
        own = name.startswith("docs/lab/")
        for block in blocks(text):
            joined = "\n".join(line for _, line in block)
            if own or "<!-- lab:" in joined or "<!-- fact: measured" in joined or LAB_LINK.search(joined):
                found += [(name, number, line, True) for number, line in block]
    return found


def check_line(where: str, line: str, runs: dict, coverage: bool = True, *, measured: dict | None = None,
               root: Path = ROOT) -> list[str]:
    """Problems of one line: each quoted figure against the stored value its marker names (`runs`: the lab's,
    `measured`: page_figures.json's groups), each setting against its file, and with `coverage` every figure
    with a unit that carries no marker."""
    problems = []
    data = {"lab:": runs, "fact: measured": measured or {}}
    for marker in QUOTE.finditer(line):
        lab = marker["source"] == "lab:"
        name = f"<!-- {marker['source']} {marker['benchmark']} {marker['path']} -->"
        store = "lab-runs.json" if lab else "page_figures.json"
        rerun = (f"python3 dev.py lab {marker['benchmark']} --full --store" if lab else
                 f"python3 dev.py pagefigures {marker['benchmark']} --store")
        figure = FIGURE.search(line[max(0, marker.start() - 60):marker.start()])
        if not figure:
            problems.append(f"{where}: {name} follows no figure — put it right after the number it checks")
            continue
        try:
            value = lookup(data[marker["source"]], marker["benchmark"], marker["path"])
        except (KeyError, IndexError, ValueError, TypeError) as error:
            problems.append(f"{where}: {name} points at nothing in {store} ({error!r}) — fix the path "
                            f"or store the figure with {rerun}")
            continue
        found = bounds(value, bool(figure["high"]))
        if isinstance(found, str):
            problems.append(f"{where}: {name}: {found}")
            continue
        if marker["op"]:
            factor = float(marker["factor"])
            found = tuple(v * factor if marker["op"] == "*" else v / factor for v in found)
        for text, value in zip(filter(None, (figure["low"], figure["high"])), found):
            if why := mismatch(text, bool(figure["k"]), value):
                problems.append(f"{where}: quoted {text}{figure['k'] or ''} does not match {marker['benchmark']} "
                                f"{marker['path']}: {why} — quote the stored figure (docs/data/{store}), or rerun "
                                f"and store it ({rerun})")
        unit_after = line[max(0, marker.start() - 60):marker.start()][figure.end("low") if not figure["high"]
                                                                      else figure.end("high"):]
        if data[marker["source"]][marker["benchmark"]]["provenance"].get("overloaded") and (
                TIMING.match(unit_after) or TIMING.match(line[marker.end():])):
            problems.append(f"{where}: {name} quotes a timing of a run flagged overloaded (unreliable) — rerun "
                            f"{rerun} on a quiet machine, or drop it")
    problems += [f"{where}: {why}" for why in _marked_problems(line, root)]
    if coverage and not TITLE.match(line):
        marked_at = [marker.start() for marker in COVERS.finditer(line)]
        for found in MEASURED.finditer(line):
            if not any(0 <= start - found.end() <= CLOSE for start in marked_at) and not _inside_marker(line, found):
                problems.append(f"{where}: figure {found[0]!r} has no marker right after it — {FIXES}; "
                                "see CONTRIBUTING.md, Figures in prose")
    return problems


SCALES = (1, 1000, 0.001, 1e6, 1e-6, 1024, 1024 ** 2, 1000 ** 2)  # s/ms/µs, and kB/KiB/MB/MiB in bytes


def _marked_problems(line: str, root: Path) -> list[str]:
    """A setting must be the value its file gives it; a source is an address; an example gives its reason."""
    problems = []
    for marker in SETTING.finditer(line):
        figure = FIGURE.search(line[max(0, marker.start() - 60):marker.start()])
        path = root / marker["file"] if (root / marker["file"]).is_file() else ROOT / marker["file"]
        if not figure:
            problems.append(f"{marker[0]} follows no figure — put it right after the number it checks")
            continue
        if not path.is_file() and not (root / Path(marker["file"]).parts[0]).is_dir():
            continue  # a copy of the site's sources without that folder (a scratch build has no tests/)
        if not path.is_file():
            problems.append(f"{marker[0]}: no file {marker['file']} — name the file (from the repository's root) "
                            "whose code sets the value")
            continue
        quoted = [float(text.replace(",", "")) * (1000 if figure["k"] else 1)
                  for text in filter(None, (figure["low"], figure["high"]))]
        lines = [text for text in path.read_text(encoding="utf-8").splitlines() if marker["name"] in text]
        numbers = {float(n.replace("_", "")) for text in lines for n in re.findall(r"(?<![\w.])\d[\d_]*(?:\.\d+)?", text)}
        if not lines or not all(any(abs(q * scale - n) <= 1e-9 * max(1, n) for n in numbers for scale in SCALES)
                                for q in quoted):
            problems.append(f"{marker[0]}: {marker['file']} has no line naming {marker['name']!r} that sets "
                            f"{figure[0].strip()} (its lines give {sorted(numbers) or 'no number'}) — quote what the "
                            "code sets, or point the marker at the line that sets it")
    for marker in re.finditer(r"<!-- fact: source (?P<url>[^<>]*?) -->", line):
        if not SOURCE.fullmatch(marker[0]):
            problems.append(f"{marker[0]}: a source is an https:// address where the figure is documented, or "
                            "django:X.Y/path for Django's docs")
    for marker in EXAMPLE.finditer(line):
        if len(marker["why"].split()) < 3:
            problems.append(f"{marker[0]}: say in at least three words why the figure is an illustration")
    return problems


def _inside_marker(line: str, found: re.Match) -> bool:
    """Inside a comment, or inside inline code (a message or a command the code prints, not a figure)."""
    return any(marker.start() < found.start() < marker.end() for marker in re.finditer(r"<!--.*?-->|`[^`]*`", line))


def quoted(line: str, data: dict[str, dict]):
    """(marker, the quoted text, its interval with rounding, the stored min..max or None, what settles it) of
    each stored figure a line quotes: what two quotes of one figure are compared by (`agree`)."""
    for marker in QUOTE.finditer(line):
        figure = FIGURE.search(line[max(0, marker.start() - 60):marker.start()])
        if not figure:
            continue
        value, rounding = float(figure["low"].replace(",", "")), float(_places(figure["low"])) / 2
        scale = 1000 if figure["k"] else 1
        try:  # a stored spread (min..max, an interval) may be quoted by its median in one place, its min in another
            value_stored = lookup(data[marker["source"]], marker["benchmark"], marker["path"])
            spread = bounds(value_stored, True)
            low, high = bounds(value_stored, False) if isinstance(spread, str) else spread
            if marker["op"]:
                factor = float(marker["factor"])
                low, high = (low * factor, high * factor) if marker["op"] == "*" else (low / factor, high / factor)
            found = (low, high)
        except (KeyError, IndexError, ValueError, TypeError):
            found = None  # pointing at nothing: check_line says so
        store = "lab-runs.json" if marker["source"] == "lab:" else "page_figures.json"
        yield (marker, figure[0].strip(), ((value - rounding) * scale, (value + rounding) * scale), found,
               f"docs/data/{store} {marker['benchmark']} {marker['path']}")


def agree(a: tuple[float, float], b: tuple[float, float], spread: tuple[float, float] | None) -> bool:
    """Whether two quotes of one stored figure (their intervals, rounding included) say the same: within
    QUOTE_SLACK of each other, or both inside the stored spread they may quote by its median or its min."""
    slack = QUOTE_SLACK * max(abs(a[1]), abs(b[1]))
    if not (a[1] + slack < b[0] or b[1] + slack < a[0]):
        return True
    if spread:
        low, high = spread[0] * (1 - QUOTE_SLACK), spread[1] * (1 + QUOTE_SLACK)
        return all(low <= f[1] and f[0] <= high for f in (a, b))
    return False


def check(project: Project) -> list[str]:
    """Problems with figures quoted in prose, each as `file:line: what is wrong — how to fix`."""
    data = stores(project)
    problems = []
    for where, number, line, coverage in texts(project.docs):
        problems += check_line(f"{where}:{number}", line, data["lab:"], coverage, measured=data["fact: measured"],
                               root=project.root)
    return problems


def rewritten(line: str, runs: dict, measured: dict | None = None) -> str:
    """The line with every marked figure that does not match rewritten from the stored run (or page figure),
    at the precision it was written with (one more decimal where that is too coarse). Words around it are
    not touched: reread the sentence, since a claim may no longer follow from the new figure."""
    data = {"lab:": runs, "fact: measured": measured or {}}
    for marker in reversed(list(QUOTE.finditer(line))):
        start = max(0, marker.start() - 60)
        figure = FIGURE.search(line[start:marker.start()])
        try:
            found = bounds(lookup(data[marker["source"]], marker["benchmark"], marker["path"]),
                           bool(figure and figure["high"]))
        except (KeyError, IndexError, ValueError, TypeError):
            continue
        if not figure or isinstance(found, str):
            continue
        if marker["op"]:
            factor = float(marker["factor"])
            found = tuple(v * factor if marker["op"] == "*" else v / factor for v in found)
        for group, value in reversed(list(zip(("low", "high"), found))):
            text = figure[group]
            if text is None or not mismatch(text, bool(figure["k"]), value):
                continue
            scale = 1000 if figure["k"] else 1
            place = _places(text)
            while mismatch(new := _formatted(value / scale, place, "," in text), bool(figure["k"]), value) and place > Decimal("1e-4"):
                place /= 10
            line = line[:start + figure.start(group)] + new + line[start + figure.end(group):]
    return line


def _formatted(value: float, place: Decimal, commas: bool) -> str:
    decimals = max(0, -place.as_tuple().exponent) if place < 1 else 0
    number = Decimal(repr(value)).quantize(place, rounding=ROUND_HALF_UP) if place < 1 else \
        (Decimal(repr(value)) / place).quantize(Decimal(1), rounding=ROUND_HALF_UP) * place
    return f"{number:,.{decimals}f}" if commas else f"{number:.{decimals}f}"


def fix(docs: Path = DOCS, runs_path: Path = RUNS, figures_path: Path = PAGE_FIGURES) -> list[str]:
    """Rewrite, in place, every marked figure in docs/ that no longer matches the stored runs and page figures;
    returns the files changed. `python3 dev.py labfigures --fix` after storing, then reread each change."""
    runs, changed = stored(runs_path), []
    measured = stored(figures_path) if Path(figures_path).exists() else {}
    for path in sorted(docs.rglob("*.md")) + sorted(docs.rglob("*.ipynb")):
        if "generated" in path.relative_to(docs).parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "<!-- lab:" not in text and "<!-- fact: measured" not in text:
            continue
        if path.suffix == ".ipynb":
            notebook = json.loads(text)
            for cell in notebook["cells"]:
                if cell["cell_type"] == "markdown":
                    source = "".join(cell["source"])
                    cell["source"] = [rewritten(line, runs, measured) for line in source.splitlines(keepends=True)]
            new = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        else:
            new = "".join(rewritten(line, runs, measured) for line in text.splitlines(keepends=True))
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path.relative_to(docs.parent).as_posix())
    return changed


def main(argv: list[str] | None = None) -> int:
    """`python3 dev.py labfigures`: print the problems; with --fix, first rewrite the figures that changed."""
    import argparse

    parser = argparse.ArgumentParser(prog="python3 dev.py labfigures", description=main.__doc__)
    parser.add_argument("--fix", action="store_true", help="rewrite quoted figures from docs/data/lab-runs.json and page_figures.json")
    args = parser.parse_args(argv)
    if args.fix:
        print("\n".join(f"rewritten: {name} (reread it)" for name in fix()) or "no figure to rewrite")
    problems = check(Project())
    print("\n".join(problems) or "every quoted lab figure matches its stored run")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
