"""The error index: docs/data/errors.yml, rendered into docs/faq/errors.md (placeholder `error-index`).

Each entry quotes one message exactly (tests/errors triggers it for real on the installed packages) and
says where its text stands in the source: for Django, per feature release, read from that release's sdist
(`lines: {"3.0": 26, ..., "6.1": 34}`, null where the text is not in that release); for asgiref,
Channels and uvicorn, in the installed version (`lines: {"4.3.2": 136}`). The lines are collected, not
typed:

    python -m atlas.error_index --collect     # rewrite every entry's lines from the real code
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tarfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from atlas.errors import DataError
from atlas.paths import DATA, relative
from atlas import datafile
from atlas.versions_data import load_releases, newer_than_collected

ERRORS_FILE = DATA / "errors.yml"
PACKAGES = {"django": "Django", "asgiref": "asgiref", "channels": "Channels", "uvicorn": "uvicorn"}


@dataclass(frozen=True)
class ErrorEntry:
    id: str
    title: str
    message: str
    raised_as: str
    raised_note: str
    package: str
    source: str                     # path inside the package's distribution: django/utils/asyncio.py
    text_at_source: str             # a literal piece of the message, as written in the source
    occurrence: int                 # which occurrence of text_at_source raises it (1: the first)
    lines: dict[str, int | None]    # Django release (or package version) -> line, None: not in that release
    releases_note: str
    cause: str
    fix: str


def load_errors(path: Path = ERRORS_FILE) -> list[ErrorEntry]:
    entries = datafile.safe_load(path.read_text(encoding="utf-8"))
    where = relative(path)
    found = []
    for index, raw in enumerate(entries):
        if raw.get("package") not in PACKAGES:
            raise DataError(f"{where}: entry {raw.get('id', index)}.package = {raw.get('package')!r}: "
                            f"use one of {', '.join(PACKAGES)}")
        lines = {str(k): v for k, v in (raw.get("lines") or {}).items()}
        found.append(ErrorEntry(id=raw["id"], title=raw["title"], message=raw["message"], raised_as=raw["raised_as"],
                                raised_note=raw.get("raised_note", ""), package=raw["package"], source=raw["source"],
                                text_at_source=raw["text_at_source"], occurrence=int(raw.get("occurrence", 1)),
                                lines=lines,
                                releases_note=raw.get("releases_note", ""), cause=raw["cause"].strip(),
                                fix=raw["fix"].strip()))
    return found


# -- where the text stands, collected from the real code ---------------------------------------------

def line_of(text: str, needle: str, occurrence: int = 1) -> int | None:
    """The 1-based line where the `occurrence`-th `needle` starts, or None. A needle may span lines in
    the source (implicit string concatenation "first part " "second part")."""
    lines = text.splitlines()
    found = []
    for number in range(1, len(lines) + 1):
        window = re.sub(r'"\s+"|\'\s+\'', "", " ".join(lines[number - 1:number + 2]).replace("\n", " "))
        later = re.sub(r'"\s+"|\'\s+\'', "", " ".join(lines[number:number + 2]))
        if needle in lines[number - 1] or (needle in window and needle not in later):
            found.append(number)
    found = [n for i, n in enumerate(found) if i == 0 or n != found[i - 1]]
    return found[occurrence - 1] if len(found) >= occurrence else None


@lru_cache(maxsize=16)
def _sdist_members(sdist: str, members: tuple[str, ...]) -> dict[str, str]:
    """The texts of `members` in a Django sdist. Unpacking a tarball takes about half a second, so what
    was read is kept next to it (an sdist never changes): `<sdist>.members.json`."""
    tarball = Path(sdist)
    kept = tarball.with_name(tarball.name + ".members.json")
    try:
        known = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    missing = set(members) - set(known)
    if missing:
        known.update(dict.fromkeys(missing))  # null: not in this sdist
        with tarfile.open(tarball, mode="r:gz") as tar:
            for info in tar:
                name = info.name.split("/", 1)[1] if "/" in info.name else info.name
                if info.isfile() and name in missing:
                    known[name] = tar.extractfile(info).read().decode("utf-8", errors="replace")
        partial = kept.with_name(f"{kept.name}.{os.getpid()}")  # parallel workers: replace, never half-write
        partial.write_text(json.dumps(known), encoding="utf-8")
        os.replace(partial, kept)
    return {name: known[name] for name in members if known[name] is not None}


def django_lines(entries: list[ErrorEntry]) -> dict[str, dict[str, int | None]]:
    """entry id -> {release: line or None}, every Django release of docs/data/releases.yml, from its sdist."""
    from atlas.matrix import sdist_paths
    from atlas.versions_data import load_releases

    django_entries = [e for e in entries if e.package == "django"]
    members = tuple(sorted({e.source for e in django_entries}))
    collected: dict[str, dict[str, int | None]] = {e.id: {} for e in django_entries}
    releases = load_releases()
    sdists = sdist_paths(releases)   # the missing ones fetched at the same time
    for release in releases:
        files = _sdist_members(str(sdists[release.version]), members)
        for entry in django_entries:
            text = files.get(entry.source)
            collected[entry.id][release.version] = line_of(text, entry.text_at_source, entry.occurrence) if text else None
    return collected


def installed_source(package: str, source: str) -> Path:
    dist = metadata.distribution(package)
    return Path(dist.locate_file(source))


def third_party_lines(entries: list[ErrorEntry]) -> dict[str, dict[str, int | None]]:
    """entry id -> {installed version: line or None} for asgiref, Channels and uvicorn entries."""
    collected = {}
    for entry in entries:
        if entry.package == "django":
            continue
        path = installed_source(entry.package, entry.source)
        line = (line_of(path.read_text(encoding="utf-8"), entry.text_at_source, entry.occurrence)
                if path.is_file() else None)
        collected[entry.id] = {metadata.version(entry.package): line}
    return collected


def collect(entries: list[ErrorEntry]) -> dict[str, dict[str, int | None]]:
    return {**django_lines(entries), **third_party_lines(entries)}


def write_lines(collected: dict[str, dict[str, int | None]], path: Path = ERRORS_FILE) -> None:
    """Replace each entry's `lines:` block in errors.yml, leaving the rest of the file as written."""
    out, skipping, current = [], False, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- id: "):
            current = line[len("- id: "):].strip()
        if skipping:
            if line.startswith("    "):
                continue
            skipping = False
        if line.startswith("  lines:") and current in collected:
            out.append("  lines:")
            out += [f'    "{k}": {"null" if v is None else v}' for k, v in collected[current].items()]
            skipping = True
            continue
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# -- rendering ---------------------------------------------------------------------------------------

def _spans(lines: dict[str, int | None]) -> list[tuple[list[str], int | None]]:
    """Consecutive releases with the same line: [(["3.0", "3.1"], 26), (["3.2", ...], 34)]."""
    spans: list[tuple[list[str], int | None]] = []
    for version, line in lines.items():
        if spans and spans[-1][1] == line:
            spans[-1][0].append(version)
        else:
            spans.append(([version], line))
    return spans


def _versions(versions: list[str]) -> str:
    return versions[0] if len(versions) == 1 else f"{versions[0]}–{versions[-1]}"


def source_line(entry: ErrorEntry) -> str:
    name = PACKAGES[entry.package]
    parts = []
    for versions, line in _spans(entry.lines):
        where = f"{name} {_versions(versions)}"
        parts.append(f"line {line} in {where}" if line is not None else f"not in {where}")
    return f"`{entry.source}`: " + "; ".join(parts)


def releases_line(entry: ErrorEntry) -> str:
    if entry.package == "django":
        present = [v for v, line in entry.lines.items() if line is not None]
        text = f"Django {present[0]} and later ([{present[0]} notes](../versions/{present[0]}.md))" if present else "none"
    else:
        (version,) = entry.lines
        text = f"third-party: {PACKAGES[entry.package]} (checked against {version})"
    return text + (f"; {entry.releases_note}" if entry.releases_note else "")


def render_entry(entry: ErrorEntry) -> str:
    raised = f"`{entry.raised_as}`" + (f" {entry.raised_note}" if entry.raised_note else "")
    return "\n".join([
        f"## {entry.title} {{ #{entry.id} }}", "",
        "```text", entry.message, "```", "",
        f"**Raised as:** {raised}<br>",
        f"**Source:** {source_line(entry)}<br>",
        f"**Releases:** {releases_line(entry)}", "",
        f"**Cause.** {entry.cause}", "",
        f"**Fix.** {entry.fix}", "",
    ])


def render_error_index() -> str:
    return "\n".join(render_entry(entry) for entry in load_errors())


def to_collect(order: list[str], entries: list[ErrorEntry]) -> list[str]:
    """Releases newer than every collected Django line: added to releases.yml, lines not collected yet."""
    return newer_than_collected(order, {v for e in entries if e.package == "django" for v in e.lines})


def check() -> list[str]:
    """Cross-file rules (for atlas/validation.py): each Django entry names a line (or null) for every
    release of docs/data/releases.yml up to the newest collected one, and only for those. Newer releases
    are not a problem: the upstream report lists them to collect."""
    return line_problems([r.version for r in load_releases()], load_errors())


def line_problems(order: list[str], entries: list[ErrorEntry]) -> list[str]:
    pending = to_collect(order, entries)
    releases = [v for v in order if v not in pending]
    problems = []
    for entry in entries:
        if entry.package == "django" and list(entry.lines) != releases:
            problems.append(f"{relative(ERRORS_FILE)}: {entry.id}.lines: has {', '.join(entry.lines)}, expected every "
                            f"release of docs/data/releases.yml ({', '.join(releases)}) — run "
                            f"`python -m atlas.error_index --collect`")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.error_index", description=__doc__.split("\n\n")[0])
    parser.add_argument("--collect", action="store_true", help="rewrite each entry's lines from the real code")
    args = parser.parse_args(argv)
    entries = load_errors()
    if args.collect:
        write_lines(collect(entries))
        print(f"lines collected into {relative(ERRORS_FILE)}")
    print(render_error_index())
    return 0


if __name__ == "__main__":
    sys.exit(main())
