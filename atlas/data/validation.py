"""One validation layer for everything a contributor edits; `python3 dev.py validate` runs it.

A run collects every problem before it reports, each as ``file:line: entry.field: what is wrong — how to fix``:

1. every data file docs/data/NAME.yml|yaml|json against its JSON Schema docs/data/schemas/NAME.schema.json
   (draft 2020-12; a data file without a schema is itself a problem);
2. the rules a schema cannot say, as small check functions, all listed in CHECKS (the one registry: a new
   rule is a function added there). Each takes the Project it validates (the repository, or a scratch copy
   in a test) and reads every file through it; each returns a list of problem lines.

The MkDocs build calls `problems()` and fails on any; tests call it on a scratch copy with `Project(root)`.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

from atlas.collect import async_api, async_docs_coverage, async_guide_map, async_unsafe, upstream
from atlas.core.data_stamp import shared_readings, steady_data
from atlas.core.datafile import Project, in_file_order, problem
from atlas.core.errors import DataError
from atlas.core.paths import ROOT
from atlas.data import (
    applies,
    blocking_snippets,
    corrections,
    django_links,
    ecosystem,
    error_index,
    faq,
    frontmatter,
    lab_figures,
    moved_links,
    notebooks,
    page_figures,
    page_matrix_results,
    primary_sources,
    prose_facts,
    resources,
    search_questions,
    stack,
    support,
    use_case_levels,
    versions_data,
)
from atlas.site import stack_render


def data_file_problems(project: Project) -> list[str]:
    """Each data file against the schema with the same stem."""
    problems = []
    for path in project.data_files():
        shown = project.shown(path)
        if not project.schema_file(path.stem).exists():
            problems.append(problem(shown, 1, "", "the file has no schema",
                                    f"add docs/data/schemas/{path.stem}.schema.json (JSON Schema, draft 2020-12)"))
            continue
        problems += project.validate_file(path.stem)
    return problems


def check_lock(project: Project) -> list[str]:
    """The Django pinned in requirements.lock (what "code tested with" says) is a release in releases.yml."""
    lock = project.root / "requirements.lock"
    if not lock.exists():
        return []
    text = lock.read_text(encoding="utf-8")
    match = re.search(r"^django==(\d+)\.(\d+)\S*", text, re.IGNORECASE | re.MULTILINE)
    if not match:
        return [problem(project.shown(lock), 1, "django", "has no pin", "pin Django, e.g. django==6.1.3")]
    release = f"{match[1]}.{match[2]}"
    releases = project.releases()
    if not releases or release in releases:
        return []
    line = text[:match.start()].count("\n") + 1
    return [problem(project.shown(lock), line, "django", f"{match[0]} is release {release}, which "
                    "docs/data/releases.yml does not have",
                    "add its entry to docs/data/releases.yml: pages say their code is tested with it")]


# Every check of the project, each called as check(project). The slow ones carry `in_build = False`.
CHECKS: list[Callable[[Project], list[str]]] = [
    data_file_problems,
    versions_data.check_releases,
    versions_data.check_capabilities,
    versions_data.check_roadmap,
    versions_data.check_use_cases,
    check_lock,
    frontmatter.check,
    notebooks.check,
    faq.check,
    resources.check,
    error_index.check,
    page_matrix_results.check,
    lab_figures.check,
    page_figures.check,
    prose_facts.check,
    prose_facts.check_contradictions,
    upstream.check,
    async_api.check,
    async_docs_coverage.check,
    async_guide_map.problems,
    use_case_levels.check,
    applies.check,
    search_questions.check,
    stack.check,
    stack_render.check,
    async_unsafe.check,
    blocking_snippets.check,
    corrections.check,
    django_links.check,
    moved_links.check,
    support.check,
    ecosystem.check,
    primary_sources.check,
]


def problems(project: Project | None = None, checks: list[Callable] | None = None, *, build: bool = False) -> list[str]:
    """Every problem of the project (default: this repository), sorted by file and line.

    build=True (the MkDocs build, rerun on every edit by `dev.py serve`) leaves out the checks marked
    ``check.in_build = False`` (slow ones, such as reading every release's sdist); `dev.py validate` and
    the suite run them.
    """
    project = project or Project()
    found: list[str] = []
    with steady_data(), shared_readings():
        for check in checks if checks is not None else CHECKS:
            if build and getattr(check, "in_build", True) is False:
                continue
            try:
                found += check(project)
            except DataError as error:  # a loader refused bad data: its problems (most already found) join the rest
                lines = str(error).splitlines()
                found += [re.sub(r" \(and \d+ more below\)$", "", lines[0]), *lines[1:]]
            except Exception as error:  # a crashing check is reported with the others, not instead of them
                where = f"{check.__module__}.{check.__name__}"
                found.append(f"{where}: the check crashed ({type(error).__name__}: {error}) — fix the check or "
                             "the data it could not read")
    # a loader names files relative to the repository; name a scratch copy's files relative to its root
    root = str(project.root.resolve()) + "/"
    return in_file_order([line.replace(root, "") for line in found])


def report(found: list[str]) -> str:
    count = f"{len(found)} problem{'s' if len(found) != 1 else ''}"
    return "\n".join(found + [f"{count} found by the validation layer (python3 dev.py validate)"])


def main(argv: list[str] | None = None) -> int:
    """`python -m atlas.data.validation [ROOT] [--build]`: --build runs what every build runs, leaving out the
    slow checks (reading every release's sdist), as `dev.py check` does; the full suite runs those."""
    args = [a for a in (argv or []) if a != "--build"]
    root = Path(args[0]) if args else ROOT
    found = problems(Project(root), build="--build" in (argv or []))
    if found:
        print(report(found), file=sys.stderr)
        return 1
    print(f"validate: no problems ({len(Project(root).data_files())} data files, pages, notebooks, FAQ)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
