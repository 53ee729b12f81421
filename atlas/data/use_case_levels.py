"""How far each use case is possible on each release: one computation, read by every page that says so.

The levels, the requirements that are packages and the ways to build each use case are data
(docs/data/use_case_levels.yml, whose comments define each level); a way's level on a release follows from
the capabilities it cannot do without (docs/data/capabilities.yml: present, partial) and what it needs
(its own `needs` plus those capabilities' `requires`). A use case's level is the best of its ways.

The matrix's "use cases by release" table, the use-cases index and each use-case page's "applies to"
(atlas/data/applies.py) call `table()`; `check` (found by atlas/data/validation.py) fails the build on a level that goes
down from one release to the next without a reason recorded under `drops`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from atlas.core.datafile import Project, load_vocabulary
from atlas.core.django_range import release_key
from atlas.core.errors import DataError

STEM = "use_case_levels"
# The cell colour (atlas.css .atlas-cell--*) each level is shown in: a package still means yes.
CELL_CLASS = {"alone": "full", "package": "full", "partial": "partial", "none": "no"}


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    means: str


@dataclass(frozen=True)
class Way:
    name: str
    capabilities: tuple[str, ...]
    needs: tuple[str, ...] = ()
    limits: str = ""
    django: str = ""  # the releases its package supports ("4.2-5.2"), when not every release

    def supports(self, release: str) -> bool:
        if not self.django:
            return True
        low, _, high = self.django.rstrip("+").partition("-")
        key = release_key(release)
        return release_key(low) <= key and (not high or key <= release_key(high))


@dataclass(frozen=True)
class Cell:
    """One use case on one release: its level, the way that reaches it (None for "none") and what that
    way needs besides Django (requirement ids, in requires.yml order)."""
    level: str
    way: Way | None
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Levels:
    levels: dict[str, Level]          # best first
    packages: frozenset[str]
    ways: dict[str, tuple[Way, ...]]  # use case id -> its ways
    drops: dict[str, dict[str, str]]  # use case id -> {release: why the level goes down there}

    def rank(self, level: str) -> int:
        """Higher is better: "none" is 0."""
        order = list(self.levels)
        return len(order) - 1 - order.index(level)

    def label(self, level: str) -> str:
        return self.levels[level].label


def parse(data: dict) -> Levels:
    """The data file's content (already checked against its schema) as Levels."""
    return Levels(
        levels={key: Level(key, value["label"], value["means"]) for key, value in data["levels"].items()},
        packages=frozenset(data["packages"]),
        ways={uc: tuple(Way(w["name"], tuple(w["capabilities"]), tuple(w.get("needs", ())), w.get("limits", ""),
                            w.get("django", ""))
                        for w in entry["ways"])
              for uc, entry in data["use_cases"].items()},
        drops={uc: dict(entry.get("drops") or {}) for uc, entry in data["use_cases"].items()},
    )


def load(path: Path | str | None = None) -> Levels:
    """docs/data/use_case_levels.yml (or the copy at `path`), checked against its schema. The default file is
    read again only when a file in docs/data changes (datafile.load_vocabulary)."""
    return parse(load_vocabulary(STEM, path))


def way_cell(way: Way, release: str, capabilities: dict, levels: Levels, order: list[str]) -> Cell:
    """The level `way` reaches on `release`. `capabilities`: id -> Capability; `order`: requirement ids
    in requires.yml order (what a way needs is listed in that order)."""
    caps = [capabilities[c] for c in way.capabilities]
    if not way.supports(release) or not all(c.present_in(release) for c in caps):
        return Cell("none", None, ())
    wanted = set(way.needs) | {r for c in caps for r in c.requires}
    needs = tuple(r for r in order if r in wanted and r != "none")
    if way.limits or any(c.level_in(release) == "partial" for c in caps):
        level = "partial"
    elif wanted & levels.packages:
        level = "package"
    else:
        level = "alone"
    return Cell(level, way, needs)


def use_case_cell(use_case: str, release: str, capabilities: dict, levels: Levels, order: list[str]) -> Cell:
    """The best of the use case's ways on `release` (the first listed wins a tie)."""
    return max(way_cells(use_case, release, capabilities, levels, order),
               key=lambda cell: levels.rank(cell.level))  # max keeps the first of equals


def way_cells(use_case: str, release: str, capabilities: dict, levels: Levels, order: list[str]) -> list[Cell]:
    """Each of the use case's ways on `release`, in the data's order."""
    return [way_cell(w, release, capabilities, levels, order) for w in levels.ways[use_case]]


def answer(use_case: str, release: str, capabilities: dict, levels: Levels, needs: dict | None = None) -> tuple[str, str]:
    """(level, how): the use case's level on `release` and, in words, the ways that reach it, then the
    other ways possible there with their level. `needs`: requires.yml's wording, to say what each way needs
    (None: leave it out). On this repository's data, `capabilities` is {id: Capability}."""
    from atlas.data.versions_data import requirements

    order = list(needs or requirements())
    cells = [c for c in way_cells(use_case, release, capabilities, levels, order) if c.way]
    if not cells:
        return "none", ""
    best = max(cells, key=lambda c: levels.rank(c.level)).level

    def said(cell: Cell) -> str:
        wanted = f" (needs {', '.join(needs[r] for r in cell.needs)})" if needs and cell.needs else ""
        return cell.way.name + wanted

    how = "; or ".join(said(c) for c in cells if c.level == best)
    others = [f"{said(c)} ({levels.label(c.level).lower()})" for c in cells if c.level != best]
    return best, how + ("; also " + "; ".join(others) if others else "")


def best_ways(use_case: str, release: str) -> tuple[str, list[Cell]]:
    """(the use case's level on `release`, every way that reaches it) on this repository's data."""
    from atlas.data.versions_data import load_capabilities, requirements

    levels = load()
    cells = way_cells(use_case, release, {c.id: c for c in load_capabilities()}, levels, list(requirements()))
    best = max(cells, key=lambda cell: levels.rank(cell.level)).level
    return best, [cell for cell in cells if cell.level == best and cell.way is not None]


def compute(levels: Levels, capabilities: list, releases: list[str], order: list[str]) -> dict[str, dict[str, Cell]]:
    """use case id -> {release: Cell}, for every use case in `levels` and every release, oldest first."""
    by_id = {c.id: c for c in capabilities}
    return {uc: {v: use_case_cell(uc, v, by_id, levels, order) for v in releases} for uc in levels.ways}


def table() -> dict[str, dict[str, Cell]]:
    """The computation on this repository's data (the function every page calls)."""
    from atlas.data.versions_data import feature_releases, load_capabilities, requirements

    return compute(load(), load_capabilities(), feature_releases(), list(requirements()))


def first_release(cells: dict[str, Cell]) -> str | None:
    """The first release (of one use case's row) where the use case is possible at all."""
    return next((v for v, cell in cells.items() if cell.level != "none"), None)


def last_release(cells: dict[str, Cell]) -> str | None:
    """The last release where it is possible, or None when that is the newest (open-ended)."""
    possible = [v for v, cell in cells.items() if cell.level != "none"]
    return None if not possible or possible[-1] == list(cells)[-1] else possible[-1]


def drops(levels: Levels, row: dict[str, Cell]) -> list[tuple[str, str, str]]:
    """(release, level before, level there) wherever the level goes down from one release to the next."""
    versions = list(row)
    return [(v, row[before].level, row[v].level) for before, v in zip(versions, versions[1:])
            if levels.rank(row[v].level) < levels.rank(row[before].level)]


# --------------------------------------------------------------------------------------------------
# The rules a schema cannot say (found by atlas/data/validation.py by name)


def check(project: Project) -> list[str]:
    """Ids that must exist elsewhere, every use case covered, and no unexplained drop in level."""
    from atlas.data.versions_data import load_capabilities

    doc = project.document(STEM)
    if doc is None or project.validate_file(STEM) or not isinstance(doc.data, dict):
        return []  # missing or malformed: data_file_problems reports it
    data = doc.data
    problems = []
    use_cases = project.vocabulary("use_cases")
    requires = project.vocabulary("requires")
    caps_doc = project.document("capabilities")
    capability_ids = {e.get("id") for e in (caps_doc.data if caps_doc and isinstance(caps_doc.data, list) else [])
                      if isinstance(e, dict)}
    for number, name in enumerate(data["packages"]):
        if name not in requires:
            problems.append(doc.problem(("packages", number), f"{name!r} is not a requirement in docs/data/requires.yml",
                                        f"use one of {', '.join(requires)}"))
    for uc, entry in data["use_cases"].items():
        if uc not in use_cases:
            problems.append(doc.problem(("use_cases", uc), f"{uc!r} is not a use case in docs/data/use_cases.yml",
                                        f"use one of {', '.join(use_cases)}, or add it there first"))
        for index, way in enumerate(entry["ways"]):
            for number, cap in enumerate(way["capabilities"]):
                if cap not in capability_ids:
                    problems.append(doc.problem(("use_cases", uc, "ways", index, "capabilities", number),
                                                f"{cap!r} is not a capability id",
                                                "use an id from docs/data/capabilities.yml"))
            for number, need in enumerate(way.get("needs", ())):
                if need not in requires:
                    problems.append(doc.problem(("use_cases", uc, "ways", index, "needs", number),
                                                f"{need!r} is not a requirement in docs/data/requires.yml",
                                                f"use one of {', '.join(requires)}"))
    for uc in use_cases:
        if uc not in data["use_cases"]:
            problems.append(doc.problem(("use_cases",), f"use case {uc!r} (docs/data/use_cases.yml) has no ways",
                                        f"add '{uc}: {{ways: [...]}}' saying how it is built"))
    if problems:
        return problems
    try:
        capabilities = load_capabilities(project.file("capabilities"))
    except DataError:
        return []  # the capabilities' own check reports it
    levels = parse(data)
    releases = project.releases()
    rows = compute(levels, capabilities, releases, list(requires))
    for uc, row in rows.items():
        recorded = levels.drops[uc]
        found = {v for v, _before, _after in drops(levels, row)}
        for v, before, after in drops(levels, row):
            if v not in recorded:
                problems.append(doc.problem(("use_cases", uc), f"the level goes down in Django {v}: "
                                            f"{levels.label(before)} in the release before, {levels.label(after)} there",
                                            f"fix the data if it is wrong, or record why under drops: {{\"{v}\": ...}}"))
        for v in recorded:
            if v not in found:
                problems.append(doc.problem(("use_cases", uc, "drops", v), f"nothing drops in Django {v} "
                                            f"(it is {levels.label(row[v].level) if v in row else 'not a release'} "
                                            "there, no lower than the release before)",
                                            "remove the reason"))
    return problems
