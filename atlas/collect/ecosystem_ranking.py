"""Refresh docs/data/ecosystem_ranking.json: the most downloaded Django packages, from a PyPI download ranking.

    python -m atlas.collect.ecosystem_ranking RANKING.tsv [--size 40]

RANKING.tsv is a monthly PyPI download ranking as a tab-separated file whose first line names the columns
``name  version  month  rank_among_15000_most_downloaded  summary`` (rank empty: not among the most downloaded).
The ranking's month is the newest release month the file lists. Candidates are the ranked projects whose name
or summary says Django (Django itself left out); walking them by rank, each one's newest distribution is
downloaded (pip download --no-deps) and kept when its own metadata is classified ``Framework :: Django``,
until `size` are kept. A package of the previous file that leaves the top keeps its row, marked
``in_top: false``. The file is the collector's input (atlas/collect/ecosystem.py): refreshing the ranking is
this data edit, and the collector follows it.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from atlas.collect.ecosystem_dists import download, is_django_package, metadata
from atlas.core.paths import DATA, relative

RANKING_FILE = DATA / "ecosystem_ranking.json"
RANK_COLUMN = "rank_among_15000_most_downloaded"
SOURCE = "PyPI download ranking"
NOT_PACKAGES = {"django": "Django itself, not a package for it"}
# Projects whose name and summary do not say Django, so the name-or-summary rule never reads their metadata;
# they are candidates like the others (kept only when classified Framework :: Django). Add one here when a
# reader names a Django package the page lacks.
ALSO_CANDIDATES = {
    "whitenoise": "its summary says 'static file serving for WSGI applications'",
    "factory-boy": "its summary names factory_bot for Ruby",
}


def read_ranking(tsv: Path) -> tuple[str, int, list[dict]]:
    """(month of the ranking, projects ranked, candidates by rank: name, rank, summary)."""
    ranked, month = [], ""
    with open(tsv, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            month = max(month, row.get("month") or "")
            if not row.get(RANK_COLUMN):
                continue
            ranked.append({"name": row["name"], "rank": int(row[RANK_COLUMN]), "summary": row.get("summary") or "",
                           "version": row.get("version") or "", "month": row.get("month") or ""})
    candidates = [r for r in ranked if "django" in r["name"].lower() or "django" in r["summary"].lower()
                  or r["name"].lower() in ALSO_CANDIDATES]
    return month, len(ranked), sorted(candidates, key=lambda r: r["rank"])


def derive(tsv: Path, size: int, previous: dict | None) -> dict:
    month, ranked, candidates = read_ranking(tsv)
    kept, excluded = [], []
    for c in candidates:
        if len(kept) == size:
            break
        if c["name"].lower() in NOT_PACKAGES:
            excluded.append({"name": c["name"], "rank": c["rank"], "reason": NOT_PACKAGES[c["name"].lower()]})
            continue
        meta = metadata(download(c["name"]))
        if not is_django_package(meta):
            excluded.append({"name": c["name"], "rank": c["rank"], "version": meta["version"],
                             "reason": "its metadata has no Framework :: Django classifier"})
            continue
        kept.append({"name": c["name"], "rank": c["rank"], "in_top": True, "version_checked": meta["version"],
                     "ranking_release": {"version": c["version"], "month": c["month"]}})
    names = {k["name"] for k in kept}
    for old in (previous or {}).get("packages", []):
        if old["name"] not in names:
            kept.append({**old, "in_top": False, "left_top_in": old.get("left_top_in") or month})
    return {"$schema": "schemas/ecosystem_ranking.schema.json",
            "source": {"name": SOURCE, "month": month, "projects_ranked": ranked,
                       "rule": f"the {size} most downloaded projects whose name or summary says Django and whose "
                               f"own metadata (wheel or sdist) is classified '{'Framework :: Django'}'; also read, as their "
                               f"name and summary do not say Django: {', '.join(sorted(ALSO_CANDIDATES))}"},
            "size": size, "packages": kept, "excluded": excluded}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.ecosystem_ranking", description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", type=Path)
    parser.add_argument("--size", type=int, default=40)
    args = parser.parse_args(argv)
    previous = json.loads(RANKING_FILE.read_text(encoding="utf-8")) if RANKING_FILE.exists() else None
    data = derive(args.tsv, args.size, previous)
    RANKING_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {relative(RANKING_FILE)}: {sum(p['in_top'] for p in data['packages'])} in the top, "
          f"{len(data['excluded'])} candidates excluded; ranking month {data['source']['month']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
