"""The page matrix on the newest release, read from the suite's own run.

The project's .venv runs the newest release (compat.yml `project: true`) and the whole suite runs every
page's code there anyway, so a page-matrix session on it would only run the same tests a second time.
Under --whole-run the run records every test's outcome as the page matrix's plugin does and, at its end,
checks the pages that claim that release as the page-matrix test checks the others: each one passed, and
docs/data/page_matrix.json (which the pages' "code tested with" line is built from) says the same.
`python3 dev.py pagematrix all X.Y` still runs and records that release on its own.
"""
from __future__ import annotations

from atlas.collect import page_matrix
from atlas.data import page_matrix_results
from atlas.in_release.page_matrix_plugin import Outcomes


class NewestPages(Outcomes):
    def problems(self) -> tuple[str | None, int, list[str]]:
        """(the release, how many pages claim it, what is wrong: [] when every page passed and the
        committed results agree)."""
        version = page_matrix.project_release()
        if version is None:
            return None, 0, []
        pages = page_matrix_results.plan(only=[version]).get(version, [])
        results = page_matrix.page_results(self.tests, pages)
        fresh = {"releases": {}, "pages": {page: {version: result} for page, result in results.items()}}
        problems = page_matrix_results.claim_problems(fresh, pages, only=[version])
        recorded = page_matrix_results.load_results()["pages"]
        stale = [page for page, result in results.items()
                 if recorded.get(page, {}).get(version, {}).get("status") != result["status"]]
        if stale:
            problems.append(f"docs/data/page_matrix.json is out of date on {version} ({', '.join(stale)}): "
                            f"run `python3 dev.py pagematrix all {version}` and commit it")
        return version, len(pages), problems


def report(recorder: NewestPages, session) -> None:
    """Print the check's line at the end of the run; a problem fails the run."""
    import pytest

    version, count, problems = recorder.problems()
    if version is None:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    reporter.write_sep("=", f"page matrix on Django {version}, from this run: "
                            f"{count - len(problems)} of {count} pages passed", red=bool(problems), green=not problems)
    for problem in problems:
        reporter.write_line(problem)
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
