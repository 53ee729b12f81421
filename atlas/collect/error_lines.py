"""Collect where each error message's text stands in the real source, and write the lines into errors.yml."""
from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

from atlas.core import yaml_rewrite
from atlas.core.paths import relative
from atlas.data.error_index import ERRORS_FILE, ErrorEntry, load_errors
from atlas.data.versions_data import load_releases
from atlas.site.error_index_render import render_error_index

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


def django_lines(entries: list[ErrorEntry]) -> dict[str, dict[str, int | None]]:
    """entry id -> {release: line or None}, every Django release of docs/data/releases.yml, from its sdist."""
    from atlas.collect.sdists import release_files

    django_entries = [e for e in entries if e.package == "django"]
    collected: dict[str, dict[str, int | None]] = {e.id: {} for e in django_entries}
    for release, files in release_files(load_releases(), {e.source for e in django_entries}):
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
    """Replace each entry's `lines:` mapping in errors.yml, leaving the rest of the file as written."""
    def change(entries) -> bool:
        for entry in entries:
            if "lines" in entry and entry.get("id") in collected:
                yaml_rewrite.replace_items(entry["lines"], {yaml_rewrite.quoted(release): line
                                                           for release, line in collected[entry["id"]].items()})
        return True

    yaml_rewrite.rewrite(path, change)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m atlas.collect.error_index", description=__doc__.split("\n\n")[0])
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
