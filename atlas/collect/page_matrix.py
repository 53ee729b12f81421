"""The page matrix: every use-case and learn page's code runs on the releases the page claims.

    python3 dev.py pagematrix                       # every page, every release it must run on
    python3 dev.py pagematrix use-cases/uploads.md  # one page (its releases)
    python3 dev.py pagematrix all 4.2               # every page that claims 4.2, on 4.2 only
    python3 dev.py pagematrix --resolve 4.2         # ask pip which package versions 4.2 runs with

A page's releases: the oldest of its "Applies to" range, each LTS inside it (the `lts` flag of
docs/data/releases.yml) and the newest release (atlas/data/page_code.py). Per release, ONE pytest session in
that release's environment runs the page's own python blocks (Sybil) and its use case's tests; the demo
project composes only the use cases whose range holds that release. Environments: under ~/.cache/django-async-atlas/envs/
(atlas/collect/envs.py: named by their content, built once, several at a time), made with the Python and the exact
package pins of docs/data/compat.yml; the newest release runs in the
project's own .venv. Results go to docs/data/page_matrix.json, which the build reads for each page's
"code tested with" line and the suite checks against the ranges.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from atlas.collect import envs
from atlas.collect.environments import FOREIGN_ENV
from atlas.collect.envs import find_python
from atlas.core.errors import DataError
from atlas.core.paths import ROOT, relative
from atlas.core.progress import show_progress
from atlas.data.compat import (
    COMPAT_FILE,
    Compat,
    ReleaseEnv,
    load_compat,
    load_compat_unresolved,
    release_keys,
    wanted_packages,
    write_compat,
)
from atlas.data.page_code import PageCode, pages_with_code
from atlas.data.page_matrix_results import (
    RESULTS_FILE,
    claim_problems,
    load_results,
    merge_results,
    plan,
    write_results,
)

log = logging.getLogger(__name__)
PLUGIN = "atlas.in_release.page_matrix_plugin"



def resolve(version: str, path: Path = COMPAT_FILE) -> dict[str, str]:
    """Ask pip's resolver, on the release's Python, which versions of the needed packages go with
    django==<newest patch>; write every chosen pin (dependencies included) into compat.yml."""
    compat = load_compat_unresolved(path)
    env = compat.releases[version]
    release = release_keys()[version]
    interpreter = find_python(env.python)
    wanted = [f"django=={release.newest_patch}"] + wanted_packages(compat, version)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        log.info(f"  pip install --dry-run on Python {env.python}: {' '.join(wanted)}")
        done = subprocess.run([interpreter, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
                               "--disable-pip-version-check", "--report", str(report), *wanted],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pip could not resolve {version}:\n{done.stderr[-4000:]}")
        chosen = json.loads(report.read_text())["install"]
    pins = {item["metadata"]["name"].lower().replace("_", "-"): item["metadata"]["version"] for item in chosen}
    compat.releases[version] = ReleaseEnv(release=version, python=env.python, project=env.project, packages=pins,
                                          resolved=dt.date.today().isoformat())
    write_compat(compat, path)
    return pins


def interpreter(version: str, compat: Compat) -> str:
    env = compat.releases.get(version)
    if env is None:
        raise DataError(f"{relative(COMPAT_FILE)}: releases: no entry for {version}, which a page claims; "
                        f"add `- release: \"{version}\"` with a python and run `python3 dev.py pagematrix --resolve {version}`")
    release = release_keys()[version]
    if env.project:
        if metadata.version("django") != release.newest_patch:
            raise RuntimeError(f"the project's .venv runs Django {metadata.version('django')}, "
                               f"compat.yml says {version} runs there ({release.newest_patch})")
        return sys.executable
    if env.packages.get("django") != release.newest_patch:
        raise DataError(f"{relative(COMPAT_FILE)}: releases[{version}].packages.django = "
                        f"{env.packages.get('django')!r}, but releases.yml's newest patch is {release.newest_patch}; "
                        f"run `python3 dev.py pagematrix --resolve {version}`")
    return str(envs.python_in(envs.ensure(env_spec(env))))


def env_spec(env: ReleaseEnv) -> envs.Spec:
    """A release's page-matrix environment: its Python and every pin of compat.yml (the whole set: no deps)."""
    pins = tuple(f"{name}=={version_}" for name, version_ in sorted(env.packages.items()))
    return envs.Spec(env.python, pins, no_deps=True, label=f"page matrix {env.release}")


def selection(page: PageCode) -> list[str]:
    """What pytest runs for a page: the page itself (its python blocks) and its use case's tests."""
    return ([relative(page.path)] if page.has_blocks else []) + [relative(t) for t in page.tests]


def owners(node_id: str, pages: list[PageCode], selections: dict[str, list[str]] | None = None) -> list[str]:
    """The pages a test node belongs to (a node id starts with a path pytest was given); `selections`:
    each page's selection, worked out once for many nodes."""
    path = node_id.split("::", 1)[0]
    selections = selections or {p.page: selection(p) for p in pages}
    return [page for page, chosen in selections.items()
            if any(path == s or path.startswith(s.rstrip("/") + "/") for s in chosen)]


def run_release(version: str, pages: list[PageCode], compat: Compat, sessions: int = 1) -> dict:
    """The pages' code on `version`: {django, python, seconds, summary, pages: {page: result}}. Their test
    paths go to `sessions` pytest sessions at once, each path whole (a page's blocks share one namespace);
    the tests wait on servers and timeouts far more than they compute, so two sessions overlap the waits."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    python = interpreter(version, compat)
    setup = time.perf_counter() - started
    targets = list(dict.fromkeys(s for page in pages for s in selection(page)))
    groups = [g for g in (targets[i::max(1, sessions)] for i in range(max(1, sessions))) if g]
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        done = list(pool.map(lambda group: run_session(version, python, group), groups))
    outcomes = {node: outcome for data, _ in done for node, outcome in data["tests"].items()}
    output = "\n".join(out for _, out in done)
    summary = "; ".join((out.strip().splitlines()[-1:] or [""])[0] for _, out in done)
    result = {"django": done[0][0]["django"], "python": done[0][0]["python"], "setup_seconds": round(setup, 1),
              "test_seconds": round(time.perf_counter() - started - setup, 1), "summary": summary}
    return result | {"pages": page_results(outcomes, pages, output)}


def run_session(version: str, python: str, targets: list[str]) -> tuple[dict, str]:
    """One pytest session in the release's environment: (the plugin's report, pytest's output)."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    with tempfile.TemporaryDirectory(prefix="atlas-page-matrix-") as scratch:
        report = Path(scratch) / "report.json"
        # bytecode cached under .cache/ (as dev.py does), for the release's packages too: each session
        # compiled Django and the tests afresh before, 10.5 against 9.1 CPU-s for 4.1's pages
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(ROOT / ".cache" / "pycache"),
                   ATLAS_PAGE_MATRIX_REPORT=str(report))
        command = [python, "-m", "pytest", "-p", PLUGIN, "-q", "-m", "not browser and not matrix",
                   "-p", "no:cacheprovider", "--continue-on-collection-errors", *targets]
        log.info(f"  pytest on Django {version}: {' '.join(targets)}")
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        if not report.exists():
            raise RuntimeError(f"pytest on Django {version} wrote no report (exit {done.returncode}):\n"
                               f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return json.loads(report.read_text()), done.stdout


def page_results(outcomes: dict[str, str], pages: list[PageCode], output: str = "") -> dict[str, dict]:
    """{page: its result on one release} from every test's outcome there (the plugin's report);
    a failing page keeps the end of the pytest output."""
    today = dt.date.today().isoformat()
    selections = {p.page: selection(p) for p in pages}
    by_page: dict[str, dict[str, str]] = {p.page: {} for p in pages}
    for node, outcome in outcomes.items():
        for page in owners(node, pages, selections):
            by_page[page][node] = outcome
    results = {}
    for page in pages:
        mine = by_page[page.page]
        failed = sorted(n for n, o in mine.items() if o == "failed")
        skipped = sorted(n for n, o in mine.items() if o.startswith("skipped"))
        passed = sorted(n for n, o in mine.items() if o == "passed")
        later = sorted(n for n, o in mine.items() if o.startswith("not applicable"))
        status = "failed" if failed or not passed else ("incomplete" if skipped else "passed")
        results[page.page] = {"status": status, "date": today, "passed": passed, "failed": failed,
                              "skipped": {n: mine[n][len("skipped: "):] for n in skipped},
                              "not_applicable": {n: mine[n][len("not applicable: "):] for n in later}}
        if failed and output:
            results[page.page]["output"] = output[-6000:]
    return results


def project_release(compat: Compat | None = None) -> str | None:
    """The release the project's own .venv runs (compat.yml `project: true`): the suite's own run of the
    pages' code is its result, so the suite does not run those pages again (tests/support/newest_pages.py)."""
    return next((v for v, env in (compat or load_compat_unresolved()).releases.items() if env.project), None)


JOBS = int(os.environ.get("ATLAS_PAGE_MATRIX_JOBS", "2"))
# The suite runs a release's pages in shares of at most this many, each its own pytest session, so the
# parallel workers share out the releases that most pages claim (their tests wait on servers more than they compute).
PAGES_PER_SHARE = 6
# ...and each share in two pytest sessions at once: its tests mostly wait (4.1's pages: 30 s, 10 CPU-s)
SESSIONS_IN_THE_SUITE = 2


def shares(size: int = PAGES_PER_SHARE) -> list[tuple[str, int, int]]:
    """(release, share, of) for every release of the plan but the project's own: its pages split into `of`
    shares of at most `size`."""
    own = project_release()
    return [(version, share, of) for version, pages in plan().items() if version != own
            for of in [-(-len(pages) // size)] for share in range(1, of + 1)]


def pages_of_share(version: str, share: int, of: int) -> list[PageCode]:
    """The pages of one share: every `of`-th page of the release's plan, from the `share`-th on."""
    return plan(only=[version])[version][share - 1::of]


def run(pages: list[PageCode] | None = None, only: list[str] | None = None, jobs: int = JOBS,
        sessions: int = 1) -> dict:
    """Run the plan, `jobs` releases at a time (their servers wait more than they compute), each in
    `sessions` pytest sessions; {release: run_release(...)} in release order."""
    from concurrent.futures import ThreadPoolExecutor

    compat = load_compat()
    chosen = plan(pages, only)
    # every environment first, several at once (uv waits on downloads and disk more than on the CPU)
    envs.ensure_many([env_spec(compat.releases[v]) for v in chosen
                      if v in compat.releases and not compat.releases[v].project])
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {v: pool.submit(run_release, v, p, compat, sessions) for v, p in chosen.items()}
        return {v: future.result() for v, future in futures.items()}


def report(version: str, outcome: dict) -> str:
    lines = [f"== Django {outcome['django']} ({version}) on Python {outcome['python']}: setup "
             f"{outcome['setup_seconds']} s, tests {outcome['test_seconds']} s — {outcome['summary']}"]
    for page, result in outcome["pages"].items():
        lines.append(f"  {result['status']:<10} {page}" + "".join(f"\n      ! {n}" for n in result["failed"]))
    return "\n".join(lines)


# -- command line ------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    show_progress()
    parser = argparse.ArgumentParser(prog="python3 dev.py pagematrix", description=__doc__.split("\n\n")[0])
    parser.add_argument("page", nargs="?", default="all", help="a page under docs/ (use-cases/uploads.md) or all")
    parser.add_argument("release", nargs="*", help="only these releases (default: every release the page must run on)")
    parser.add_argument("--resolve", metavar="X.Y", nargs="+", help="let pip choose the package pins of these releases")
    args = parser.parse_args(argv)
    if args.resolve:
        for version in args.resolve:
            print(f"== resolving Django {version}")
            pins = resolve(version)
            print("  " + ", ".join(f"{k}=={v}" for k, v in sorted(pins.items())))
        return 0
    pages = pages_with_code()
    if args.page != "all":
        pages = [p for p in pages if p.page == args.page.removeprefix("docs/")]
        if not pages:
            parser.error(f"{args.page}: not a use-case or learn page with code "
                         f"(known: {', '.join(p.page for p in pages_with_code())})")
    started = time.perf_counter()
    runs = run(pages, args.release or None)
    for version, outcome in runs.items():
        print(report(version, outcome))
    write_results(merge_results(runs, load_results()))
    print(f"total {time.perf_counter() - started:.1f} s; results in {relative(RESULTS_FILE)}")
    problems = claim_problems(load_results(), pages, args.release or None)
    for problem in problems:
        print("! " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
