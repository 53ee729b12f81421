"""docs/data/page_figures.json's rules beyond its schema: each group's page quotes it, and its tests record it.

The figures are written by `python3 dev.py pagefigures --store` (atlas/collect/page_figures.py); the quotes
on the pages are checked against them by atlas/data/lab_figures.py.
"""
from __future__ import annotations

import json

from atlas.core.datafile import Project


def check(project: Project) -> list[str]:
    path = project.file("page_figures")
    if not path.exists():
        return []
    shown = project.shown(path)
    problems = []
    for name, group in json.loads(path.read_text(encoding="utf-8"))["figures"].items():
        page = project.root / group["page"]
        if not page.is_file() or f"<!-- fact: measured {name} " not in page.read_text(encoding="utf-8"):
            problems.append(f"{shown}: figures.{name}.page: {group['page']} quotes none of its figures — quote "
                            f"them there with <!-- fact: measured {name} KEY -->, or name the page that does")
        # a copy of the site's sources without tests/ (a scratch build) has no tests to read
        for test in group["tests"] if (project.root / "tests").is_dir() else []:
            file = project.root / test.split("::")[0]
            if not file.is_file() or f'record("{name}"' not in file.read_text(encoding="utf-8"):
                problems.append(f"{shown}: figures.{name}.tests: {test} does not record {name} — call "
                                f'record("{name}", KEY, value) from tests/support/figures.py where it measures')
    return problems
