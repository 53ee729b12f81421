"""The page matrix: every use-case and learn page's code runs on the releases the page claims.

    python3 dev.py pagematrix                       # every page, every release it must run on
    python3 dev.py pagematrix use-cases/uploads.md  # one page (its releases)
    python3 dev.py pagematrix all 4.2               # every page that claims 4.2, on 4.2 only
    python3 dev.py pagematrix --resolve 4.2         # ask pip which package versions 4.2 runs with

A page's releases: the oldest of its "Applies to" range, each LTS inside it (the `lts` flag of
docs/data/releases.yml) and the newest release (atlas/page_code.py). Per release, ONE pytest session in
that release's environment runs the page's own python blocks (Sybil) and its use case's tests; the demo
project composes only the use cases whose range holds that release. Environments: under .cache/envs/
(atlas/envs.py: named by their content, built once, several at a time), made with the Python and the exact
package pins of docs/data/compat.yml; the newest release runs in the
project's own .venv. Results go to docs/data/page_matrix.json, which the build reads for each page's
"code tested with" line and the suite checks against the ranges.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from atlas.errors import DataError
from atlas import envs
from atlas.matrix import FOREIGN_ENV, find_python
from atlas.page_code import PageCode, pages_with_code
from atlas.paths import DATA, ROOT, relative
from atlas.versions_data import load_releases, newer_than_collected
from atlas import datafile

COMPAT_FILE = DATA / "compat.yml"
RESULTS_FILE = DATA / "page_matrix.json"
PLUGIN = "atlas.page_matrix_plugin"


# -- data: docs/data/compat.yml ---------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    name: str
    since: str | None  # the first release the package applies to (django-tasks-db: 6.0), None: all


@dataclass(frozen=True)
class ReleaseEnv:
    release: str
    python: str
    project: bool                    # the project's own .venv (requirements.lock)
    packages: dict[str, str]         # every pin pip's resolver chose, django included
    resolved: str | None


@dataclass(frozen=True)
class Compat:
    needs: tuple[Need, ...]
    releases: dict[str, ReleaseEnv]


def load_compat(path: Path = COMPAT_FILE) -> Compat:
    raw = datafile.safe_load(path.read_text(encoding="utf-8"))
    where = relative(path)
    needs = tuple(Need(n["name"], n.get("from")) for n in raw["needs"])
    releases = {}
    for entry in raw["releases"]:
        version = entry["release"]
        releases[version] = ReleaseEnv(release=version, python=entry["python"], project=bool(entry.get("project")),
                                       packages=dict(entry.get("packages") or {}),
                                       resolved=str(entry["resolved"]) if entry.get("resolved") else None)
        if not releases[version].project and not releases[version].packages:
            raise DataError(f"{where}: releases[{version}].packages: no pins yet — run "
                            f"`python3 dev.py pagematrix --resolve {version}` to let pip choose them")
    return Compat(needs=needs, releases=releases)


def write_compat(compat: Compat, path: Path = COMPAT_FILE) -> None:
    """Rewrite compat.yml (its header comment kept), e.g. after --resolve."""
    header = path.read_text(encoding="utf-8").split("\nneeds:", 1)[0]
    lines = [header, "needs:"]
    for need in compat.needs:
        lines.append(f"  - name: {need.name}")
        if need.since:
            lines.append(f'    from: "{need.since}"')
    lines.append("releases:")
    for env in compat.releases.values():
        lines += [f'  - release: "{env.release}"', f'    python: "{env.python}"']
        if env.project:
            lines.append("    project: true")
        if env.resolved:
            lines.append(f'    resolved: "{env.resolved}"')
        if env.packages:
            lines.append("    packages:")
            lines += [f'      {name}: "{version}"' for name, version in sorted(env.packages.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def release_keys() -> dict[str, object]:
    return {r.version: r for r in load_releases()}


def wanted_packages(compat: Compat, version: str) -> list[str]:
    order = list(release_keys())
    return [n.name for n in compat.needs if n.since is None or order.index(version) >= order.index(n.since)]


def resolve(version: str, path: Path = COMPAT_FILE, log=print) -> dict[str, str]:
    """Ask pip's resolver, on the release's Python, which versions of the needed packages go with
    django==<newest patch>; write every chosen pin (dependencies included) into compat.yml."""
    compat = load_compat_unresolved(path)
    env = compat.releases[version]
    release = release_keys()[version]
    interpreter = find_python(env.python)
    wanted = [f"django=={release.newest_patch}"] + wanted_packages(compat, version)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        log(f"  pip install --dry-run on Python {env.python}: {' '.join(wanted)}")
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


def load_compat_unresolved(path: Path = COMPAT_FILE) -> Compat:
    """compat.yml read without insisting that every release is resolved (for --resolve itself)."""
    raw = datafile.safe_load(path.read_text(encoding="utf-8"))
    needs = tuple(Need(n["name"], n.get("from")) for n in raw["needs"])
    releases = {e["release"]: ReleaseEnv(e["release"], e["python"], bool(e.get("project")),
                                         dict(e.get("packages") or {}),
                                         str(e["resolved"]) if e.get("resolved") else None)
                for e in raw["releases"]}
    return Compat(needs, releases)


# -- what runs where ---------------------------------------------------------------------------------

def plan(pages: list[PageCode] | None = None, only: list[str] | None = None) -> dict[str, list[PageCode]]:
    """release -> the pages that must run on it, in release order."""
    releases = load_releases()
    order = [r.version for r in releases]
    lts = [r.version for r in releases if r.lts]
    runs: dict[str, list[PageCode]] = {}
    for page in pages if pages is not None else pages_with_code():
        for version in page.required_releases(order, lts):
            if only is None or version in only:
                runs.setdefault(version, []).append(page)
    return {v: runs[v] for v in order if v in runs}


def interpreter(version: str, compat: Compat, log=print) -> str:
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
    return str(envs.python_in(envs.ensure(env_spec(env), log=log)))


def env_spec(env: ReleaseEnv) -> envs.Spec:
    """A release's page-matrix environment: its Python and every pin of compat.yml (the whole set: no deps)."""
    pins = tuple(f"{name}=={version_}" for name, version_ in sorted(env.packages.items()))
    return envs.Spec(env.python, pins, no_deps=True, label=f"page matrix {env.release}")


def selection(page: PageCode) -> list[str]:
    """What pytest runs for a page: the page itself (its python blocks) and its use case's tests."""
    return ([relative(page.path)] if page.has_blocks else []) + [relative(t) for t in page.tests]


def owners(node_id: str, pages: list[PageCode]) -> list[str]:
    """The pages a test node belongs to (a node id starts with a path pytest was given)."""
    path = node_id.split("::", 1)[0]
    return [p.page for p in pages if any(path == s or path.startswith(s.rstrip("/") + "/") for s in selection(p))]


def run_release(version: str, pages: list[PageCode], compat: Compat, log=print) -> dict:
    """One pytest session on `version` for all `pages`: {django, python, seconds, pages: {page: result}}."""
    started = time.perf_counter()
    python = interpreter(version, compat, log=log)
    setup = time.perf_counter() - started
    targets = list(dict.fromkeys(s for page in pages for s in selection(page)))
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    with tempfile.TemporaryDirectory(prefix="atlas-page-matrix-") as scratch:
        report = Path(scratch) / "report.json"
        env.update(PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1", ATLAS_PAGE_MATRIX_REPORT=str(report))
        command = [python, "-m", "pytest", "-p", PLUGIN, "-q", "-m", "not browser and not matrix",
                   "-p", "no:cacheprovider", "--continue-on-collection-errors", *targets]
        log(f"  pytest on Django {version}: {' '.join(targets)}")
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        if not report.exists():
            raise RuntimeError(f"pytest on Django {version} wrote no report (exit {done.returncode}):\n"
                               f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        data = json.loads(report.read_text())
    tail = done.stdout.strip().splitlines()[-1:] or [""]
    result = {"django": data["django"], "python": data["python"], "setup_seconds": round(setup, 1),
              "test_seconds": round(time.perf_counter() - started - setup, 1), "summary": tail[0], "pages": {}}
    today = dt.date.today().isoformat()
    for page in pages:
        mine = {node: outcome for node, outcome in data["tests"].items() if page.page in owners(node, pages)}
        failed = sorted(n for n, o in mine.items() if o == "failed")
        skipped = sorted(n for n, o in mine.items() if o.startswith("skipped"))
        passed = sorted(n for n, o in mine.items() if o == "passed")
        later = sorted(n for n, o in mine.items() if o.startswith("not applicable"))
        status = "failed" if failed or not passed else ("incomplete" if skipped else "passed")
        result["pages"][page.page] = {"status": status, "date": today, "passed": passed, "failed": failed,
                                      "skipped": {n: mine[n][len("skipped: "):] for n in skipped},
                                      "not_applicable": {n: mine[n][len("not applicable: "):] for n in later}}
        if failed:
            result["pages"][page.page]["output"] = done.stdout[-6000:]
    return result


JOBS = int(os.environ.get("ATLAS_PAGE_MATRIX_JOBS", "2"))


def run(pages: list[PageCode] | None = None, only: list[str] | None = None, log=print, jobs: int = JOBS) -> dict:
    """Run the plan, `jobs` releases at a time (their servers wait more than they compute);
    {release: run_release(...)} in release order."""
    from concurrent.futures import ThreadPoolExecutor

    compat = load_compat()
    chosen = plan(pages, only)
    # every environment first, several at once (uv waits on downloads and disk more than on the CPU)
    envs.ensure_many([env_spec(compat.releases[v]) for v in chosen
                      if v in compat.releases and not compat.releases[v].project], log=log)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {v: pool.submit(run_release, v, p, compat, log) for v, p in chosen.items()}
        return {v: future.result() for v, future in futures.items()}


def report(version: str, outcome: dict) -> str:
    lines = [f"== Django {outcome['django']} ({version}) on Python {outcome['python']}: setup "
             f"{outcome['setup_seconds']} s, tests {outcome['test_seconds']} s — {outcome['summary']}"]
    for page, result in outcome["pages"].items():
        lines.append(f"  {result['status']:<10} {page}" + "".join(f"\n      ! {n}" for n in result["failed"]))
    return "\n".join(lines)


# -- results: docs/data/page_matrix.json -------------------------------------------------------------

def load_results(path: Path = RESULTS_FILE) -> dict:
    if not path.exists():
        return {"releases": {}, "pages": {}}
    return json.loads(path.read_text(encoding="utf-8"))


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


def claim_problems(results: dict, pages: list[PageCode] | None = None, only: list[str] | None = None) -> list[str]:
    """Every page x required release without a passing result, as 'page: Django X.Y: what failed'."""
    problems = []
    for version, chosen in plan(pages, only).items():
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


def check() -> list[str]:
    """Cross-file rules (for atlas/validation.py): compat.yml against releases.yml, results against ranges.
    A release newer than the recorded runs is not a problem: the upstream report lists it to collect."""
    problems = []
    releases = release_keys()
    results = load_results()
    pending = to_collect(list(releases), results)
    where = relative(COMPAT_FILE)
    compat = load_compat_unresolved()
    for version, env in compat.releases.items():
        if version not in releases:
            problems.append(f"{where}: releases[{version}].release: not a release in docs/data/releases.yml — remove it")
            continue
        if env.python not in releases[version].pythons:
            problems.append(f"{where}: releases[{version}].python = {env.python!r}: Django {version} supports "
                            f"Python {', '.join(releases[version].pythons)} (releases.yml); pick one of those")
    collected = [v for v in releases if v not in pending]
    for version in plan(only=collected):
        if version not in compat.releases:
            problems.append(f"{where}: releases: no entry for {version}, which a page claims; add one and run "
                            f"`python3 dev.py pagematrix --resolve {version}`")
    return problems + claim_problems(results, only=collected)


# -- command line ------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
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
    runs = run(pages, args.release or None, log=lambda *a: print(*a, flush=True))
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
