"""Since which of its releases each package's async offer exists, read from the code of its real releases.

An offer is found in the newest release's code (atlas/collect/ecosystem_rules.py async_code), never typed:
- each module of the package's middleware that holds `async def` (the middleware's async path);
- any `async def` of the package elsewhere (async views, consumers, a-prefixed methods);
- an async sibling package named in atlas/collect/ecosystem_config.py ASYNC_NOTES (adrf beside Django REST
  framework): any `async def` in the sibling's code, in its releases up to the one the note names.
The releases come from `pip index versions` (final releases, in order); the first release whose code has the
offer is found by bisection (the offer is assumed to stay once it arrived; the release before it is read as
well, and recorded, so the step is shown). Each release's file is downloaded once per machine
(atlas/collect/package_files.py: a wheel where one exists, else the sdist, never built). The
newest sdist's changelog line for that release, when one mentions async, is recorded beside the code.
"""
from __future__ import annotations

import ast
import logging
import re
import subprocess
import sys
import tarfile
import zipfile
from functools import cache
from pathlib import Path

from packaging.version import InvalidVersion, Version

from atlas.collect.ecosystem_dists import source_files
from atlas.collect.package_files import release_file

log = logging.getLogger(__name__)
CHANGELOG = re.compile(r"(^|/)(change(s|log)|history|news|release[-_ ]?notes)[^/]*\.(rst|md|txt)$|(^|/)CHANGELOG$", re.I)


@cache
def versions(name: str) -> list[str]:
    """The package's final releases on PyPI, oldest first (`pip index versions`)."""
    done = subprocess.run([sys.executable, "-m", "pip", "index", "versions", name, "--disable-pip-version-check"],
                          capture_output=True, text=True, timeout=300)
    line = next((x for x in done.stdout.splitlines() if x.startswith("Available versions:")), None)
    if line is None:
        raise RuntimeError(f"pip index versions {name} listed no release: {done.stderr[-1000:]}")
    found = []
    for v in line.split(":", 1)[1].split(","):
        try:
            parsed = Version(v.strip())
        except InvalidVersion:
            continue
        if not parsed.is_prerelease and not parsed.is_devrelease:
            found.append(parsed)
    return [str(v) for v in sorted(found)]


@cache
def release_files(name: str, version: str) -> dict[str, str]:
    """{path: text} of the release's Python files: its wheel, or its sdist when it has none (not built)."""
    dist = release_file(name, version)
    if dist is None:
        raise RuntimeError(f"{name} {version}: no wheel and no sdist could be downloaded")
    return source_files(dist)


def _async_lines(files: dict[str, str], where) -> list[tuple[str, int, str]]:
    """(file, line, text) of each `async def` in the files `where(path)` accepts, in path order."""
    found = []
    for path, text in sorted(files.items()):
        if not where(path) or "async def" not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines()
        found += [(path, n.lineno, lines[n.lineno - 1].strip()) for n in ast.walk(tree)
                  if isinstance(n, ast.AsyncFunctionDef)]
    return sorted(found)


def first_release(name: str, where, releases: list[str]) -> tuple[int, int, tuple] | None:
    """(index of the first release with an `async def` in `where`, releases read, its first such line)."""
    read = {}

    def has(i):
        if i not in read:
            try:
                read[i] = _async_lines(release_files(name, releases[i]), where)
            except RuntimeError as error:  # a release with no file pip can fetch: treated as without it
                log.info(f"  {error}")
                read[i] = []
        return bool(read[i])

    if not releases or not has(len(releases) - 1):
        return None
    low, high = 0, len(releases) - 1  # releases[high] has it
    while low < high:
        middle = (low + high) // 2
        if has(middle):
            high = middle
        else:
            low = middle + 1
    if high > 0:
        has(high - 1)
    return high, len(read), read[high][0]


def newest_sdist(name: str, version: str) -> Path | None:
    return release_file(name, version, ("sdist",))


def _sdist_texts(sdist: Path) -> dict[str, str]:
    texts = {}
    if sdist.suffix == ".zip":
        with zipfile.ZipFile(sdist) as archive:
            for n in archive.namelist():
                if CHANGELOG.search(n.split("/", 1)[-1]):
                    texts[n.split("/", 1)[-1]] = archive.read(n).decode("utf-8", "replace")
        return texts
    with tarfile.open(sdist) as archive:
        for m in archive.getmembers():
            if m.isfile() and CHANGELOG.search(m.name.split("/", 1)[-1]):
                texts[m.name.split("/", 1)[-1]] = archive.extractfile(m).read().decode("utf-8", "replace")
    return texts


def changelog_line(name: str, newest: str, since: str, about: str = "") -> dict | None:
    """The line mentioning async in the section of `since` of the newest sdist's changelog: the first that
    also names `about` (the evidence file's name, e.g. middleware), else the first."""
    sdist = newest_sdist(name, newest)
    if sdist is None:
        return None
    heading = re.compile(rf"^[#=\s*v]*(version\s+)?{re.escape(since)}(\b|$)(?![.\d])", re.I)
    any_heading = re.compile(r"^[#=\s*v]*(version\s+)?\d+\.\d+(\.\d+)?(\b|$)", re.I)
    for path, text in sorted(_sdist_texts(sdist).items()):
        lines = text.splitlines()
        starts = [i for i, line in enumerate(lines) if heading.match(line)]
        for start in starts[:1]:
            found = []
            for i in range(start + 1, len(lines)):
                if any_heading.match(lines[i]) and not heading.match(lines[i]):
                    break
                if "async" in lines[i].lower():
                    found.append(i)
            if found:
                i = next((i for i in found if about and about.lower() in lines[i].lower()), found[0])
                return {"file": f"{sdist.name}: {path}", "line": i + 1, "text": lines[i].strip()[:300]}
    return None


def _offer(claim: str, package: str, releases: list[str], where, sibling: bool = False) -> dict | None:
    found = first_release(package, where, releases)
    if found is None:
        return None
    index, read, (path, line, text) = found
    since = releases[index]
    out = {"claim": claim, "package": package, **({"sibling": True} if sibling else {}), "since": since,
           **({"before": releases[index - 1]} if index else {}),
           "evidence": {"file": path, "line": line, "text": text[:200], "url": f"https://pypi.org/project/{package}/{since}/"},
           "releases_read": read}
    about = path.rsplit("/", 1)[-1].removesuffix(".py").replace("__init__", "")
    log_line = changelog_line(package, releases[-1], since, about)
    if log_line:
        out["changelog"] = log_line
    return out


def offers(row: dict, notes: list[dict]) -> list[dict]:
    """The package's async offers (see the module's docstring), each with the first release that has it."""
    name, code = row["name"], row["async_code"]
    if not code["async_defs"] and not any(n.get("sibling") for n in notes):
        return []
    releases = [v for v in versions(name) if Version(v) <= Version(row["version"])]
    out = []
    modules = sorted({m["path"].rsplit(".", 1)[0].replace(".", "/") for m in row["middleware"]})
    middleware_files = {f"{m}.py" for m in modules} | {f"{m}/__init__.py" for m in modules}
    for path in sorted(middleware_files & set(code["modules"])):
        out.append(_offer(f"`async def` in its middleware module {path}", name, releases, lambda p, path=path: p == path))
    if set(code["modules"]) - middleware_files:
        out.append(_offer("`async def` elsewhere in its code", name,
                          releases, lambda p: p not in middleware_files))
    for note in (n for n in notes if n.get("sibling")):
        upto = [v for v in versions(note["sibling"]) if Version(v) <= Version(note["version"])]
        out.append(_offer("`async def` in its code", note["sibling"], upto, lambda p: True, sibling=True))
    return [o for o in out if o]
