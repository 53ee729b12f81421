"""The page matrix's plan and results (docs/data/page_matrix.json): what runs where, what passed, and their rules."""
from __future__ import annotations

import json
from pathlib import Path

from atlas.core.datafile import Project, read_json
from atlas.core.paths import DATA
from atlas.data.compat import load_compat_unresolved, release_keys
from atlas.data.page_code import PageCode, pages_with_code
from atlas.data.versions_data import load_releases, newer_than_collected

RESULTS_FILE = DATA / "page_matrix.json"
# -- what runs where ---------------------------------------------------------------------------------

def plan(pages: list[PageCode] | None = None, only: list[str] | None = None,
         releases_file: Path | None = None) -> dict[str, list[PageCode]]:
    """release -> the pages that must run on it, in release order."""
    releases = load_releases(releases_file)
    order = [r.version for r in releases]
    lts = [r.version for r in releases if r.lts]
    runs: dict[str, list[PageCode]] = {}
    for page in pages if pages is not None else pages_with_code():
        for version in page.required_releases(order, lts):
            if only is None or version in only:
                runs.setdefault(version, []).append(page)
    return {v: runs[v] for v in order if v in runs}


# -- results: docs/data/page_matrix.json -------------------------------------------------------------

def load_results(path: Path = RESULTS_FILE) -> dict:
    return read_json(path, "python3 dev.py pagematrix", fields=("releases", "pages"),
                     default={"releases": {}, "pages": {}})


def merge_results(runs: dict, results: dict) -> dict:
    """Fold fresh runs into the results (page x release), replacing what they re-ran."""
    for version, outcome in runs.items():
        results["releases"][version] = {k: outcome[k] for k in ("django", "python", "setup_seconds", "test_seconds")}
        for page, result in outcome["pages"].items():
            result = {k: v for k, v in result.items() if k != "output"}
            results["pages"].setdefault(page, {})[version] = result
    # keep exactly what the ranges ask for: a narrowed page drops the releases it no longer claims
    wanted = {(page.page, version) for version, pages in plan().items() for page in pages}
    order = list(release_keys())
    results["pages"] = {p: {v: r[v] for v in sorted(r, key=order.index) if (p, v) in wanted}
                        for p, r in sorted(results["pages"].items())}
    results["pages"] = {p: r for p, r in results["pages"].items() if r}
    used = {v for r in results["pages"].values() for v in r}
    results["releases"] = {v: results["releases"][v] for v in order if v in used and v in results["releases"]}
    return results


def write_results(results: dict, path: Path = RESULTS_FILE) -> None:
    path.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def claim_problems(results: dict, pages: list[PageCode] | None = None, only: list[str] | None = None,
                   releases_file: Path | None = None) -> list[str]:
    """Every page x required release without a passing result, as 'page: Django X.Y: what failed'."""
    problems = []
    for version, chosen in plan(pages, only, releases_file).items():
        for page in chosen:
            result = results["pages"].get(page.page, {}).get(version)
            label = page.range.label()
            if result is None:
                problems.append(f"docs/{page.page}: claims {label} but its code has no result on Django {version}; "
                                f"run `python3 dev.py pagematrix {page.page} {version}`")
            elif result["status"] != "passed":
                detail = ", ".join(result["failed"][:5]) or ", ".join(f"{n} ({why})" for n, why in result["skipped"].items())
                problems.append(f"docs/{page.page}: claims {label} but its code {result['status']} on Django {version}"
                                f" ({detail or 'no test ran'}); narrow the page's `django:` range or add a version tab")
    return problems


def tested_releases(page: str, results: dict | None = None) -> list[str]:
    """The releases a page's code passed on, from the recorded results, oldest first."""
    recorded = (results or load_results())["pages"].get(page, {})
    return [v for v in release_keys() if recorded.get(v, {}).get("status") == "passed"]


def tested_label(page: str, results: dict | None = None) -> str | None:
    """'Django 4.2, 5.2 and 6.1' for a page in the matrix, None for a page outside it."""
    versions = tested_releases(page, results)
    if not versions:
        return None
    shown = ", ".join(versions[:-1]) + (" and " if len(versions) > 1 else "") + versions[-1]
    return f"Django {shown}"


def to_collect(order: list[str], results: dict) -> list[str]:
    """Releases newer than every recorded run: added to releases.yml, not yet resolved and run."""
    return newer_than_collected(order, results["releases"])


def check(project: Project) -> list[str]:
    """Cross-file rules (for atlas/data/validation.py): compat.yml against releases.yml, results against ranges.
    A release newer than the recorded runs is not a problem: the upstream report lists it to collect."""
    problems = []
    releases = {r.version: r for r in load_releases(project.file("releases"))}
    results = load_results(project.file("page_matrix"))
    pending = to_collect(list(releases), results)
    where = project.shown(project.file("compat"))
    compat = load_compat_unresolved(project.file("compat"))
    for version, env in compat.releases.items():
        if version not in releases:
            problems.append(f"{where}: releases[{version}].release: not a release in docs/data/releases.yml — remove it")
            continue
        if env.python not in releases[version].pythons:
            problems.append(f"{where}: releases[{version}].python = {env.python!r}: Django {version} supports "
                            f"Python {', '.join(releases[version].pythons)} (releases.yml); pick one of those")
    collected = [v for v in releases if v not in pending]
    try:
        pages = pages_with_code(project.docs)
    except ValueError:  # a page's range names no release (DataError, RangeError): the front matter check says so
        return problems
    for version in plan(pages, only=collected, releases_file=project.file("releases")):
        if version not in compat.releases:
            problems.append(f"{where}: releases: no entry for {version}, which a page claims; add one and run "
                            f"`python3 dev.py pagematrix --resolve {version}`")
    return problems + claim_problems(results, pages, only=collected, releases_file=project.file("releases"))
