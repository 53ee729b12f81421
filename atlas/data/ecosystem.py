"""docs/data/ecosystem_ranking.json and docs/data/ecosystem.json: the rules a schema cannot say."""
from __future__ import annotations

from atlas.core.datafile import read_json
from atlas.core.paths import DATA, relative

RANKING_FILE = DATA / "ecosystem_ranking.json"
DATA_FILE = DATA / "ecosystem.json"


def check(project) -> list[str]:
    """The collected file follows the ranking (same packages, same order, same versions); a ranking row
    left out of the top says when. A refreshed ranking is a data edit the collector then follows."""
    ranking_file, data_file = project.file("ecosystem_ranking"), project.file("ecosystem")
    if not (ranking_file.exists() and data_file.exists()):
        return [f"{relative(data_file)}: missing — run `python3 dev.py ecosystem`"]
    ranking = read_json(ranking_file, "python3 dev.py ecosystem", fields=("size", "packages"))
    data = read_json(data_file, "python3 dev.py ecosystem", fields=("packages",))
    want = [(p["name"], p["version_checked"], p["in_top"]) for p in ranking["packages"]]
    have = [(p["name"], p["version"], p["in_top"]) for p in data["packages"]]
    problems = []
    if want != have:
        problems.append(f"{relative(data_file)}: its packages are not those of {relative(ranking_file)} (name, "
                        "version, in_top, in order) — run `python3 dev.py ecosystem`")
    if sum(p["in_top"] for p in ranking["packages"]) != ranking["size"]:
        problems.append(f"{relative(RANKING_FILE)}: {ranking['size']} packages should be in the top")
    return problems + use_case_packages(project, {p["name"] for p in data["packages"]})


def use_case_packages(project, collected: set[str]) -> list[str]:
    """A package a use case names (docs/data/use_cases.yml, ecosystem.packages) is one the file collects."""
    doc = project.document("use_cases")
    problems = []
    for key, value in project.vocabulary("use_cases").items():
        for index, name in enumerate(((value or {}).get("ecosystem") or {}).get("packages", [])):
            if name not in collected:
                problems.append(doc.problem((key, "ecosystem", "packages", index),
                                            f"{name!r} is not a package of docs/data/ecosystem.json",
                                            "name a package of docs/data/ecosystem_ranking.json (its PyPI name)"))
    return problems
