"""Every paragraph of Django's async guides, mapped to the atlas page and section that covers it.

The guides are docs/topics/async.txt of the newest release and the async sections of the other topic
guides (docs/data/async_guide_map.yml `sources`: a whole file, one section of it, or the paragraphs of a
file that concern async). A paragraph is known by a hash of its normalized text (RST roles and markup
dropped, case and spacing ignored), so a paragraph a release rewrites shows up as unmapped.

`problems()` (a check of atlas/data/validation.py, beside the docs-coverage check) lists each paragraph of
the newest release that the map lacks, each map entry whose paragraph the newest release no longer has, and each entry whose page or
anchor does not exist; `python3 dev.py guide` prints the paragraphs the newest release adds or changes
against the one before it, with a map entry to fill in for each unmapped one.
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from atlas.collect import rst
from atlas.core import datafile
from atlas.core.paths import DATA, relative
from atlas.data.versions_data import Release, load_releases

MAP_FILE = DATA / "async_guide_map.yml"


@dataclass(frozen=True)
class Paragraph:
    file: str
    line: int
    section: str
    text: str

    @property
    def id(self) -> str:
        return paragraph_id(self.text)

    def says(self) -> str:
        words = rst.plain(self.text).split()
        return " ".join(words[:10]) + (" …" if len(words) > 10 else "")


def normalized(text: str) -> str:
    """The words of a paragraph, without RST markup, case or spacing: what a change must touch to count."""
    plain = rst.plain(text).replace("*", "").replace("\\", "")
    return " ".join(plain.lower().split())


def paragraph_id(text: str) -> str:
    return hashlib.sha256(normalized(text).encode()).hexdigest()[:12]


def load_map(path: Path | None = None) -> dict:
    return datafile.load("async_guide_map", path or MAP_FILE)


def paragraphs(files: dict[str, str], sources: list[dict]) -> list[Paragraph]:
    """The paragraphs of the sources in one release's docs (a source missing there gives none)."""
    from atlas.collect.async_docs_coverage import concerns_async

    found = []
    for source in sources:
        text = files.get(source["file"])
        if text is None:
            continue
        lines = text.split("\n")
        heads = rst.headings(lines)
        start, stop = 0, len(lines)
        if "section" in source:
            title = next((n for n, (_level, t) in heads.items() if rst.plain(t) == source["section"]), None)
            if title is None:
                continue
            start = title + 2
            stop = next((n for n in sorted(heads) if n > title and heads[n][0] <= heads[title][0]), len(lines))
        for number, body in rst.paragraphs(lines, start, stop):
            if source.get("select") == "async" and not concerns_async(body):
                continue
            section = next((rst.plain(heads[n][1]) for n in range(number, -1, -1) if n in heads), "")
            found.append(Paragraph(source["file"], number + 1, section, body))
    return found


def _files(release: Release) -> dict[str, str]:
    from atlas.collect.sdists import _sdist_files, sdist_path

    return _sdist_files(str(sdist_path(release)))


def problems(project, releases: list[Release] | None = None) -> list[str]:
    """Unmapped paragraphs of the newest release, stale entries, entries pointing nowhere."""
    from atlas.collect.async_docs_coverage import answer_exists

    where = relative(MAP_FILE)
    mapping = load_map(project.file("async_guide_map"))
    releases = releases or load_releases(project.file("releases"))
    newest, previous = releases[-1], (releases[-2] if len(releases) > 1 else None)
    current = paragraphs(_files(newest), mapping["sources"])
    earlier = {p.id for p in paragraphs(_files(previous), mapping["sources"])} if previous else set()
    entries = {entry["id"]: entry for entry in mapping["paragraphs"]}
    found = []
    for paragraph in current:
        if paragraph.id not in entries:
            how = f"new or changed in {newest.version}" if previous and paragraph.id not in earlier else "unmapped"
            found.append(f"{paragraph.file}:{paragraph.line} (Django {newest.version} sdist, {paragraph.section!r}): "
                         f"paragraph {paragraph.says()!r} ({how}) is mapped to no page — add "
                         f"{{id: {paragraph.id}, file: {paragraph.file}, says: ..., covered_by: page.md#anchor}} "
                         f"to {where} (`python3 dev.py guide` prints the entry)")
    ids = {p.id for p in current}
    for entry in mapping["paragraphs"]:
        if entry["id"] not in ids:
            found.append(f"{where}: paragraphs: {entry['id']} ({entry['says']!r}) is no longer in Django "
                         f"{newest.version}'s {entry['file']} (changed or removed) — map the new text and remove "
                         f"this entry")
        elif not answer_exists(entry["covered_by"]):
            found.append(f"{where}: paragraphs: {entry['id']}.covered_by = {entry['covered_by']!r}: no such page "
                         f"or anchor under docs/ — point it at the heading that covers {entry['says']!r}")
    return found


# Reads the newest two releases' sdists: `dev.py validate` and the suite run it, the site build does not.
problems.in_build = False


def changes(releases: list[Release] | None = None) -> tuple[list[Paragraph], list[Paragraph]]:
    """(paragraphs the newest release adds or changes against the one before, paragraphs the map lacks)."""
    mapping = load_map()
    releases = releases or load_releases()
    current = paragraphs(_files(releases[-1]), mapping["sources"])
    earlier = {p.id for p in paragraphs(_files(releases[-2]), mapping["sources"])}
    known = {entry["id"] for entry in mapping["paragraphs"]}
    return [p for p in current if p.id not in earlier], [p for p in current if p.id not in known]


def main(argv: list[str] | None = None) -> int:
    releases = load_releases()
    new, unmapped = changes(releases)
    print(f"Paragraphs of the async guides that Django {releases[-1].version} adds or changes against "
          f"{releases[-2].version}: {len(new)}")
    for p in new:
        print(f"  {p.file}:{p.line} [{p.section}] {p.says()}")
    print(f"Unmapped: {len(unmapped)}" + (f" — add these to {relative(MAP_FILE)} with covered_by:" if unmapped else ""))
    for p in unmapped:
        print(f"  - {{id: {p.id}, file: {p.file}, says: {_quoted(p.says())}, covered_by: }}")
    return 1 if unmapped else 0


def _quoted(text: str) -> str:
    return '"' + re.sub(r'(["\\])', r"\\\1", text) + '"'


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
