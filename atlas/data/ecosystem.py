"""docs/data/ecosystem_ranking.json and docs/data/ecosystem.json: the rules a schema cannot say."""
from __future__ import annotations

import json

from atlas.core.paths import DATA, relative

RANKING_FILE = DATA / "ecosystem_ranking.json"
DATA_FILE = DATA / "ecosystem.json"


def check() -> list[str]:
    """The collected file follows the ranking (same packages, same order, same versions); a ranking row
    left out of the top says when. A refreshed ranking is a data edit the collector then follows."""
    if not (RANKING_FILE.exists() and DATA_FILE.exists()):
        return [f"{relative(DATA_FILE)}: missing — run `python -m atlas.collect.ecosystem`"]
    ranking = json.loads(RANKING_FILE.read_text(encoding="utf-8"))
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    want = [(p["name"], p["version_checked"], p["in_top"]) for p in ranking["packages"]]
    have = [(p["name"], p["version"], p["in_top"]) for p in data["packages"]]
    problems = []
    if want != have:
        problems.append(f"{relative(DATA_FILE)}: its packages are not those of {relative(RANKING_FILE)} (name, "
                        "version, in_top, in order) — run `python -m atlas.collect.ecosystem`")
    if sum(p["in_top"] for p in ranking["packages"]) != ranking["size"]:
        problems.append(f"{relative(RANKING_FILE)}: {ranking['size']} packages should be in the top")
    return problems
